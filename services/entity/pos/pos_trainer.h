#ifndef DOSSIER_SERVICES_ENTITY_POS_POS_TRAINER_H_
#define DOSSIER_SERVICES_ENTITY_POS_POS_TRAINER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/entity/pos/pos_tagger.h"

// Training data, training (averaged perceptron, greedy left to right) and
// scoring of PosTagger.

namespace dossier::entity::pos {

// One sentence with a model tag id (index into kModelTags) per token.
struct PosSentence {
  std::vector<std::string> tokens;
  std::vector<uint8_t> tags;
};

// Reads the first two columns ("token POS ...") of CoNLL text: one token per
// line, a blank line after each sentence, "-DOCSTART-" lines skipped. Fails
// with INVALID_ARGUMENT naming the line for a line with one column or a tag
// that is not a Penn Treebank tag of kModelTags (`"` and `` read as the quote
// tag, "NN|SYM" as NN).
absl::StatusOr<std::vector<PosSentence>> ParsePosConll(std::string_view text);
// As ParsePosConll; NOT_FOUND if the file cannot be read.
absl::StatusOr<std::vector<PosSentence>> ReadPosConllFile(const std::string& path);

// Splits a text into tokens, returned as byte ranges [begin, end).
using SpanTokenizer = std::function<std::vector<std::pair<uint32_t, uint32_t>>(std::string_view text)>;

// The sentence as `tokenize` splits it: the tokens are joined with spaces
// (contraction clitics "n't", "'ll", "'re", "'ve", "'m", "'d", "'s" without),
// re-tokenized and aligned with the original tokens by byte offsets. A token
// cut into parts ("Sino-Russian" -> "Sino" "-" "Russian") gives each part its
// tag and each hyphen between parts HYPH; punctuation cut off its start or end
// gets the tag it has on its own ("8." -> CD "."); tokens joined into one
// ("do" "n't" -> "don't") give it the tag of the first.
PosSentence Retokenize(const PosSentence& sentence, const SpanTokenizer& tokenize);

// Re-cased copies of sentences, as headlines and careless text write them
// (ASCII letters only): all lower case; title case (the first letter of
// every word upper case except short function words after the first:
// "Putin Telephones Jiang on Border Dispute"); all upper case.
enum class Casing { kLower, kTitle, kUpper };
PosSentence Recase(const PosSentence& sentence, Casing casing);

struct TrainOptions {
  int epochs = 8;
  uint64_t seed = 1;  // order in which sentences are visited each epoch
  int hash_bits = kDefaultHashBits;
  float prune = 0;  // averaged weights with |w| below this are dropped from the model
  // The lexicon: words (normalised, case-sensitive) seen at least
  // lexicon_min_count times, with their most frequent tag (a feature of the
  // words before them); those seen at least dictionary_min_count times with
  // one tag in at least dictionary_min_share of them are tagged so without
  // scoring.
  int lexicon_min_count = 5;
  int dictionary_min_count = 20;
  double dictionary_min_share = 0.99;
  // Called after each epoch with the averaged model so far (e.g. to score a
  // development set). Optional.
  std::function<void(int epoch, const PosTagger& tagger)> on_epoch;
};

// The lexicon of a model trained on the sentences.
Lexicon BuildLexicon(const std::vector<PosSentence>& sentences, const TrainOptions& options);

// Trains on the sentences. Single-threaded and deterministic: the same
// sentences and options give a byte-identical model file.
PosTagger Train(const std::vector<PosSentence>& sentences, const TrainOptions& options);

struct PosEvaluation {
  int64_t tokens = 0;
  int64_t correct = 0;
  double tag_seconds = 0;  // time spent in PosTagger::Tag (string tags), one thread
  // (gold, predicted) tag ids -> count, for wrong tags only.
  std::map<std::pair<int, int>, int64_t> confusions;
  std::vector<int64_t> gold_count = std::vector<int64_t>(kNumTags);
  std::vector<int64_t> correct_count = std::vector<int64_t>(kNumTags);

  double accuracy() const { return tokens == 0 ? 0 : 100.0 * static_cast<double>(correct) / tokens; }
  // Accuracy, then the `top` most frequent confusions ("gold -> predicted").
  std::string Report(int top) const;
};

// Tags every sentence `repeat` times (timing all rounds) and scores the first
// round's tags against the gold ones (quotes: gold `"` matches `` or '').
PosEvaluation Evaluate(const PosTagger& tagger, const std::vector<PosSentence>& sentences, int repeat = 1);

}  // namespace dossier::entity::pos

#endif  // DOSSIER_SERVICES_ENTITY_POS_POS_TRAINER_H_
