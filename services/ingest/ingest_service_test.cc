#include "services/ingest/ingest_service.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/ingest/store_testing.h"

namespace dossier::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace v1 = ::dossier::ingest::v1;

// Annotates with nothing and indexes everything, or fails while `down`.
class StubBackend : public PipelineBackend {
 public:
  absl::StatusOr<common::v1::Document> Annotate(const common::v1::Document&) override {
    absl::MutexLock lock(&mu_);
    if (down_) return absl::UnavailableError("entity down");
    return common::v1::Document();
  }
  absl::Status Index(const common::v1::Document&) override { return absl::OkStatus(); }
  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }

 private:
  absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
};

constexpr char kArticle[] =
    "Home > World > Europe\n"
    "Ferry Service Resumes Across the Strait(12/03/2005)\n"
    "\n"
    "The ferry service across the strait resumed on Friday after a week of storms.\n"
    "\n"
    "Suggest To A Friend";

class IngestServiceTest : public ::testing::TestWithParam<dossier::testing::Backend> {
 protected:
  void SetUp() override {
    if (PostgresMissing(GetParam())) GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    auto location = TestStoreLocation::Create(GetParam());
    ASSERT_TRUE(location.ok()) << location.status();
    location_ = std::move(*location);
    auto store = location_->Open();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    PipelineOptions pipeline_options;
    pipeline_options.workers = 2;
    pipeline_options.initial_backoff = absl::Milliseconds(5);
    pipeline_options.max_backoff = absl::Milliseconds(20);
    pipeline_options.poll_interval = absl::Milliseconds(50);
    pipeline_ = std::make_unique<Pipeline>(store_.get(), &backend_, pipeline_options);
    pipeline_->Start();
    IngestServiceOptions options;
    options.max_body_bytes = 4096;
    options.stream_batch_size = 2;
    service_ = std::make_unique<IngestServiceImpl>(store_.get(), pipeline_.get(), options);

    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    if (pipeline_ != nullptr) pipeline_->Stop();
    server_.reset();
    service_.reset();
    pipeline_.reset();
    store_.reset();
    location_.reset();
  }

