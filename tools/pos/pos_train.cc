// pos-train: trains the part-of-speech tagger from CoNLL files (token in the
// first column, Penn Treebank tag in the second).
//
//   pos-train --train FILE[,FILE...] [--dev FILE] --out data/models/pos-en.model
//
// Each training sentence is used as written and, when the entity tokenizer
// splits it differently (hyphens, contractions), as that tokenizer splits it
// (--retokenize). Deterministic: the same files and flags give a
// byte-identical model. With --dev, prints the development-set accuracy after
// every epoch (the dev file is never trained on).

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/entity/pos/pos_tagger.h"
#include "services/entity/pos/pos_tokenize.h"
#include "services/entity/pos/pos_trainer.h"

ABSL_FLAG(std::vector<std::string>, train, {}, "CoNLL training file(s), comma-separated");
ABSL_FLAG(std::string, dev, "", "CoNLL development file, scored after each epoch (optional)");
ABSL_FLAG(std::string, out, "data/models/pos-en.model", "Where to write the model");
ABSL_FLAG(int, epochs, 8, "Training epochs");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the sentence order");
ABSL_FLAG(int, hash_bits, dossier::entity::pos::kDefaultHashBits, "log2 of the number of feature buckets");
ABSL_FLAG(double, prune, 0.0, "Drop averaged weights with absolute value below this");
ABSL_FLAG(bool, retokenize, true, "Also train on sentences as the entity tokenizer splits them");
ABSL_FLAG(int, recase_every, 20,
          "Add title-case, upper-case and lower-case copies of one in N training sentences each (0: none)");
ABSL_FLAG(int, lexicon_min_count, 5, "Lexicon: minimum occurrences of a word");
ABSL_FLAG(int, dictionary_min_count, 20, "Minimum occurrences of a word tagged without scoring (0: none)");

namespace pos = dossier::entity::pos;

namespace {

std::vector<pos::PosSentence> Retokenized(const std::vector<pos::PosSentence>& sentences) {
  const pos::SpanTokenizer tokenize = pos::EntityTokenizer();
  std::vector<pos::PosSentence> out;
  for (const pos::PosSentence& s : sentences) {
    pos::PosSentence r = pos::Retokenize(s, tokenize);
    if (r.tokens != s.tokens) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Trains the POS tagger: pos-train --train FILE [--dev FILE] --out MODEL");
  absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> train_files = absl::GetFlag(FLAGS_train);
  if (train_files.empty()) {
    std::fprintf(stderr, "pos-train: --train is required\n");
    return 2;
  }
  std::vector<pos::PosSentence> train;
  for (const std::string& file : train_files) {
    auto sentences = pos::ReadPosConllFile(file);
    if (!sentences.ok()) {
      std::fprintf(stderr, "pos-train: %s\n", std::string(sentences.status().message()).c_str());
      return 1;
    }
    for (auto& s : *sentences) train.push_back(std::move(s));
  }
  size_t retokenized = 0;
  if (absl::GetFlag(FLAGS_retokenize)) {
    std::vector<pos::PosSentence> extra = Retokenized(train);
    retokenized = extra.size();
    for (auto& s : extra) train.push_back(std::move(s));
  }
  size_t recased = 0;
  if (const int every = absl::GetFlag(FLAGS_recase_every); every > 0) {
    // Sentences i with i % every == 1, 2, 3 (when every >= 4): one copy each,
    // in title, upper and lower case.
    const size_t originals = train.size();
    for (size_t i = 0; i < originals; ++i) {
      const size_t slot = i % static_cast<size_t>(every);
      if (slot < 1 || slot > 3 || (every < 4 && slot != 1)) continue;
      const pos::Casing casing = slot == 1   ? pos::Casing::kTitle
                                 : slot == 2 ? pos::Casing::kUpper
                                             : pos::Casing::kLower;
      train.push_back(pos::Recase(train[i], casing));
      ++recased;
    }
  }
  std::vector<pos::PosSentence> dev, dev_retokenized;
  if (!absl::GetFlag(FLAGS_dev).empty()) {
    auto sentences = pos::ReadPosConllFile(absl::GetFlag(FLAGS_dev));
    if (!sentences.ok()) {
      std::fprintf(stderr, "pos-train: %s\n", std::string(sentences.status().message()).c_str());
      return 1;
    }
    dev = std::move(*sentences);
    const pos::SpanTokenizer tokenize = pos::EntityTokenizer();
    for (const auto& s : dev) dev_retokenized.push_back(pos::Retokenize(s, tokenize));
  }
  size_t tokens = 0;
  for (const auto& s : train) tokens += s.tokens.size();
  std::fprintf(stderr,
               "pos-train: %zu training sentences (%zu re-tokenized and %zu re-cased copies), %zu tokens\n",
               train.size(), retokenized, recased, tokens);

  pos::TrainOptions options;
  options.epochs = absl::GetFlag(FLAGS_epochs);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.hash_bits = absl::GetFlag(FLAGS_hash_bits);
  options.prune = static_cast<float>(absl::GetFlag(FLAGS_prune));
  options.lexicon_min_count = absl::GetFlag(FLAGS_lexicon_min_count);
  options.dictionary_min_count = absl::GetFlag(FLAGS_dictionary_min_count);
  if (options.dictionary_min_count <= 0) options.dictionary_min_count = 1 << 30;
  if (options.hash_bits < 8 || options.hash_bits > 24) {
    std::fprintf(stderr, "pos-train: --hash_bits must be in [8, 24]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  if (!dev.empty()) {
    options.on_epoch = [&](int epoch, const pos::PosTagger& tagger) {
      const pos::PosEvaluation e = pos::Evaluate(tagger, dev);
      const pos::PosEvaluation r = pos::Evaluate(tagger, dev_retokenized);
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("epoch %2d  dev accuracy %.2f%%  re-tokenized %.2f%%  (%zu weights)  %.0fs\n", epoch,
                  e.accuracy(), r.accuracy(), tagger.num_weights(), elapsed);
      std::fflush(stdout);
    };
  }
  const pos::PosTagger tagger = pos::Train(train, options);
  const absl::Status saved = tagger.Save(absl::GetFlag(FLAGS_out));
  if (!saved.ok()) {
    std::fprintf(stderr, "pos-train: %s\n", std::string(saved.message()).c_str());
    return 1;
  }
  size_t unambiguous = 0;
  for (const auto& [key, entry] : tagger.lexicon()) unambiguous += (entry & pos::kUnambiguous) != 0;
  std::fprintf(stderr,
               "pos-train: wrote %s (%zu weights, %zu lexicon words, %zu tagged without scoring) in %.1f s\n",
               absl::GetFlag(FLAGS_out).c_str(), tagger.num_weights(), tagger.num_lexicon_words(),
               unambiguous, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}
