#ifndef DOSSIER_SERVICES_ENTITY_EVENTS_DOCUMENT_EVENTS_H_
#define DOSSIER_SERVICES_ENTITY_EVENTS_DOCUMENT_EVENTS_H_

// The events of one annotated document: the sentence-level coder
// (event_coder.h) run over every sentence, with actors taken from the
// document's resolved mentions, and the result made into GDELT-style events:
// actor codes from the roles the knowledge base says each actor held on the
// event's date, the CAMEO label, QuadClass and Goldstein score, a date, a
// location, and the sentences that report it. The same event reported in
// several sentences is one event with several reports.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/entity/annotator.h"
#include "services/entity/events/cameo_codes.h"
#include "services/entity/events/event_coder.h"
#include "services/entity/kb_index.h"
#include "services/entity/pos/pos_tagger.h"

namespace dossier::entity::events {

struct EventActor {
  std::string entity_id;
  std::string name;
  // CAMEO actor code on the event's date: "CHNGOV", "RUS", "IGO"; "" when
  // nothing is known.
  std::string code;
  // The words that name the actor ("Russian President Vladimir Putin").
  std::string text;
  EntityType type = EntityType::kUnspecified;
};

// One sentence that reports an event.
struct EventReport {
  int sentence = 0;
  uint32_t sentence_begin = 0;  // bytes in the text
  uint32_t sentence_end = 0;
  std::string trigger;  // "telephoned", "held talks"
  float confidence = 0;
  DateParts date;
  bool date_from_text = false;
};

struct DocumentEvent {
  // Stable digest of source entity, target entity, code and date (EventId).
  std::string id;
  EventActor source;
  EventActor target;
  std::string code;  // "042"
  std::string label;
  std::string root;  // "04"
  int quad_class = 0;
  double goldstein = 0;
  DateParts date;
  bool date_from_text = false;
  std::string location_id;
  std::string location_name;
  float confidence = 0;         // highest of its reports
  std::vector<EventReport> reports;  // sentence order
};

// What ExtractEvents needs; the pointers must outlive the call. Without a
// coder or a tagger ExtractEvents finds nothing.
struct EventResources {
  const EventCoder* coder = nullptr;
  const CameoCodes* codes = nullptr;
  const pos::PosTagger* tagger = nullptr;
};

// The coder, the code table and the tagger, loaded once per process.
struct EventModels {
  EventCoder coder;
  CameoCodes codes;
  pos::PosTagger tagger;

  // Loads the dictionaries (EventCoder::LoadDir) and cameo_codes.tsv from
  // `cameo_dir` and the tagger from `pos_model`; the error names the file.
  static absl::StatusOr<std::unique_ptr<EventModels>> Load(const std::string& cameo_dir,
                                                           const std::string& pos_model);
  EventResources resources() const { return EventResources{&coder, &codes, &tagger}; }
};

// "ev-" and 16 hex digits: a digest (FNV-1a, stable across processes and
// versions) of the source and target entity ids, the code and the date, so
// the same event read from two documents gets the same id.
std::string EventId(std::string_view source_id, std::string_view target_id, std::string_view code,
                    const DateParts& date);

// The actor code of a knowledge-base entity on `date`: for people the most
// specific role active on the date (dated roles before undated ones), else
// their country; countries their ISO3 code; capitals their country plus GOV,
// other places their country; international organisations "IGO".
std::string ActorCode(const IndexedEntity& entity, const DateParts& date);

// The events of `text` as annotated (`annotation` from Annotate on the same
// index). `published` is the fallback date. Thread-safe.
std::vector<DocumentEvent> ExtractEvents(const KbIndex& kb, std::string_view text, const Annotation& annotation,
                                         const DateParts& published, const EventResources& resources);

}  // namespace dossier::entity::events

#endif  // DOSSIER_SERVICES_ENTITY_EVENTS_DOCUMENT_EVENTS_H_
