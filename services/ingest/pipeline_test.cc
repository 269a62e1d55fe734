#include "services/ingest/pipeline.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/ingest/document_proto.h"
#include "services/ingest/store_testing.h"

namespace dossier::ingest {
namespace {

using ::testing::HasSubstr;
using dossier::testing::Backend;

// A backend that records calls and returns scripted errors first.
class FakeBackend : public PipelineBackend {
 public:
  absl::StatusOr<common::v1::Document> Annotate(const common::v1::Document& document) override {
    CallScope scope(this);
    absl::MutexLock lock(&mu_);
    ++annotate_calls_[document.id()];
    if (!annotate_errors_.empty()) {
      absl::Status error = annotate_errors_.front();
      if (!sticky_annotate_error_) annotate_errors_.pop_front();
      return error;
    }
    if (document.body().empty() || document.id().empty()) return absl::InvalidArgumentError("empty request");
    common::v1::Document annotation;
    common::v1::Span* sentence = annotation.add_sentences();
    sentence->set_begin(0);
    sentence->set_end(static_cast<int>(document.body().size()));
    common::v1::Mention* mention = annotation.add_mentions();
    mention->set_text(document.body().substr(0, document.body().find(' ')));
    mention->set_entity_id("misc:x-test");
    annotation.add_entities()->set_id("misc:x-test");
    return annotation;
  }

  absl::Status Index(const common::v1::Document& document) override {
    CallScope scope(this);
    absl::MutexLock lock(&mu_);
    ++index_calls_[document.id()];
    if (!index_errors_.empty()) {
      absl::Status error = index_errors_.front();
      index_errors_.pop_front();
      return error;
    }
    indexed_[document.id()] = document;
    return absl::OkStatus();
  }

  void FailAnnotate(std::vector<absl::Status> errors, bool sticky = false) {
    absl::MutexLock lock(&mu_);
    annotate_errors_.assign(errors.begin(), errors.end());
    sticky_annotate_error_ = sticky;
  }
  void FailIndex(std::vector<absl::Status> errors) {
    absl::MutexLock lock(&mu_);
    index_errors_.assign(errors.begin(), errors.end());
  }
  int AnnotateCalls(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return annotate_calls_[id];
  }
  int IndexCalls(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return index_calls_[id];
  }
  common::v1::Document Indexed(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return indexed_[id];
  }
  // Each call takes this long first.
  void SetDelay(absl::Duration delay) {
    absl::MutexLock lock(&mu_);
    delay_ = delay;
  }
  // The most calls that were ever in progress at once.
  int MaxConcurrentCalls() {
    absl::MutexLock lock(&mu_);
    return max_active_;
  }

 private:
  // Counts a call in progress and sleeps the delay.
  class CallScope {
   public:
    explicit CallScope(FakeBackend* backend) : backend_(backend) {
      absl::Duration delay;
      {
        absl::MutexLock lock(&backend_->mu_);
        backend_->max_active_ = std::max(backend_->max_active_, ++backend_->active_);
        delay = backend_->delay_;
      }
      absl::SleepFor(delay);
    }
    ~CallScope() {
      absl::MutexLock lock(&backend_->mu_);
      --backend_->active_;
    }

   private:
    FakeBackend* backend_;
  };

  absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  int max_active_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<absl::Status> annotate_errors_ ABSL_GUARDED_BY(mu_);
  bool sticky_annotate_error_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<absl::Status> index_errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> annotate_calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> index_calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, common::v1::Document> indexed_ ABSL_GUARDED_BY(mu_);
};

PipelineOptions FastOptions(int workers = 2) {
  PipelineOptions options;
  options.workers = workers;
  options.initial_backoff = absl::Milliseconds(5);
  options.max_backoff = absl::Milliseconds(20);
  options.poll_interval = absl::Milliseconds(50);
  options.seed = 42;
  return options;
}

NewDocument Doc(const std::string& body) {
  NewDocument doc;
  doc.body = body;
  doc.raw_body = body;
  doc.title = "A Title";
  doc.url = "https://example.org/a";
  doc.source = "Example";
  doc.published = {2001, 9, 19};
  doc.language = "en";
  doc.external_id = "ext-" + body;
  return doc;
}

class PipelineTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (PostgresMissing(GetParam())) GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    auto location = TestStoreLocation::Create(GetParam());
    ASSERT_TRUE(location.ok()) << location.status();
    location_ = std::move(*location);
    OpenStore();
  }
  void TearDown() override {
    pipeline_.reset();
    store_.reset();
    location_.reset();
  }
  void OpenStore() {
    auto store = location_->Open();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void StartPipeline(PipelineOptions options) {
    pipeline_ = std::make_unique<Pipeline>(store_.get(), &backend_, options);
    pipeline_->Start();
  }
  std::string Insert(const std::string& body) {
    auto r = store_->Insert(Doc(body), absl::ToUnixMillis(absl::Now()));
    EXPECT_TRUE(r.ok()) << r.status();
    if (pipeline_) pipeline_->Notify();
    return r.ok() ? r->id : "";
  }
  DocState Wait(const std::string& id, absl::Duration timeout = absl::Seconds(10)) {
    auto state = pipeline_->WaitForState(id, absl::Now() + timeout);
    EXPECT_TRUE(state.ok()) << state.status();
    return state.ok() ? *state : DocState::kReceived;
  }

  std::unique_ptr<TestStoreLocation> location_;
  FakeBackend backend_;
  std::unique_ptr<DocumentStore> store_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_P(PipelineTest, AnnotatesAndIndexes) {
  StartPipeline(FastOptions());
  const std::string id = Insert("Ministers met in Vienna on Monday.");
  EXPECT_EQ(Wait(id), DocState::kIndexed);
  EXPECT_EQ(backend_.AnnotateCalls(id), 1);
  EXPECT_EQ(backend_.IndexCalls(id), 1);

  const common::v1::Document indexed = backend_.Indexed(id);
  EXPECT_EQ(indexed.id(), id);
  EXPECT_EQ(indexed.title(), "A Title");
  EXPECT_EQ(indexed.body(), "Ministers met in Vienna on Monday.");
  EXPECT_EQ(indexed.url(), "https://example.org/a");
  EXPECT_EQ(indexed.source(), "Example");
  EXPECT_EQ(indexed.published().year(), 2001);
  EXPECT_EQ(indexed.published().day(), 19);
  EXPECT_EQ(indexed.language(), "en");
  EXPECT_EQ(indexed.external_id(), "ext-Ministers met in Vienna on Monday.");
  EXPECT_FALSE(indexed.received_time().empty());
  EXPECT_EQ(indexed.state(), common::v1::DOCUMENT_STATE_INDEXED);
  ASSERT_EQ(indexed.mentions_size(), 1);
  EXPECT_EQ(indexed.mentions(0).text(), "Ministers");
  EXPECT_EQ(indexed.sentences_size(), 1);
  EXPECT_EQ(indexed.entities_size(), 1);

  // The annotation is stored with the document.
  auto stored = store_->Get(id);
  ASSERT_TRUE(stored.ok());
  common::v1::Document full = ToProtoDocument(*stored, true);
  EXPECT_EQ(full.mentions_size(), 1);
  EXPECT_EQ(full.state(), common::v1::DOCUMENT_STATE_INDEXED);
}

TEST_P(PipelineTest, RetriesUnavailableThenSucceeds) {
  backend_.FailAnnotate({absl::UnavailableError("entity down"), absl::UnavailableError("entity down")});
  backend_.FailIndex({absl::DeadlineExceededError("query slow")});
  StartPipeline(FastOptions());
  const std::string id = Insert("Retry this document please.");
  EXPECT_EQ(Wait(id), DocState::kIndexed);
  EXPECT_EQ(backend_.AnnotateCalls(id), 3);
  EXPECT_EQ(backend_.IndexCalls(id), 2);
  auto stored = store_->Get(id);
  EXPECT_EQ(stored->error, "");
}

TEST_P(PipelineTest, InvalidArgumentFailsTheDocument) {
  backend_.FailAnnotate({absl::InvalidArgumentError("text is too long")});
  StartPipeline(FastOptions());
  const std::string id = Insert("This one will fail.");
  EXPECT_EQ(Wait(id), DocState::kFailed);
  auto stored = store_->Get(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->error, "annotate: text is too long");
  EXPECT_EQ(backend_.AnnotateCalls(id), 1);
  EXPECT_EQ(backend_.IndexCalls(id), 0);
}

TEST_P(PipelineTest, IndexRejectionFailsTheDocument) {
  backend_.FailIndex({absl::FailedPreconditionError("index is read-only")});
  StartPipeline(FastOptions());
  const std::string id = Insert("Index will refuse this.");
  EXPECT_EQ(Wait(id), DocState::kFailed);
  EXPECT_EQ(store_->Get(id)->error, "index: index is read-only");
}

TEST_P(PipelineTest, InternalErrorsGiveUpAfterBoundedAttempts) {
  backend_.FailAnnotate({absl::InternalError("bug")}, /*sticky=*/true);
  PipelineOptions options = FastOptions();
  options.max_internal_attempts = 3;
  StartPipeline(options);
  const std::string id = Insert("Internal errors forever.");
  EXPECT_EQ(Wait(id), DocState::kFailed);
  EXPECT_EQ(backend_.AnnotateCalls(id), 3);
  EXPECT_THAT(store_->Get(id)->error, HasSubstr("annotate: bug (gave up after 3 attempts)"));
}

TEST_P(PipelineTest, WaitForStateHonoursDeadline) {
  backend_.FailAnnotate({absl::UnavailableError("down")}, /*sticky=*/true);
  StartPipeline(FastOptions());
  const std::string id = Insert("Never gets annotated.");
  const absl::Time start = absl::Now();
  EXPECT_EQ(Wait(id, absl::Milliseconds(200)), DocState::kReceived);
  const absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(190));
  EXPECT_LT(waited, absl::Seconds(2));
  auto stored = store_->Get(id);
  EXPECT_GE(stored->attempts, 2);
  EXPECT_EQ(stored->error, "annotate: down");

  auto unknown = pipeline_->WaitForState("d-unknown", absl::Now() + absl::Seconds(1));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST_P(PipelineTest, RestartPicksUpPendingDocuments) {
  // Stored before any pipeline ran: one received, one already annotated.
  const std::string received = Insert("Waiting to be annotated.");
  const std::string annotated = Insert("Waiting to be indexed.");
  common::v1::Document annotation;
  annotation.add_mentions()->set_text("Waiting");
  ASSERT_TRUE(*store_->MarkAnnotated(annotated, 0, SerializeAnnotation(annotation), 0, ""));
  store_.reset();

  OpenStore();  // as after a restart
  StartPipeline(FastOptions());
  EXPECT_EQ(Wait(received), DocState::kIndexed);
  EXPECT_EQ(Wait(annotated), DocState::kIndexed);
  EXPECT_EQ(backend_.AnnotateCalls(received), 1);
  EXPECT_EQ(backend_.AnnotateCalls(annotated), 0);
  EXPECT_EQ(backend_.IndexCalls(annotated), 1);
  ASSERT_EQ(backend_.Indexed(annotated).mentions_size(), 1);
  EXPECT_EQ(backend_.Indexed(annotated).mentions(0).text(), "Waiting");
}

TEST_P(PipelineTest, EachDocumentIsIndexedExactlyOnce) {
  StartPipeline(FastOptions(/*workers=*/4));
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(Insert(absl::StrCat("Document number ", i, " of the batch.")));
  for (const std::string& id : ids) {
    ASSERT_EQ(Wait(id), DocState::kIndexed) << id;
  }
  pipeline_->Stop();
  for (const std::string& id : ids) {
    EXPECT_EQ(backend_.AnnotateCalls(id), 1) << id;
    EXPECT_EQ(backend_.IndexCalls(id), 1) << id;
  }
}

TEST_P(PipelineTest, RequeuedDocumentRunsAgain) {
  StartPipeline(FastOptions());
  const std::string id = Insert("Run me twice.");
  ASSERT_EQ(Wait(id), DocState::kIndexed);
  ASSERT_TRUE(store_->RequeueIds({id}, absl::ToUnixMillis(absl::Now())).ok());
  pipeline_->Notify();
  ASSERT_EQ(Wait(id), DocState::kIndexed);
  EXPECT_EQ(backend_.AnnotateCalls(id), 2);
  EXPECT_EQ(backend_.IndexCalls(id), 2);
}

TEST_P(PipelineTest, StopIsCleanAndIdempotent) {
  backend_.FailAnnotate({absl::UnavailableError("down")}, /*sticky=*/true);
  StartPipeline(FastOptions());
  Insert("Something to chew on.");
  absl::SleepFor(absl::Milliseconds(30));
  pipeline_->Stop();
  pipeline_->Stop();
  // Waiting after Stop returns at once.
  const absl::Time start = absl::Now();
  auto state = pipeline_->WaitForState(Insert("After stop."), absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, DocState::kReceived);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST_P(PipelineTest, TwoReplicasShareTheWorkAndDoEachDocumentOnce) {
  // A second replica: its own store (connection pool), backend and pipeline.
  auto other_store = location_->Open();
  ASSERT_TRUE(other_store.ok()) << other_store.status();
  FakeBackend other_backend;
  backend_.SetDelay(absl::Milliseconds(10));
  other_backend.SetDelay(absl::Milliseconds(10));
  StartPipeline(FastOptions(/*workers=*/2));
  Pipeline other(other_store->get(), &other_backend, FastOptions(/*workers=*/2));
  other.Start();
  EXPECT_NE(other.owner(), pipeline_->owner());

  // Stored through both; only this replica is notified, the other polls.
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    const std::string body = absl::StrCat("Shared document number ", i, ".");
    if (i % 2 == 0) {
      ids.push_back(Insert(body));
    } else {
      auto r = (*other_store)->Insert(Doc(body), absl::ToUnixMillis(absl::Now()));
      ASSERT_TRUE(r.ok()) << r.status();
      ids.push_back(r->id);
    }
  }
  for (const std::string& id : ids) {
    // Waiting through the other replica sees this one's work too.
    auto state = other.WaitForState(id, absl::Now() + absl::Seconds(20));
    ASSERT_TRUE(state.ok()) << state.status();
    ASSERT_EQ(*state, DocState::kIndexed) << id;
  }
  other.Stop();
  pipeline_->Stop();
  int here = 0;
  int there = 0;
  for (const std::string& id : ids) {
    EXPECT_EQ(backend_.AnnotateCalls(id) + other_backend.AnnotateCalls(id), 1) << id;
    EXPECT_EQ(backend_.IndexCalls(id) + other_backend.IndexCalls(id), 1) << id;
    here += backend_.IndexCalls(id);
    there += other_backend.IndexCalls(id);
  }
  EXPECT_GT(here, 0);
  EXPECT_GT(there, 0);
}

TEST_P(PipelineTest, ClaimsOfADeadReplicaAreTakenOverWhenTheyRunOut) {
  const std::string received = Insert("Claimed by a replica that died.");
  const std::string annotated = Insert("Annotated by a replica that died.");
  // The dead replica claimed both and annotated one, then vanished.
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  ASSERT_EQ(store_->ClaimDue("dead-replica", now_ms, 600, 10)->size(), 2u);
  common::v1::Document annotation;
  annotation.add_mentions()->set_text("Annotated");
  ASSERT_TRUE(*store_->MarkAnnotated(annotated, 0, SerializeAnnotation(annotation), now_ms, "dead-replica"));

  const absl::Time start = absl::Now();
  StartPipeline(FastOptions());
  EXPECT_EQ(Wait(received), DocState::kIndexed);
  EXPECT_EQ(Wait(annotated), DocState::kIndexed);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(450));  // not before the claims ran out
  EXPECT_EQ(backend_.AnnotateCalls(received), 1);
  EXPECT_EQ(backend_.AnnotateCalls(annotated), 0);  // its annotation was kept
  EXPECT_EQ(backend_.IndexCalls(annotated), 1);
  ASSERT_EQ(backend_.Indexed(annotated).mentions_size(), 1);
  EXPECT_EQ(backend_.Indexed(annotated).mentions(0).text(), "Annotated");
  EXPECT_EQ(store_->Get(received)->lease_owner, "");
}

TEST_P(PipelineTest, WaitForStateSeesChangesMadeByAnotherReplica) {
  Pipeline waiter(store_.get(), &backend_, FastOptions());  // never started: it only waits
  const std::string id = Insert("Indexed elsewhere.");
  auto other_store = location_->Open();
  ASSERT_TRUE(other_store.ok());
  std::thread elsewhere([&] {
    absl::SleepFor(absl::Milliseconds(200));
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    ASSERT_EQ((*other_store)->ClaimDue("elsewhere", now_ms, 60000, 1)->size(), 1u);
    EXPECT_TRUE(*(*other_store)->MarkAnnotated(id, 0, "", now_ms, "elsewhere"));
    EXPECT_TRUE(*(*other_store)->MarkIndexed(id, 0, now_ms, "elsewhere"));
  });
  const absl::Time start = absl::Now();
  auto state = waiter.WaitForState(id, absl::Now() + absl::Seconds(10));
  elsewhere.join();
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, DocState::kIndexed);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));  // seen by polling, not at the deadline
}

