// The whole CLI run in-process (cli::Run) against fake services on a local
// gRPC server: exit codes, what goes to stdout and stderr, and what requests
// the commands send.
#include "clients/cli/cli.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/events.h"
#include "dossier/entity/v1/entity.grpc.pb.h"
#include "dossier/ingest/v1/ingest.grpc.pb.h"
#include "dossier/query/v1/query.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

void SetDate(common::v1::DateValue* date, int y, int m, int d) {
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
}

class FakeIngest final : public ingest::v1::IngestService::Service {
 public:
  grpc::Status Ingest(grpc::ServerContext*, const ingest::v1::IngestRequest* request,
                      ingest::v1::IngestResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(*request);
    const std::string& body = request->body().empty() ? request->raw_body() : request->body();
    if (body.find("REJECT") != std::string::npos) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "document body is rejected");
    }
    auto [it, inserted] = ids_.emplace(body, absl::StrCat("d-", ids_.size() + 1));
    response->set_document_id(it->second);
    response->set_duplicate(!inserted);
    response->set_state(request->wait_for_indexing() ? common::v1::DOCUMENT_STATE_INDEXED
                                                     : common::v1::DOCUMENT_STATE_RECEIVED);
    response->set_title(body.substr(0, body.find('\n')));
    return grpc::Status::OK;
  }
  grpc::Status GetDocument(grpc::ServerContext*, const ingest::v1::GetDocumentRequest* request,
                           common::v1::Document* document) override {
    if (request->document_id() != "d-ingest-only") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no document with id " + request->document_id());
    }
    document->set_id("d-ingest-only");
    document->set_title("Not indexed yet");
    document->set_body("Body text.");
    document->set_state(common::v1::DOCUMENT_STATE_ANNOTATED);
    return grpc::Status::OK;
  }
  grpc::Status ListDocuments(grpc::ServerContext*, const ingest::v1::ListDocumentsRequest* request,
                             ingest::v1::ListDocumentsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_list = *request;
    for (int i = 1; i <= 2; ++i) {
      auto* d = response->add_documents();
      d->set_id(absl::StrCat("d-", i));
      d->set_state(common::v1::DOCUMENT_STATE_INDEXED);
      d->set_title(absl::StrCat("Document ", i));
    }
    response->set_total_size(5);
    response->set_next_page_token("next");
    return grpc::Status::OK;
  }

  grpc::Status Reprocess(grpc::ServerContext*, const ingest::v1::ReprocessRequest* request,
                         ingest::v1::ReprocessResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_reprocess = *request;
    response->set_queued(request->all() ? 7 : request->document_ids_size());
    return grpc::Status::OK;
  }

  std::mutex mu;
  std::vector<ingest::v1::IngestRequest> requests;
  ingest::v1::ListDocumentsRequest last_list;
  ingest::v1::ReprocessRequest last_reprocess;

 private:
  std::map<std::string, std::string> ids_;
};

class FakeQuery final : public query::v1::QueryService::Service {
 public:
  grpc::Status Search(grpc::ServerContext*, const query::v1::SearchRequest* request,
                      query::v1::SearchResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_search = *request;
    auto* hit = response->add_hits();
    hit->set_document_id("d-indexed");
    hit->set_title("Hit for " + request->query());
    SetDate(hit->mutable_published(), 2001, 9, 19);
    hit->set_snippet("about [" + request->query() + "] and more");
    response->set_total_size(1);
    for (int field : request->facets()) {
      auto* facet = response->add_facets();
      facet->set_field(static_cast<query::v1::FacetField>(field));
      auto* value = facet->add_values();
      value->set_value(field == query::v1::FACET_FIELD_ENTITY ? "person:jiang-zemin" : "v");
      value->set_label(field == query::v1::FACET_FIELD_ENTITY ? "Jiang Zemin" : "v");
      value->set_count(4);
    }
    return grpc::Status::OK;
  }
  grpc::Status GetDocument(grpc::ServerContext*, const query::v1::GetDocumentRequest* request,
                           common::v1::Document* document) override {
    if (request->document_id() != "d-indexed") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no document with id " + request->document_id());
    }
    document->set_id("d-indexed");
    document->set_title("Indexed document");
    document->set_body("Indexed body.");
    auto* m = document->add_mentions();
    m->set_text("Jiang");
    m->set_type(common::v1::ENTITY_TYPE_PERSON);
    m->set_entity_id("person:jiang-zemin");
    m->set_link_reason(common::v1::LINK_REASON_COREFERENCE);
    m->set_confidence(0.8f);
    *document->add_events() = Call();
    return grpc::Status::OK;
  }
  grpc::Status GetEntityProfile(grpc::ServerContext*, const query::v1::GetEntityProfileRequest* request,
                                query::v1::EntityProfile* profile) override {
    if (request->entity_id() != "person:jiang-zemin") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no indexed document mentions " + request->entity_id());
    }
    profile->set_entity_id("person:jiang-zemin");
    profile->set_name("Jiang Zemin");
    profile->set_type(common::v1::ENTITY_TYPE_PERSON);
    profile->add_aliases("Jiang");
    profile->set_mention_count(12);
    profile->set_document_count(4);
    return grpc::Status::OK;
  }
  grpc::Status Related(grpc::ServerContext*, const query::v1::RelatedRequest* request,
                       query::v1::RelatedResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      last_related = *request;
    }
    auto* r = response->add_related();
    r->set_entity_id("country:CHN");
    r->set_name("China");
    r->set_type(common::v1::ENTITY_TYPE_LOCATION);
    r->set_document_count(3);
    return grpc::Status::OK;
  }
  grpc::Status Timeline(grpc::ServerContext*, const query::v1::TimelineRequest* request,
                        query::v1::TimelineResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      last_timeline = *request;
    }
    if (request->kind() != query::v1::TIMELINE_KIND_MENTIONS) {
      auto* event = response->add_items();
      SetDate(event->mutable_date(), 2001, 7, 16);
      event->set_date_from_text(true);
      event->set_title("Treaty");
      event->set_text("They signed it.");
      *event->mutable_event() = Call();
      event->mutable_event()->set_cameo_code("057");
      event->mutable_event()->set_label("Sign formal agreement");
    }
    if (request->kind() != query::v1::TIMELINE_KIND_EVENTS) {
      auto* item = response->add_items();
      SetDate(item->mutable_date(), 2001, 7, 16);
      item->set_date_from_text(true);
      item->set_title("Treaty");
      item->set_text("They signed it.");
    }
    return grpc::Status::OK;
  }

  // One page: the call, three matches in all; none for actor PUTIN.
  grpc::Status ListEvents(grpc::ServerContext*, const query::v1::ListEventsRequest* request,
                          query::v1::ListEventsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_list_events = *request;
    ++event_calls;
    if (request->actor() == "PUTIN") return grpc::Status::OK;
    *response->add_events() = Call();
    response->set_total_size(3);
    response->set_next_page_token("n2");
    return grpc::Status::OK;
  }

  // Three events (none for actor PUTIN); with code prefix 19, one and then an error.
  grpc::Status ExportEvents(grpc::ServerContext*, const query::v1::ListEventsRequest* request,
                            grpc::ServerWriter<common::v1::Event>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      last_export = *request;
      ++event_calls;
    }
    if (request->actor() == "PUTIN") return grpc::Status::OK;
    for (int i = 1; i <= 3; ++i) {
      common::v1::Event e = Call();
      e.set_id(absl::StrCat("ev-", i));
      writer->Write(e);
      if (request->cameo_prefix() == "19") {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the index went away");
      }
    }
    return grpc::Status::OK;
  }

  static common::v1::Event Call() {
    common::v1::Event e;
    e.set_id("ev-1");
    SetDate(e.mutable_date(), 2001, 9, 18);
    e.set_date_from_text(true);
    e.set_source_entity_id("person:jiang-zemin");
    e.mutable_source()->set_entity_id("person:jiang-zemin");
    e.mutable_source()->set_name("Jiang Zemin");
    e.mutable_source()->set_code("CHNGOV");
    e.set_target_entity_id("person:vladimir-putin");
    e.mutable_target()->set_entity_id("person:vladimir-putin");
    e.mutable_target()->set_name("Vladimir Putin");
    e.mutable_target()->set_code("RUSGOV");
    e.set_cameo_code("041");
    e.set_root_code("04");
    e.set_label("Discuss by telephone");
    e.set_quad_class(1);
    e.set_goldstein(1);
    e.set_num_mentions(2);
    e.set_num_documents(1);
    e.set_evidence("Jiang and Putin spoke by telephone.");
    e.add_mentions()->set_document_id("d-indexed");
    return e;
  }

  std::mutex mu;
  query::v1::SearchRequest last_search;
  query::v1::RelatedRequest last_related;
  query::v1::TimelineRequest last_timeline;
  query::v1::ListEventsRequest last_list_events;
  query::v1::ListEventsRequest last_export;
  int event_calls = 0;
};

