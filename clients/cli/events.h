#ifndef DOSSIER_CLIENTS_CLI_EVENTS_H_
#define DOSSIER_CLIENTS_CLI_EVENTS_H_

// `dossier events`: the ListEvents request from the command line (checked
// before any call), and the bulk output formats of ExportEvents: JSON lines
// and GDELT-like TSV. Pure functions.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dossier/common/v1/common.pb.h"
#include "dossier/query/v1/query.pb.h"

namespace dossier::cli {

// The filter flags of `dossier events`, as given (empty: absent).
struct EventsFlags {
  std::string side;  // source, target or any
  std::string code;  // CAMEO code prefix, e.g. "04", "042"
  std::string quad;  // QuadClass 1-4
  std::string from;  // DATE
  std::string to;    // DATE
  std::string doc;   // document id
};

// The request for `dossier events [ACTOR [OTHER]]` (paging fields unset).
// An actor with a ':' is an entity id and is passed as is; anything else is
// an actor code and is upper-cased ("chn" -> "CHN"). INVALID_ARGUMENT, with a
// message naming the flag or argument, for: more than two actors; an actor
// code that is not letters and digits; --side other than source, target or
// any, or --side without ACTOR; --code that is not 2-4 digits with a root
// code 01-20; --quad other than 1-4; a bad DATE or an empty date range.
absl::StatusOr<query::v1::ListEventsRequest> BuildListEventsRequest(const std::vector<std::string>& actors,
                                                                    const EventsFlags& flags);

// How `dossier events` writes its answer.
enum class EventsFormat {
  kTable,  // the human table, one page (or every match with --all)
  kJsonl,  // one Event per line, proto JSON, every match
  kTsv,    // EventTsvHeader() then one EventTsvRow() per event, every match
};

// Parses --format: table, jsonl or tsv (any case). INVALID_ARGUMENT otherwise.
absl::StatusOr<EventsFormat> ParseEventsFormat(const std::string& text);

// GDELT's SQLDATE form, YYYYMMDD, with 00 (0000 for the year) for unknown
// parts: 2001-09-?? -> "20010900", ????-09-17 -> "00000917".
std::string GdeltDate(const common::v1::DateValue& date);

// The TSV columns, tab-separated, ending in "\n": id, date, source_entity_id,
// source_name, source_code, target_entity_id, target_name, target_code,
// event_code, root_code, quad_class, goldstein, num_mentions, num_documents,
// location_entity_id, location_name, confidence, first_document_id, evidence.
std::string EventTsvHeader();

// One event as a TSV line in the columns of EventTsvHeader(), ending in
// "\n". Tabs, newlines and other control characters inside fields become
// spaces, so each event is exactly one line of exactly 19 fields. Goldstein
// has one decimal, confidence two; first_document_id is the first mention's
// document (empty when the event carries no mentions).
std::string EventTsvRow(const common::v1::Event& event);

// One event as one line of proto JSON (see ToJson), ending in "\n".
std::string EventJsonLine(const common::v1::Event& event);

// "Jiang Zemin (CHNGOV)": the actor's name (its entity id when nameless)
// and its actor code when it has one.
std::string ActorLabel(const common::v1::Actor& actor, const std::string& fallback_id);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_EVENTS_H_