TEST_P(PipelineTest, ReprocessDuringWorkWaitsForTheStaleRun) {
  backend_.SetDelay(absl::Milliseconds(300));
  StartPipeline(FastOptions());
  const std::string id = Insert("Requeued while being annotated.");
  absl::SleepFor(absl::Milliseconds(100));  // a worker is inside Annotate
  ASSERT_EQ(*store_->RequeueIds({id}, absl::ToUnixMillis(absl::Now())), 1);
  pipeline_->Notify();
  // Generation 1 finishes; the stale run of generation 0 changed nothing.
  EXPECT_EQ(Wait(id), DocState::kIndexed);
  EXPECT_EQ(store_->Get(id)->generation, 1);
  EXPECT_EQ(backend_.AnnotateCalls(id), 2);
  EXPECT_EQ(backend_.IndexCalls(id), 1);
  EXPECT_EQ(backend_.MaxConcurrentCalls(), 1);  // the two runs never overlapped
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelineTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

TEST(IsRetryableTest, Codes) {
  EXPECT_TRUE(IsRetryable(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(absl::StatusCode::kDeadlineExceeded));
  EXPECT_TRUE(IsRetryable(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsRetryable(absl::StatusCode::kAborted));
  EXPECT_FALSE(IsRetryable(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(IsRetryable(absl::StatusCode::kNotFound));
  EXPECT_FALSE(IsRetryable(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace dossier::ingest
