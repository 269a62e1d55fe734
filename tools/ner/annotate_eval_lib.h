#ifndef DOSSIER_TOOLS_NER_ANNOTATE_EVAL_LIB_H_
#define DOSSIER_TOOLS_NER_ANNOTATE_EVAL_LIB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/entity/annotator.h"
#include "services/entity/kb_index.h"
#include "services/entity/ner/conll.h"

// Scores the entity service's annotator (gazetteer, rules and, when the
// options carry one, the NER model) on CoNLL data, the way annotate-eval does:
// each CoNLL document becomes one text (tokens joined by single spaces,
// sentences by "\n"), is annotated, and the annotator's non-date mentions are
// mapped back onto the CoNLL tokens they cover and scored conlleval-style.

namespace dossier::entity::annotate_eval {

// A CoNLL document as the annotator sees it. token_begin/token_end are byte
// offsets of each token in `text` (the annotator's AnnotatedMention offsets
// are bytes too), one vector per sentence.
struct DocumentText {
  std::string text;
  std::vector<std::vector<uint32_t>> token_begin;
  std::vector<std::vector<uint32_t>> token_end;
  int64_t num_tokens = 0;
};
DocumentText BuildDocumentText(const ner::ConllDocument& document);

// The CoNLL type of an annotator type: PERSON -> PER, ORGANIZATION -> ORG,
// LOCATION -> LOC, MISC -> MISC; nothing for dates and unspecified.
std::optional<std::string> ConllType(EntityType type);

// How the mentions lined up with the CoNLL tokens.
struct AlignmentStats {
  int64_t mentions = 0;        // non-date mentions (scored candidates)
  int64_t dates = 0;           // date mentions (ignored)
  int64_t aligned = 0;         // began at a token start and ended at a token end
  int64_t misaligned = 0;      // cut a token (start or end inside a token); mapped to the tokens touched
  int64_t no_token = 0;        // touched no token (dropped)
  int64_t cross_sentence = 0;  // spanned a CoNLL sentence break (clipped to the first sentence)
  int64_t overlap_dropped = 0; // lost to a longer overlapping mention
  int64_t demonyms = 0;        // linked by a demonym or adjective alias ("Russian" -> Russia)
  // Up to MappingOptions::max_examples mentions that cut a token:
  // "<mention text> [TYPE] -> <tokens touched>".
  std::vector<std::string> misaligned_examples;
};

struct MappingOptions {
  // Score mentions linked through a demonym or adjective alias (LinkReason
  // kDemonym, typed as the place they name) as MISC, as CoNLL tags them.
  // A diagnostic: off by default, the annotator's own types are scored.
  bool demonyms_as_misc = false;
  int max_examples = 0;
};

// The predicted chunks (token spans) of each sentence of `doc`, from the
// annotator's mentions. A token belongs to a mention when their byte ranges
// intersect; overlapping mentions: the one covering more tokens wins (then
// more bytes, then the earlier one).
std::vector<std::vector<ner::Span>> SpansFromMentions(const DocumentText& doc,
                                                      const std::vector<AnnotatedMention>& mentions,
                                                      AlignmentStats* stats,
                                                      const MappingOptions& mapping = {});

struct Result {
  ner::ChunkEvaluator chunks;
  AlignmentStats alignment;
  int64_t documents = 0;
  int64_t tokens = 0;
  int64_t bytes = 0;
  double annotate_seconds = 0;  // time inside Annotate only
  // Predicted tags in the gold file's scheme, one vector per sentence in file
  // order (only when requested).
  std::vector<std::vector<std::string>> predicted;
};

// Annotates every document with `options` (published date and title as
// given; the caller leaves them empty for CoNLL) and scores the result.
Result Evaluate(const KbIndex& kb, const std::vector<ner::ConllDocument>& documents,
                const AnnotateOptions& options, bool keep_predictions, const MappingOptions& mapping = {});

}  // namespace dossier::entity::annotate_eval

#endif  // DOSSIER_TOOLS_NER_ANNOTATE_EVAL_LIB_H_
