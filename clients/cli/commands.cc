// The `dossier` commands: the registry (names, flags, usage, examples), the
// dispatcher Run(), and every handler except ingest (ingest_command.cc).

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/cli.h"
#include "clients/cli/command.h"
#include "clients/cli/events.h"
#include "clients/cli/format.h"
#include "clients/cli/render.h"
#include "libs/common/client.h"

namespace dossier::cli {
namespace {

using Handler = int (*)(const CommandContext&);

struct CommandDef {
  std::string name;      // "search", "entity search"
  std::string synopsis;  // arguments after the name
  std::string summary;   // one line, for `dossier help`
  std::string details;   // a paragraph for `dossier <command> --help`
  std::vector<FlagSpec> flags;
  std::vector<std::string> examples;
  int min_args = 0;
  int max_args = -1;  // -1: any number
  Handler handler = nullptr;
};

constexpr std::chrono::seconds kDefaultHealthTimeout{5};

FlagSpec LimitFlag(const std::string& what, int default_value, int max) {
  return {"limit", FlagKind::kValue, "N",
          absl::StrCat("at most N ", what, " (default ", default_value, ", at most ", max, ")")};
}
FlagSpec PageTokenFlag() {
  return {"page_token", FlagKind::kValue, "T", "continue from the \"Next page\" token of an earlier answer"};
}
FlagSpec TypeFlag(const std::string& what) {
  return {"type", FlagKind::kValue, "TYPE",
          absl::StrCat(what, ": person, organization, location, date or misc")};
}

int DocCommand(const CommandContext& ctx);
int AnnotateCommand(const CommandContext& ctx);
int DocsCommand(const CommandContext& ctx);
int SearchCommand(const CommandContext& ctx);
int EntityCommand(const CommandContext& ctx);
int EntitySearchCommand(const CommandContext& ctx);
int RelatedCommand(const CommandContext& ctx);
int TimelineCommand(const CommandContext& ctx);
int EventsCommand(const CommandContext& ctx);
int KbAliasCommand(const CommandContext& ctx);
int KbMergeCommand(const CommandContext& ctx);
int ReprocessCommand(const CommandContext& ctx);
int HealthCommand(const CommandContext& ctx);

const std::vector<CommandDef>& Commands() {
  static const auto* commands = new std::vector<CommandDef>{
      {"ingest",
       "PATH...|-",
       "ingest files, folders or one document from stdin",
       "Sends each file to the ingest service. Folders are walked recursively: .txt .text .md are sent as "
       "text, .html .htm as HTML; other files, and a folder's README, LICENSE, NOTICE or COPYING, are "
       "skipped with a note (a file named explicitly is sent whatever its name, and the service guesses its "
       "type unless --content_type says). `-` reads one document from stdin. "
       "Prints one line per file (a progress bar instead when stderr is a terminal and there are more than "
       "5 files) and a summary; with --json one JSON object per file on stdout, in input order, and the "
       "summary on stderr. Exits 1 if any file was rejected (or, with --wait, failed in the pipeline).",
       {{"source", FlagKind::kValue, "NAME",
         "publisher of every document (default: from the page or the URL)"},
        {"published", FlagKind::kValue, "DATE",
         "publication date of every document: 2001-09-19, 19/09/2001, RFC 2822 ... (default: from the text)"},
        {"url", FlagKind::kValue, "URL", "where the document comes from"},
        {"external_id", FlagKind::kValue, "ID",
         "your id for the document (single document only): re-sending it is a duplicate"},
        {"title", FlagKind::kValue, "TITLE", "the title, overriding the text's (single document only)"},
        {"content_type", FlagKind::kValue, "auto|text|html",
         "how to read every document (default: by extension)"},
        {"wait", FlagKind::kBool, "", "answer only once each document is indexed (or failed)"},
        {"concurrency", FlagKind::kValue, "N", "documents in flight at once (default 4, at most 64)"}},
       {"dossier ingest examples/corpus", "dossier ingest --wait --source \"People's Daily\" article.html",
        "curl -s https://example.org/a.html | dossier ingest --url https://example.org/a.html -",
        "dossier ingest --json corpus/ > results.jsonl"},
       1,
       -1,
       IngestCommand},
      {"doc",
       "ID",
       "show one document: metadata, body, mentions and events",
       "Shows the indexed copy from the query service, or the ingest service's copy when the document is "
       "not indexed yet (or the query service is down). The body is cut to its first 20 lines and the "
       "events to the first 10 unless --full.",
       {{"full", FlagKind::kBool, "", "print the whole body and every event"},
        {"from", FlagKind::kValue, "ingest|query", "ask only this service"}},
       {"dossier doc d-5f0c2a9e7b1d4c33", "dossier doc --full --from ingest d-5f0c2a9e7b1d4c33"},
       1,
       1,
       DocCommand},
      {"annotate",
       "FILE|-",
       "find and resolve the entities and dates of a text, without storing a document",
       "Sends the text (a file, or stdin with -) to the entity service's Annotate and prints each mention "
       "with its type, the entity or date it resolves to, why it was linked and how sure the linker is. "
       "Nothing is stored; new names are still remembered by the knowledge base. The publication date is "
       "the reference for relative dates and for who held an office then.",
       {{"published", FlagKind::kValue, "DATE", "publication date: 2001-09-19, 2001-09 or 2001"},
        {"title", FlagKind::kValue, "TITLE", "the title, read as context"}},
       {"dossier annotate --published 2001-09-19 article.txt",
        "echo 'The Russian President called Jiang Zemin.' | dossier annotate --published 2001-09-19 -"},
       1,
       1,
       AnnotateCommand},
      {"docs",
       "",
       "list documents, newest first, with their pipeline state",
       "Lists what the ingest service holds, newest first.",
       {{"state", FlagKind::kValue, "STATE",
         "only documents in this state: received, annotated, indexed or failed"},
        LimitFlag("documents", 50, 1000),
        PageTokenFlag()},
       {"dossier docs", "dossier docs --state failed", "dossier docs --limit 100 --page_token=eyJvIjo1MH0"},
       0,
       0,
       DocsCommand},
      {"search",
       "[QUERY...]",
       "full-text search with filters, sorting and facets",
       "QUERY takes words (all must match), \"quoted phrases\", OR between alternatives and -word to "
       "exclude; the words of several arguments are joined. QUERY may be left out when a filter is given. "
       "DATE is YYYY, YYYY-MM or YYYY-MM-DD; --from 2001 means from 2001-01-01, --to 2002 up to 2002-12-31. "
       "Matched words are in bold on a terminal, in [brackets] otherwise. With --facets, the counts over "
       "every "
       "matching document (not just the page) follow the hits, most frequent first; --json has the entity "
       "ids.",
       {{"entity", FlagKind::kRepeated, "ID",
         "only documents that mention this entity; repeat for several (all must match)"},
        {"type", FlagKind::kRepeated, "TYPE",
         "only documents that mention an entity of this type (person, organization, location, date, misc); "
         "repeatable"},
        {"source", FlagKind::kRepeated, "NAME",
         "only documents from this source (publisher, as shown after a hit's title); repeat for any of "
         "several"},
        {"from", FlagKind::kValue, "DATE", "published on or after DATE"},
        {"to", FlagKind::kValue, "DATE", "published on or before DATE"},
        {"sort", FlagKind::kValue, "ORDER",
         "relevance, newest or oldest (default: relevance with a QUERY, newest without)"},
        {"facets", FlagKind::kRepeated, "FIELDS",
         "also count all matching documents by entity, type, source and/or month (comma-separated, or all)"},
        {"facet_limit", FlagKind::kValue, "N",
         "values per facet, most frequent first (default 10, at most 100)"},
        LimitFlag("hits", 10, 100),
        PageTokenFlag()},
       {"dossier search terrorism --entity country:RUS --from 2001 --to 2002",
        "dossier search '\"strategic partnership\"'",
        "dossier search --entity person:jiang-zemin --type organization",
        "dossier search 'Shanghai OR Moscow -Washington' --limit 20",
        "dossier search summit --facets all --sort newest",
        "dossier search --source Xinhua --facets entity,month --facet_limit 5"},
       0,
       -1,
       SearchCommand},
      {"entity",
       "ID_OR_NAME",
       "an entity's profile and knowledge-base facts; or resolve a name",
       "An argument with a ':' (person:jiang-zemin, country:RUS) is an id: prints what the indexed "
       "documents say about the entity (mentions, names, dates, related entities) and what the knowledge "
       "base knows (aliases, roles with dates, attributes). Anything else is a name: prints the ranked "
       "candidates and the profile of the best one. Several words are joined into one name.",
       {TypeFlag("only candidates of this type (names)"),
        {"as_of", FlagKind::kValue, "DATE", "prefer people holding a role on DATE (names)"},
        {"limit", FlagKind::kValue, "N",
         "candidates for a name (default 10) or related entities in a profile (default 10)"}},
       {"dossier entity person:jiang-zemin", "dossier entity Putin",
        "dossier entity 'President Jiang' --as_of 2001-09", "dossier entity SCO --type organization"},
       1,
       -1,
       EntityCommand},
      {"entity search",
       "PREFIX",
       "entities whose name or an alias starts with PREFIX",
       "Searches the knowledge base by name prefix (case-insensitive), ordered by name.",
       {TypeFlag("only entities of this type"), LimitFlag("entities", 20, 200), PageTokenFlag()},
       {"dossier entity search Shang", "dossier entity search Ji --type person"},
       1,
       -1,
       EntitySearchCommand},
      {"related",
       "ID",
       "entities that appear in the same documents as ID",
       "Most shared documents first, unless --order says otherwise. Columns: documents and sentences that "
       "mention both; PMI, log2 of how much more often they share a document than chance would have it "
       "(positive: they go together; it favours rare pairs, so combine it with --min_documents); SCORE, "
       "sentences + 0.25 x documents; EVENTS, events with ID as source and the other as target / the "
       "reverse.",
       {TypeFlag("only related entities of this type"),
        {"order", FlagKind::kValue, "ORDER", "documents (default), score, pmi or events"},
        {"min_documents", FlagKind::kValue, "N", "only entities sharing at least N documents (default 1)"},
        LimitFlag("entities", 20, 200),
        PageTokenFlag()},
       {"dossier related org:SCO --limit 8", "dossier related person:vladimir-putin --type person",
        "dossier related person:vladimir-putin --order pmi --min_documents 2",
        "dossier related country:CHN --order events"},
       1,
       1,
       RelatedCommand},
      {"timeline",
       "ID...",
       "events and dated sentences of an entity (or between several), in date order",
       "Items are grouped by day. Each day lists first the events in which every ID given is an actor "
       "(\"Jiang Zemin [041 Discuss by telephone] Vladimir Putin\"), then the sentences that mention every "
       "ID. An item is dated by the date its sentence names or else by its document's publication date "
       "(marked *). Unknown parts of a date show as ?? (2001-09-?\?). Items without any date come last, "
       "under \"Undated:\".",
       {{"kind", FlagKind::kValue, "KIND", "all (default), events or mentions (sentences only)"},
        {"from", FlagKind::kValue, "DATE", "items on or after DATE"},
        {"to", FlagKind::kValue, "DATE", "items on or before DATE"},
        LimitFlag("items", 50, 500),
        PageTokenFlag()},
       {"dossier timeline person:jiang-zemin person:vladimir-putin",
        "dossier timeline person:jiang-zemin person:vladimir-putin --kind events",
        "dossier timeline org:SCO --from 2001 --to 2001-12"},
       1,
       -1,
       TimelineCommand},
      {"events",
       "[ACTOR [OTHER]]",
       "CAMEO-coded events: who did what to whom, and when",
       "ACTOR is an entity id (person:jiang-zemin, country:CHN) or an actor code prefix (CHN matches CHN, "
       "CHNGOV, CHNMIL...); with OTHER, only events between the two. Without ACTOR, every event the flags "
       "allow. Oldest first, undated events last. Each row shows the date (* when it is the publication "
       "date), source and target with their actor codes, the CAMEO code and label and the number of "
       "sentences that report it, with the first one below. --format jsonl or tsv writes every match, not "
       "a page, for other tools: one Event per line as JSON, or GDELT-like tab-separated columns under a "
       "header line (dates as YYYYMMDD with 00 for unknown parts); the count goes to stderr.",
       {{"side", FlagKind::kValue, "SIDE", "the side ACTOR is on: source, target or any (default)"},
        {"code", FlagKind::kValue, "PREFIX", "CAMEO code prefix: 04 (consult), 042 (make a visit), 057 ..."},
        {"quad", FlagKind::kValue, "1-4",
         "QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict"},
        {"from", FlagKind::kValue, "DATE", "events on or after DATE"},
        {"to", FlagKind::kValue, "DATE", "events on or before DATE"},
        {"doc", FlagKind::kValue, "ID", "only events reported in this document"},
        {"format", FlagKind::kValue, "FORMAT", "table (default), jsonl or tsv (jsonl and tsv: every match)"},
        {"all", FlagKind::kBool, "",
         "every match in one table (or one JSON document with --json), not a page"},
        LimitFlag("events", 50, 500),
        PageTokenFlag()},
       {"dossier events person:jiang-zemin person:vladimir-putin",
        "dossier events CHN --side source --code 04 --from 2001 --to 2001-12",
        "dossier events --doc d-c8a04948c0b7f11f", "dossier events CHN --code 04 --format tsv > events.tsv",
        "dossier events RUS --quad 4 --format jsonl > conflict.jsonl"},
       0,
       2,
       EventsCommand},
      {"kb alias",
       "ENTITY_ID ALIAS...",
       "add a name by which an entity is known",
       "Later annotations link ALIAS to the entity; documents annotated before keep their links until they "
       "are reprocessed. Several words are joined into one alias.",
       {},
       {"dossier kb alias person:jiang-zemin 'Chairman Jiang'"},
       2,
       -1,
       KbAliasCommand},
      {"kb merge",
       "TARGET_ID SOURCE_ID...",
       "merge entities into TARGET_ID",
       "The sources' names become aliases of TARGET_ID and their ids resolve to it from then on.",
       {},
       {"dossier kb merge person:vladimir-putin person:x-vladimir-vladimirovich-putin"},
       2,
       -1,
       KbMergeCommand},
      {"reprocess",
       "[ID...]",
       "run documents through annotation and indexing again",
       "After curating the knowledge base (kb alias, kb merge) or after failures: the documents named, every "
       "document in --state, or --all go back to state received and through entity and query again.",
       {{"all", FlagKind::kBool, "", "every document"},
        {"state", FlagKind::kValue, "STATE",
         "every document in STATE: received, annotated, indexed or failed"}},
       {"dossier reprocess --all", "dossier reprocess --state failed",
        "dossier reprocess d-5f0c2a9e7b1d4c33"},
       0,
       -1,
       ReprocessCommand},
      {"health",
       "",
       "check that the three services are up and serving",
       "Asks each service's grpc.health.v1 service about the server and about its own service name. Exits 1 "
       "if any is not serving.",
       {},
       {"dossier health", "dossier health --ingest_addr=10.0.0.5:50051 --timeout=2"},
       0,
       0,
       HealthCommand},
  };
  return *commands;
}

const CommandDef* FindCommand(const std::string& name) {
  for (const auto& def : Commands()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

// The command and its subcommands: "entity" -> {entity, entity search}.
std::vector<const CommandDef*> CommandGroup(const std::string& word) {
  std::vector<const CommandDef*> group;
  for (const auto& def : Commands()) {
    if (def.name == word || absl::StartsWith(def.name, word + " ")) group.push_back(&def);
  }
  return group;
}

std::string FlagLines(const std::vector<FlagSpec>& flags) {
  std::string out;
  for (const auto& flag : flags) {
    std::string left = absl::StrCat("  --", flag.name);
    if (flag.kind != FlagKind::kBool) absl::StrAppend(&left, "=", flag.value_name);
    constexpr size_t kColumn = 28;
    std::vector<std::string> help = WrapText(flag.help, 100 - kColumn);
    if (left.size() >= kColumn) {
      out += left + "\n";
      left.clear();
    }
    for (const auto& line : help) {
      out += absl::StrFormat("%-28s%s\n", left, line);
      left.clear();
    }
  }
  return out;
}

std::string CommandUsage(const CommandDef& def) {
  std::string out = absl::StrCat("Usage: dossier ", def.name, def.synopsis.empty() ? "" : " ", def.synopsis,
                                 def.flags.empty() ? "" : " [flags]", "\n\n");
  std::string summary = def.summary;
  if (!summary.empty()) summary[0] = absl::ascii_toupper(summary[0]);
  for (const auto& line : WrapText(absl::StrCat(summary, ". ", def.details), 100)) out += line + "\n";
  if (!def.flags.empty()) out += "\nFlags:\n" + FlagLines(def.flags);
  out += "\nExamples:\n";
  for (const auto& example : def.examples) out += "  " + example + "\n";
  return out;
}

std::string GroupUsage(const std::vector<const CommandDef*>& group) {
  std::string out;
  for (const CommandDef* def : group) {
    if (!out.empty()) out += "\n";
    out += CommandUsage(*def);
  }
  out +=
      "\nGlobal flags (--ingest_addr, --entity_addr, --query_addr, --timeout, --json, --tls_ca, --tls_cert,\n"
      "--tls_key, --tls_server_name, --auth_token, --auth_token_file): see `dossier help`.\n";
  return out;
}

std::string TopUsage() {
  std::string out =
      "dossier: the command-line client of Dossier's ingest, entity and query services.\n\n"
      "Usage: dossier <command> [flags] [args]\n\nCommands:\n";
  for (const auto& def : Commands()) {
    std::string left = absl::StrCat("  ", def.name, def.synopsis.empty() ? "" : " ", def.synopsis);
    out += absl::StrFormat("%-36s%s\n", left, def.summary);
  }
  out += absl::StrFormat("%-36s%s\n", "  help [COMMAND]", "this text, or a command's flags and examples");
  out += "\nGlobal flags (before or after the command):\n" + FlagLines(GlobalFlagSpecs());
  out +=
      "\nOutput: aligned tables, cut to the terminal's width (100 columns when not a terminal). With "
      "--json,\n"
      "results go to stdout as JSON (proto3 JSON mapping, snake_case field names, every field present):\n"
      "`ingest` prints one object per file (JSON lines); every other command prints one JSON document,\n"
      "the service's answer (lists with their next_page_token). Messages and progress go to stderr.\n"
      "`events --format jsonl` writes one event per line, `events --format tsv` GDELT-like TSV.\n"
      "\nExit status: 0 success; 1 a call failed, a document was rejected or a service is not serving;\n"
      "2 bad command line.\n"
      "\nExamples:\n"
      "  dossier health\n"
      "  dossier ingest --wait examples/corpus\n"
      "  dossier search terrorism --entity country:RUS --from 2001 --to 2002\n"
      "  dossier entity Putin\n"
      "  dossier timeline person:jiang-zemin person:vladimir-putin\n"
      "  dossier events person:jiang-zemin person:vladimir-putin\n"
      "\nRun `dossier help COMMAND` or `dossier COMMAND --help` for a command's flags and examples.\n";
  return out;
}

// --- helpers for the handlers ---------------------------------------------

std::string JoinedArgs(const CommandContext& ctx) { return absl::StrJoin(ctx.args.positionals(), " "); }

// Parses --limit; nullopt (after reporting) on a bad value. 0 when absent.
std::optional<int> LimitArg(const CommandContext& ctx, const std::string& command, int max) {
  if (!ctx.args.Has("limit")) return 0;
  auto n = ParsePositiveInt("limit", ctx.args.Get("limit"), max);
  if (!n.ok()) {
    ReportUsageError(ctx, command, std::string(n.status().message()));
    return std::nullopt;
  }
  return *n;
}

// Parses a DATE flag into `date` (left empty when the flag is absent).
absl::Status DateArg(const CommandContext& ctx, const std::string& flag, common::v1::DateValue* date) {
  if (!ctx.args.Has(flag)) return absl::OkStatus();
  auto parsed = ParseDateArg(ctx.args.Get(flag));
  if (!parsed.ok())
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", parsed.status().message()));
  *date = *parsed;
  return absl::OkStatus();
}

// --from/--to into the two dates, checking the range. Reports and returns
// false on a bad value.
bool DateRangeArgs(const CommandContext& ctx, const std::string& command, common::v1::DateValue* from,
                   common::v1::DateValue* to) {
  absl::Status status = DateArg(ctx, "from", from);
  if (status.ok()) status = DateArg(ctx, "to", to);
  if (status.ok()) status = CheckDateRange(*from, *to);
  if (!status.ok()) {
    ReportUsageError(ctx, command, std::string(status.message()));
    return false;
  }
  return true;
}

void PrintJson(const CommandContext& ctx, const google::protobuf::Message& message) {
  ctx.out() << ToJson(message) << "\n";
}

// --- handlers -------------------------------------------------------------

int DocCommand(const CommandContext& ctx) {
  const std::string id = ctx.args.positionals()[0];
  const std::string from = ctx.args.Get("from");
  if (!from.empty() && from != "ingest" && from != "query") {
    return ReportUsageError(ctx, "doc", absl::StrCat("--from=", from, " is not one of ingest, query"));
  }
  auto show = [&](const common::v1::Document& document, const std::string& origin) {
    if (ctx.options.json) {
      PrintJson(ctx, document);
    } else {
      ctx.out() << RenderDocument(document, {ctx.width(), ctx.args.GetBool("full"), origin});
    }
    return kExitOk;
  };
  if (from != "ingest") {
    QueryClient query(ctx.AddressOf(Service::kQuery), ctx.options.timeout, ctx.options.security);
    query::v1::GetDocumentRequest request;
    request.set_document_id(id);
    auto document = query.GetDocument(request);
    if (document.ok()) return show(*document, "query");
    if (from == "query" || !(absl::IsNotFound(document.status()) || absl::IsUnavailable(document.status()))) {
      return ReportRpcError(ctx, Service::kQuery, document.status());
    }
    if (absl::IsUnavailable(document.status())) {
      ctx.err() << "note: the query service at " << ctx.AddressOf(Service::kQuery)
                << " is unavailable; asking the ingest service\n";
    }
  }
  IngestClient ingest(ctx.AddressOf(Service::kIngest), ctx.options.timeout, ctx.options.security);
  ingest::v1::GetDocumentRequest request;
  request.set_document_id(id);
  auto document = ingest.GetDocument(request);
  if (!document.ok()) return ReportRpcError(ctx, Service::kIngest, document.status());
  return show(*document, "ingest");
}

int AnnotateCommand(const CommandContext& ctx) {
  const std::string path = ctx.args.positionals()[0];
  entity::v1::AnnotateRequest request;
  if (path == "-") {
    request.set_text(
        std::string{std::istreambuf_iterator<char>(*ctx.io.in), std::istreambuf_iterator<char>()});
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      ctx.err() << "error: cannot open " << path << ": " << std::strerror(errno) << "\n";
      return kExitFailure;
    }
    std::ostringstream content;
    content << file.rdbuf();
    request.set_text(content.str());
  }
  request.set_title(ctx.args.Get("title"));
  if (absl::Status st = DateArg(ctx, "published", request.mutable_published()); !st.ok()) {
    return ReportUsageError(ctx, "annotate", std::string(st.message()));
  }
  EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
  auto response = entity.Annotate(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kEntity, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
    return kExitOk;
  }
  if (response->mentions_size() == 0) {
    ctx.out() << "No mentions.\n";
  } else {
    ctx.out() << RenderMentions(response->mentions(), ctx.width());
  }
  return kExitOk;
}

int DocsCommand(const CommandContext& ctx) {
  ingest::v1::ListDocumentsRequest request;
  if (ctx.args.Has("state")) {
    auto state = ParseDocumentState("state", ctx.args.Get("state"));
    if (!state.ok()) return ReportUsageError(ctx, "docs", std::string(state.status().message()));
    request.set_state(*state);
  }
  auto limit = LimitArg(ctx, "docs", 1000);
  if (!limit) return kExitUsage;
  request.set_page_size(*limit);
  request.set_page_token(ctx.args.Get("page_token"));
  IngestClient ingest(ctx.AddressOf(Service::kIngest), ctx.options.timeout, ctx.options.security);
  auto response = ingest.ListDocuments(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kIngest, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << RenderDocumentList(*response, ctx.width());
  }
  return kExitOk;
}

int ReprocessCommand(const CommandContext& ctx) {
  ingest::v1::ReprocessRequest request;
  for (const auto& id : ctx.args.positionals()) request.add_document_ids(id);
  request.set_all(ctx.args.Has("all"));
  if (ctx.args.Has("state")) {
    auto state = ParseDocumentState("state", ctx.args.Get("state"));
    if (!state.ok()) return ReportUsageError(ctx, "reprocess", std::string(state.status().message()));
    request.set_state(*state);
  }
  const int selectors = (request.document_ids_size() > 0) + request.all() + ctx.args.Has("state");
  if (selectors != 1) {
    return ReportUsageError(ctx, "reprocess",
                            "give document ids, --state STATE or --all (exactly one of them)");
  }
  IngestClient ingest(ctx.AddressOf(Service::kIngest), ctx.options.timeout, ctx.options.security);
  auto response = ingest.Reprocess(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kIngest, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << "Queued " << response->queued() << " document" << (response->queued() == 1 ? "" : "s")
              << " for annotation and indexing.\n";
  }
  return kExitOk;
}

// --facets values: comma-separated names, repeatable, "all" for every field;
// each field once, in the order given.
absl::StatusOr<std::vector<query::v1::FacetField>> FacetsArg(const std::vector<std::string>& values) {
  static const std::vector<std::pair<std::string, query::v1::FacetField>> kNames = {
      {"entity", query::v1::FACET_FIELD_ENTITY},
      {"type", query::v1::FACET_FIELD_ENTITY_TYPE},
      {"source", query::v1::FACET_FIELD_SOURCE},
      {"month", query::v1::FACET_FIELD_MONTH},
  };
  std::vector<query::v1::FacetField> fields;
  auto add = [&](query::v1::FacetField field) {
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
  };
  for (const std::string& value : values) {
    for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
      if (name == "entity_type") name = "type";
      if (name == "all") {
        for (const auto& [unused, field] : kNames) add(field);
        continue;
      }
      auto it = std::find_if(kNames.begin(), kNames.end(), [&](const auto& n) { return n.first == name; });
      if (it == kNames.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--facets: \"", name, "\" is not one of entity, type, source, month, all"));
      }
      add(it->second);
    }
  }
  if (fields.empty()) {
    return absl::InvalidArgumentError(
        "--facets needs fields: entity, type, source, month (comma-separated) or all");
  }
  return fields;
}

