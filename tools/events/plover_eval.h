#ifndef DOSSIER_TOOLS_EVENTS_PLOVER_EVAL_H_
#define DOSSIER_TOOLS_EVENTS_PLOVER_EVAL_H_

// The PLOVER gold-standard evaluation (PLOVER_GSR_CAMEO.json, 322 sentences
// from the CAMEO manual with source and target actors as ISO3 + sector and a
// PLOVER event type): every sentence goes through the entity service's whole
// path (annotation against the shipped knowledge base, the named-entity
// model, the POS tagger, the event coder and ExtractEvents), and each
// extracted CAMEO code is mapped to PLOVER with CAMEO2PLOVER-2021.txt.
//
// An expected event is found when some extracted event has its PLOVER type,
// a source whose country part (first three letters of the actor code) is
// one of the record's source codes, and a target likewise (records without
// a target: any target). An extracted event is right when its record
// expects an event it matches in the same way.
//
// Scoring decisions:
//  - The gold file is coded in the 2016 PLOVER draft (18 types), the map in
//    the 2021 one, which renamed or merged four of them. GsrType puts an
//    extracted CAMEO code in the gold file's vocabulary: root 09 is
//    INVESTIGATE, 10 DEMAND, 11 DISAPPROVE, 19 and 20 FIGHT (2021: ACCUSE,
//    REQUEST, ACCUSE, ASSAULT); every other code takes its 2021 type. Without
//    this, 76 of the 322 records could never be found.
//  - Gold country codes that are not ISO 3166 alpha-3 (the file says they
//    should be) are read as the ISO code they stand for: JAP -> JPN,
//    ITL -> ITA, VTN -> VNM. Other non-country codes (IGO, NGO, IMG, ISM)
//    are compared as they are.
//  - Records whose target is empty are mostly reciprocal ("SRC/TAR":
//    "X and Y met"), where the target is the other source; they accept any
//    target, as before.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dossier::tools::events {

struct PloverRecord {
  std::string id;
  std::string text;
  std::string event;                 // PLOVER type, e.g. "CONSULT"
  std::vector<std::string> sources;  // ISO3 or IGO..., as coded (JAP read as JPN ...)
  std::vector<std::string> targets;  // empty: the record names no target
  std::vector<std::string> source_texts;  // the words of each actor ("Senior Hungarian officials")
  std::vector<std::string> target_texts;
  std::string event_text;  // the words of the action ("agreed cooperate")
};

// Reads PLOVER_GSR_CAMEO.json (a JSON array; records without "text" are
// skipped). INVALID_ARGUMENT when it does not parse.
absl::StatusOr<std::vector<PloverRecord>> ParsePloverGsr(std::string_view json);

// Reads CAMEO2PLOVER-2021.txt lines "057: SUPPORT, , diplomatic # ..." into
// code -> PLOVER type. Codes without a line take their parent's type.
std::map<std::string, std::string> ParseCameoToPlover(std::string_view text);
std::string PloverType(const std::map<std::string, std::string>& table, const std::string& cameo_code);
// The type of `cameo_code` in the gold file's (2016) vocabulary: see above.
std::string GsrType(const std::map<std::string, std::string>& table, const std::string& cameo_code);
// A gold actor code with the non-ISO country codes of the file made ISO.
std::string NormalizeGoldCode(const std::string& code);

// What an extracted event is, for scoring.
struct ScoredEvent {
  std::string source_code;  // actor codes, e.g. "HUNGOV"
  std::string target_code;
  std::string plover;       // mapped type
};

// Whether an extracted event matches what a record expects.
bool Matches(const PloverRecord& record, const ScoredEvent& event);

struct PloverEvalOptions {
  std::string gsr_dir;    // PLOVER_GSR_CAMEO.json and CAMEO2PLOVER-2021.txt
  std::string kb_dir;     // data/kb
  std::string ner_model;  // data/models/ner-en.model ("" none)
  std::string cameo_dir;  // data/cameo
  std::string pos_model;  // data/models/pos-en.model
  bool verbose = false;   // print misses and wrong events
};

struct PloverEvalResult {
  int records = 0;
  int expected = 0;   // one per record
  int found = 0;      // expected events found
  int extracted = 0;  // events extracted
  int right = 0;      // extracted events that match their record
  int type_right = 0; // extracted events of the record's type, actors aside
  std::map<std::string, std::pair<int, int>> by_type;  // PLOVER type -> (found, expected)
  // Why each expected event was missed (MissClass names) -> count.
  std::map<std::string, int> misses;
  double seconds = 0;
};

// Runs the whole evaluation; prints details to stdout when verbose.
absl::StatusOr<PloverEvalResult> RunPloverEval(const PloverEvalOptions& options);
// Prints the figures.
void PrintPloverEval(const PloverEvalResult& result);

}  // namespace dossier::tools::events

#endif  // DOSSIER_TOOLS_EVENTS_PLOVER_EVAL_H_
