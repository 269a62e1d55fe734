// End to end: the three real services, the example corpus ingested with the
// real CLI, and what search, profile and timeline return.
#include <algorithm>
#include <filesystem>
#include <memory>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

int CorpusSize() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SourceDir() + "/examples/corpus")) {
    const auto ext = entry.path().extension();
    if (ext == ".txt" || ext == ".html") ++n;
  }
  return n;
}

int DateKey(const common::v1::DateValue& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

class EndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new testing::Cluster();
    auto started = cluster_->Start();
    ASSERT_TRUE(started.ok()) << started;
    auto result = testing::RunCommand(
        {"dossier", "ingest", "--wait", "--json", testing::SourceDir() + "/examples/corpus"},
        cluster_->CliEnv());
    ingest_output_ = new testing::CommandResult(result);
  }
  static void TearDownTestSuite() {
    delete ingest_output_;
    delete cluster_;
  }
  QueryClient Query() { return QueryClient(cluster_->query().address()); }
  IngestClient Ingest() { return IngestClient(cluster_->ingest().address()); }

  static testing::Cluster* cluster_;
  static testing::CommandResult* ingest_output_;
};
testing::Cluster* EndToEndTest::cluster_ = nullptr;
testing::CommandResult* EndToEndTest::ingest_output_ = nullptr;

TEST_F(EndToEndTest, CliIngestsTheWholeCorpus) {
  ASSERT_EQ(ingest_output_->exit_code, 0) << ingest_output_->err;
  std::vector<std::string> lines = absl::StrSplit(ingest_output_->out, '\n', absl::SkipEmpty());
  EXPECT_EQ(static_cast<int>(lines.size()), CorpusSize()) << ingest_output_->out;
  for (const auto& line : lines) EXPECT_THAT(line, HasSubstr("\"document_id\""));

  ingest::v1::ListDocumentsRequest list;
  list.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  list.set_page_size(1000);
  auto docs = Ingest().ListDocuments(list);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->total_size(), CorpusSize());
}