int SearchCommand(const CommandContext& ctx) {
  query::v1::SearchRequest request;
  request.set_query(JoinedArgs(ctx));
  for (const auto& id : ctx.args.GetAll("entity")) request.add_entity_ids(id);
  for (const auto& type_name : ctx.args.GetAll("type")) {
    auto type = ParseEntityType("type", type_name);
    if (!type.ok()) return ReportUsageError(ctx, "search", std::string(type.status().message()));
    request.add_entity_types(*type);
  }
  for (const auto& source : ctx.args.GetAll("source")) {
    if (source.empty()) return ReportUsageError(ctx, "search", "--source needs a NAME");
    request.add_sources(source);
  }
  if (!DateRangeArgs(ctx, "search", request.mutable_date_from(), request.mutable_date_to()))
    return kExitUsage;
  if (ctx.args.Has("sort")) {
    auto sort = ParseEnumArg(query::v1::SearchSort_descriptor(), "sort", ctx.args.Get("sort"));
    if (!sort.ok()) return ReportUsageError(ctx, "search", std::string(sort.status().message()));
    request.set_sort(static_cast<query::v1::SearchSort>(*sort));
    if (request.sort() == query::v1::SEARCH_SORT_RELEVANCE && request.query().empty()) {
      return ReportUsageError(ctx, "search",
                              "--sort relevance needs a QUERY to rank by; use newest or oldest");
    }
  }
  if (ctx.args.Has("facets")) {
    auto facets = FacetsArg(ctx.args.GetAll("facets"));
    if (!facets.ok()) return ReportUsageError(ctx, "search", std::string(facets.status().message()));
    for (query::v1::FacetField field : *facets) request.add_facets(field);
  }
  if (ctx.args.Has("facet_limit")) {
    if (!ctx.args.Has("facets")) {
      return ReportUsageError(ctx, "search", "--facet_limit applies with --facets (e.g. --facets all)");
    }
    auto n = ParsePositiveInt("facet_limit", ctx.args.Get("facet_limit"), 100);
    if (!n.ok()) return ReportUsageError(ctx, "search", std::string(n.status().message()));
    request.set_facet_limit(*n);
  }
  auto limit = LimitArg(ctx, "search", 100);
  if (!limit) return kExitUsage;
  request.set_page_size(*limit);
  request.set_page_token(ctx.args.Get("page_token"));
  bool filtered = request.entity_ids_size() > 0 || request.entity_types_size() > 0 ||
                  request.sources_size() > 0 || ctx.args.Has("from") || ctx.args.Has("to");
  if (request.query().empty() && !filtered) {
    return ReportUsageError(ctx, "search",
                            "give a QUERY, a filter (--entity, --type, --source, --from, --to), or both");
  }
  QueryClient query(ctx.AddressOf(Service::kQuery), ctx.options.timeout, ctx.options.security);
  auto response = query.Search(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kQuery, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << RenderSearchHits(*response, ctx.width(), ctx.io.terminal.color);
  }
  return kExitOk;
}

