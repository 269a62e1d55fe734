// Bad input against the real services: each gets the right status code and a
// message that says what to fix, and the servers keep serving.
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

TEST_F(BadInputTest, EmptyAnnotateText) {
  EntityClient entity(cluster_->entity().address());
  entity::v1::AnnotateRequest request;
  request.set_text("   ");
  EXPECT_EQ(entity.Annotate(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dossier
