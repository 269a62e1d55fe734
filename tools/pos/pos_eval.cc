// pos-eval: tags a CoNLL file (token, Penn Treebank tag, ...) with a POS
// model and reports token accuracy, the most frequent errors and the tagging
// speed (model loaded, one thread, PosTagger::Tag with string tags).
//
//   pos-eval --model data/models/pos-en.model --data FILE [--retokenize] [--repeat N]
//   pos-eval --model data/models/pos-en.model --text "He will visit Beijing."   # token/TAG

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/entity/pos/pos_tagger.h"
#include "services/entity/pos/pos_tokenize.h"
#include "services/entity/pos/pos_trainer.h"

ABSL_FLAG(std::string, model, "data/models/pos-en.model", "Model file");
ABSL_FLAG(std::string, data, "", "CoNLL file to score");
ABSL_FLAG(std::string, text, "",
          "Instead of scoring: tokenize this text as the entity service does and print token/TAG");
ABSL_FLAG(bool, retokenize, false,
          "Score the file as the entity tokenizer splits it (hyphens, contractions)");
ABSL_FLAG(std::string, recase, "", "Score a re-cased copy: lower, title or upper");
ABSL_FLAG(int, repeat, 5, "Tag the file this many times (for a steadier tokens/s figure)");
ABSL_FLAG(int, top, 10, "Errors to list");
ABSL_FLAG(std::string, predictions, "", "Write 'token gold predicted' lines here (optional)");

namespace pos = dossier::entity::pos;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Scores a POS model: pos-eval --model MODEL --data FILE");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::string data = absl::GetFlag(FLAGS_data);
  if (data.empty() && args.size() == 2) data = args[1];
  if ((data.empty() && absl::GetFlag(FLAGS_text).empty()) || args.size() > 2) {
    std::fprintf(stderr, "usage: pos-eval --model MODEL --data FILE [--retokenize] [--repeat N]\n");
    return 2;
  }
  auto tagger = pos::PosTagger::Load(absl::GetFlag(FLAGS_model));
  if (!tagger.ok()) {
    std::fprintf(stderr, "pos-eval: %s\n", std::string(tagger.status().message()).c_str());
    return 1;
  }
  if (const std::string text = absl::GetFlag(FLAGS_text); !text.empty()) {
    const std::vector<std::string> tokens = pos::TokenizeForTagging(text);
    const std::vector<std::string_view> views(tokens.begin(), tokens.end());
    const std::vector<std::string_view> tags = tagger->Tag(views);
    for (size_t i = 0; i < tokens.size(); ++i)
      std::printf("%s%s/%s", i ? " " : "", tokens[i].c_str(), std::string(tags[i]).c_str());
    std::printf("\n");
    return 0;
  }
  auto sentences = pos::ReadPosConllFile(data);
  if (!sentences.ok()) {
    std::fprintf(stderr, "pos-eval: %s\n", std::string(sentences.status().message()).c_str());
    return 1;
  }
  if (absl::GetFlag(FLAGS_retokenize)) {
    const pos::SpanTokenizer tokenize = pos::EntityTokenizer();
    for (auto& s : *sentences) s = pos::Retokenize(s, tokenize);
  }
  if (const std::string recase = absl::GetFlag(FLAGS_recase); !recase.empty()) {
    pos::Casing casing;
    if (recase == "lower") {
      casing = pos::Casing::kLower;
    } else if (recase == "title") {
      casing = pos::Casing::kTitle;
    } else if (recase == "upper") {
      casing = pos::Casing::kUpper;
    } else {
      std::fprintf(stderr, "pos-eval: --recase must be lower, title or upper\n");
      return 2;
    }
    for (auto& s : *sentences) s = pos::Recase(s, casing);
  }
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  const pos::PosEvaluation e = pos::Evaluate(*tagger, *sentences, repeat);
  std::printf("%zu sentences, %lld tokens%s\n", sentences->size(), static_cast<long long>(e.tokens),
              absl::GetFlag(FLAGS_retokenize) ? " (re-tokenized as the entity service splits text)" : "");
  std::printf("%s", e.Report(absl::GetFlag(FLAGS_top)).c_str());
  std::printf("speed: %.0f tokens/s (one thread, %d rounds, %.3f s tagging)\n",
              static_cast<double>(e.tokens) * repeat / e.tag_seconds, repeat, e.tag_seconds);
  if (const std::string out = absl::GetFlag(FLAGS_predictions); !out.empty()) {
    std::FILE* f = std::fopen(out.c_str(), "w");
    if (f == nullptr) {
      std::fprintf(stderr, "pos-eval: cannot write %s\n", out.c_str());
      return 1;
    }
    pos::PosWorkspace ws;
    std::vector<std::string_view> tags;
    for (const pos::PosSentence& s : *sentences) {
      const std::vector<std::string_view> tokens(s.tokens.begin(), s.tokens.end());
      tagger->Tag(tokens, &ws, &tags);
      for (size_t i = 0; i < tokens.size(); ++i) {
        std::fprintf(f, "%s %s %s\n", s.tokens[i].c_str(), std::string(pos::kModelTags[s.tags[i]]).c_str(),
                     std::string(tags[i]).c_str());
      }
      std::fprintf(f, "\n");
    }
    std::fclose(f);
  }
  return 0;
}