// The profile (query) and knowledge-base entry (entity) of `id`. `kb` may be
// given already (from ResolveName). NOT_FOUND from one service leaves that
// part out; NOT_FOUND from both is an error.
int ShowEntity(const CommandContext& ctx, const std::string& id, std::optional<common::v1::Entity> kb,
               const std::string& candidates_json) {
  auto limit = LimitArg(ctx, "entity", 100);
  if (!limit) return kExitUsage;
  QueryClient query(ctx.AddressOf(Service::kQuery), ctx.options.timeout, ctx.options.security);
  query::v1::GetEntityProfileRequest profile_request;
  profile_request.set_entity_id(id);
  profile_request.set_related_limit(*limit);
  auto profile = query.GetEntityProfile(profile_request);
  if (!profile.ok() && !absl::IsNotFound(profile.status())) {
    return ReportRpcError(ctx, Service::kQuery, profile.status());
  }
  absl::Status kb_status;
  if (!kb) {
    EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
    entity::v1::GetEntityRequest request;
    request.set_entity_id(id);
    auto found = entity.GetEntity(request);
    if (found.ok()) {
      kb = *std::move(found);
    } else if (!absl::IsNotFound(found.status())) {
      return ReportRpcError(ctx, Service::kEntity, found.status());
    } else {
      kb_status = found.status();
    }
  }
  if (!profile.ok() && !kb) {
    ctx.err() << "error: NOT_FOUND: no entity " << id
              << " in the knowledge base, and no indexed document mentions it (find ids with `dossier entity "
                 "search PREFIX` or `dossier entity NAME`)\n";
    return kExitFailure;
  }
  if (ctx.options.json) {
    std::string json = "{";
    if (!candidates_json.empty()) absl::StrAppend(&json, "\"candidates\":", candidates_json, ",");
    absl::StrAppend(&json, "\"entity\":", kb ? ToJson(*kb) : "null",
                    ",\"profile\":", profile.ok() ? ToJson(*profile) : "null", "}");
    ctx.out() << json << "\n";
    return kExitOk;
  }
  if (kb && kb->id() != id) ctx.out() << id << " was merged into " << kb->id() << ".\n";
  ctx.out() << RenderEntityDetails(kb ? &*kb : nullptr, profile.ok() ? &*profile : nullptr, ctx.width());
  return kExitOk;
}

