#ifndef DOSSIER_CLIENTS_CLI_INGEST_COMMAND_H_
#define DOSSIER_CLIENTS_CLI_INGEST_COMMAND_H_

// `dossier ingest`: sends files (or stdin) to the ingest service with a few
// concurrent unary Ingest calls, reports each result in input order, and
// sums them up.
//
// Why concurrent unary calls rather than IngestStream: each file gets its own
// deadline, its own status and an immediate result (so the progress bar and
// the JSON lines advance file by file, and one slow --wait document does not
// push a whole batch past its deadline); a file is read only when a worker
// takes it, so memory stays bounded by the concurrency; and the gRPC channel
// multiplexes the calls over one HTTP/2 connection, so the per-call cost is
// small next to parsing and storing an article.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cli/files.h"
#include "dossier/ingest/v1/ingest.pb.h"

namespace dossier::cli {

// Metadata flags applied to every document of one run.
struct IngestFlags {
  std::string source;
  std::string published;
  std::string url;
  std::string external_id;                // single document only
  std::string title;                      // single document only
  std::optional<InputKind> content_type;  // overrides the extension
  bool wait = false;
  int concurrency = 4;
};

// One document to send: a file, or stdin's content already read.
struct IngestInput {
  std::string label;  // the path as given, or "-" for stdin
  InputKind kind = InputKind::kGuess;
  std::optional<std::string> content;  // set for stdin; files are read when sent
};

struct IngestOutcome {
  std::string file;
  bool attempted = false;  // false when the run stopped before this file
  absl::Status status;     // reading or RPC error; OK when the call succeeded
  ingest::v1::IngestResponse response;
};

// The request for one document. `body` goes to `body` when valid UTF-8 and
// to `raw_body` otherwise (so ingest rejects it with a clear message instead
// of the whole call failing to serialize).
ingest::v1::IngestRequest BuildIngestRequest(std::string body, InputKind kind, const IngestFlags& flags);

using IngestFn = std::function<absl::StatusOr<ingest::v1::IngestResponse>(const ingest::v1::IngestRequest&)>;

struct IngestCallbacks {
  // After each document, with the number done so far (any order).
  std::function<void(int done, int total)> on_progress;
  // Each outcome, in input order, as soon as it and all before it are done.
  std::function<void(const IngestOutcome&)> on_result;
};

// Sends every input with `flags.concurrency` workers calling `ingest`
// (which must be thread-safe). Callbacks run one at a time. An UNAVAILABLE
// answer stops the run: no new documents are sent, and the first such status
// is returned (OK otherwise). Outcomes are in input order.
absl::Status SendDocuments(const std::vector<IngestInput>& inputs, const IngestFlags& flags,
                           const IngestFn& ingest, const IngestCallbacks& callbacks,
                           std::vector<IngestOutcome>* outcomes);

// {"file":..,"document_id":..,"duplicate":..,"state":"DOCUMENT_STATE_..","title":..,
//  "published":{"year":..,"month":..,"day":..},"error":..}
// `error` is "CODE: message" for a rejected file, the pipeline error for a
// failed document, else "".
std::string IngestJsonLine(const IngestOutcome& outcome);

// "accepted   path  d-...  received  Title" and the like, for human output.
std::string IngestHumanLine(const IngestOutcome& outcome);

struct IngestTally {
  int files = 0;
  int accepted = 0;    // stored as new documents
  int duplicates = 0;  // already stored
  int rejected = 0;    // error from reading or from the call
  int not_sent = 0;    // the run stopped first
  // With --wait, of accepted and duplicates: indexed, failed in the pipeline,
  // and neither yet (the deadline came first).
  int indexed = 0;
  int failed = 0;
  int pending = 0;
  std::vector<std::pair<std::string, std::string>> rejections;  // file, reason
  std::vector<std::pair<std::string, std::string>> failures;    // file, reason
};
IngestTally TallyOutcomes(const std::vector<IngestOutcome>& outcomes);

// "4 files: 3 accepted, 1 duplicate, 0 rejected in 1.2 s (3.3 docs/s)", the
// --wait line, then each rejection and failure with its file and reason.
std::string RenderIngestSummary(const IngestTally& tally, double seconds, bool wait);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_INGEST_COMMAND_H_
