#ifndef DOSSIER_SERVICES_ENTITY_POS_POS_TAGGER_H_
#define DOSSIER_SERVICES_ENTITY_POS_POS_TAGGER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

// A part-of-speech tagger: greedy left-to-right averaged perceptron over Penn
// Treebank tags, trained on the POS column of CoNLL-2003 (see pos_trainer.h).
//
// Tokens are expected as services/entity/tokenizer.h makes them, and the model
// is trained on CoNLL sentences re-tokenized that way, so:
//  - a hyphenated compound comes as parts and hyphens ("Sino" "-" "Russian"):
//    each part gets the tag of the whole compound (JJ JJ), each hyphen between
//    parts HYPH (the OntoNotes extension of the Penn tag set; a free-standing
//    dash, as in "SOCCER - JAPAN", is ":");
//  - contractions the tokenizer keeps whole ("don't", "won't", "they're",
//    "I'm") get the tag of their first part (VBP, MD, PRP, PRP); "'s" is split
//    off and is POS or VBZ;
//  - abbreviations keep their period ("Mr.", "U.S.", "Sept."), as in CoNLL;
//  - curly and straight quotes, dashes, ellipses and currency signs are
//    normalised before lookup ("’" -> "'", "—" -> "--", "€" -> "$"). Double
//    quotes are tagged `` (opening) or '' (closing) whatever the model says:
//    by the character for “ ” „ « » ‹ › ‘, by position for a straight " (the
//    first of each pair in the sentence opens, one ending the sentence
//    closes); a lone ' or ’ is POS or '' as the model decides; "#" is #.
// Every tag is one of kModelTags, `` or #.
//
// A PosTagger is immutable after loading and thread-safe; each thread passes
// its own PosWorkspace, whose buffers are reused so that tagging does not
// allocate once they have grown to the longest sentence.

namespace dossier::entity::pos {

// Tags the model predicts (ids are indices); `` and # are only output, see above.
inline constexpr std::string_view kModelTags[] = {
    "NNP", "NN", "CD",  "IN",  "DT",  "JJ", "NNS", "VBD", ".",    ",",   "VB", "VBN",  "RB", "CC",  "TO",
    "PRP", ")",  "(",   "VBG", "VBZ", ":",  "''",  "POS", "PRP$", "VBP", "MD", "NNPS", "WP", "RP",  "WDT",
    "SYM", "$",  "WRB", "JJR", "JJS", "FW", "RBR", "EX",  "RBS",  "PDT", "UH", "WP$",  "LS", "HYPH"};
inline constexpr int kNumTags = static_cast<int>(std::size(kModelTags));
// The model's tag for every kind of quote (CoNLL-2003 writes " with tag ").
inline constexpr int kQuoteTag = 21;
inline constexpr std::string_view kOpeningQuoteTag = "``";
inline constexpr int kDefaultHashBits = 20;
inline constexpr int kMaxFeatures = 32;

// Returns the id of a tag name in kModelTags, or -1. `"` and `` read as
// kQuoteTag; "NN|SYM"-style alternatives read as their first tag.
int TagId(std::string_view name);

// Tags forced by a token's characters (PosWorkspace::forced), whatever the model says.
// A straight double quote (kForcedStraight) opens or closes by its position.
inline constexpr int8_t kNotForced = -1, kForcedOpening = 0, kForcedClosing = 1, kForcedHash = 2,
                        kForcedStraight = 3;
// The model tag id standing for a forced tag in the tag history: quotes are
// kQuoteTag, "#" is SYM.
int ForcedModelTag(int8_t forced);

// The word lexicon stored in a model: WordKey(normalised token) -> the tag
// the word has most often in the training data (id + 1, bits 0-5), with
// kUnambiguous set when the tagger assigns that tag without scoring.
using Lexicon = absl::flat_hash_map<uint64_t, uint8_t>;
inline constexpr uint8_t kUnambiguous = 0x80;
// Hash of a normalised token, the key of the lexicon.
uint64_t WordKey(std::string_view normalized);

// Buffers reused across calls to PosTagger::Tag by one thread.
struct PosWorkspace {
  std::vector<std::string_view> norm;                     // normalised tokens (views into tokens or scratch)
  std::vector<std::pair<uint32_t, uint32_t>> norm_range;  // of a changed normalised form in scratch
  std::vector<int8_t> forced;               // output tag forced by the token's characters: kForced*, -1 none
  std::vector<uint64_t> lower, suffix3;     // hashes of the lower-cased token and of its last 3 bytes
  std::vector<uint64_t> shape, long_shape;  // of its character classes, runs collapsed / capped at 4
  std::vector<uint8_t> word_class;          // lexicon entry of the token, 0 if none
  std::vector<uint32_t> features;           // num_tokens x kMaxFeatures static feature buckets
  std::vector<uint8_t> num_features;
  std::vector<uint8_t> ids;  // predicted tag ids
  std::string scratch;
};

// Normalises tokens into ws->norm and ws->forced.
void NormalizeTokens(std::span<const std::string_view> tokens, PosWorkspace* ws);
// Normalises tokens, looks them up in the lexicon and computes the static
// (tag-independent) features of a sentence into ws->features. Shared by
// training and tagging; `hash_bits` is the log2 of the number of buckets.
void ExtractStaticFeatures(std::span<const std::string_view> tokens, int hash_bits, const Lexicon& lexicon,
                           PosWorkspace* ws);

// The tags predicted for the two tokens before the current one (-1 before
// the sentence start).
struct TagHistory {
  int prev = -1;
  int prev2 = -1;
  void Push(int tag) {
    prev2 = prev;
    prev = tag;
  }
};
// The features of a token that depend on the tags predicted before it, given
// its PosWorkspace::lower and the next token's ::word_class (0x7f after the
// last token); writes kDynamicFeatures buckets to out.
inline constexpr int kDynamicFeatures = 5;
void DynamicFeatures(uint64_t lower, uint8_t next_class, const TagHistory& history, int hash_bits,
                     uint32_t* out);
inline uint8_t NextClass(const PosWorkspace& ws, int i) {
  return i + 1 < static_cast<int>(ws.word_class.size()) ? ws.word_class[i + 1] : 0x7f;
}

class PosTagger {
 public:
  PosTagger() = default;

