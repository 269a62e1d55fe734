// Tagging speed of the NER model alone: loads the committed model, reads the
// CoNLL-2003 development file (not part of the repository; skipped when
// absent) and tags it several times on one thread, reporting tokens/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"

ABSL_FLAG(std::string, model, DOSSIER_DEFAULT_NER_MODEL, "the NER model");
ABSL_FLAG(std::string, conll, DOSSIER_NER_BENCH_CONLL, "CoNLL file to tag");
ABSL_FLAG(int, rounds, 7, "times to tag the file; the median round is reported");

namespace ner = dossier::entity::ner;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string conll = absl::GetFlag(FLAGS_conll);
  if (!std::ifstream(conll)) {
    std::printf("ner_bench: skipped: %s not found (the CoNLL-2003 files are not part of the repository)\n",
                conll.c_str());
    return 0;
  }
  using Clock = std::chrono::steady_clock;
  auto load_start = Clock::now();
  auto model = ner::NerModel::Load(absl::GetFlag(FLAGS_model));
  if (!model.ok()) {
    std::fprintf(stderr, "ner_bench: %s\n", std::string(model.status().message()).c_str());
    return 1;
  }
  double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();
  auto docs = ner::ReadConllFile(conll);
  if (!docs.ok()) {
    std::fprintf(stderr, "ner_bench: %s\n", std::string(docs.status().message()).c_str());
    return 1;
  }
  std::vector<std::vector<std::vector<std::string_view>>> documents;
  size_t tokens = 0;
  for (const auto& d : *docs) {
    auto& doc = documents.emplace_back();
    for (const auto& s : d.sentences) {
      doc.emplace_back(s.tokens.begin(), s.tokens.end());
      tokens += s.tokens.size();
    }
  }
  ner::NerWorkspace ws;
  std::vector<uint8_t> tags;
  std::vector<double> rate;
  size_t entities = 0;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    auto start = Clock::now();
    for (const auto& doc : documents) {
      ner::DocumentContext context;
      for (const auto& s : doc) context.AddSentence(s);
      for (const auto& s : doc) {
        model->Tag(s, &context, &ws, &tags);
        for (uint8_t t : tags) entities += t != 0 && ((t - 1) % 4 == 0 || (t - 1) % 4 == 3);
      }
    }
    rate.push_back(static_cast<double>(tokens) / std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(rate.begin(), rate.end());
  std::printf("ner_bench: model loaded in %.2f s (%zu weight rows); %zu tokens x %zu rounds\n", load_s,
              model->num_rows(), tokens, rate.size());
  std::printf("ner_bench: median %.0f tokens/s, best %.0f tokens/s (one thread; %zu entities per round)\n",
              rate[rate.size() / 2], rate.back(), entities / rate.size());
  return 0;
}
