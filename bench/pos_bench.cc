// Tagging speed of the POS tagger alone (services/entity/pos): loads the
// committed model, generates articles, splits them into tokens and sentences
// with the entity tokenizer (not timed), then tags every sentence several
// times on one thread with PosTagger::Tag (string tags, reused workspace),
// reporting tokens/s of the median round.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/article_generator.h"
#include "services/entity/pos/pos_tagger.h"
#include "services/entity/tokenizer.h"

ABSL_FLAG(std::string, model, DOSSIER_DEFAULT_POS_MODEL, "the POS model");
ABSL_FLAG(int, count, 2000, "articles to generate");
ABSL_FLAG(int, rounds, 7, "times to tag them; the median round is reported");
ABSL_FLAG(int, show, 0, "print the first N sentences as token/TAG");

namespace pos = dossier::entity::pos;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using Clock = std::chrono::steady_clock;
  const auto load_start = Clock::now();
  auto tagger = pos::PosTagger::Load(absl::GetFlag(FLAGS_model));
  if (!tagger.ok()) {
    std::fprintf(stderr, "pos_bench: %s\n", std::string(tagger.status().message()).c_str());
    return 1;
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  dossier::bench::ArticleGenerator generator(7);
  std::vector<std::string> texts;
  for (int i = 0; i < absl::GetFlag(FLAGS_count); ++i) texts.push_back(generator.Next().body);
  std::vector<std::vector<std::string_view>> sentences;
  size_t tokens = 0;
  const auto tokenize_start = Clock::now();
  for (const std::string& text : texts) {
    const dossier::entity::TokenizedText tt = dossier::entity::Tokenize(text);
    for (const dossier::entity::Sentence& s : dossier::entity::SplitSentences(tt, text)) {
      auto& sentence = sentences.emplace_back();
      for (int i = s.token_begin; i < s.token_end; ++i) sentence.push_back(tt.text(i, text));
      tokens += sentence.size();
    }
  }
  const double tokenize_s = std::chrono::duration<double>(Clock::now() - tokenize_start).count();

  pos::PosWorkspace ws;
  std::vector<std::string_view> tags;
  std::vector<double> rate;
  std::map<std::string_view, size_t> counts;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    const auto start = Clock::now();
    for (const auto& s : sentences) tagger->Tag(s, &ws, &tags);
    rate.push_back(static_cast<double>(tokens) / std::chrono::duration<double>(Clock::now() - start).count());
  }
  for (const auto& s : sentences) {
    tagger->Tag(s, &ws, &tags);
    for (std::string_view t : tags) ++counts[t];
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_show) && i < static_cast<int>(sentences.size()); ++i) {
    tagger->Tag(sentences[i], &ws, &tags);
    for (size_t k = 0; k < tags.size(); ++k) {
      std::printf("%s%.*s/%.*s", k ? " " : "", static_cast<int>(sentences[i][k].size()),
                  sentences[i][k].data(), static_cast<int>(tags[k].size()), tags[k].data());
    }
    std::printf("\n");
  }
  std::sort(rate.begin(), rate.end());
  std::printf("pos_bench: model loaded in %.3f s (%zu weights, %zu lexicon words)\n", load_s,
              tagger->num_weights(), tagger->num_lexicon_words());
  std::printf(
      "pos_bench: %zu articles, %zu sentences, %zu tokens (tokenized and split in %.2f s) x %zu rounds\n",
      texts.size(), sentences.size(), tokens, tokenize_s, rate.size());
  std::printf("pos_bench: median %.0f tokens/s, best %.0f tokens/s (one thread)\n", rate[rate.size() / 2],
              rate.back());
  std::printf(
      "pos_bench: verbs per article: VBD %.1f, VBZ %.1f, VBN %.1f, VB %.1f, MD %.1f\n",
      static_cast<double>(counts["VBD"]) / texts.size(), static_cast<double>(counts["VBZ"]) / texts.size(),
      static_cast<double>(counts["VBN"]) / texts.size(), static_cast<double>(counts["VB"]) / texts.size(),
      static_cast<double>(counts["MD"]) / texts.size());
  return 0;
}
