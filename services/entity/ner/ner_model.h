#ifndef DOSSIER_SERVICES_ENTITY_NER_NER_MODEL_H_
#define DOSSIER_SERVICES_ENTITY_NER_NER_MODEL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/entity/ner/conll.h"

// A named-entity tagger: a linear sequence model (trained as an averaged
// perceptron, see ner_trainer.h) over BILOU tags for PER, ORG, LOC and MISC,
// decoded with Viterbi over tag bigrams.
//
// Features are hashed into 2^hash_bits buckets; each bucket holds one weight
// per tag. Token features: the word, lower-cased word, word shapes, prefixes
// and suffixes, the words and shapes of the two neighbours on each side,
// capitalisation in context (sentence-initial, all-caps headline sentence),
// membership in the knowledge base's name lists (longest match over token
// n-grams of aliases of people, places, organisations and demonyms), and
// document-level evidence (how the same word is written elsewhere in the
// document). The name lists are stored in the model file, so a model tags the
// same way wherever it is loaded.
//
// A loaded NerModel is immutable and thread-safe; each thread tagging with it
// passes its own NerWorkspace, which keeps the buffers so that tagging does not
// allocate once they have grown to the longest sentence.

namespace dossier::entity::ner {

inline constexpr int kNumEntityTypes = 4;
inline constexpr const char* kEntityTypeNames[kNumEntityTypes] = {"PER", "ORG", "LOC", "MISC"};
// Tag 0 is O; type t has B = 1 + 4t, I = 2 + 4t, L = 3 + 4t, U = 4 + 4t.
inline constexpr int kNumTags = 1 + 4 * kNumEntityTypes;
inline constexpr int kDefaultHashBits = 22;

// Name lists from the knowledge base (data/kb/entities.tsv + aliases.tsv),
// matched case-insensitively over token n-grams.
class Gazetteer {
 public:
  // Categories (bits of a match).
  static constexpr uint8_t kPerson = 1, kLocation = 2, kOrganization = 4, kDemonym = 8;
  static constexpr int kNumCategories = 4;

  // Reads entities.tsv and aliases.tsv from `kb_dir`; aliases are split on
  // white space. Fails if either file is missing or malformed.
  static absl::StatusOr<Gazetteer> LoadKb(const std::string& kb_dir);
  // Adds one name of the given categories (for tests and the loader).
  void AddName(std::string_view name, uint8_t categories);

  // For each token (given the hashes of its lower-cased form), the BILU
  // position and categories of the longest alias match covering it:
  // out[i] = categories | (position << 4), position 0 = none, 1 = B, 2 = I,
  // 3 = L, 4 = U. word_out[i] = categories of aliases whose first token
  // (bits 0-3) / last token (bits 4-7) is this word.
  void Match(std::span<const uint64_t> lower_hashes, uint8_t* out, uint8_t* word_out) const;

  size_t num_phrases() const { return phrases_.size(); }
  const absl::flat_hash_map<uint64_t, uint8_t>& phrases() const { return phrases_; }
  const absl::flat_hash_map<uint64_t, uint8_t>& words() const { return words_; }
  absl::flat_hash_map<uint64_t, uint8_t>& mutable_phrases() { return phrases_; }
  absl::flat_hash_map<uint64_t, uint8_t>& mutable_words() { return words_; }

  static constexpr uint8_t kPrefixBit = 0x80;  // in phrases_: a longer alias starts with this n-gram
  static constexpr int kMaxTokens = 8;

 private:
  absl::flat_hash_map<uint64_t, uint8_t> phrases_;  // n-gram hash -> categories | kPrefixBit
  absl::flat_hash_map<uint64_t, uint8_t> words_;    // word hash -> first/last-token categories
};

// Per-document evidence: how each word (lower-cased) is written in the
// sentences of a document, outside sentence starts and all-caps sentences.
class DocumentContext {
 public:
  void Clear() { seen_.clear(); }
  // Records the sentence; call for every sentence before tagging any.
  void AddSentence(std::span<const std::string_view> tokens);
  uint8_t Lookup(uint64_t lower_hash) const {
    auto it = seen_.find(lower_hash);
    return it == seen_.end() ? 0 : it->second;
  }

