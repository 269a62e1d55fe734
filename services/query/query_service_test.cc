#include "services/query/query_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/query/test_documents.h"

namespace dossier::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::dossier::query::testing;  // NOLINT: fixtures

class QueryServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES(GetParam());
    auto store = OpenStoreAt(GetParam(), FreshLocation(GetParam()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    service_ = std::make_unique<QueryServiceImpl>(store_.get());
    for (const Document& doc : Corpus()) {
      v1::IndexRequest request;
      *request.mutable_document() = doc;
      v1::IndexResponse response;
      grpc::Status status = service_->Index(&context_, &request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_TRUE(response.created());
      EXPECT_EQ(response.document_id(), doc.id());
    }
  }

  grpc::Status IndexDocument(const Document& doc) {
    v1::IndexRequest request;
    *request.mutable_document() = doc;
    v1::IndexResponse response;
    return service_->Index(&context_, &request, &response);
  }

  grpc::ServerContext context_;
  std::unique_ptr<IndexStore> store_;
  std::unique_ptr<QueryServiceImpl> service_;
};

TEST_P(QueryServiceTest, IndexValidatesTheDocument) {
  v1::IndexRequest empty;
  v1::IndexResponse response;
  grpc::Status status = service_->Index(&context_, &empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document is required"));

  Document doc = PhoneCallDocument();
  doc.clear_id();
  status = IndexDocument(doc);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document.id is required"));

  doc = PhoneCallDocument();
  doc.mutable_mentions(2)->mutable_span()->set_begin(500);
  doc.mutable_mentions(2)->mutable_span()->set_end(505);
  status = IndexDocument(doc);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("outside the body"));

  doc = PhoneCallDocument();
  doc.mutable_mentions(0)->set_type(static_cast<common::v1::EntityType>(17));
  status = IndexDocument(doc);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document.mentions[0].type is 17"));

  // Re-indexing the same document is fine and reports created=false.
  v1::IndexRequest again;
  *again.mutable_document() = PhoneCallDocument();
  ASSERT_TRUE(service_->Index(&context_, &again, &response).ok());
  EXPECT_FALSE(response.created());
}

TEST_P(QueryServiceTest, SearchMapsRequestAndResponse) {
  v1::SearchRequest request;
  request.set_query("putin");
  request.add_entity_types(common::v1::ENTITY_TYPE_ORGANIZATION);
  request.mutable_date_from()->set_year(2001);
  request.mutable_date_to()->set_year(2001);
  request.mutable_date_to()->set_month(8);
  v1::SearchResponse response;
  grpc::Status status = service_->Search(&context_, &request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_size(), 1);
  ASSERT_EQ(response.hits_size(), 1);
  EXPECT_EQ(response.hits(0).document_id(), "d-summit");
  EXPECT_EQ(response.hits(0).published().month(), 6);
  EXPECT_THAT(response.hits(0).snippet(), HasSubstr("[Putin]"));
  EXPECT_GT(response.hits(0).score(), 0);
}

TEST_P(QueryServiceTest, SearchErrorsAreInvalidArgument) {
  const auto search = [&](const v1::SearchRequest& request) {
    v1::SearchResponse response;
    return service_->Search(&context_, &request, &response);
  };
  v1::SearchRequest request;
  grpc::Status status = search(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_query("putin OR");
  status = search(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("OR at the end"));
  request.set_query("putin");
  request.mutable_date_from()->set_year(2001);
  request.mutable_date_from()->set_month(13);
  status = search(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("date_from.month is 13"));
  request.clear_date_from();
  request.add_entity_types(static_cast<common::v1::EntityType>(9));
  EXPECT_EQ(search(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_entity_types();
  request.set_page_token("not-a-token");
  EXPECT_EQ(search(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(QueryServiceTest, ProfileRelatedTimelineAndDocument) {
  v1::GetEntityProfileRequest profile_request;
  profile_request.set_entity_id(kPutin);
  profile_request.set_related_limit(1);
  v1::EntityProfile profile;
  ASSERT_TRUE(service_->GetEntityProfile(&context_, &profile_request, &profile).ok());
  EXPECT_EQ(profile.name(), "Vladimir Putin");
  EXPECT_EQ(profile.type(), common::v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(profile.document_count(), 4);
  EXPECT_EQ(profile.mention_count(), 5);
  EXPECT_THAT(profile.aliases(), ElementsAre("Putin", "Vladimir Putin"));
  EXPECT_EQ(profile.first_seen().year(), 2001);
  EXPECT_EQ(profile.first_seen().month(), 6);
  ASSERT_EQ(profile.related_size(), 1);
  EXPECT_EQ(profile.related(0).entity_id(), kJiang);

  v1::RelatedRequest related_request;
  related_request.set_entity_id(kSco);
  related_request.set_type(common::v1::ENTITY_TYPE_PERSON);
  v1::RelatedResponse related;
  ASSERT_TRUE(service_->Related(&context_, &related_request, &related).ok());
  ASSERT_EQ(related.related_size(), 2);
  EXPECT_EQ(related.related(0).entity_id(), kJiang);  // 2 documents
  EXPECT_EQ(related.related(0).document_count(), 2);
  EXPECT_EQ(related.related(1).entity_id(), kPutin);  // 1 document

  v1::TimelineRequest timeline_request;
  timeline_request.add_entity_ids(kJiang);
  timeline_request.add_entity_ids(kPutin);
  v1::TimelineResponse timeline;
  ASSERT_TRUE(service_->Timeline(&context_, &timeline_request, &timeline).ok());
  ASSERT_EQ(timeline.items_size(), 4);
  EXPECT_EQ(timeline.items(0).document_id(), "d-summit");
  EXPECT_FALSE(timeline.items(0).date_from_text());
  EXPECT_EQ(timeline.items(2).date().day(), 18);
  EXPECT_TRUE(timeline.items(2).date_from_text());
  EXPECT_THAT(timeline.items(2).entity_ids(), ElementsAre(kJiang, kPutin));
  ASSERT_EQ(timeline.undated_size(), 1);
  EXPECT_EQ(timeline.undated(0).document_id(), "d-cafe");
  EXPECT_EQ(timeline.undated(0).date().year(), 0);

  v1::GetDocumentRequest document_request;
  document_request.set_document_id("d-treaty");
  common::v1::Document document;
  ASSERT_TRUE(service_->GetDocument(&context_, &document_request, &document).ok());
  EXPECT_EQ(document.title(), "Russia and China sign friendship treaty");
  EXPECT_EQ(document.state(), common::v1::DOCUMENT_STATE_INDEXED);
}

TEST_P(QueryServiceTest, ReadErrorsHaveCanonicalCodes) {
  v1::GetEntityProfileRequest profile_request;
  v1::EntityProfile profile;
  EXPECT_EQ(service_->GetEntityProfile(&context_, &profile_request, &profile).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  profile_request.set_entity_id("person:nobody");
  grpc::Status status = service_->GetEntityProfile(&context_, &profile_request, &profile);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message().find("no indexed document mentions entity person:nobody"), 0u);

  v1::RelatedRequest related_request;
  v1::RelatedResponse related;
  EXPECT_EQ(service_->Related(&context_, &related_request, &related).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  related_request.set_entity_id("person:nobody");
  EXPECT_EQ(service_->Related(&context_, &related_request, &related).error_code(),
            grpc::StatusCode::NOT_FOUND);
  related_request.set_entity_id(kJiang);
  related_request.set_page_size(-5);
  EXPECT_EQ(service_->Related(&context_, &related_request, &related).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  related_request.set_page_size(0);
  related_request.set_type(static_cast<common::v1::EntityType>(12));
  EXPECT_EQ(service_->Related(&context_, &related_request, &related).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::TimelineRequest timeline_request;
  v1::TimelineResponse timeline;
  status = service_->Timeline(&context_, &timeline_request, &timeline);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("entity_ids is empty"));
  for (int i = 0; i < 11; ++i) timeline_request.add_entity_ids(kJiang);
  EXPECT_EQ(service_->Timeline(&context_, &timeline_request, &timeline).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  timeline_request.clear_entity_ids();
  timeline_request.add_entity_ids(kJiang);
  timeline_request.add_entity_ids("");
  EXPECT_EQ(service_->Timeline(&context_, &timeline_request, &timeline).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetDocumentRequest document_request;
  common::v1::Document document;
  EXPECT_EQ(service_->GetDocument(&context_, &document_request, &document).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  document_request.set_document_id("d-missing");
  status = service_->GetDocument(&context_, &document_request, &document);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("d-missing"));
}

class QueryServiceServerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SKIP_WITHOUT_POSTGRES(GetParam()); }
};

// The same service behind a real gRPC server on a free port.
TEST_P(QueryServiceServerTest, ServesOverGrpc) {
  auto store = OpenStoreAt(GetParam(), FreshLocation(GetParam()));
  ASSERT_TRUE(store.ok());
  QueryServiceImpl service(store->get());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  ASSERT_GT(port, 0);
  auto stub = v1::QueryService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  for (const Document& doc : Corpus()) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::IndexRequest request;
    *request.mutable_document() = doc;
    v1::IndexResponse response;
    grpc::Status status = stub->Index(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::SearchRequest request;
  request.set_query("\"phone conversation\" jiang");
  v1::SearchResponse response;
  grpc::Status status = stub->Search(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.hits_size(), 1);
  EXPECT_EQ(response.hits(0).document_id(), "d-call");

  grpc::ClientContext bad_context;
  v1::GetEntityProfileRequest bad_request;
  bad_request.set_entity_id("person:nobody");
  v1::EntityProfile profile;
  status = stub->GetEntityProfile(&bad_context, bad_request, &profile);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  server->Shutdown();
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryServiceTest, ::testing::ValuesIn(::dossier::testing::AllBackends()),
                         BackendTestName);
INSTANTIATE_TEST_SUITE_P(Backends, QueryServiceServerTest,
                         ::testing::ValuesIn(::dossier::testing::AllBackends()), BackendTestName);

}  // namespace
}  // namespace dossier::query
