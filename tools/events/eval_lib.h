#ifndef DOSSIER_TOOLS_EVENTS_EVAL_LIB_H_
#define DOSSIER_TOOLS_EVENTS_EVAL_LIB_H_

// Scoring for event-eval, and its PETRARCH2 unit-test mode.
//
// Scoring (any event set): an event is a (source code, target code, CAMEO
// code) triple. Within one record, extracted events are matched one-to-one
// to expected ones with the same triple: matched expected events are
// "found" (recall = found / expected), matched extracted events are "right"
// (precision = right / extracted). Of the extracted events that are not
// right, those whose code is the code of a still unmatched expected event
// count as "code right, actors wrong".
//
// PETRARCH2 mode (RunPetrEval): PETR.UnitTest.records.xml with the
// PETR.Validate.* dictionaries. Each record's text is tokenized with the
// entity tokenizer, tagged with the POS tagger, its actors found with
// petr_actors.h on the record's date, and coded with event_coder.h using
// PETR.Validate.verbs.txt and PETR.Validate.discards.txt; each event gives
// one triple per code of its source and target mentions, duplicates and
// events whose two codes are equal dropped. The record's gold parse is not
// read. What is scored:
//  - a record's <EventCoding> triples; a record without any, or with
//    noevents="True", or with error="storydiscard"/"sentencediscard"
//    expects no event (a false event there lowers precision);
//  - expected events with a null side ("---" alone: the unit tests that run
//    PETRARCH with require_dyad off, as "a senior official said" giving
//    ---GOV -> ---) or an actor written as text ('"INJURY TOLL"', the
//    new_actor_length option) are not scored, and counted apart; the coder
//    only codes events between two actors, as the shipped configuration
//    (require_dyad = True) does;
//  - records with error="dateline" or "bad_input_parse" test PETRARCH's
//    checks of its input parse, which is not used here: not scored, counted.
// A last line counts all of these as missed or false (the strictest view).

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/events/petr_actors.h"

namespace dossier::tools::events {

// The whole file at `path`; NOT_FOUND naming it when it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

struct EventTriple {
  std::string source;
  std::string target;
  std::string code;
  bool operator==(const EventTriple& o) const {
    return source == o.source && target == o.target && code == o.code;
  }
  bool operator<(const EventTriple& o) const {
    return std::tie(source, target, code) < std::tie(o.source, o.target, o.code);
  }
};

struct RecordScore {
  int expected = 0;
  int found = 0;
  int extracted = 0;
  int right = 0;
  int code_only = 0;        // wrong events with the code of an unmatched expected event
  std::vector<int> missed;  // indices into expected
  std::vector<int> wrong;   // indices into extracted
};

// Scores one record (see the header comment).
RecordScore ScoreRecord(const std::vector<EventTriple>& expected, const std::vector<EventTriple>& extracted);

struct Tally {
  int records = 0;
  int expected = 0;
  int found = 0;
  int extracted = 0;
  int right = 0;
  int code_only = 0;
  void Add(const RecordScore& s);
  double Recall() const { return expected == 0 ? 0 : 100.0 * found / expected; }
  double Precision() const { return extracted == 0 ? 0 : 100.0 * right / extracted; }
};

// "found 12 of 20 (60.0%)"-style lines for a tally.
std::string FormatTally(const Tally& t);

// ---- PETRARCH2 unit-test records ----

struct PetrRecord {
  std::string id;
  std::string category;
  PetrDate date = 0;
  std::string text;
  std::vector<EventTriple> expected;  // scored expected events
  int unscored_events = 0;            // expected events with a null side or a text actor
  std::string error;                  // the error attribute of an EventCoding, if any
};

// Reads the records of PETR.UnitTest.records.xml (XML comments and the
// <Parse> trees are ignored; entities &amp; &lt; &gt; &quot; &apos; decoded).
// INVALID_ARGUMENT when there is no <Sentence> or one lacks <Text>.
absl::StatusOr<std::vector<PetrRecord>> ParsePetrRecords(std::string_view xml);

// Whether a record is scored (see the header comment).
bool PetrRecordScored(const PetrRecord& record);

struct PetrEvalOptions {
  std::string records_path;  // PETR.UnitTest.records.xml
  std::string dict_dir;      // PETR.Validate.{verbs,actors,agents,discards}.txt
  std::string pos_model;     // the POS tagger's model
  // When set, the shipped dictionaries in this directory (EventCoder::LoadDir)
  // also code every sentence, for their speed (their codes are not scored:
  // the records were written for the validation dictionary).
  std::string cameo_dir;
  int repeat = 10;       // codings of each sentence, for steadier timing
  bool verbose = false;  // list misses and false events
};

struct PetrEvalResult {
  Tally total;
  std::map<std::string, Tally> by_category;
  int records = 0;             // all records read
  int records_unscored = 0;    // dateline / bad_input_parse tests
  int events_unscored = 0;     // expected events with a null side or a text actor
  int extracted_unscored = 0;  // events extracted from the records not scored
  int sentences_coded = 0;     // every record's text, scored or not
  double coder_seconds = 0;    // EventCoder::Code only, per coding of every sentence
  double shipped_seconds = 0;  // the same with the shipped dictionaries (cameo_dir)
  int shipped_events = 0;
  double seconds = 0;  // everything but loading
  int dictionary_warnings = 0;
};

// Runs the evaluation; with verbose, prints every record's misses and false
// events to `out`. Errors: a file that cannot be read or parsed.
absl::StatusOr<PetrEvalResult> RunPetrEval(const PetrEvalOptions& options, FILE* out);
void PrintPetrEval(const PetrEvalResult& result, FILE* out);

}  // namespace dossier::tools::events

#endif  // DOSSIER_TOOLS_EVENTS_EVAL_LIB_H_