 private:
  absl::flat_hash_map<uint64_t, uint8_t> seen_;
};

// Buffers reused across calls to NerModel::Tag by one thread.
struct NerWorkspace {
  std::vector<uint64_t> word, lower, long_shape, short_shape;
  std::vector<uint8_t> flags, gaz, gaz_word, doc;
  std::vector<uint32_t> features;  // num_tokens x kMaxFeatures buckets
  std::vector<uint16_t> num_features;
  std::vector<float> scores;       // num_tokens x kNumTags emission scores
  std::vector<float> viterbi;
  std::vector<uint8_t> back;
  std::string scratch;
  DocumentContext own_document;
};

// Hashes of tokens and the features of a sentence; shared by training and
// tagging. `doc` may be null (the sentence is then its own document).
inline constexpr int kMaxFeatures = 64;
void ExtractFeatures(std::span<const std::string_view> tokens, const Gazetteer& gazetteer, const DocumentContext* doc,
                     int hash_bits, NerWorkspace* ws);

// Viterbi over emission scores ws->scores and transitions
// (transitions[(prev + 1) * kNumTags + tag], prev = -1 at the sentence start);
// only tag sequences that are valid BILOU are considered.
void ViterbiDecode(int num_tokens, const float* transitions, NerWorkspace* ws, uint8_t* tags_out);

// BILOU tags <-> spans and IOB1 strings.
std::vector<Span> SpansFromBilou(std::span<const uint8_t> tags);
std::vector<uint8_t> BilouFromSpans(const std::vector<Span>& spans, int num_tokens);  // unknown types -> O
std::string BilouTagName(uint8_t tag);

class NerModel {
 public:
  NerModel() = default;

  static absl::StatusOr<NerModel> Load(const std::string& path);
  static absl::StatusOr<NerModel> Parse(std::string_view bytes);
  // The model file: header, name lists, transitions, then the non-zero
  // weights quantized to 16 bits. Deterministic for a given model.
  std::string Serialize() const;
  absl::Status Save(const std::string& path) const;

  // Tags one sentence (BILOU tag ids, one per token). `doc` is the document
  // the sentence belongs to (null: the sentence alone).
  void Tag(std::span<const std::string_view> tokens, const DocumentContext* doc, NerWorkspace* ws,
           std::vector<uint8_t>* tags) const;
  // Convenience: tags a whole document; returns entity spans per sentence.
  std::vector<std::vector<Span>> TagDocument(const std::vector<std::vector<std::string_view>>& sentences,
                                             NerWorkspace* ws) const;

  int hash_bits() const { return hash_bits_; }
  const Gazetteer& gazetteer() const { return gazetteer_; }
  size_t num_rows() const { return rows_.size() / kNumTags; }

  // Built by the trainer: dense weights (2^hash_bits x kNumTags) and
  // transitions ((kNumTags + 1) x kNumTags). Weights with |w| < prune are
  // dropped; the rest are stored quantized as in the model file.
  static NerModel FromDense(int hash_bits, Gazetteer gazetteer, std::span<const float> weights,
                            std::span<const float> transitions, float prune);

 private:
  int hash_bits_ = kDefaultHashBits;
  Gazetteer gazetteer_;
  std::vector<float> transitions_;       // (kNumTags + 1) x kNumTags
  std::vector<uint32_t> bucket_row_;     // 2^hash_bits, kNoRow if the bucket has no weights
  std::vector<uint32_t> row_bucket_;     // bucket of each row, ascending
  std::vector<float> rows_;              // rows x kNumTags
  float scale_ = 1;                      // quantization step of stored weights
  static constexpr uint32_t kNoRow = 0xffffffffu;
};

}  // namespace dossier::entity::ner

#endif  // DOSSIER_SERVICES_ENTITY_NER_NER_MODEL_H_