common::v1::Entity Jiang() {
  common::v1::Entity e;
  e.set_id("person:jiang-zemin");
  e.set_name("Jiang Zemin");
  e.set_type(common::v1::ENTITY_TYPE_PERSON);
  e.add_aliases("Jiang");
  auto* role = e.add_roles();
  role->set_code("CHNGOV");
  role->set_label("China, government");
  return e;
}

class FakeEntity final : public entity::v1::EntityService::Service {
 public:
  grpc::Status GetEntity(grpc::ServerContext*, const entity::v1::GetEntityRequest* request,
                         common::v1::Entity* entity) override {
    if (request->entity_id() != "person:jiang-zemin") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no entity with id " + request->entity_id());
    }
    *entity = Jiang();
    return grpc::Status::OK;
  }
  grpc::Status ResolveName(grpc::ServerContext*, const entity::v1::ResolveNameRequest* request,
                           entity::v1::ResolveNameResponse* response) override {
    if (request->name() == "Jiang") {
      auto* c = response->add_candidates();
      *c->mutable_entity() = Jiang();
      c->set_score(0.9f);
      c->set_reason(common::v1::LINK_REASON_EXACT_ALIAS);
      c->set_matched_alias("Jiang");
    }
    return grpc::Status::OK;
  }
  grpc::Status AddAlias(grpc::ServerContext*, const entity::v1::AddAliasRequest* request,
                        common::v1::Entity* entity) override {
    std::lock_guard<std::mutex> lock(mu);
    last_alias = *request;
    *entity = Jiang();
    entity->add_aliases(request->alias());
    return grpc::Status::OK;
  }

  grpc::Status Annotate(grpc::ServerContext*, const entity::v1::AnnotateRequest* request,
                        entity::v1::AnnotateResponse* response) override {
    std::lock_guard<std::mutex> lock(mu);
    last_annotate = *request;
    if (request->text().find("President") != std::string::npos) {
      auto* m = response->add_mentions();
      m->set_text("President");
      m->set_type(common::v1::ENTITY_TYPE_PERSON);
      m->set_entity_id("person:vladimir-putin");
      m->set_confidence(0.75f);
      m->set_link_reason(common::v1::LINK_REASON_ROLE);
    }
    return grpc::Status::OK;
  }

  std::mutex mu;
  entity::v1::AddAliasRequest last_alias;
  entity::v1::AnnotateRequest last_annotate;
};

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    grpc::EnableDefaultHealthCheckService(true);
    ingest_ = new FakeIngest;
    query_ = new FakeQuery;
    entity_ = new FakeEntity;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(ingest_);
    builder.RegisterService(query_);
    builder.RegisterService(entity_);
    server_ = builder.BuildAndStart().release();
    ASSERT_NE(server_, nullptr);
    SetServing("dossier.query.v1.QueryService", true);
    SetServing("dossier.ingest.v1.IngestService", true);
    SetServing("dossier.entity.v1.EntityService", true);
  }
  static void TearDownTestSuite() {
    server_->Shutdown();
    delete server_;
    delete ingest_;
    delete query_;
    delete entity_;
  }
  static void SetServing(const std::string& name, bool serving) {
    server_->GetHealthCheckService()->SetServingStatus(name, serving);
  }
  static std::string Address() { return absl::StrCat("127.0.0.1:", port_); }

  // Runs the CLI with the three addresses pointing at the fakes through the
  // environment (unless `env` says otherwise).
  Result RunCli(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                const std::string& stdin_text = "") {
    for (const char* name : {"DOSSIER_INGEST_ADDR", "DOSSIER_ENTITY_ADDR", "DOSSIER_QUERY_ADDR"}) {
      env.emplace(name, Address());
    }
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    Io io;
    io.in = &in;
    io.out = &out;
    io.err = &err;
    io.env = [env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    Result result;
    result.code = dossier::cli::Run(args, io);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  static int port_;
  static grpc::Server* server_;
  static FakeIngest* ingest_;
  static FakeQuery* query_;
  static FakeEntity* entity_;
};
int CliTest::port_ = 0;
grpc::Server* CliTest::server_ = nullptr;
FakeIngest* CliTest::ingest_ = nullptr;
FakeQuery* CliTest::query_ = nullptr;
FakeEntity* CliTest::entity_ = nullptr;

// --- usage ------------------------------------------------------------------

TEST_F(CliTest, HelpGoesToStdoutWithExitZero) {
  Result top = RunCli({"help"});
  EXPECT_EQ(top.code, 0);
  EXPECT_THAT(top.out, HasSubstr("Usage: dossier <command> [flags] [args]"));
  EXPECT_THAT(top.out, HasSubstr("DOSSIER_QUERY_ADDR"));
  Result search = RunCli({"search", "--help"});
  EXPECT_EQ(search.code, 0);
  EXPECT_THAT(search.out, HasSubstr("Usage: dossier search [QUERY...] [flags]"));
  EXPECT_THAT(search.out, HasSubstr("Examples:\n  dossier search terrorism"));
  Result kb = RunCli({"help", "kb"});
  EXPECT_THAT(kb.out, HasSubstr("Usage: dossier kb alias"));
  EXPECT_THAT(kb.out, HasSubstr("Usage: dossier kb merge"));
  Result events = RunCli({"help", "events"});
  EXPECT_EQ(events.code, 0);
  EXPECT_THAT(events.out, HasSubstr("Usage: dossier events [ACTOR [OTHER]] [flags]"));
  EXPECT_THAT(events.out, HasSubstr("  dossier events CHN --code 04 --format tsv > events.tsv\n"));
  EXPECT_THAT(top.out, HasSubstr("  events [ACTOR [OTHER]]"));
  Result sub = RunCli({"entity", "search", "-h"});
  EXPECT_THAT(sub.out, HasSubstr("Usage: dossier entity search PREFIX"));
  EXPECT_THAT(sub.out, Not(HasSubstr("Usage: dossier entity ID_OR_NAME")));
}

TEST_F(CliTest, UnknownCommandPrintsUsageOnStderrWithExitTwo) {
  Result r = RunCli({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_THAT(r.err, StartsWith("error: unknown command \"frobnicate\"\n"));
  EXPECT_THAT(r.err, HasSubstr("Usage: dossier <command>"));
  EXPECT_EQ(RunCli({}).code, 2);
  Result early = RunCli({"--limit", "5", "docs"});
  EXPECT_EQ(early.code, 2);
  EXPECT_THAT(early.err, HasSubstr("a command's own flags, like --limit, go after the command"));
}

TEST_F(CliTest, BadFlagsExitTwoWithTheCommandsUsage) {
  Result unknown = RunCli({"search", "x", "--bogus"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("error: unknown flag --bogus"));
  EXPECT_THAT(unknown.err, HasSubstr("Usage: dossier search"));
  Result other = RunCli({"entity", "Jiang", "--page_token", "x"});
  EXPECT_EQ(other.code, 2);
  EXPECT_THAT(other.err, HasSubstr("--page_token does not apply to `dossier entity`"));
  Result limit = RunCli({"docs", "--limit=0"});
  EXPECT_EQ(limit.code, 2);
  EXPECT_THAT(limit.err, HasSubstr("--limit=0 is not a whole number between 1 and 1000"));
  Result type = RunCli({"search", "x", "--type", "animal"});
  EXPECT_EQ(type.code, 2);
  EXPECT_THAT(type.err, HasSubstr("--type=animal is not one of person, organization"));
  Result timeout = RunCli({"health", "--timeout=never"});
  EXPECT_EQ(timeout.code, 2);
}

TEST_F(CliTest, BadDatesExitTwo) {
  Result month = RunCli({"search", "x", "--from", "2001-13"});
  EXPECT_EQ(month.code, 2);
  EXPECT_THAT(month.err, HasSubstr("error: --from: bad date \"2001-13\": month must be 01-12"));
  Result range = RunCli({"timeline", "person:a", "--from", "2003", "--to=2002"});
  EXPECT_EQ(range.code, 2);
  EXPECT_THAT(range.err, HasSubstr("--from 2003-?\?-?? is after --to 2002-?\?-??"));
  Result as_of = RunCli({"entity", "Jiang", "--as_of", "2001-02-30"});
  EXPECT_EQ(as_of.code, 2);
  EXPECT_THAT(as_of.err, HasSubstr("day must be 01-28 in February 2001"));
}

TEST_F(CliTest, WrongArgumentsExitTwo) {
  EXPECT_THAT(RunCli({"kb"}).err, HasSubstr("kb needs a subcommand: alias or merge"));
  EXPECT_EQ(RunCli({"kb", "rename", "a", "b"}).code, 2);
  Result doc = RunCli({"doc"});
  EXPECT_EQ(doc.code, 2);
  EXPECT_THAT(doc.err, HasSubstr("`dossier doc` needs ID"));
  EXPECT_EQ(RunCli({"related", "a:b", "c:d"}).code, 2);
  EXPECT_THAT(RunCli({"search"}).err, HasSubstr("give a QUERY, a filter"));
  EXPECT_EQ(RunCli({"ingest"}).code, 2);
}

// --- errors from services ---------------------------------------------------

TEST_F(CliTest, UnavailableServiceGetsAHintAndExitOne) {
  Result r = RunCli({"search", "x"}, {{"DOSSIER_QUERY_ADDR", "127.0.0.1:1"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_THAT(
      r.err,
      HasSubstr("hint: is dossier-query running at 127.0.0.1:1? set --query_addr or DOSSIER_QUERY_ADDR\n"));
  // The flag wins over the environment.
  Result flag = RunCli({"--entity_addr=127.0.0.1:1", "entity", "search", "Ji"});
  EXPECT_EQ(flag.code, 1);
  EXPECT_THAT(flag.err, HasSubstr("hint: is dossier-entity running at 127.0.0.1:1?"));
}

TEST_F(CliTest, NotFoundIsReportedWithItsCode) {
  Result r = RunCli({"doc", "d-missing"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: NOT_FOUND: no document with id d-missing\n");
}

// --- ingest -----------------------------------------------------------------

class CliIngestTest : public CliTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dossier_cli_ingest_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "sub");
    Write("a.txt", "Title A\nfirst article " + dir_.string());
    Write("sub/b.html", "<html><title>B</title>second " + dir_.string() + "</html>");
    Write("sub/c.md", "REJECT this one");
    Write("skip.pdf", "%PDF");
    std::lock_guard<std::mutex> lock(ingest_->mu);
    ingest_->requests.clear();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) { std::ofstream(dir_ / name) << content; }

  fs::path dir_;
};

TEST_F(CliIngestTest, FolderAsJsonLinesInOrderWithSummaryOnStderr) {
  Result r = RunCli({"ingest", "--json", "--source", "Xinhua", "--concurrency=2", dir_.string()});
  EXPECT_EQ(r.code, 1) << r.err;  // one file was rejected
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[0], StartsWith("{\"file\":\"" + (dir_ / "a.txt").string() + "\",\"document_id\":\"d-"));
  EXPECT_THAT(lines[0],
              HasSubstr("\"duplicate\":false,\"state\":\"DOCUMENT_STATE_RECEIVED\",\"title\":\"Title A\""));
  EXPECT_THAT(lines[1], HasSubstr("sub/b.html"));
  EXPECT_THAT(lines[2], HasSubstr("\"error\":\"INVALID_ARGUMENT: document body is rejected\""));
  EXPECT_THAT(r.err, HasSubstr("note: skipped " + (dir_ / "skip.pdf").string()));
  EXPECT_THAT(r.err, HasSubstr("3 files: 2 accepted, 0 duplicates, 1 rejected in "));
  EXPECT_THAT(r.err, HasSubstr("Rejected:\n  " + (dir_ / "sub/c.md").string() +
                               ": INVALID_ARGUMENT: document body is rejected\n"));
  {
    std::lock_guard<std::mutex> lock(ingest_->mu);
    ASSERT_EQ(ingest_->requests.size(), 3u);
    for (const auto& request : ingest_->requests) {
      EXPECT_EQ(request.source(), "Xinhua");
      EXPECT_FALSE(request.wait_for_indexing());
      if (request.body().find("<html>") == 0) {
        EXPECT_EQ(request.content_type(), ingest::v1::CONTENT_TYPE_HTML);
      } else {
        EXPECT_EQ(request.content_type(), ingest::v1::CONTENT_TYPE_TEXT);
      }
    }
  }
  // Again: the same documents are duplicates.
  Result again = RunCli({"ingest", "--json", (dir_ / "a.txt").string(), (dir_ / "sub").string()});
  std::vector<std::string> again_lines = Lines(again.out);
  ASSERT_EQ(again_lines.size(), 3u);
  EXPECT_THAT(again_lines[0], HasSubstr("\"duplicate\":true"));
  EXPECT_THAT(again_lines[1], HasSubstr("\"duplicate\":true"));
  EXPECT_THAT(again.err, HasSubstr("0 accepted, 2 duplicates, 1 rejected"));
}

TEST_F(CliIngestTest, HumanOutputAndExitZeroWhenAllAccepted) {
  Result r = RunCli({"ingest", "--wait", (dir_ / "a.txt").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("accepted   " + (dir_ / "a.txt").string() + "  d-"));
  EXPECT_THAT(r.out, HasSubstr("  indexed  unknown  Title A\n"));
  EXPECT_THAT(r.out, HasSubstr("\n1 file: 1 accepted, 0 duplicates, 0 rejected in "));
  EXPECT_THAT(r.out, HasSubstr("\n1 indexed, 0 failed\n"));
  std::lock_guard<std::mutex> lock(ingest_->mu);
  ASSERT_EQ(ingest_->requests.size(), 1u);
  EXPECT_TRUE(ingest_->requests[0].wait_for_indexing());
}

TEST_F(CliIngestTest, StdinIsOneDocumentWithItsOwnId) {
  Result r =
      RunCli({"ingest", "-", "--external_id", "ext-1", "--title", "Given", "--published", "2001-09-19"}, {},
             "From stdin " + dir_.string());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("accepted   -  d-"));
  std::lock_guard<std::mutex> lock(ingest_->mu);
  ASSERT_EQ(ingest_->requests.size(), 1u);
  const auto& request = ingest_->requests[0];
  EXPECT_EQ(request.body(), "From stdin " + dir_.string());
  EXPECT_EQ(request.external_id(), "ext-1");
  EXPECT_EQ(request.title(), "Given");
  EXPECT_EQ(request.published(), "2001-09-19");
  EXPECT_EQ(request.content_type(), ingest::v1::CONTENT_TYPE_UNSPECIFIED);
}

TEST_F(CliIngestTest, SingleDocumentFlagsNeedASingleDocument) {
  Result r = RunCli({"ingest", "--external_id=x", dir_.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("--external_id and --title apply to a single document, but there are 3 files"));
  EXPECT_EQ(RunCli({"ingest", "-", dir_.string()}).code, 2);
  Result missing = RunCli({"ingest", (dir_ / "nope.txt").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no such file or folder"));
  std::lock_guard<std::mutex> lock(ingest_->mu);
  EXPECT_TRUE(ingest_->requests.empty());
}

TEST_F(CliIngestTest, UnavailableIngestStopsWithAHint) {
  Result r = RunCli({"ingest", dir_.string()}, {{"DOSSIER_INGEST_ADDR", "127.0.0.1:1"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE: "));
  EXPECT_THAT(r.err, HasSubstr("hint: is dossier-ingest running at 127.0.0.1:1?"));
  EXPECT_THAT(r.out, HasSubstr("3 files: 0 accepted, 0 duplicates, 0 rejected, 3 not sent"));
}

// --- reading commands --------------------------------------------------------

TEST_F(CliTest, DocComesFromQueryOrFallsBackToIngest) {
  Result indexed = RunCli({"doc", "d-indexed"});
  EXPECT_EQ(indexed.code, 0) << indexed.err;
  EXPECT_THAT(indexed.out, HasSubstr("state      indexed (as stored by the query service)"));
  EXPECT_THAT(indexed.out, HasSubstr("Jiang  person  person:jiang-zemin  coreference        0.80"));
  EXPECT_THAT(indexed.out,
              HasSubstr("Events (1):\nDATE        SOURCE                EVENT                     TARGET\n"
                        "2001-09-18  Jiang Zemin (CHNGOV)  041 Discuss by telephone  "
                        "Vladimir Putin (RUSGOV)\n"));
  Result pending = RunCli({"doc", "d-ingest-only"});
  EXPECT_EQ(pending.code, 0) << pending.err;
  EXPECT_THAT(pending.out, HasSubstr("annotated (as stored by the ingest service)"));
  EXPECT_EQ(RunCli({"doc", "d-ingest-only", "--from", "query"}).code, 1);
  Result json = RunCli({"doc", "--json", "d-indexed"});
  EXPECT_THAT(json.out, StartsWith("{\"id\":\"d-indexed\""));
  EXPECT_EQ(Lines(json.out).size(), 1u);
}

TEST_F(CliTest, AnnotateShowsEachMentionWithItsReason) {
  Result r = RunCli({"annotate", "--published", "2001-09-19", "--title", "Call", "-"}, {},
                    "The Russian President called.");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Mentions (1):"));
  EXPECT_THAT(r.out, HasSubstr("President  person  person:vladimir-putin  role"));
  EXPECT_THAT(r.out, HasSubstr("0.75"));
  {
    std::lock_guard<std::mutex> lock(entity_->mu);
    EXPECT_EQ(entity_->last_annotate.text(), "The Russian President called.");
    EXPECT_EQ(entity_->last_annotate.title(), "Call");
    EXPECT_EQ(entity_->last_annotate.published().year(), 2001);
    EXPECT_EQ(entity_->last_annotate.published().day(), 19);
  }
  Result none = RunCli({"annotate", "-"}, {}, "Nothing here.");
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "No mentions.\n");
  Result json = RunCli({"annotate", "--json", "-"}, {}, "The President spoke.");
  EXPECT_THAT(json.out, StartsWith("{\"sentences\":[],\"mentions\":[{\"text\":\"President\""));
  Result missing = RunCli({"annotate", "/nonexistent/file.txt"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("error: cannot open /nonexistent/file.txt"));
  EXPECT_EQ(RunCli({"annotate", "--published", "2001-13", "-"}, {}, "x").code, 2);
}

TEST_F(CliTest, SearchSendsFiltersAndPrintsHits) {
  Result r =
      RunCli({"search", "terrorism", "attacks", "--entity", "country:RUS", "--entity=org:SCO", "--type",
              "person", "--from", "2001", "--to", "2002-06", "--limit", "5", "--page_token", "t"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2001-09-19  d-indexed  Hit for terrorism attacks\n"));
  EXPECT_THAT(r.out, HasSubstr("about [terrorism attacks] and more"));
  std::lock_guard<std::mutex> lock(query_->mu);
  const auto& request = query_->last_search;
  EXPECT_EQ(request.query(), "terrorism attacks");
  EXPECT_THAT(request.entity_ids(), ElementsAre("country:RUS", "org:SCO"));
  EXPECT_THAT(request.entity_types(), ElementsAre(common::v1::ENTITY_TYPE_PERSON));
  EXPECT_EQ(request.date_from().year(), 2001);
  EXPECT_EQ(request.date_from().month(), 0);
  EXPECT_EQ(request.date_to().year(), 2002);
  EXPECT_EQ(request.date_to().month(), 6);
  EXPECT_EQ(request.page_size(), 5);
  EXPECT_EQ(request.page_token(), "t");
}

TEST_F(CliTest, SearchJsonIsTheResponse) {
  Result r = RunCli({"search", "x", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("{\"hits\":[{\"document_id\":\"d-indexed\""));
  EXPECT_THAT(r.out, HasSubstr("\"next_page_token\":\"\""));
  EXPECT_EQ(Lines(r.out).size(), 1u);
}

TEST_F(CliTest, SearchSortsFiltersBySourceAndPrintsFacets) {
  Result r = RunCli({"search", "summit", "--facets", "all", "--sort", "newest", "--source", "Xinhua",
                     "--source", "People's Daily", "--facet_limit", "5"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Showing 1 of 1 matching documents.\n"
                               "\n"
                               "Entities:  Jiang Zemin (4)\n"
                               "Types:     v (4)\n"
                               "Sources:   v (4)\n"
                               "Months:    v (4)\n"));
  {
    std::lock_guard<std::mutex> lock(query_->mu);
    const auto& request = query_->last_search;
    EXPECT_EQ(request.sort(), query::v1::SEARCH_SORT_NEWEST);
    EXPECT_THAT(request.sources(), ElementsAre("Xinhua", "People's Daily"));
    EXPECT_THAT(request.facets(),
                ElementsAre(query::v1::FACET_FIELD_ENTITY, query::v1::FACET_FIELD_ENTITY_TYPE,
                            query::v1::FACET_FIELD_SOURCE, query::v1::FACET_FIELD_MONTH));
    EXPECT_EQ(request.facet_limit(), 5);
  }
  // Fields by name, comma-separated or repeated, each once; a source alone is a filter.
  Result some = RunCli({"search", "--source", "Xinhua", "--facets", "month,entity", "--facets=month"});
  EXPECT_EQ(some.code, 0) << some.err;
  {
    std::lock_guard<std::mutex> lock(query_->mu);
    EXPECT_THAT(query_->last_search.facets(),
                ElementsAre(query::v1::FACET_FIELD_MONTH, query::v1::FACET_FIELD_ENTITY));
    EXPECT_EQ(query_->last_search.sort(), query::v1::SEARCH_SORT_UNSPECIFIED);
    EXPECT_EQ(query_->last_search.facet_limit(), 0);
  }
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"search", "x", "--facets", "colour"},
       "--facets: \"colour\" is not one of entity, type, source, month, all"},
      {{"search", "x", "--facets", ","}, "--facets needs fields"},
      {{"search", "x", "--facet_limit", "5"}, "--facet_limit applies with --facets"},
      {{"search", "x", "--facets", "all", "--facet_limit", "101"}, "--facet_limit=101 is not a whole number"},
      {{"search", "x", "--sort", "best"}, "--sort=best is not one of relevance, newest, oldest"},
      {{"search", "--entity", "a:b", "--sort", "relevance"}, "--sort relevance needs a QUERY"},
  };
  for (const auto& [args, message] : bad) {
    Result b = RunCli(args);
    EXPECT_EQ(b.code, 2) << message;
    EXPECT_THAT(b.err, HasSubstr(message));
  }
}

TEST_F(CliTest, DocsListsWithStateFilterAndNextPage) {
  Result r = RunCli({"docs", "--state", "indexed", "--limit", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("d-1  indexed  unknown    Document 1\n"));
  EXPECT_THAT(r.out, HasSubstr("Showing 2 of 5 documents.\nNext page: --page_token=next\n"));
  std::lock_guard<std::mutex> lock(ingest_->mu);
  EXPECT_EQ(ingest_->last_list.state(), common::v1::DOCUMENT_STATE_INDEXED);
  EXPECT_EQ(ingest_->last_list.page_size(), 2);
}

TEST_F(CliTest, ReprocessTakesExactlyOneSelector) {
  Result all = RunCli({"reprocess", "--all"});
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "Queued 7 documents for annotation and indexing.\n");
  Result ids = RunCli({"reprocess", "d-1"});
  EXPECT_EQ(ids.code, 0) << ids.err;
  EXPECT_EQ(ids.out, "Queued 1 document for annotation and indexing.\n");
  {
    std::lock_guard<std::mutex> lock(ingest_->mu);
    ASSERT_EQ(ingest_->last_reprocess.document_ids_size(), 1);
    EXPECT_EQ(ingest_->last_reprocess.document_ids(0), "d-1");
  }
  EXPECT_EQ(RunCli({"reprocess"}).code, 2);
  EXPECT_EQ(RunCli({"reprocess", "--all", "--state", "failed"}).code, 2);
  EXPECT_EQ(RunCli({"reprocess", "--state", "sleeping"}).code, 2);
}

TEST_F(CliTest, EntityByIdCombinesProfileAndKnowledgeBase) {
  Result r = RunCli({"entity", "person:jiang-zemin"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("Jiang Zemin (person:jiang-zemin)\n"));
  EXPECT_THAT(r.out, HasSubstr("12 in 4 documents"));
  EXPECT_THAT(r.out, HasSubstr("CHNGOV  China, government  -     present"));
  Result json = RunCli({"--json", "entity", "person:jiang-zemin"});
  EXPECT_THAT(json.out, StartsWith("{\"entity\":{\"id\":\"person:jiang-zemin\""));
  EXPECT_THAT(json.out, HasSubstr(",\"profile\":{\"entity_id\":\"person:jiang-zemin\""));
  Result unknown = RunCli({"entity", "person:nobody"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.err, StartsWith("error: NOT_FOUND: no entity person:nobody"));
}

TEST_F(CliTest, EntityByNameShowsCandidatesThenTheBestProfile) {
  Result r = RunCli({"entity", "Jiang"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("#  ID                  NAME         TYPE    SCORE  REASON       MATCHED\n"
                                "1  person:jiang-zemin  Jiang Zemin  person   0.90  exact_alias  Jiang\n"));
  EXPECT_THAT(r.out, HasSubstr("\nJiang Zemin (person:jiang-zemin)\n"));
  Result json = RunCli({"entity", "Jiang", "--json"});
  EXPECT_THAT(json.out, StartsWith("{\"candidates\":[{\"entity\":{\"id\":\"person:jiang-zemin\""));
  Result none = RunCli({"entity", "Nobody"});
  EXPECT_EQ(none.code, 1);
  EXPECT_THAT(none.err, HasSubstr("no entity matches \"Nobody\""));
}

TEST_F(CliTest, RelatedAndTimeline) {
  Result related = RunCli({"--query_addr", Address(), "related", "person:jiang-zemin"});
  EXPECT_EQ(related.code, 0) << related.err;
  EXPECT_THAT(related.out,
              HasSubstr("China  location     3          0  0.00   0.00         0/0  country:CHN\n"));
  Result timeline = RunCli({"timeline", "person:jiang-zemin", "person:vladimir-putin"});
  EXPECT_EQ(timeline.code, 0) << timeline.err;
  EXPECT_EQ(timeline.out,
            "2001-07-16   Jiang Zemin [057 Sign formal agreement] Vladimir Putin (2 mentions)\n"
            "             Treaty \xE2\x80\x94 They signed it.\n");
  std::lock_guard<std::mutex> lock(query_->mu);
  EXPECT_EQ(query_->last_timeline.kind(), query::v1::TIMELINE_KIND_UNSPECIFIED);
}

TEST_F(CliTest, RelatedSendsOrderAndMinimumDocuments) {
  Result r = RunCli({"related", "person:vladimir-putin", "--order", "pmi", "--min_documents", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out,
      StartsWith("NAME   TYPE      DOCS  SENTENCES   PMI  SCORE  EVENTS \xE2\x86\x92/\xE2\x86\x90  ID\n"));
  {
    std::lock_guard<std::mutex> lock(query_->mu);
    EXPECT_EQ(query_->last_related.entity_id(), "person:vladimir-putin");
    EXPECT_EQ(query_->last_related.order(), query::v1::RELATED_ORDER_PMI);
    EXPECT_EQ(query_->last_related.min_documents(), 2);
  }
  Result order = RunCli({"related", "person:a", "--order", "fame"});
  EXPECT_EQ(order.code, 2);
  EXPECT_THAT(order.err, HasSubstr("error: --order=fame is not one of documents, score, pmi, events\n"));
  Result min = RunCli({"related", "person:a", "--min_documents", "0"});
  EXPECT_EQ(min.code, 2);
  EXPECT_THAT(min.err, HasSubstr("--min_documents=0 is not a whole number between 1 and 1000000"));
}

TEST_F(CliTest, TimelineKindSelectsEventsOrMentions) {
  Result events = RunCli({"timeline", "person:jiang-zemin", "--kind", "events"});
  EXPECT_EQ(events.code, 0) << events.err;
  EXPECT_EQ(events.out, "2001-07-16   Jiang Zemin [057 Sign formal agreement] Vladimir Putin (2 mentions)\n");
  {
    std::lock_guard<std::mutex> lock(query_->mu);
    EXPECT_EQ(query_->last_timeline.kind(), query::v1::TIMELINE_KIND_EVENTS);
  }
  Result mentions = RunCli({"timeline", "person:jiang-zemin", "--kind=MENTIONS"});
  EXPECT_EQ(mentions.out, "2001-07-16   Treaty \xE2\x80\x94 They signed it.\n");
  Result json = RunCli({"timeline", "person:jiang-zemin", "--json"});
  EXPECT_THAT(json.out, StartsWith("{\"items\":[{\"date\":{\"year\":2001"));
  EXPECT_THAT(json.out, HasSubstr("\"event\":{\"source_entity_id\":\"person:jiang-zemin\""));
  Result bad = RunCli({"timeline", "person:jiang-zemin", "--kind", "rumours"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("error: --kind=rumours is not one of all, events, mentions\n"));
}

// --- events -------------------------------------------------------------------

TEST_F(CliTest, EventsSendsFiltersAndPrintsAPage) {
  Result r = RunCli({"events", "person:jiang-zemin", "rus", "--side", "source", "--code", "04", "--quad", "1",
                     "--from", "2001", "--to", "2001-12", "--doc", "d-indexed", "--limit", "5",
                     "--page_token", "t"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "DATE        SOURCE                EVENT                     TARGET                   MENTIONS\n"
            "2001-09-18  Jiang Zemin (CHNGOV)  041 Discuss by telephone  Vladimir Putin (RUSGOV)         2\n"
            "            Jiang and Putin spoke by telephone.\n"
            "\nShowing 1 of 3 events.\n"
            "Next page: --page_token=n2\n");
  std::lock_guard<std::mutex> lock(query_->mu);
  const auto& request = query_->last_list_events;
  EXPECT_EQ(request.actor(), "person:jiang-zemin");
  EXPECT_EQ(request.other_actor(), "RUS");
  EXPECT_EQ(request.side(), query::v1::ACTOR_SIDE_SOURCE);
  EXPECT_EQ(request.cameo_prefix(), "04");
  EXPECT_EQ(request.quad_class(), 1);
  EXPECT_EQ(request.date_from().year(), 2001);
  EXPECT_EQ(request.date_to().month(), 12);
  EXPECT_EQ(request.document_id(), "d-indexed");
  EXPECT_EQ(request.page_size(), 5);
  EXPECT_EQ(request.page_token(), "t");
}

TEST_F(CliTest, EventsJsonIsTheResponse) {
  Result r = RunCli({"events", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("{\"events\":[{\"source_entity_id\":\"person:jiang-zemin\""));
  EXPECT_THAT(r.out, HasSubstr("\"total_size\":3,\"next_page_token\":\"n2\"}"));
  EXPECT_EQ(Lines(r.out).size(), 1u);
}

TEST_F(CliTest, EventsBadFlagsAreUsageErrorsBeforeAnyCall) {
  int calls_before;
  {
    std::lock_guard<std::mutex> lock(query_->mu);
    calls_before = query_->event_calls;
  }
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"events", "CHN", "--quad", "5"}, "error: --quad=5 is not a QuadClass"},
      {{"events", "CHN", "--code", "4x"}, "error: --code=4x is not a CAMEO code prefix"},
      {{"events", "CHN", "--code", "4"}, "error: --code=4 is not a CAMEO code prefix"},
      {{"events", "--side", "source"}, "error: --side says which side ACTOR is on"},
      {{"events", "CHN", "--side", "up"}, "error: --side=up is not one of source, target, any"},
      {{"events", "CHN", "--from", "2001-13"}, "error: --from: bad date \"2001-13\""},
      {{"events", "CHN", "--format", "csv"}, "error: --format=csv is not one of table, jsonl, tsv"},
      {{"events", "--format", "tsv", "--limit", "5"}, "error: --limit and --page_token page the table"},
      {{"events", "--all", "--page_token", "x"}, "error: --limit and --page_token page the table"},
      {{"events", "--json", "--format", "tsv"}, "error: --json and --format=tsv ask for two formats"},
      {{"events", "--limit", "501"}, "error: --limit=501 is not a whole number between 1 and 500"},
      {{"events", "Jiang Zemin"}, "error: ACTOR \"Jiang Zemin\" is neither an entity id"},
      {{"events", "a:b", "c:d", "e:f"}, "error: `dossier events` takes [ACTOR [OTHER]], not a:b c:d e:f"},
  };
  for (const auto& [args, message] : cases) {
    Result r = RunCli(args);
    EXPECT_EQ(r.code, 2) << message;
    EXPECT_TRUE(r.out.empty()) << message;
    EXPECT_THAT(r.err, StartsWith(message));
    EXPECT_THAT(r.err, HasSubstr("Usage: dossier events [ACTOR [OTHER]] [flags]"));
  }
  std::lock_guard<std::mutex> lock(query_->mu);
  EXPECT_EQ(query_->event_calls, calls_before);
}

TEST_F(CliTest, EventsTsvExportsEveryMatchWithAHeader) {
  Result r = RunCli({"events", "CHN", "--code", "04", "--format", "tsv"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_THAT(lines[0], StartsWith("id\tdate\tsource_entity_id\tsource_name\tsource_code\t"));
  EXPECT_EQ(lines[1],
            "ev-1\t20010918\tperson:jiang-zemin\tJiang Zemin\tCHNGOV\tperson:vladimir-putin\tVladimir Putin\t"
            "RUSGOV\t041\t04\t1\t1.0\t2\t1\t\t\t0.00\td-indexed\tJiang and Putin spoke by telephone.");
  EXPECT_THAT(lines[3], StartsWith("ev-3\t"));
  EXPECT_EQ(r.err, "Exported 3 events.\n");
  std::lock_guard<std::mutex> lock(query_->mu);
  EXPECT_EQ(query_->last_export.actor(), "CHN");
  EXPECT_EQ(query_->last_export.cameo_prefix(), "04");
  EXPECT_EQ(query_->last_export.page_size(), 0);
}

TEST_F(CliTest, EventsJsonLinesAndAllInOneTable) {
  Result jsonl = RunCli({"events", "--format=jsonl"});
  EXPECT_EQ(jsonl.code, 0) << jsonl.err;
  std::vector<std::string> lines = Lines(jsonl.out);
  ASSERT_EQ(lines.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(lines[i], StartsWith("{\"source_entity_id\":\"person:jiang-zemin\""));
    EXPECT_THAT(lines[i], HasSubstr(absl::StrCat("\"id\":\"ev-", i + 1, "\"")));
  }
  Result all = RunCli({"events", "--all"});
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("\n3 events.\n"));
  EXPECT_THAT(all.out, Not(HasSubstr("Next page")));
  Result all_json = RunCli({"events", "--all", "--json"});
  EXPECT_THAT(all_json.out, StartsWith("{\"events\":[{"));
  EXPECT_THAT(all_json.out, HasSubstr("\"total_size\":3,\"next_page_token\":\"\"}"));
  EXPECT_EQ(Lines(all_json.out).size(), 1u);
}

TEST_F(CliTest, EventsExportFailingMidwayKeepsWhatWasWrittenAndExitsOne) {
  Result r = RunCli({"events", "--code", "19", "--format", "jsonl"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_THAT(r.err, StartsWith("note: 1 event was written before the error\n"
                                "error: UNAVAILABLE: the index went away\n"));
}

TEST_F(CliTest, EventsWithANameForAnActorGetANote) {
  Result r = RunCli({"events", "Putin"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "No events match.\n");
  EXPECT_THAT(r.err, HasSubstr("note: Putin was read as an actor code (like CHN or CHNGOV)"));
  EXPECT_THAT(r.err, HasSubstr("`dossier entity Putin`"));
  // An empty export is still a TSV file: the header alone.
  Result tsv = RunCli({"events", "Putin", "--format", "tsv"});
  EXPECT_EQ(tsv.code, 0) << tsv.err;
  EXPECT_EQ(tsv.out, EventTsvHeader());
  EXPECT_THAT(tsv.err, StartsWith("Exported 0 events.\n"));
}

TEST_F(CliTest, EventsUnavailableGetsTheHint) {
  Result r = RunCli({"events", "--format", "tsv"}, {{"DOSSIER_QUERY_ADDR", "127.0.0.1:1"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");  // not even the TSV header
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE: "));
  EXPECT_THAT(r.err, HasSubstr("hint: is dossier-query running at 127.0.0.1:1?"));
}

TEST(RpcErrorHintTest, UnimplementedMeansAnOlderService) {
  EXPECT_EQ(
      RpcErrorHint(Service::kQuery, "q:1", absl::UnimplementedError("x"), GlobalOptions{}),
      "hint: dossier-query at q:1 does not offer this call: it is older than this dossier command; update "
      "it\n");
}

TEST_F(CliTest, KbAliasJoinsTheWords) {
  Result r = RunCli({"kb", "alias", "person:jiang-zemin", "Chairman", "Jiang"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("Added alias \"Chairman Jiang\" to person:jiang-zemin.\n"));
  std::lock_guard<std::mutex> lock(entity_->mu);
  EXPECT_EQ(entity_->last_alias.entity_id(), "person:jiang-zemin");
  EXPECT_EQ(entity_->last_alias.alias(), "Chairman Jiang");
}

TEST_F(CliTest, HealthReportsEachService) {
  Result ok = RunCli({"health"});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("ingest   " + Address()));
  EXPECT_EQ(std::count(ok.out.begin(), ok.out.end(), '\n'), 4);
  Result json = RunCli({"health", "--json"});
  EXPECT_THAT(json.out, StartsWith("{\"healthy\":true,\"services\":[{\"service\":\"ingest\","
                                   "\"name\":\"dossier.ingest.v1.IngestService\""));

  SetServing("dossier.query.v1.QueryService", false);
  Result down = RunCli({"health"});
  SetServing("dossier.query.v1.QueryService", true);
  EXPECT_EQ(down.code, 1);
  EXPECT_THAT(down.out, HasSubstr("not_serving"));

  Result gone = RunCli({"health", "--timeout=2"}, {{"DOSSIER_ENTITY_ADDR", "127.0.0.1:1"}});
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.out, HasSubstr("entity   127.0.0.1:1"));
  EXPECT_THAT(gone.err, HasSubstr("hint: is dossier-entity running at 127.0.0.1:1?"));
}

}  // namespace
}  // namespace dossier::cli