int EntityCommand(const CommandContext& ctx) {
  const std::string arg = JoinedArgs(ctx);
  bool looks_like_id = arg.find(':') != std::string::npos && arg.find(' ') == std::string::npos;
  if (looks_like_id) {
    if (ctx.args.Has("type") || ctx.args.Has("as_of")) {
      return ReportUsageError(ctx, "entity", "--type and --as_of apply to names, not to an id like " + arg);
    }
    return ShowEntity(ctx, arg, std::nullopt, "");
  }
  entity::v1::ResolveNameRequest request;
  request.set_name(arg);
  if (ctx.args.Has("type")) {
    auto type = ParseEntityType("type", ctx.args.Get("type"));
    if (!type.ok()) return ReportUsageError(ctx, "entity", std::string(type.status().message()));
    request.set_type(*type);
  }
  if (absl::Status status = DateArg(ctx, "as_of", request.mutable_as_of()); !status.ok()) {
    return ReportUsageError(ctx, "entity", std::string(status.message()));
  }
  auto limit = LimitArg(ctx, "entity", 100);
  if (!limit) return kExitUsage;
  request.set_limit(*limit);
  EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
  auto response = entity.ResolveName(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kEntity, response.status());
  if (response->candidates().empty()) {
    if (ctx.options.json) {
      ctx.out() << "{\"candidates\":[],\"entity\":null,\"profile\":null}\n";
    }
    ctx.err() << "error: no entity matches \"" << arg << "\" (try `dossier entity search " << arg << "`)\n";
    return kExitFailure;
  }
  std::vector<std::string> candidates;
  for (const auto& c : response->candidates()) candidates.push_back(ToJson(c));
  const common::v1::Entity& top = response->candidates(0).entity();
  if (!ctx.options.json) {
    ctx.out() << RenderCandidates(*response, ctx.width()) << "\n";
  }
  return ShowEntity(ctx, top.id(), top, absl::StrCat("[", absl::StrJoin(candidates, ","), "]"));
}

