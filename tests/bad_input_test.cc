// Bad input against the real services: each gets the right status code and a
// message that says what to fix, and the servers keep serving.
#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new testing::Cluster();
    auto started = cluster_->Start(true, {"--max_body_bytes=100000"});
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() { delete cluster_; }

  void TearDown() override {
    // Whatever the request, every server is still serving afterwards.
    EXPECT_TRUE(*CheckHealth(cluster_->ingest().address(), ""));
    EXPECT_TRUE(*CheckHealth(cluster_->entity().address(), ""));
    EXPECT_TRUE(*CheckHealth(cluster_->query().address(), ""));
  }

  static absl::Status IngestBody(const std::string& body, const std::string& published = "") {
    IngestClient client(cluster_->ingest().address());
    ingest::v1::IngestRequest request;
    request.set_body(body);
    request.set_published(published);
    return client.Ingest(request).status();
  }

  static testing::Cluster* cluster_;
};
testing::Cluster* BadInputTest::cluster_ = nullptr;

TEST_F(BadInputTest, EmptyBody) {
  auto status = IngestBody("");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST_F(BadInputTest, WhitespaceOnlyBody) {
  auto status = IngestBody("  \n\t  \n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST_F(BadInputTest, BodyOverTheSizeLimit) {
  auto status = IngestBody(std::string(150000, 'a'));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("100000"));
}

TEST_F(BadInputTest, InvalidUtf8InRawBody) {
  IngestClient client(cluster_->ingest().address());
  ingest::v1::IngestRequest request;
  request.set_raw_body(std::string("Talks in Moscow \xff\xfe ended", 24));
  auto status = client.Ingest(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("UTF-8"));
}

TEST_F(BadInputTest, UnparseableDateInMetadata) {
  auto status = IngestBody("Leaders met in Beijing to discuss trade.", "the day after yesterday");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("published"));
}