  grpc::Status Ingest(const v1::IngestRequest& request, v1::IngestResponse* response,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    return stub_->Ingest(&context, request, response);
  }
  v1::IngestResponse IngestOk(const std::string& body, const std::string& external_id = "") {
    v1::IngestRequest request;
    request.set_body(body);
    request.set_external_id(external_id);
    v1::IngestResponse response;
    grpc::Status status = Ingest(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  grpc::Status List(const v1::ListDocumentsRequest& request, v1::ListDocumentsResponse* response) {
    grpc::ClientContext context;
    return stub_->ListDocuments(&context, request, response);
  }
  grpc::Status Reprocess(const v1::ReprocessRequest& request, v1::ReprocessResponse* response) {
    grpc::ClientContext context;
    return stub_->Reprocess(&context, request, response);
  }

  std::unique_ptr<TestStoreLocation> location_;
  StubBackend backend_;
  std::unique_ptr<DocumentStore> store_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<IngestServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

TEST_P(IngestServiceTest, IngestParsesAndStores) {
  v1::IngestRequest request;
  request.set_body(kArticle);
  request.set_url("https://www.strait-news.example/ferry");
  v1::IngestResponse response;
  ASSERT_TRUE(Ingest(request, &response).ok());
  EXPECT_THAT(response.document_id(), StartsWith("d-"));
  EXPECT_EQ(response.document_id().size(), 18u);
  EXPECT_FALSE(response.duplicate());
  EXPECT_EQ(response.title(), "Ferry Service Resumes Across the Strait");
  EXPECT_EQ(response.published().year(), 2005);
  EXPECT_EQ(response.published().month(), 3);
  EXPECT_EQ(response.published().day(), 12);
  EXPECT_EQ(response.source(), "strait-news.example");

  grpc::ClientContext context;
  v1::GetDocumentRequest get;
  get.set_document_id(response.document_id());
  common::v1::Document doc;
  ASSERT_TRUE(stub_->GetDocument(&context, get, &doc).ok());
  EXPECT_EQ(doc.body(), "The ferry service across the strait resumed on Friday after a week of storms.");
  EXPECT_EQ(doc.url(), "https://www.strait-news.example/ferry");
  EXPECT_EQ(doc.language(), "en");
  EXPECT_FALSE(doc.received_time().empty());
}

TEST_P(IngestServiceTest, WaitForIndexing) {
  v1::IngestRequest request;
  request.set_body(kArticle);
  request.set_wait_for_indexing(true);
  v1::IngestResponse response;
  ASSERT_TRUE(Ingest(request, &response).ok());
  EXPECT_EQ(response.state(), common::v1::DOCUMENT_STATE_INDEXED);
}

TEST_P(IngestServiceTest, WaitForIndexingStopsBeforeTheDeadline) {
  backend_.SetDown(true);
  v1::IngestRequest request;
  request.set_body(kArticle);
  request.set_wait_for_indexing(true);
  v1::IngestResponse response;
  const absl::Time start = absl::Now();
  grpc::Status status = Ingest(request, &response, std::chrono::milliseconds(1200));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.state(), common::v1::DOCUMENT_STATE_RECEIVED);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(600));
  EXPECT_FALSE(response.document_id().empty());
}

TEST_P(IngestServiceTest, ValidationErrors) {
  struct Case {
    std::string body;
    std::string published;
    std::string language;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"", "", "", "document body is empty"},
      {"   \n\t  ", "", "", "document body is empty"},
      {std::string(5000, 'x'), "", "", "document body is 5000 bytes, over the limit of 4096 bytes"},
      {"Good text here.", "the other day", "", "published \"the other day\" is not a valid date"},
      {"Good text here.", "", "eng", "language \"eng\" is not an ISO 639-1 code"},
      {"Go to contents\nPrint\nShare\n", "", "", "document body is empty after removing"},
      {std::string("Good\0text here.", 15), "", "", "body contains a NUL character (U+0000) at byte 4"},
      {"Good text here.", "", std::string("e\0", 2), "language contains a NUL character"},
  };
  for (const Case& c : cases) {
    v1::IngestRequest request;
    request.set_body(c.body);
    request.set_published(c.published);
    request.set_language(c.language);
    v1::IngestResponse response;
    grpc::Status status = Ingest(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.expected;
    EXPECT_THAT(status.error_message(), HasSubstr(c.expected));
  }
  v1::ListDocumentsResponse list;
  ASSERT_TRUE(List({}, &list).ok());
  EXPECT_EQ(list.total_size(), 0);  // nothing stored
}

// Over gRPC, protobuf refuses a proto3 string with invalid UTF-8 before the
// service sees it; in-process callers reach the service's own check.
TEST_P(IngestServiceTest, InvalidUtf8CalledDirectly) {
  grpc::ServerContext context;
  v1::IngestRequest request;
  request.set_body("Good text\xFF here.");
  v1::IngestResponse response;
  grpc::Status status = service_->Ingest(&context, &request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("body is not valid UTF-8 (first bad byte at offset 9)"));
}

TEST_P(IngestServiceTest, Duplicates) {
  v1::IngestResponse first = IngestOk(kArticle, "feed-1");
  v1::IngestResponse again = IngestOk(std::string(kArticle) + "\n\n");
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.document_id(), first.document_id());
  EXPECT_EQ(again.title(), first.title());
  v1::IngestResponse same_external = IngestOk("A completely different article body.", "feed-1");
  EXPECT_TRUE(same_external.duplicate());
  EXPECT_EQ(same_external.document_id(), first.document_id());
  v1::ListDocumentsResponse list;
  ASSERT_TRUE(List({}, &list).ok());
  EXPECT_EQ(list.total_size(), 1);
}

TEST_P(IngestServiceTest, IngestStream) {
  v1::IngestResponse existing = IngestOk("An article that was already stored.");
  grpc::ClientContext context;
  v1::IngestStreamResponse response;
  auto writer = stub_->IngestStream(&context, &response);
  const std::vector<std::string> bodies = {
      "First streamed article.",              // 0 accepted
      "",                                     // 1 rejected
      "first   STREAMED article.",            // 2 duplicate of 0 (same stream)
      "Second streamed article.",             // 3 accepted
      "An article that was already stored.",  // 4 duplicate of an earlier Ingest
      "Third streamed article.",              // 5 accepted
  };
  for (const std::string& body : bodies) {
    v1::IngestRequest request;
    request.set_body(body);
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 6);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(response.results(i).index(), i);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_FALSE(response.results(0).response().duplicate());
  EXPECT_EQ(response.results(1).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(response.results(1).message(), HasSubstr("document body is empty"));
  EXPECT_TRUE(response.results(2).response().duplicate());
  EXPECT_EQ(response.results(2).response().document_id(), response.results(0).response().document_id());
  EXPECT_FALSE(response.results(3).response().duplicate());
  EXPECT_TRUE(response.results(4).response().duplicate());
  EXPECT_EQ(response.results(4).response().document_id(), existing.document_id());
  EXPECT_EQ(response.accepted(), 3);
  EXPECT_EQ(response.duplicates(), 2);
  EXPECT_EQ(response.rejected(), 1);

  v1::ListDocumentsResponse list;
  ASSERT_TRUE(List({}, &list).ok());
  EXPECT_EQ(list.total_size(), 4);
}

TEST_P(IngestServiceTest, GetDocumentErrors) {
  grpc::ClientContext c1;
  common::v1::Document doc;
  grpc::Status empty = stub_->GetDocument(&c1, v1::GetDocumentRequest(), &doc);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("document_id is required"));

  grpc::ClientContext c2;
  v1::GetDocumentRequest request;
  request.set_document_id("d-0000000000000000");
  grpc::Status missing = stub_->GetDocument(&c2, request, &doc);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(missing.error_message(), HasSubstr("no document with id \"d-0000000000000000\""));
}