int EntitySearchCommand(const CommandContext& ctx) {
  entity::v1::SearchEntitiesRequest request;
  request.set_prefix(JoinedArgs(ctx));
  if (ctx.args.Has("type")) {
    auto type = ParseEntityType("type", ctx.args.Get("type"));
    if (!type.ok()) return ReportUsageError(ctx, "entity search", std::string(type.status().message()));
    request.set_type(*type);
  }
  auto limit = LimitArg(ctx, "entity search", 200);
  if (!limit) return kExitUsage;
  request.set_page_size(*limit);
  request.set_page_token(ctx.args.Get("page_token"));
  EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
  auto response = entity.SearchEntities(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kEntity, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << RenderEntityList(*response, ctx.width());
  }
  return kExitOk;
}

int RelatedCommand(const CommandContext& ctx) {
  query::v1::RelatedRequest request;
  request.set_entity_id(ctx.args.positionals()[0]);
  if (ctx.args.Has("type")) {
    auto type = ParseEntityType("type", ctx.args.Get("type"));
    if (!type.ok()) return ReportUsageError(ctx, "related", std::string(type.status().message()));
    request.set_type(*type);
  }
  if (ctx.args.Has("order")) {
    auto order = ParseEnumArg(query::v1::RelatedOrder_descriptor(), "order", ctx.args.Get("order"));
    if (!order.ok()) return ReportUsageError(ctx, "related", std::string(order.status().message()));
    request.set_order(static_cast<query::v1::RelatedOrder>(*order));
  }
  if (ctx.args.Has("min_documents")) {
    auto n = ParsePositiveInt("min_documents", ctx.args.Get("min_documents"), 1000000);
    if (!n.ok()) return ReportUsageError(ctx, "related", std::string(n.status().message()));
    request.set_min_documents(*n);
  }
  auto limit = LimitArg(ctx, "related", 200);
  if (!limit) return kExitUsage;
  request.set_page_size(*limit);
  request.set_page_token(ctx.args.Get("page_token"));
  QueryClient query(ctx.AddressOf(Service::kQuery), ctx.options.timeout, ctx.options.security);
  auto response = query.Related(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kQuery, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << RenderRelated(*response, ctx.width());
  }
  return kExitOk;
}

