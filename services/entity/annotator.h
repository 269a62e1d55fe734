#ifndef DOSSIER_SERVICES_ENTITY_ANNOTATOR_H_
#define DOSSIER_SERVICES_ENTITY_ANNOTATOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/entity/kb_index.h"
#include "services/entity/kb_types.h"

// Entity and date annotation of one text against a knowledge-base index.
// Domain code only (no gRPC, no storage); pure function of its inputs, safe
// to call from many threads on the same index.
//
// Stages:
//   a. tokens and sentences (tokenizer.h);
//   b. candidate spans: longest gazetteer matches of KB aliases (respecting
//      capitalisation), capitalised sequences (with "of", "the", "for", "and"
//      inside organisation and treaty names), names after titles
//      ("President", "vice-Premier", "Mr.") — the title is evidence, not part
//      of the span; hyphenated compounds give one mention per part
//      ("Sino-Russian" -> China, Russia); the possessive "'s" is left out;
//   c. typing: KB type when matched, else keywords, titles and given names;
//   d. resolution, in order: exact alias, acronym, demonym, coreference
//      within the document (short forms of earlier names, acronyms defined
//      in parentheses), title + surname against KB roles active on the
//      publication date, single surnames, fuzzy spelling; otherwise a new
//      entity with a stable id "<person|org|place|misc>:x-<slug>";
//   e. dates (date_normalizer.h).
// With a named-entity model (AnnotateOptions::ner), stage (b) also takes the
// model's spans that no rule found, and stage (c) takes the model's type for
// a name the knowledge base does not know when the model found exactly that
// span.

#include "services/entity/ner/ner_model.h"

namespace dossier::entity {

struct AnnotatedMention {
  uint32_t begin = 0;  // byte offsets in the text
  uint32_t end = 0;
  std::string text;
  EntityType type = EntityType::kUnspecified;
  std::string entity_id;  // empty for dates and unresolved mentions
  std::string entity_name;
  float confidence = 0;
  LinkReason reason = LinkReason::kUnspecified;
  DateParts date;     // dates only
  std::string timex;  // dates only
  int sentence = 0;
};

struct AnnotatedEntity {
  std::string id;
  std::string name;
  EntityType type = EntityType::kUnspecified;
  std::string kind;
  std::string provenance;
  std::vector<std::string> aliases;  // at most kMaxEntityAliases
  std::vector<KbRole> roles;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool is_new = false;  // created from this text (not in the index)
};

struct SentenceSpan {
  uint32_t begin = 0;  // bytes
  uint32_t end = 0;
};

struct Annotation {
  std::vector<SentenceSpan> sentences;
  std::vector<AnnotatedMention> mentions;  // in text order
  std::vector<AnnotatedEntity> entities;   // each resolved entity once, in order of first mention
};

struct AnnotateOptions {
  // Reference for relative dates and for which role holder a title means.
  DateParts published;
  // The document's title: read for context (names, acronyms), not annotated.
  std::string title;
  // The named-entity model (may be null: rules and gazetteer only). It
  // finds spans and types; the knowledge base resolves them.
  const ner::NerModel* ner = nullptr;
};

inline constexpr int kMaxEntityAliases = 10;

// Annotates `text` (valid UTF-8).
Annotation Annotate(const KbIndex& kb, std::string_view text, const AnnotateOptions& options);

// The id a new entity of `type` named `name` gets: "person:x-vladimir-rushailo",
// "org:x-...", "place:x-...", "misc:x-...". Empty when the name has no
// letters or digits.
std::string NewEntityId(EntityType type, std::string_view name);

// How well a person's roles fit a date and an optional country (ISO3):
// > 0 for a dated role active on the date (more with a matching country),
// < 0 when the person's dated roles all lie elsewhere or the country differs.
float RoleFit(const IndexedEntity& entity, const DateParts& date, std::string_view country);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_ANNOTATOR_H_
