#include "clients/cli/ingest_command.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/command.h"
#include "clients/cli/format.h"
#include "libs/common/client.h"
#include "libs/common/text.h"

namespace dossier::cli {
namespace {

constexpr int kMaxConcurrency = 64;
// More files than this on a terminal: a progress bar instead of one line each.
constexpr size_t kProgressBarThreshold = 5;

std::string StatusText(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

std::string Plural(int n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open file: ", std::strerror(errno)));
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read file: ", std::strerror(errno)));
  return content.str();
}

ingest::v1::ContentType ContentTypeOf(InputKind kind) {
  switch (kind) {
    case InputKind::kText:
      return ingest::v1::CONTENT_TYPE_TEXT;
    case InputKind::kHtml:
      return ingest::v1::CONTENT_TYPE_HTML;
    case InputKind::kGuess:
      break;
  }
  return ingest::v1::CONTENT_TYPE_UNSPECIFIED;
}

}  // namespace

ingest::v1::IngestRequest BuildIngestRequest(std::string body, InputKind kind, const IngestFlags& flags) {
  ingest::v1::IngestRequest request;
  request.set_content_type(ContentTypeOf(flags.content_type.value_or(kind)));
  if (IsValidUtf8(body)) {
    request.set_body(std::move(body));
  } else {
    request.set_raw_body(std::move(body));
  }
  request.set_source(flags.source);
  request.set_published(flags.published);
  request.set_url(flags.url);
  request.set_external_id(flags.external_id);
  request.set_title(flags.title);
  request.set_wait_for_indexing(flags.wait);
  return request;
}

absl::Status SendDocuments(const std::vector<IngestInput>& inputs, const IngestFlags& flags,
                           const IngestFn& ingest, const IngestCallbacks& callbacks,
                           std::vector<IngestOutcome>* outcomes) {
  const int total = static_cast<int>(inputs.size());
  outcomes->assign(total, IngestOutcome{});
  for (int i = 0; i < total; ++i) (*outcomes)[i].file = inputs[i].label;

  std::mutex mu;
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  absl::Status abort_status;                 // guarded by mu
  std::vector<bool> finished(total, false);  // guarded by mu
  int done = 0;                              // guarded by mu
  int emitted = 0;                           // guarded by mu

  auto worker = [&] {
    while (!stop.load()) {
      int i = next.fetch_add(1);
      if (i >= total) return;
      const IngestInput& input = inputs[i];
      IngestOutcome outcome;
      outcome.file = input.label;
      outcome.attempted = true;
      absl::StatusOr<std::string> body =
          input.content ? absl::StatusOr<std::string>(*input.content) : ReadFile(input.label);
      if (!body.ok()) {
        outcome.status = body.status();
      } else {
        auto response = ingest(BuildIngestRequest(*std::move(body), input.kind, flags));
        if (response.ok()) {
          outcome.response = *std::move(response);
        } else {
          outcome.status = response.status();
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      if (absl::IsUnavailable(outcome.status)) {
        // The service is down: nothing more will get through.
        outcome.attempted = false;
        if (abort_status.ok()) abort_status = outcome.status;
        stop.store(true);
      }
      (*outcomes)[i] = std::move(outcome);
      finished[i] = true;
      ++done;
      while (emitted < total && finished[emitted]) {
        if ((*outcomes)[emitted].attempted && callbacks.on_result) callbacks.on_result((*outcomes)[emitted]);
        ++emitted;
      }
      if (callbacks.on_progress) callbacks.on_progress(done, total);
    }
  };
  const int workers = std::clamp(flags.concurrency, 1, std::max(total, 1));
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  // After a stop, files never started leave gaps; emit what finished.
  for (; emitted < total; ++emitted) {
    if (finished[emitted] && (*outcomes)[emitted].attempted && callbacks.on_result) {
      callbacks.on_result((*outcomes)[emitted]);
    }
  }
  return abort_status;
}

std::string IngestJsonLine(const IngestOutcome& outcome) {
  const ingest::v1::IngestResponse& r = outcome.response;
  std::string error = !outcome.status.ok() ? StatusText(outcome.status) : r.error();
  return absl::StrCat("{\"file\":", JsonQuote(outcome.file), ",\"document_id\":", JsonQuote(r.document_id()),
                      ",\"duplicate\":", r.duplicate() ? "true" : "false",
                      ",\"state\":", JsonQuote(common::v1::DocumentState_Name(r.state())),
                      ",\"title\":", JsonQuote(r.title()), ",\"published\":", ToJson(r.published()),
                      ",\"error\":", JsonQuote(error), "}");
}

std::string IngestHumanLine(const IngestOutcome& outcome) {
  if (!outcome.status.ok()) {
    return absl::StrFormat("%-9s  %s  %s", "rejected", outcome.file, StatusText(outcome.status));
  }
  const ingest::v1::IngestResponse& r = outcome.response;
  const char* word = r.state() == common::v1::DOCUMENT_STATE_FAILED ? "failed"
                     : r.duplicate()                                ? "duplicate"
                                                                    : "accepted";
  std::string line = absl::StrFormat("%-9s  %s  %s  %s  %s", word, outcome.file, r.document_id(),
                                     ShortEnumName(r.state()), FormatDate(r.published()));
  if (!r.title().empty()) absl::StrAppend(&line, "  ", OneLine(r.title()));
  if (!r.error().empty()) absl::StrAppend(&line, "  (", OneLine(r.error()), ")");
  return line;
}

IngestTally TallyOutcomes(const std::vector<IngestOutcome>& outcomes) {
  IngestTally tally;
  tally.files = static_cast<int>(outcomes.size());
  for (const IngestOutcome& o : outcomes) {
    if (!o.attempted) {
      ++tally.not_sent;
      continue;
    }
    if (!o.status.ok()) {
      ++tally.rejected;
      tally.rejections.emplace_back(o.file, StatusText(o.status));
      continue;
    }
    ++(o.response.duplicate() ? tally.duplicates : tally.accepted);
    switch (o.response.state()) {
      case common::v1::DOCUMENT_STATE_INDEXED:
        ++tally.indexed;
        break;
      case common::v1::DOCUMENT_STATE_FAILED:
        ++tally.failed;
        tally.failures.emplace_back(o.file, absl::StrCat(o.response.document_id(), ": ", o.response.error()));
        break;
      default:
        ++tally.pending;
    }
  }
  return tally;
}

std::string RenderIngestSummary(const IngestTally& tally, double seconds, bool wait) {
  const int sent = tally.files - tally.not_sent;
  std::string out =
      absl::StrCat(Plural(tally.files, "file", "files"), ": ", tally.accepted, " accepted, ",
                   Plural(tally.duplicates, "duplicate", "duplicates"), ", ", tally.rejected, " rejected");
  if (tally.not_sent > 0) absl::StrAppend(&out, ", ", tally.not_sent, " not sent");
  absl::StrAppend(&out, " in ", FormatDuration(seconds));
  if (seconds > 0 && sent > 0) absl::StrAppend(&out, absl::StrFormat(" (%.1f docs/s)", sent / seconds));
  out += "\n";
  if (wait && tally.accepted + tally.duplicates > 0) {
    absl::StrAppend(&out, tally.indexed, " indexed, ", tally.failed, " failed");
    if (tally.pending > 0)
      absl::StrAppend(&out, ", ", tally.pending, " not yet indexed (the deadline came first)");
    out += "\n";
  }
  if (!tally.rejections.empty()) {
    out += "Rejected:\n";
    for (const auto& [file, reason] : tally.rejections) absl::StrAppend(&out, "  ", file, ": ", reason, "\n");
  }
  if (!tally.failures.empty()) {
    out += "Failed in the pipeline:\n";
    for (const auto& [file, reason] : tally.failures) absl::StrAppend(&out, "  ", file, ": ", reason, "\n");
  }
  return out;
}

int IngestCommand(const CommandContext& ctx) {
  const ParsedArgs& args = ctx.args;
  IngestFlags flags;
  flags.source = args.Get("source");
  flags.published = args.Get("published");
  flags.url = args.Get("url");
  flags.external_id = args.Get("external_id");
  flags.title = args.Get("title");
  flags.wait = args.GetBool("wait");
  if (args.Has("content_type")) {
    std::string type = args.Get("content_type");
    if (type == "text") {
      flags.content_type = InputKind::kText;
    } else if (type == "html") {
      flags.content_type = InputKind::kHtml;
    } else if (type == "auto") {
      flags.content_type = InputKind::kGuess;
    } else {
      return ReportUsageError(ctx, "ingest",
                              absl::StrCat("--content_type=", type, " is not one of auto, text, html"));
    }
  }
  if (args.Has("concurrency")) {
    auto n = ParsePositiveInt("concurrency", args.Get("concurrency"), kMaxConcurrency);
    if (!n.ok()) return ReportUsageError(ctx, "ingest", std::string(n.status().message()));
    flags.concurrency = *n;
  }

  const std::vector<std::string>& paths = args.positionals();
  if (paths.empty())
    return ReportUsageError(ctx, "ingest", "ingest needs at least one PATH, or - to read stdin");
  std::vector<IngestInput> inputs;
  if (std::find(paths.begin(), paths.end(), "-") != paths.end()) {
    if (paths.size() > 1)
      return ReportUsageError(ctx, "ingest", "- (stdin) cannot be combined with other paths");
    std::string content{std::istreambuf_iterator<char>(*ctx.io.in), std::istreambuf_iterator<char>()};
    inputs.push_back({"-", InputKind::kGuess, std::move(content)});
  } else {
    auto discovery = DiscoverFiles(paths);
    if (!discovery.ok()) {
      ctx.err() << "error: " << discovery.status().message() << "\n";
      return kExitUsage;
    }
    constexpr size_t kMaxNotes = 5;
    for (size_t i = 0; i < discovery->skipped.size() && i < kMaxNotes; ++i) {
      ctx.err() << "note: skipped " << discovery->skipped[i]
                << (KindForPath(discovery->skipped[i]) == InputKind::kGuess
                        ? " (not .txt .text .md .html .htm)\n"
                        : " (the folder's documentation; name it to ingest it)\n");
    }
    if (discovery->skipped.size() > kMaxNotes) {
      ctx.err() << "note: skipped " << discovery->skipped.size() - kMaxNotes
                << " more files of other types\n";
    }
    for (const InputFile& file : discovery->files) inputs.push_back({file.path, file.kind, std::nullopt});
  }
  if (inputs.empty()) {
    ctx.err() << "error: nothing to ingest: no .txt, .text, .md, .html or .htm files found\n";
    return kExitUsage;
  }
  if (inputs.size() > 1 && (!flags.external_id.empty() || !flags.title.empty())) {
    return ReportUsageError(
        ctx, "ingest",
        absl::StrCat("--external_id and --title apply to a single document, but there are ", inputs.size(),
                     " files"));
  }

  IngestClient client(ctx.AddressOf(Service::kIngest), ctx.options.timeout, ctx.options.security);
  const bool json = ctx.options.json;
  const bool bar = ctx.io.terminal.stderr_tty && inputs.size() > kProgressBarThreshold;
  IngestCallbacks callbacks;
  callbacks.on_result = [&](const IngestOutcome& outcome) {
    if (json) {
      if (bar) ctx.err() << "\r\033[K";  // the line will be drawn again
      ctx.out() << IngestJsonLine(outcome) << "\n" << std::flush;
    } else if (!bar) {
      ctx.out() << IngestHumanLine(outcome) << "\n" << std::flush;
    }
  };
  if (bar) {
    callbacks.on_progress = [&](int done, int total) {
      ctx.err() << "\r" << RenderProgressBar(done, total, 30) << std::flush;
    };
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<IngestOutcome> outcomes;
  absl::Status stopped = SendDocuments(
      inputs, flags, [&](const ingest::v1::IngestRequest& request) { return client.Ingest(request); },
      callbacks, &outcomes);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (bar) ctx.err() << "\n";

  IngestTally tally = TallyOutcomes(outcomes);
  std::ostream& summary = json ? ctx.err() : ctx.out();
  if (!json && !bar) summary << "\n";
  summary << RenderIngestSummary(tally, seconds, flags.wait);
  if (!flags.wait && !json && tally.accepted > 0) {
    summary << "Annotation and indexing continue in the background; "
               "`dossier docs` shows each document's state.\n";
  }
  int exit_code = kExitOk;
  if (!stopped.ok()) exit_code = ReportRpcError(ctx, Service::kIngest, stopped);
  if (tally.rejected > 0 || tally.failed > 0) exit_code = kExitFailure;
  return exit_code;
}

}  // namespace dossier::cli