int TimelineCommand(const CommandContext& ctx) {
  query::v1::TimelineRequest request;
  for (const auto& id : ctx.args.positionals()) request.add_entity_ids(id);
  if (!DateRangeArgs(ctx, "timeline", request.mutable_date_from(), request.mutable_date_to()))
    return kExitUsage;
  if (ctx.args.Has("kind")) {
    auto kind = ParseEnumArg(query::v1::TimelineKind_descriptor(), "kind", ctx.args.Get("kind"));
    if (!kind.ok()) return ReportUsageError(ctx, "timeline", std::string(kind.status().message()));
    request.set_kind(static_cast<query::v1::TimelineKind>(*kind));
  }
  auto limit = LimitArg(ctx, "timeline", 500);
  if (!limit) return kExitUsage;
  request.set_page_size(*limit);
  request.set_page_token(ctx.args.Get("page_token"));
  QueryClient query(ctx.AddressOf(Service::kQuery), ctx.options.timeout, ctx.options.security);
  auto response = query.Timeline(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kQuery, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
  } else {
    ctx.out() << RenderTimeline(*response, ctx.width());
  }
  return kExitOk;
}

// How long a whole export (ExportEvents) may take when --timeout is not
// given: the default --timeout is meant for one page, not for every event.
constexpr std::chrono::minutes kDefaultExportTimeout{10};

// The query service's stub, for the event calls QueryClient does not wrap.
std::unique_ptr<query::v1::QueryService::Stub> QueryStub(const CommandContext& ctx) {
  return query::v1::QueryService::NewStub(MakeChannel(ctx.AddressOf(Service::kQuery), ctx.options.security));
}

// Streams ExportEvents, calling `sink` for each event in order; returns the
// call's status and sets `*count` to the events received.
absl::Status ExportEvents(const CommandContext& ctx, const query::v1::ListEventsRequest& request,
                          const std::function<void(const common::v1::Event&)>& sink, int64_t* count) {
  auto stub = QueryStub(ctx);
  grpc::ClientContext context;
  const auto timeout = ctx.options.timeout_set
                           ? ctx.options.timeout
                           : std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultExportTimeout);
  PrepareContext(&context, timeout, ctx.options.security.auth_token);
  std::unique_ptr<grpc::ClientReader<common::v1::Event>> reader = stub->ExportEvents(&context, request);
  common::v1::Event event;
  *count = 0;
  while (reader->Read(&event)) {
    sink(event);
    ++*count;
  }
  return FromGrpcStatus(reader->Finish());
}

// Read as an actor code rather than an entity id, and not shaped like one
// (CAMEO codes are three-letter groups: CHN, CHNGOV): probably a name.
bool LooksLikeAName(const std::string& actor) {
  return !actor.empty() && actor.find(':') == std::string::npos && actor.size() % 3 != 0;
}

int EventsCommand(const CommandContext& ctx) {
  EventsFlags flags{ctx.args.Get("side"), ctx.args.Get("code"), ctx.args.Get("quad"),
                    ctx.args.Get("from"), ctx.args.Get("to"),   ctx.args.Get("doc")};
  auto request = BuildListEventsRequest(ctx.args.positionals(), flags);
  if (!request.ok()) return ReportUsageError(ctx, "events", std::string(request.status().message()));
  auto format = ParseEventsFormat(ctx.args.Get("format", "table"));
  if (!format.ok()) return ReportUsageError(ctx, "events", std::string(format.status().message()));
  const bool all = *format != EventsFormat::kTable || ctx.args.GetBool("all");
  if (all && (ctx.args.Has("limit") || ctx.args.Has("page_token"))) {
    return ReportUsageError(
        ctx, "events",
        "--limit and --page_token page the table; --all and --format=jsonl|tsv give every "
        "match");
  }
  if (ctx.options.json && *format == EventsFormat::kTsv) {
    return ReportUsageError(ctx, "events", "--json and --format=tsv ask for two formats; give one");
  }
  auto limit = LimitArg(ctx, "events", 500);
  if (!limit) return kExitUsage;
  request->set_page_size(*limit);
  request->set_page_token(ctx.args.Get("page_token"));

  if (*format == EventsFormat::kJsonl || *format == EventsFormat::kTsv) {
    // The TSV header goes out with the first event (or at the end of an
    // empty export), so that a call that fails at once writes nothing.
    const bool tsv = *format == EventsFormat::kTsv;
    bool header_pending = tsv;
    auto write_header = [&] {
      if (header_pending) ctx.out() << EventTsvHeader();
      header_pending = false;
    };
    int64_t count = 0;
    absl::Status status = ExportEvents(
        ctx, *request,
        [&](const common::v1::Event& e) {
          write_header();
          ctx.out() << (tsv ? EventTsvRow(e) : EventJsonLine(e));
        },
        &count);
    if (status.ok()) write_header();
    ctx.out().flush();
    if (!status.ok()) {
      if (count > 0) {
        ctx.err() << "note: " << count << (count == 1 ? " event was" : " events were")
                  << " written before the error\n";
      }
      return ReportRpcError(ctx, Service::kQuery, status);
    }
    ctx.err() << "Exported " << count << (count == 1 ? " event.\n" : " events.\n");
    return kExitOk;
  }

  query::v1::ListEventsResponse response;
  if (all) {
    int64_t count = 0;
    absl::Status status = ExportEvents(
        ctx, *request, [&](const common::v1::Event& e) { *response.add_events() = e; }, &count);
    if (!status.ok()) return ReportRpcError(ctx, Service::kQuery, status);
    response.set_total_size(static_cast<int32_t>(count));
  } else {
    auto stub = QueryStub(ctx);
    auto page = CallUnary(stub.get(), &query::v1::QueryService::Stub::ListEvents, *request,
                          ctx.options.timeout, ctx.options.security.auth_token);
    if (!page.ok()) return ReportRpcError(ctx, Service::kQuery, page.status());
    response = *std::move(page);
  }
  if (ctx.options.json) {
    PrintJson(ctx, response);
  } else {
    ctx.out() << RenderEvents(response, ctx.width(), all);
  }
  if (response.events().empty()) {
    for (const std::string& actor : ctx.args.positionals()) {
      if (!LooksLikeAName(actor)) continue;
      ctx.err() << "note: " << actor << " was read as an actor code (like CHN or CHNGOV); for a person or "
                << "organisation give its entity id (find it with `dossier entity " << actor << "`)\n";
    }
  }
  return kExitOk;
}

