// ner-eval: tags a CoNLL file with a NER model and scores it as conlleval
// does (chunk-level precision, recall and F1 per type and overall), and
// reports the tagging speed (model loaded, one thread).
//
//   ner-eval --model data/models/ner-en.model [--predictions OUT] FILE

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"
#include "services/entity/ner/ner_trainer.h"

ABSL_FLAG(std::string, model, "data/models/ner-en.model", "Model file");
ABSL_FLAG(std::string, predictions, "", "Write 'token gold predicted' lines here (optional)");
ABSL_FLAG(int, repeat, 1, "Tag the file this many times (for a steadier tokens/s figure)");

namespace ner = dossier::entity::ner;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Scores a NER model: ner-eval --model MODEL [--predictions OUT] FILE");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: ner-eval --model MODEL [--predictions OUT] FILE\n");
    return 2;
  }
  auto model = ner::NerModel::Load(absl::GetFlag(FLAGS_model));
  if (!model.ok()) {
    std::fprintf(stderr, "ner-eval: %s\n", std::string(model.status().message()).c_str());
    return 1;
  }
  auto docs = ner::ReadConllFile(args[1]);
  if (!docs.ok()) {
    std::fprintf(stderr, "ner-eval: %s\n", std::string(docs.status().message()).c_str());
    return 1;
  }
  const std::string predictions_path = absl::GetFlag(FLAGS_predictions);
  ner::Evaluation e = ner::Evaluate(*model, *docs, !predictions_path.empty());
  double seconds = e.tag_seconds;
  int64_t tokens = e.tokens;
  for (int r = 1; r < absl::GetFlag(FLAGS_repeat); ++r) {
    ner::Evaluation again = ner::Evaluate(*model, *docs, false);
    seconds += again.tag_seconds;
    tokens += again.tokens;
  }
  std::fputs(e.chunks.Report().c_str(), stdout);
  std::printf("tagging: %lld tokens in %.3f s = %.0f tokens/s (one thread, model loaded)\n",
              static_cast<long long>(tokens), seconds, seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0);
  if (!predictions_path.empty()) {
    std::ofstream out(predictions_path, std::ios::binary | std::ios::trunc);
    size_t k = 0;
    for (const ner::ConllDocument& d : *docs) {
      for (const ner::ConllSentence& s : d.sentences) {
        const std::vector<std::string>& p = e.predicted[k++];
        for (size_t i = 0; i < s.tokens.size(); ++i) out << s.tokens[i] << ' ' << s.tags[i] << ' ' << p[i] << '\n';
        out << '\n';
      }
    }
    if (!out) {
      std::fprintf(stderr, "ner-eval: cannot write %s\n", predictions_path.c_str());
      return 1;
    }
  }
  return 0;
}
