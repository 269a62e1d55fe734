#ifndef DOSSIER_SERVICES_ENTITY_NER_CONLL_H_
#define DOSSIER_SERVICES_ENTITY_NER_CONLL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

// CoNLL column files and conlleval-style chunk scoring.
//
// A CoNLL file has one token per line ("token POS chunk tag": the first column
// is the token, the last the entity tag), a blank line after each sentence and
// "-DOCSTART-" lines between documents. Tags may be IOB1 (CoNLL-2003: "I-X"
// starts an entity unless it follows an "I-X"/"B-X" of the same type; "B-X"
// only separates adjacent entities of one type) or IOB2 ("B-X" starts every
// entity); SpansFromTags reads both, exactly as conlleval does.

namespace dossier::entity::ner {

struct ConllSentence {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;  // last column, one per token
};

struct ConllDocument {
  std::vector<ConllSentence> sentences;
};

// Parses CoNLL text. Sentences before the first -DOCSTART- (or in a file
// without any) form one document. Fails (InvalidArgument) on a line with
// fewer than two columns.
absl::StatusOr<std::vector<ConllDocument>> ParseConll(std::string_view text);
absl::StatusOr<std::vector<ConllDocument>> ReadConllFile(const std::string& path);

// An entity chunk: tokens [begin, end) of type `type` ("PER", "LOC", ...).
struct Span {
  int begin = 0;
  int end = 0;
  std::string type;
  bool operator==(const Span&) const = default;
};

// Chunks of an IOB1 or IOB2 tag sequence ("O", "B-X", "I-X"; a tag without a
// "-" other than "O" is read as "I-<tag>").
std::vector<Span> SpansFromTags(const std::vector<std::string>& tags);

// IOB1 tags for spans over `num_tokens` tokens (B- only where an entity
// directly follows one of the same type). Spans must not overlap.
std::vector<std::string> Iob1FromSpans(const std::vector<Span>& spans, int num_tokens);
// IOB2 tags (B- at the start of every entity).
std::vector<std::string> Iob2FromSpans(const std::vector<Span>& spans, int num_tokens);

enum class TagScheme { kIob1, kIob2 };
// IOB2 when some entity that does not follow one of its own type starts with
// "B-", else IOB1. (The CoNLL-2003 distribution is IOB1; many copies are IOB2.)
TagScheme DetectScheme(const std::vector<ConllDocument>& documents);
std::vector<std::string> TagsFromSpans(const std::vector<Span>& spans, int num_tokens, TagScheme scheme);

// Chunk-level counts, as conlleval computes them: a predicted chunk is correct
// when a gold chunk has the same first token, last token and type.
struct TypeCounts {
  int64_t gold = 0;
  int64_t predicted = 0;
  int64_t correct = 0;
};

struct ChunkScore {
  double precision = 0;  // percent, 0 when nothing was predicted
  double recall = 0;
  double f1 = 0;
};

class ChunkEvaluator {
 public:
  // Adds one sentence; gold and predicted have one tag per token.
  void Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);
  void AddSpans(const std::vector<Span>& gold, const std::vector<Span>& predicted);

  ChunkScore Overall() const { return Score(total_); }
  ChunkScore ForType(const std::string& type) const;
  const std::map<std::string, TypeCounts>& by_type() const { return by_type_; }
  const TypeCounts& total() const { return total_; }
  int64_t tokens() const { return tokens_; }
  int64_t correct_tags() const { return correct_tags_; }

  // A conlleval-like report: totals, accuracy, then one line per type.
  std::string Report() const;

  static ChunkScore Score(const TypeCounts& counts);

 private:
  std::map<std::string, TypeCounts> by_type_;
  TypeCounts total_;
  int64_t tokens_ = 0;
  int64_t correct_tags_ = 0;
};

}  // namespace dossier::entity::ner

#endif  // DOSSIER_SERVICES_ENTITY_NER_CONLL_H_