  // Reads a model file: NOT_FOUND if it cannot be opened, DATA_LOSS if it is
  // not a POS model, of another format version or tag set, truncated or
  // corrupt (the message says which, and Load's names the file).
  static absl::StatusOr<PosTagger> Load(const std::string& path);
  static absl::StatusOr<PosTagger> Parse(std::string_view bytes);
  // The model file: header with the tag names, the lexicon, then the
  // non-zero weights quantized to 16 bits. Deterministic for a given model.
  std::string Serialize() const;
  absl::Status Save(const std::string& path) const;

  // Penn Treebank tags, one per token, as views into static storage. Const
  // and thread-safe with one workspace per thread.
  void Tag(std::span<const std::string_view> tokens, PosWorkspace* ws,
           std::vector<std::string_view>* tags) const;
  // Convenience: allocates a workspace.
  std::vector<std::string_view> Tag(std::span<const std::string_view> tokens) const;
  // Model tag ids (indices into kModelTags; quotes are kQuoteTag) into ws->ids.
  void TagIds(std::span<const std::string_view> tokens, PosWorkspace* ws) const;

  int hash_bits() const { return hash_bits_; }
  size_t num_weights() const { return entries_.size(); }
  size_t num_lexicon_words() const { return lexicon_.size(); }
  const Lexicon& lexicon() const { return lexicon_; }

  // Built by the trainer: dense averaged weights (2^hash_bits x kNumTags) and
  // the lexicon. Weights with |w| < prune are dropped; the rest are quantized
  // as in the model file, so a built model tags exactly as its saved and
  // loaded copy.
  static PosTagger FromDense(int hash_bits, std::span<const float> weights, const Lexicon& lexicon,
                             float prune);

 private:
  int hash_bits_ = kDefaultHashBits;
  Lexicon lexicon_;
  // Sparse weights: bucket b has entries_[bucket_begin_[b] .. bucket_begin_[b + 1]),
  // each (tag << 16) | uint16(quantized weight).
  std::vector<uint32_t> bucket_begin_;
  std::vector<uint32_t> entries_;
  float scale_ = 1;  // quantization step
};

}  // namespace dossier::entity::pos

#endif  // DOSSIER_SERVICES_ENTITY_POS_POS_TAGGER_H_