TEST_P(IngestServiceTest, ListDocumentsPaginates) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(IngestOk(absl::StrCat("Listed article number ", i, ".")).document_id());
  v1::ListDocumentsRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    v1::ListDocumentsResponse response;
    grpc::Status status = List(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total_size(), 5);
    for (const common::v1::Document& doc : response.documents()) {
      seen.push_back(doc.id());
      EXPECT_TRUE(doc.body().empty());
      EXPECT_EQ(doc.mentions_size(), 0);
      EXPECT_NE(doc.state(), common::v1::DOCUMENT_STATE_UNSPECIFIED);
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend()));  // newest first

  // A token is bound to its filter.
  v1::ListDocumentsRequest first;
  first.set_page_size(2);
  v1::ListDocumentsResponse first_response;
  ASSERT_TRUE(List(first, &first_response).ok());
  v1::ListDocumentsRequest other_filter;
  other_filter.set_page_token(first_response.next_page_token());
  other_filter.set_state(common::v1::DOCUMENT_STATE_FAILED);
  v1::ListDocumentsResponse ignored;
  grpc::Status mismatch = List(other_filter, &ignored);
  EXPECT_EQ(mismatch.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(mismatch.error_message(), HasSubstr("page_token"));

  v1::ListDocumentsRequest garbage;
  garbage.set_page_token("not-a-token!");
  EXPECT_EQ(List(garbage, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListDocumentsRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(List(negative, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListDocumentsRequest bad_state;
  bad_state.set_state(static_cast<common::v1::DocumentState>(42));
  EXPECT_EQ(List(bad_state, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(IngestServiceTest, ListDocumentsByState) {
  v1::IngestRequest request;
  request.set_body(kArticle);
  request.set_wait_for_indexing(true);
  v1::IngestResponse response;
  ASSERT_TRUE(Ingest(request, &response).ok());
  ASSERT_EQ(response.state(), common::v1::DOCUMENT_STATE_INDEXED);
  v1::ListDocumentsRequest indexed;
  indexed.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  v1::ListDocumentsResponse list;
  ASSERT_TRUE(List(indexed, &list).ok());
  EXPECT_EQ(list.total_size(), 1);
  v1::ListDocumentsRequest failed;
  failed.set_state(common::v1::DOCUMENT_STATE_FAILED);
  ASSERT_TRUE(List(failed, &list).ok());
  EXPECT_EQ(list.total_size(), 0);
  EXPECT_EQ(list.documents_size(), 0);
}

TEST_P(IngestServiceTest, Reprocess) {
  v1::ReprocessResponse response;
  grpc::Status none = Reprocess({}, &response);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(none.error_message(), HasSubstr("document_ids, all, or state"));

  v1::ReprocessRequest two;
  two.set_all(true);
  two.set_state(common::v1::DOCUMENT_STATE_FAILED);
  EXPECT_EQ(Reprocess(two, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const std::string a = IngestOk("Article alpha for reprocessing.").document_id();
  const std::string b = IngestOk("Article beta for reprocessing.").document_id();
  v1::ReprocessRequest unknown;
  unknown.add_document_ids(a);
  unknown.add_document_ids("d-ffffffffffffffff");
  grpc::Status not_found = Reprocess(unknown, &response);
  EXPECT_EQ(not_found.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(not_found.error_message(), HasSubstr("d-ffffffffffffffff"));

  v1::ReprocessRequest ids;
  ids.add_document_ids(a);
  ids.add_document_ids(a);
  ASSERT_TRUE(Reprocess(ids, &response).ok());
  EXPECT_EQ(response.queued(), 1);

  v1::ReprocessRequest all;
  all.set_all(true);
  ASSERT_TRUE(Reprocess(all, &response).ok());
  EXPECT_EQ(response.queued(), 2);
  EXPECT_EQ(*pipeline_->WaitForState(b, absl::Now() + absl::Seconds(10)), DocState::kIndexed);

  v1::ReprocessRequest failed;
  failed.set_state(common::v1::DOCUMENT_STATE_FAILED);
  ASSERT_TRUE(Reprocess(failed, &response).ok());
  EXPECT_EQ(response.queued(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestServiceTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

}  // namespace
}  // namespace dossier::ingest