int KbAliasCommand(const CommandContext& ctx) {
  const auto& args = ctx.args.positionals();
  entity::v1::AddAliasRequest request;
  request.set_entity_id(args[0]);
  std::vector<std::string> words(args.begin() + 1, args.end());
  request.set_alias(absl::StrJoin(words, " "));
  EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
  auto response = entity.AddAlias(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kEntity, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
    return kExitOk;
  }
  ctx.out() << "Added alias \"" << request.alias() << "\" to " << response->id() << ".\n\n"
            << RenderEntitySummary(*response, ctx.width())
            << "\nDocuments annotated before keep their links until they are reprocessed.\n";
  return kExitOk;
}

int KbMergeCommand(const CommandContext& ctx) {
  const auto& args = ctx.args.positionals();
  entity::v1::MergeEntitiesRequest request;
  request.set_target_id(args[0]);
  for (size_t i = 1; i < args.size(); ++i) request.add_source_ids(args[i]);
  EntityClient entity(ctx.AddressOf(Service::kEntity), ctx.options.timeout, ctx.options.security);
  auto response = entity.MergeEntities(request);
  if (!response.ok()) return ReportRpcError(ctx, Service::kEntity, response.status());
  if (ctx.options.json) {
    PrintJson(ctx, *response);
    return kExitOk;
  }
  std::vector<std::string> sources(args.begin() + 1, args.end());
  ctx.out() << "Merged " << absl::StrJoin(sources, ", ") << " into " << response->id() << ".\n\n"
            << RenderEntitySummary(*response, ctx.width())
            << "\nDocuments annotated before keep their links until they are reprocessed.\n";
  return kExitOk;
}

struct HealthResult {
  Service service;
  std::string address;
  bool serving = false;
  std::string status;  // SERVING, NOT_SERVING, or a gRPC code name
  std::string detail;
  absl::Status error;  // the failed call, if any
};

HealthResult CheckService(Service service, const std::string& address, std::chrono::milliseconds timeout,
                          const ClientSecurity& security) {
  HealthResult result{service, address};
  auto fail = [&](const absl::Status& status, std::string detail) {
    result.status = absl::StatusCodeToString(status.code());
    result.detail = std::move(detail);
    result.error = status;
    return result;
  };
  auto server = CheckHealth(address, "", timeout, security);
  if (!server.ok()) return fail(server.status(), std::string(server.status().message()));
  if (!*server) {
    result.status = "NOT_SERVING";
    result.detail = "the server says it is not serving";
    return result;
  }
  const std::string name = InfoOf(service).health_name;
  auto own = CheckHealth(address, name, timeout, security);
  if (!own.ok()) {
    if (absl::IsNotFound(own.status())) {
      return fail(own.status(), absl::StrCat("the server at ", address, " does not host ", name,
                                             " (another service on that port?)"));
    }
    return fail(own.status(), std::string(own.status().message()));
  }
  result.serving = *own;
  result.status = *own ? "SERVING" : "NOT_SERVING";
  if (!*own) result.detail = absl::StrCat(name, " is not serving (starting up or shutting down?)");
  return result;
}

int HealthCommand(const CommandContext& ctx) {
  const auto timeout = ctx.options.timeout_set
                           ? ctx.options.timeout
                           : std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultHealthTimeout);
  std::vector<std::future<HealthResult>> pending;
  for (Service service : {Service::kIngest, Service::kEntity, Service::kQuery}) {
    pending.push_back(std::async(std::launch::async, CheckService, service, ctx.AddressOf(service), timeout,
                                 std::cref(ctx.options.security)));
  }
  std::vector<HealthResult> results;
  for (auto& f : pending) results.push_back(f.get());
  const bool healthy =
      std::all_of(results.begin(), results.end(), [](const HealthResult& r) { return r.serving; });
  if (ctx.options.json) {
    std::vector<std::string> items;
    for (const auto& r : results) {
      const ServiceInfo& info = InfoOf(r.service);
      items.push_back(
          absl::StrCat("{\"service\":", JsonQuote(info.short_name), ",\"name\":", JsonQuote(info.health_name),
                       ",\"address\":", JsonQuote(r.address), ",\"serving\":", r.serving ? "true" : "false",
                       ",\"status\":", JsonQuote(r.status), ",\"error\":", JsonQuote(r.detail), "}"));
    }
    ctx.out() << "{\"healthy\":" << (healthy ? "true" : "false") << ",\"services\":["
              << absl::StrJoin(items, ",") << "]}\n";
  } else {
    Table table({"SERVICE", "ADDRESS", "STATUS", "DETAIL"});
    table.SetFixed(1);
    for (const auto& r : results) {
      table.AddRow({InfoOf(r.service).short_name, r.address, absl::AsciiStrToLower(r.status), r.detail});
    }
    ctx.out() << table.Render(ctx.width());
  }
  for (const auto& r : results) {
    std::string hint = RpcErrorHint(r.service, r.address, r.error, ctx.options);
    if (!hint.empty()) ctx.err() << hint;
  }
  return healthy ? kExitOk : kExitFailure;
}

}  // namespace

// --- shared reporting -------------------------------------------------------

const ServiceInfo& InfoOf(Service service) {
  static const ServiceInfo kInfos[] = {
      {"ingest", "dossier-ingest", "ingest_addr", "DOSSIER_INGEST_ADDR", "dossier.ingest.v1.IngestService"},
      {"entity", "dossier-entity", "entity_addr", "DOSSIER_ENTITY_ADDR", "dossier.entity.v1.EntityService"},
      {"query", "dossier-query", "query_addr", "DOSSIER_QUERY_ADDR", "dossier.query.v1.QueryService"},
  };
  return kInfos[static_cast<int>(service)];
}

std::string CommandContext::AddressOf(Service service) const {
  switch (service) {
    case Service::kIngest:
      return options.ingest_addr;
    case Service::kEntity:
      return options.entity_addr;
    case Service::kQuery:
      return options.query_addr;
  }
  return "";
}

