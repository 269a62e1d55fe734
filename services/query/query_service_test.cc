#include "services/query/query_service.h"

#include <grpcpp/grpcpp.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

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

TEST_P(QueryServiceTest, ListEventsMapsRequestAndResponse) {
  for (const Document& doc : EventCorpus()) ASSERT_TRUE(IndexDocument(doc).ok());
  v1::ListEventsRequest request;
  request.set_actor("chngov");
  request.set_side(v1::ACTOR_SIDE_SOURCE);
  request.set_other_actor(kPutin);
  request.set_cameo_prefix("04");
  request.set_quad_class(1);
  request.mutable_date_from()->set_year(2001);
  request.set_page_size(1);
  v1::ListEventsResponse response;
  grpc::Status status = service_->ListEvents(&context_, &request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_size(), 2);  // the call and the hosting
  ASSERT_EQ(response.events_size(), 1);
  const common::v1::Event& call = response.events(0);
  EXPECT_EQ(call.id(), "ev-call");
  EXPECT_EQ(call.num_mentions(), 3);
  EXPECT_EQ(call.num_documents(), 2);
  EXPECT_EQ(call.mentions(2).document_id(), "e-echo");
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  response.Clear();
  ASSERT_TRUE(service_->ListEvents(&context_, &request, &response).ok());
  ASSERT_EQ(response.events_size(), 1);
  EXPECT_EQ(response.events(0).id(), "ev-host");
  EXPECT_TRUE(response.next_page_token().empty());

  // Events are kept with the document.
  v1::GetDocumentRequest document_request;
  document_request.set_document_id("e-visit");
  common::v1::Document document;
  ASSERT_TRUE(service_->GetDocument(&context_, &document_request, &document).ok());
  EXPECT_EQ(document.events_size(), 3);
}