TEST_F(BadInputTest, UnknownDocumentId) {
  IngestClient ingest(cluster_->ingest().address());
  ingest::v1::GetDocumentRequest request;
  request.set_document_id("d-does-not-exist");
  auto status = ingest.GetDocument(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("d-does-not-exist"));

  QueryClient query(cluster_->query().address());
  query::v1::GetDocumentRequest qrequest;
  qrequest.set_document_id("d-does-not-exist");
  EXPECT_EQ(query.GetDocument(qrequest).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BadInputTest, UnknownEntityId) {
  EntityClient entity(cluster_->entity().address());
  entity::v1::GetEntityRequest request;
  request.set_entity_id("person:nobody-at-all");
  auto status = entity.GetEntity(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("person:nobody-at-all"));

  QueryClient query(cluster_->query().address());
  query::v1::GetEntityProfileRequest profile;
  profile.set_entity_id("person:nobody-at-all");
  EXPECT_EQ(query.GetEntityProfile(profile).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BadInputTest, BadPageToken) {
  QueryClient query(cluster_->query().address());
  query::v1::SearchRequest request;
  request.set_query("treaty");
  request.set_page_token("not-a-token");
  auto status = query.Search(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("page_token"));

  IngestClient ingest(cluster_->ingest().address());
  ingest::v1::ListDocumentsRequest list;
  list.set_page_token("bm90IGEgdG9rZW4");
  EXPECT_EQ(ingest.ListDocuments(list).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BadInputTest, MalformedQuery) {
  QueryClient query(cluster_->query().address());
  query::v1::SearchRequest request;
  request.set_query("\"unbalanced phrase");
  auto status = query.Search(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("quote"));
}

TEST_F(BadInputTest, BadDateRange) {
  QueryClient query(cluster_->query().address());
  query::v1::SearchRequest request;
  request.set_query("summit");
  request.mutable_date_from()->set_year(2002);
  request.mutable_date_to()->set_year(2001);
  EXPECT_EQ(query.Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

// ListEvents, ExportEvents and the new fields of Search, Related and
// Timeline: INVALID_ARGUMENT naming the field.
TEST_F(BadInputTest, BadEventFilters) {
  auto stub = query::v1::QueryService::NewStub(MakeChannel(cluster_->query().address()));
  const auto list = [&](const query::v1::ListEventsRequest& request) {
    return CallUnary(stub.get(), &query::v1::QueryService::Stub::ListEvents, request, std::chrono::seconds(30))
        .status();
  };
  query::v1::ListEventsRequest request;
  request.set_side(query::v1::ACTOR_SIDE_SOURCE);
  auto status = list(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("actor is empty"));

  request = query::v1::ListEventsRequest();
  request.set_cameo_prefix("4x");
  status = list(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("cameo_prefix"));

  request = query::v1::ListEventsRequest();
  request.set_quad_class(5);
  EXPECT_THAT(list(request).message(), HasSubstr("quad_class is 5"));

  request = query::v1::ListEventsRequest();
  request.set_actor("CHN GOV");
  EXPECT_THAT(list(request).message(), HasSubstr("actor"));

  request = query::v1::ListEventsRequest();
  request.mutable_date_from()->set_month(9);
  EXPECT_THAT(list(request).message(), HasSubstr("date_from has no year"));

  request = query::v1::ListEventsRequest();
  request.set_page_token("bm90IGEgdG9rZW4");
  EXPECT_THAT(list(request).message(), HasSubstr("page_token"));

  // The stream answers the same, before any event.
  grpc::ClientContext context;
  PrepareContext(&context, std::chrono::seconds(30));
  request = query::v1::ListEventsRequest();
  request.set_other_actor("person:vladimir-putin");
  auto reader = stub->ExportEvents(&context, request);
  common::v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status export_status = reader->Finish();
  EXPECT_EQ(export_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(export_status.error_message(), HasSubstr("other_actor"));
}

TEST_F(BadInputTest, BadSortFacetsOrderAndKind) {
  QueryClient query(cluster_->query().address());
  query::v1::SearchRequest search;
  search.set_query("summit");
  search.add_facets(static_cast<query::v1::FacetField>(9));
  auto status = query.Search(search).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("facets[0] is 9"));
  search.clear_facets();
  search.set_facet_limit(-3);
  EXPECT_THAT(query.Search(search).status().message(), HasSubstr("facet_limit is -3"));
  search.set_facet_limit(0);
  search.set_sort(static_cast<query::v1::SearchSort>(6));
  EXPECT_THAT(query.Search(search).status().message(), HasSubstr("sort is 6"));
  search.set_sort(query::v1::SEARCH_SORT_NEWEST);
  search.add_sources("");
  EXPECT_EQ(query.Search(search).status().code(), absl::StatusCode::kInvalidArgument);

  query::v1::RelatedRequest related;
  related.set_entity_id("country:CHN");
  related.set_min_documents(-1);
  status = query.Related(related).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("min_documents is -1"));
  related.set_min_documents(0);
  related.set_order(static_cast<query::v1::RelatedOrder>(11));
  EXPECT_THAT(query.Related(related).status().message(), HasSubstr("order is 11"));

  query::v1::TimelineRequest timeline;
  timeline.add_entity_ids("country:CHN");
  timeline.set_kind(static_cast<query::v1::TimelineKind>(8));
  status = query.Timeline(timeline).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("kind is 8"));
}

// A document whose events are malformed is refused whole, naming the event.
TEST_F(BadInputTest, MalformedEventsInIndex) {
  QueryClient query(cluster_->query().address());
  query::v1::IndexRequest request;
  common::v1::Document* doc = request.mutable_document();
  doc->set_id("d-bad-events");
  doc->set_body("Jiang telephoned Putin.");
  doc->add_sentences()->set_end(23);
  common::v1::Event* event = doc->add_events();
  event->set_id("ev-1");
  event->set_cameo_code("041");
  event->set_quad_class(1);
  common::v1::EventMention* mention = event->add_mentions();
  mention->mutable_span()->set_end(23);
  EXPECT_TRUE(query.Index(request).ok());
  event->set_cameo_code("phone");
  auto status = query.Index(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("document.events[0].cameo_code"));
  event->set_cameo_code("041");
  mention->mutable_span()->set_end(99);
  EXPECT_THAT(query.Index(request).status().message(), HasSubstr("document.events[0].mentions[0] span"));
  mention->mutable_span()->set_end(23);
  event->clear_mentions();
  EXPECT_THAT(query.Index(request).status().message(), HasSubstr("document.events[0].mentions is empty"));
}

TEST_F(BadInputTest, EmptyAnnotateText) {
  EntityClient entity(cluster_->entity().address());
  entity::v1::AnnotateRequest request;
  request.set_text("   ");
  EXPECT_EQ(entity.Annotate(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dossier