std::string RpcErrorHint(Service service, const std::string& address, const absl::Status& status,
                         const GlobalOptions& options) {
  const ServiceInfo& info = InfoOf(service);
  if (absl::IsUnavailable(status)) {
    std::string hint = absl::StrCat("hint: is ", info.binary, " running at ", address, "? set --", info.flag,
                                    " or ", info.env, "\n");
    const std::string message = absl::AsciiStrToLower(status.message());
    if (absl::StrContains(message, "ssl") || absl::StrContains(message, "handshake") ||
        absl::StrContains(message, "certificate")) {
      absl::StrAppend(&hint, "hint: the TLS handshake failed: check --tls_ca (the CA of ", info.binary,
                      "'s certificate), --tls_server_name, and --tls_cert/--tls_key if it requires client "
                      "certificates\n");
    } else if (!options.security.tls() && absl::StrContains(message, "socket closed")) {
      absl::StrAppend(&hint, "hint: if ", info.binary, " serves TLS, set --tls_ca or DOSSIER_TLS_CA\n");
    }
    return hint;
  }
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    return absl::StrCat(
        "hint: ", info.binary, " at ", address,
        " requires the shared token: set --auth_token_file, --auth_token or DOSSIER_AUTH_TOKEN\n");
  }
  if (status.code() == absl::StatusCode::kUnimplemented) {
    return absl::StrCat("hint: ", info.binary, " at ", address,
                        " does not offer this call: it is older than this dossier command; update it\n");
  }
  if (absl::IsDeadlineExceeded(status)) {
    return absl::StrCat("hint: ", info.binary, " at ", address, " did not answer within ",
                        FormatDuration(options.timeout.count() / 1000.0), "; raise --timeout\n");
  }
  return "";
}

int ReportRpcError(const CommandContext& ctx, Service service, const absl::Status& status) {
  ctx.err() << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n"
            << RpcErrorHint(service, ctx.AddressOf(service), status, ctx.options);
  return kExitFailure;
}

int ReportUsageError(const CommandContext& ctx, const std::string& command, const std::string& message) {
  ctx.err() << "error: " << message << "\n\n";
  if (const CommandDef* def = FindCommand(command)) ctx.err() << CommandUsage(*def);
  return kExitUsage;
}

namespace {

int UsageError(const Io& io, const std::string& message, const std::string& usage) {
  *io.err << "error: " << message << "\n\n" << usage;
  return kExitUsage;
}

}  // namespace

int Run(const std::vector<std::string>& args, const Io& io) {
  const std::vector<FlagSpec>& globals = GlobalFlagSpecs();
  const int command_index = FindCommandIndex(args, globals);
  if (command_index < 0) {
    auto parsed = ParseArgs(args, globals);
    if (!parsed.ok()) return UsageError(io, std::string(parsed.status().message()), TopUsage());
    if (parsed->help()) {
      *io.out << TopUsage();
      return kExitOk;
    }
    return UsageError(io, "no command given", TopUsage());
  }
  const std::string word = args[command_index];
  std::vector<std::string> rest(args.begin(), args.begin() + command_index);
  rest.insert(rest.end(), args.begin() + command_index + 1, args.end());

  if (word == "help") {
    auto parsed = ParseArgs(rest, globals);
    if (!parsed.ok()) return UsageError(io, std::string(parsed.status().message()), TopUsage());
    if (parsed->positionals().empty()) {
      *io.out << TopUsage();
      return kExitOk;
    }
    std::string topic = absl::StrJoin(parsed->positionals(), " ");
    const CommandDef* def = FindCommand(topic);
    std::vector<const CommandDef*> group = def ? std::vector<const CommandDef*>{def} : CommandGroup(topic);
    if (group.empty()) return UsageError(io, absl::StrCat("no command \"", topic, "\""), TopUsage());
    *io.out << GroupUsage(group);
    return kExitOk;
  }

  std::vector<const CommandDef*> group = CommandGroup(word);
  if (group.empty()) {
    std::string message = absl::StrCat("unknown command \"", word, "\"");
    for (int i = 0; i < command_index; ++i) {
      std::string name = args[i].substr(0, args[i].find('='));
      bool global = std::any_of(globals.begin(), globals.end(),
                                [&](const FlagSpec& s) { return "--" + s.name == name; });
      if (absl::StartsWith(name, "--") && !global) {
        absl::StrAppend(&message, " (a command's own flags, like ", name, ", go after the command)");
        break;
      }
    }
    return UsageError(io, message, TopUsage());
  }

  // Parse with every flag of the group, then pick the subcommand.
  std::vector<FlagSpec> specs = globals;
  std::set<std::string> names;
  for (const auto& spec : globals) names.insert(spec.name);
  for (const CommandDef* def : group) {
    for (const auto& spec : def->flags) {
      if (names.insert(spec.name).second) specs.push_back(spec);
    }
  }
  auto parsed = ParseArgs(rest, specs);
  if (!parsed.ok()) return UsageError(io, std::string(parsed.status().message()), GroupUsage(group));
  const CommandDef* def = FindCommand(word);
  if (group.size() > 1 && !parsed->positionals().empty()) {
    if (const CommandDef* sub = FindCommand(absl::StrCat(word, " ", parsed->positionals()[0]))) {
      def = sub;
      parsed->mutable_positionals().erase(parsed->mutable_positionals().begin());
    }
  }
  if (parsed->help()) {
    *io.out << (def != nullptr && def->name != word ? GroupUsage({def}) : GroupUsage(group));
    return kExitOk;
  }
  if (def == nullptr) {
    std::vector<std::string> subs;
    for (const CommandDef* d : group) subs.push_back(d->name.substr(word.size() + 1));
    std::string given =
        parsed->positionals().empty() ? "" : absl::StrCat(" (not \"", parsed->positionals()[0], "\")");
    return UsageError(io, absl::StrCat(word, " needs a subcommand: ", absl::StrJoin(subs, " or "), given),
                      GroupUsage(group));
  }
  for (const std::string& flag : parsed->FlagNames()) {
    bool known =
        std::any_of(globals.begin(), globals.end(), [&](const FlagSpec& s) { return s.name == flag; }) ||
        std::any_of(def->flags.begin(), def->flags.end(), [&](const FlagSpec& s) { return s.name == flag; });
    if (!known) {
      return UsageError(io, absl::StrCat("--", flag, " does not apply to `dossier ", def->name, "`"),
                        GroupUsage({def}));
    }
  }
  const int count = static_cast<int>(parsed->positionals().size());
  if (count < def->min_args || (def->max_args >= 0 && count > def->max_args)) {
    std::string message = count < def->min_args
                              ? absl::StrCat("`dossier ", def->name, "` needs ",
                                             def->synopsis.empty() ? "no arguments" : def->synopsis)
                              : absl::StrCat("`dossier ", def->name, "` takes ",
                                             def->synopsis.empty() ? "no arguments" : def->synopsis, ", not ",
                                             absl::StrJoin(parsed->positionals(), " "));
    return UsageError(io, message, GroupUsage({def}));
  }
  auto options = ResolveGlobalOptions(*parsed, io.env);
  if (!options.ok()) return UsageError(io, std::string(options.status().message()), GroupUsage({def}));
  CommandContext ctx{*parsed, *options, io};
  return def->handler(ctx);
}

Terminal DetectTerminal() {
  Terminal terminal;
  terminal.stdout_tty = isatty(STDOUT_FILENO) == 1;
  terminal.stderr_tty = isatty(STDERR_FILENO) == 1;
  if (terminal.stdout_tty) {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) terminal.width = size.ws_col;
    const char* term = std::getenv("TERM");
    terminal.color = std::getenv("NO_COLOR") == nullptr && !(term != nullptr && std::string(term) == "dumb");
  }
  terminal.width = std::max(terminal.width, 40);
  return terminal;
}

}  // namespace dossier::cli