TEST_P(QueryServiceTest, ListEventsBadFiltersAreInvalidArgument) {
  const auto list = [&](const v1::ListEventsRequest& request) {
    v1::ListEventsResponse response;
    return service_->ListEvents(&context_, &request, &response);
  };
  v1::ListEventsRequest request;
  EXPECT_TRUE(list(request).ok());  // no filter: every event
  request.set_side(v1::ACTOR_SIDE_TARGET);
  grpc::Status status = list(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("actor is empty"));
  request = v1::ListEventsRequest();
  request.set_cameo_prefix("4");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request = v1::ListEventsRequest();
  request.set_quad_class(9);
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request = v1::ListEventsRequest();
  request.mutable_date_to()->set_year(2001);
  request.mutable_date_to()->set_month(2);
  request.mutable_date_to()->set_day(30);
  status = list(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("date_to"));
  request = v1::ListEventsRequest();
  request.set_page_token("not-a-token");
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request = v1::ListEventsRequest();
  request.set_side(static_cast<v1::ActorSide>(12));
  request.set_actor(kJiang);
  EXPECT_EQ(list(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A document whose events are malformed is refused whole.
  Document doc = CallEventsDocument();
  doc.mutable_events(0)->set_cameo_code("talk");
  status = IndexDocument(doc);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document.events[0].cameo_code"));
}

TEST_P(QueryServiceTest, TimelineRelatedAndSearchCarryTheNewFields) {
  for (const Document& doc : EventCorpus()) ASSERT_TRUE(IndexDocument(doc).ok());
  v1::TimelineRequest timeline_request;
  timeline_request.add_entity_ids(kJiang);
  timeline_request.add_entity_ids(kPutin);
  timeline_request.mutable_date_from()->set_year(2002);
  v1::TimelineResponse timeline;
  ASSERT_TRUE(service_->Timeline(&context_, &timeline_request, &timeline).ok());
  ASSERT_EQ(timeline.days_size(), 1);
  EXPECT_EQ(timeline.days(0).date().month(), 5);
  ASSERT_EQ(timeline.days(0).items_size(), 5);
  EXPECT_EQ(timeline.days(0).items(0).event().id(), "ev-host");
  EXPECT_EQ(timeline.days(0).items(0).text(), "Putin visited Beijing, where Jiang hosted him.");
  EXPECT_THAT(timeline.days(0).items(0).entity_ids(), ElementsAre(kJiang, kPutin));
  EXPECT_FALSE(timeline.days(0).items(4).has_event());
  ASSERT_EQ(timeline.items_size(), 5);
  EXPECT_EQ(timeline.items(2).event().id(), "ev-visit");
  timeline_request.set_kind(v1::TIMELINE_KIND_EVENTS);
  timeline.Clear();
  ASSERT_TRUE(service_->Timeline(&context_, &timeline_request, &timeline).ok());
  EXPECT_EQ(timeline.items_size(), 3);
  ASSERT_EQ(timeline.undated_size(), 1);
  EXPECT_EQ(timeline.undated(0).event().id(), "ev-criticise");

  v1::RelatedRequest related_request;
  related_request.set_entity_id(kChina);
  related_request.set_order(v1::RELATED_ORDER_SCORE);
  related_request.set_min_documents(1);
  v1::RelatedResponse related;
  ASSERT_TRUE(service_->Related(&context_, &related_request, &related).ok());
  ASSERT_GE(related.related_size(), 2);
  EXPECT_EQ(related.related(0).entity_id(), kRussia);
  // With the corpus of the fixture: 9 documents, 4 with China, 4 with
  // Russia, 4 with both, in 4 shared sentences.
  EXPECT_DOUBLE_EQ(related.related(0).score(), 5.0);
  EXPECT_DOUBLE_EQ(related.related(0).pmi(), std::log2(9.0 * 4 / (4 * 4)));
  EXPECT_EQ(related.related(0).events_as_source(), 1);
  EXPECT_EQ(related.related(0).events_as_target(), 1);
  EXPECT_EQ(related.related(1).entity_id(), kJiang);  // 1 sentence, 4 documents: 2.0
  related_request.set_min_documents(-2);
  EXPECT_EQ(service_->Related(&context_, &related_request, &related).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::SearchRequest search_request;
  search_request.set_query("putin");
  search_request.set_sort(v1::SEARCH_SORT_OLDEST);
  search_request.add_sources("Xinhua");
  search_request.add_sources("Itar-Tass");
  search_request.add_facets(v1::FACET_FIELD_SOURCE);
  search_request.add_facets(v1::FACET_FIELD_ENTITY);
  search_request.set_facet_limit(1);
  v1::SearchResponse search;
  grpc::Status status = service_->Search(&context_, &search_request, &search);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // d-summit (2001-06-15), d-treaty (2001-07), e-echo (2001-09-20), e-visit (2002-05).
  ASSERT_EQ(search.hits_size(), 4);
  EXPECT_EQ(search.hits(0).document_id(), "d-summit");
  EXPECT_EQ(search.hits(3).document_id(), "e-visit");
  ASSERT_EQ(search.facets_size(), 2);
  EXPECT_EQ(search.facets(0).field(), v1::FACET_FIELD_SOURCE);
  ASSERT_EQ(search.facets(0).values_size(), 1);
  EXPECT_EQ(search.facets(0).values(0).value(), "Itar-Tass");
  EXPECT_EQ(search.facets(0).values(0).count(), 2);
  EXPECT_EQ(search.facets(1).values(0).value(), kJiang);
  EXPECT_EQ(search.facets(1).values(0).label(), "Jiang Zemin");
  EXPECT_EQ(search.facets(1).values(0).count(), 4);
  search_request.add_facets(static_cast<v1::FacetField>(42));
  status = service_->Search(&context_, &search_request, &search);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("facets[2] is 42"));
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

// ExportEvents streams over gRPC; a client that cancels ends the stream.
TEST_P(QueryServiceServerTest, ExportEventsStreamsAndStopsOnCancel) {
  auto store = OpenStoreAt(GetParam(), FreshLocation(GetParam()));
  ASSERT_TRUE(store.ok());
  for (const Document& doc : EventCorpus()) ASSERT_TRUE((*store)->Index(doc).ok());
  // Enough events for several export chunks.
  DocBuilder b("e-many", "Many meetings", 2003, 1, 1, "Bulletin");
  for (int i = 0; i < 500; ++i) b.Sentence("Jiang met Putin again.");
  Document many = b.Build();
  for (int i = 0; i < 500; ++i) {
    AddEvent(&many, "ev-m" + std::to_string(1000 + i), JiangActor(), PutinActor(), "040", 1, 2003, 1, 1, true,
             {{i, 0.5f}});
  }
  ASSERT_TRUE((*store)->Index(many).ok());
  QueryServiceImpl service(store->get());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  auto stub = v1::QueryService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ListEventsRequest request;
    request.set_actor(kJiang);
    request.set_page_size(3);  // ignored by the export
    auto reader = stub->ExportEvents(&context, request);
    common::v1::Event event;
    std::vector<std::string> ids;
    while (reader->Read(&event)) ids.push_back(event.id());
    grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(ids.size(), 505u);
    EXPECT_EQ(ids[0], "ev-call");
    EXPECT_EQ(ids[1], "ev-host");
    EXPECT_EQ(ids[4], "ev-m1000");  // 2003-01-01
    EXPECT_EQ(ids.back(), "ev-criticise");
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto reader = stub->ExportEvents(&context, v1::ListEventsRequest());
    common::v1::Event event;
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.id(), "ev-call");
    context.TryCancel();
    while (reader->Read(&event)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ListEventsRequest request;
    request.set_quad_class(7);
    auto reader = stub->ExportEvents(&context, request);
    common::v1::Event event;
    EXPECT_FALSE(reader->Read(&event));
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("quad_class is 7"));
  }
  // Still serving.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListEventsRequest request;
  request.set_document_id("e-visit");
  v1::ListEventsResponse response;
  ASSERT_TRUE(stub->ListEvents(&context, request, &response).ok());
  EXPECT_EQ(response.total_size(), 3);
  server->Shutdown();
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryServiceTest, ::testing::ValuesIn(::dossier::testing::AllBackends()),
                         BackendTestName);
INSTANTIATE_TEST_SUITE_P(Backends, QueryServiceServerTest,
                         ::testing::ValuesIn(::dossier::testing::AllBackends()), BackendTestName);

}  // namespace
}  // namespace dossier::query