TEST_F(EndToEndTest, IngestingAgainGivesDuplicates) {
  auto again = testing::RunCommand({"dossier", "ingest", "--json", testing::SourceDir() + "/examples/corpus"},
                                   cluster_->CliEnv());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<std::string> lines = absl::StrSplit(again.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(static_cast<int>(lines.size()), CorpusSize());
  for (const auto& line : lines) EXPECT_THAT(line, HasSubstr("\"duplicate\":true"));
}

TEST_F(EndToEndTest, SearchFindsTerrorismArticlesAboutRussiaIn2001And2002) {
  query::v1::SearchRequest request;
  request.set_query("terrorism");
  request.add_entity_ids("country:RUS");
  request.mutable_date_from()->set_year(2001);
  request.mutable_date_to()->set_year(2002);
  auto response = Query().Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_GE(response->total_size(), 3);
  for (const auto& hit : response->hits()) {
    EXPECT_GE(hit.published().year(), 2001);
    EXPECT_LE(hit.published().year(), 2002);
    EXPECT_THAT(hit.snippet(), HasSubstr("[")) << hit.snippet();
  }
}

TEST_F(EndToEndTest, SearchPaginatesWithoutRepeats) {
  query::v1::SearchRequest request;
  request.set_query("China");
  request.set_page_size(2);
  std::vector<std::string> seen;
  int total = 0;
  for (int page = 0; page < 50; ++page) {
    auto response = Query().Search(request);
    ASSERT_TRUE(response.ok()) << response.status();
    total = response->total_size();
    for (const auto& hit : response->hits()) seen.push_back(hit.document_id());
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(static_cast<int>(seen.size()), total);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_GE(total, 5);
}

TEST_F(EndToEndTest, ProfileOfJiangZeminGathersEveryFormOfHisName) {
  query::v1::GetEntityProfileRequest request;
  request.set_entity_id("person:jiang-zemin");
  auto profile = Query().GetEntityProfile(request);
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->name(), "Jiang Zemin");
  EXPECT_EQ(profile->type(), common::v1::ENTITY_TYPE_PERSON);
  EXPECT_GE(profile->document_count(), 5);
  EXPECT_THAT(profile->aliases(), Contains("Jiang Zemin"));
  EXPECT_THAT(profile->aliases(), Contains("Jiang"));
  std::vector<std::string> related;
  for (const auto& r : profile->related()) related.push_back(r.entity_id());
  EXPECT_THAT(related, Contains("person:vladimir-putin"));
  EXPECT_THAT(related, Contains("country:RUS"));
}

TEST_F(EndToEndTest, TimelineBetweenJiangAndPutinIsInDateOrder) {
  query::v1::TimelineRequest request;
  request.add_entity_ids("person:jiang-zemin");
  request.add_entity_ids("person:vladimir-putin");
  request.set_page_size(500);
  auto timeline = Query().Timeline(request);
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  ASSERT_GE(timeline->items_size(), 5);
  std::vector<int> keys;
  std::vector<std::string> documents;
  for (const auto& item : timeline->items()) {
    keys.push_back(DateKey(item.date()));
    documents.push_back(item.document_id());
    EXPECT_GT(item.date().year(), 0);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  std::sort(documents.begin(), documents.end());
  EXPECT_GE(std::unique(documents.begin(), documents.end()) - documents.begin(), 4);
  // The treaty was signed in Moscow on 16 July 2001.
  EXPECT_THAT(keys, Contains(20010716));
}

// The example corpus's phone call (05: 18 September 2001) and treaty
// signing (16 July 2001) between Jiang Zemin and Vladimir Putin, through
// GetDocument, ListEvents, ExportEvents and Timeline.
TEST_F(EndToEndTest, EventsBetweenJiangAndPutin) {
  query::v1::ListEventsRequest request;
  request.set_actor("person:jiang-zemin");
  request.set_other_actor("person:vladimir-putin");
  request.set_page_size(500);
  auto events = Query().ListEvents(request);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_GT(events->events_size(), 0);
  EXPECT_EQ(events->total_size(), events->events_size());
  bool call = false;
  std::vector<int> keys;
  for (const common::v1::Event& e : events->events()) {
    const bool pair = (e.source().entity_id() == "person:jiang-zemin" && e.target().entity_id() == "person:vladimir-putin") ||
                      (e.source().entity_id() == "person:vladimir-putin" && e.target().entity_id() == "person:jiang-zemin");
    EXPECT_TRUE(pair) << e.ShortDebugString();
    EXPECT_FALSE(e.id().empty());
    EXPECT_GE(e.num_mentions(), 1);
    EXPECT_GE(e.num_documents(), 1);
    ASSERT_GT(e.mentions_size(), 0);
    EXPECT_FALSE(e.mentions(0).document_id().empty());
    EXPECT_FALSE(e.evidence().empty());
    if (e.cameo_code() == "041" && DateKey(e.date()) == 20010918) {
      call = true;
      EXPECT_THAT(e.source().code(), ::testing::StartsWith(e.source().entity_id() == "person:jiang-zemin" ? "CHN" : "RUS"));
      EXPECT_EQ(e.quad_class(), 1);
      EXPECT_EQ(e.label(), "Discuss by telephone");
    }
    if (e.date().year() > 0) keys.push_back(DateKey(e.date()));
  }
  EXPECT_TRUE(call) << "no phone call on 2001-09-18";
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));

  // The document of the first event lists it too.
  const common::v1::Event& first = events->events(0);
  query::v1::GetDocumentRequest get;
  get.set_document_id(first.mentions(0).document_id());
  auto doc = Query().GetDocument(get);
  ASSERT_TRUE(doc.ok()) << doc.status();
  bool listed = false;
  for (const common::v1::Event& e : doc->events()) listed = listed || e.id() == first.id();
  EXPECT_TRUE(listed);

  // ExportEvents streams the same events.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = Query().stub()->ExportEvents(&context, request);
  common::v1::Event e;
  int streamed = 0;
  while (reader->Read(&e)) ++streamed;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(streamed, events->total_size());

  // Timeline of the pair: events among the items, grouped by day.
  query::v1::TimelineRequest timeline;
  timeline.add_entity_ids("person:jiang-zemin");
  timeline.add_entity_ids("person:vladimir-putin");
  timeline.set_kind(query::v1::TIMELINE_KIND_EVENTS);
  timeline.set_page_size(500);
  auto t = Query().Timeline(timeline);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_GT(t->days_size(), 0);
  int event_items = 0;
  for (const auto& day : t->days()) {
    for (const auto& item : day.items()) {
      EXPECT_TRUE(item.has_event());
      EXPECT_EQ(DateKey(item.date()), DateKey(day.date()));
      ++event_items;
    }
  }
  EXPECT_GT(event_items, 0);

  // By actor code: Chinese actors as source, CAMEO 04 (consult).
  query::v1::ListEventsRequest by_code;
  by_code.set_actor("CHN");
  by_code.set_side(query::v1::ACTOR_SIDE_SOURCE);
  by_code.set_cameo_prefix("04");
  auto chinese = Query().ListEvents(by_code);
  ASSERT_TRUE(chinese.ok()) << chinese.status();
  EXPECT_GT(chinese->total_size(), 0);
  for (const common::v1::Event& c : chinese->events()) {
    EXPECT_THAT(c.source().code(), ::testing::StartsWith("CHN"));
    EXPECT_THAT(c.cameo_code(), ::testing::StartsWith("04"));
  }
}

TEST_F(EndToEndTest, CliWritesEventsAsTsv) {
  auto tsv = testing::RunCommand({"dossier", "events", "CHN", "--code", "04", "--format", "tsv"}, cluster_->CliEnv());
  ASSERT_EQ(tsv.exit_code, 0) << tsv.err;
  std::vector<std::string> lines = absl::StrSplit(tsv.out, '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 2u) << tsv.out;
  EXPECT_THAT(lines[0], HasSubstr("source_code"));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(lines[i], '\t');
    EXPECT_EQ(fields.size(), std::vector<std::string>(absl::StrSplit(lines[0], '\t')).size()) << lines[i];
  }
}

TEST_F(EndToEndTest, CliCommandsAnswerWithTables) {
  auto search =
      testing::RunCommand({"dossier", "search", "Shanghai Cooperation Organization"}, cluster_->CliEnv());
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("Shanghai"));
  auto timeline = testing::RunCommand({"dossier", "timeline", "person:jiang-zemin", "person:vladimir-putin"},
                                      cluster_->CliEnv());
  EXPECT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_THAT(timeline.out, HasSubstr("2001-07-16"));
  auto health = testing::RunCommand({"dossier", "health"}, cluster_->CliEnv());
  EXPECT_EQ(health.exit_code, 0) << health.out << health.err;
}

}  // namespace
}  // namespace dossier
