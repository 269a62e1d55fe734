// event-eval: scores the event coder. Modes:
//   --petrarch_records=PETR.UnitTest.records.xml [--petrarch_dir=DIR]
//       the PETRARCH2 unit tests with the PETR.Validate.* dictionaries in DIR
//       (default: ../dictionaries next to the records; see
//       tools/events/eval_lib.h for what is scored).
//   --plover_gsr=DIR [--kb_dir=DIR] [--ner_model=M]
//       the PLOVER gold standard (PLOVER_GSR_CAMEO.json, CAMEO2PLOVER-2021.txt
//       in DIR) through the entity service's whole path (tools/events/
//       plover_eval.h). Both modes run when both flags are given.
// Prints recall and precision, as counts and percent, per category, and with
// --verbose every miss and false event.

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/events/eval_lib.h"
#include "tools/events/plover_eval.h"

#ifndef DOSSIER_DEFAULT_CAMEO_DIR
#define DOSSIER_DEFAULT_CAMEO_DIR "data/cameo"
#endif
#ifndef DOSSIER_DEFAULT_POS_MODEL
#define DOSSIER_DEFAULT_POS_MODEL "data/models/pos-en.model"
#endif

ABSL_FLAG(std::string, petrarch_records, "", "PETR.UnitTest.records.xml (PETRARCH2 unit-test mode)");
ABSL_FLAG(std::string, petrarch_dir, "", "Directory of PETR.Validate.{verbs,actors,agents,discards}.txt");
ABSL_FLAG(std::string, pos_model, DOSSIER_DEFAULT_POS_MODEL, "POS tagger model");
ABSL_FLAG(std::string, cameo_dir, DOSSIER_DEFAULT_CAMEO_DIR,
          "Shipped dictionaries, also timed on the same sentences (\"\" to skip)");
ABSL_FLAG(std::string, plover_gsr, "", "Directory of PLOVER_GSR_CAMEO.json and CAMEO2PLOVER-2021.txt (PLOVER mode)");
ABSL_FLAG(std::string, kb_dir, DOSSIER_DEFAULT_KB_DIR, "Knowledge base (PLOVER mode)");
ABSL_FLAG(std::string, ner_model, DOSSIER_DEFAULT_NER_MODEL, "Named-entity model (PLOVER mode; \"\" for none)");
ABSL_FLAG(int, repeat, 10, "Codings of each sentence, for steadier timing");
ABSL_FLAG(bool, verbose, false, "List every miss and false event");

namespace {

// The PETRARCH2 unit-test mode (--petrarch_records).
int RunPetrarch(const std::string& records) {
  dossier::tools::events::PetrEvalOptions options;
  options.records_path = records;
  options.dict_dir = absl::GetFlag(FLAGS_petrarch_dir);
  if (options.dict_dir.empty()) {
    // The records live in text/, the dictionaries beside it in dictionaries/.
    const size_t slash = records.rfind('/');
    options.dict_dir =
        (slash == std::string::npos ? std::string(".") : records.substr(0, slash)) + "/../dictionaries";
  }
  options.pos_model = absl::GetFlag(FLAGS_pos_model);
  options.cameo_dir = absl::GetFlag(FLAGS_cameo_dir);
  options.repeat = absl::GetFlag(FLAGS_repeat);
  options.verbose = absl::GetFlag(FLAGS_verbose);
  auto result = dossier::tools::events::RunPetrEval(options, stdout);
  if (!result.ok()) {
    std::fprintf(stderr, "event-eval: %s\n", result.status().ToString().c_str());
    return 1;
  }
  dossier::tools::events::PrintPetrEval(*result, stdout);
  return 0;
}

// The PLOVER gold-standard mode (--plover_gsr).
int RunPlover(const std::string& dir) {
  dossier::tools::events::PloverEvalOptions options;
  options.gsr_dir = dir;
  options.kb_dir = absl::GetFlag(FLAGS_kb_dir);
  options.ner_model = absl::GetFlag(FLAGS_ner_model);
  options.cameo_dir = absl::GetFlag(FLAGS_cameo_dir);
  options.pos_model = absl::GetFlag(FLAGS_pos_model);
  options.verbose = absl::GetFlag(FLAGS_verbose);
  auto result = dossier::tools::events::RunPloverEval(options);
  if (!result.ok()) {
    std::fprintf(stderr, "event-eval: %s\n", result.status().ToString().c_str());
    return 1;
  }
  dossier::tools::events::PrintPloverEval(*result);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Scores the CAMEO event coder.\n"
      "  event-eval --petrarch_records=FILE [--petrarch_dir=DIR] [--pos_model=M] [--verbose]\n"
      "  event-eval --plover_gsr=DIR [--kb_dir=DIR] [--ner_model=M] [--cameo_dir=DIR] [--verbose]");
  absl::ParseCommandLine(argc, argv);
  // One mode per event set; each reads its own flags.
  const std::string records = absl::GetFlag(FLAGS_petrarch_records);
  const std::string plover = absl::GetFlag(FLAGS_plover_gsr);
  if (records.empty() && plover.empty()) {
    std::fprintf(stderr, "event-eval: give --petrarch_records and/or --plover_gsr (see --help)\n");
    return 2;
  }
  int rc = 0;
  if (!records.empty()) rc = RunPetrarch(records);
  if (rc == 0 && !plover.empty()) rc = RunPlover(plover);
  return rc;
}
