#ifndef DOSSIER_SERVICES_INGEST_PIPELINE_H_
#define DOSSIER_SERVICES_INGEST_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dossier/common/v1/common.pb.h"
#include "services/ingest/document_store.h"

namespace dossier::ingest {

// The two calls the pipeline makes, so that it can run without gRPC in
// tests. Implementations must be thread-safe (workers call concurrently).
class PipelineBackend {
 public:
  virtual ~PipelineBackend() = default;
  // Annotates `document` (id, title, body, published and language are set).
  // The result holds sentences, mentions, entities and events; other fields
  // are ignored.
  virtual absl::StatusOr<common::v1::Document> Annotate(const common::v1::Document& document) = 0;
  // Indexes the complete annotated document (an idempotent upsert by id).
  virtual absl::Status Index(const common::v1::Document& document) = 0;
};

struct PipelineOptions {
  // Worker threads (--workers).
  int workers = 4;
  // First retry delay; doubles per attempt up to max_backoff, with jitter
  // (each delay is drawn between half and all of the nominal one).
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(5);  // --retry_max_backoff_ms
  // How often idle workers look for due work without being woken.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // INTERNAL and UNKNOWN are retried this many times, then the document
  // fails (they may be bugs rather than outages). UNAVAILABLE,
  // DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED and CANCELLED are retried
  // forever.
  int max_internal_attempts = 8;
  // Seed of the jitter; 0 picks a random one.
  uint64_t seed = 0;
  // Names this pipeline's claims in the store; empty picks
  // "<hostname>:<pid>:<random hex>", unique per pipeline.
  std::string owner;
  // How long a claim lasts (--claim_lease_ms). It must cover one Annotate
  // and one Index call; when the owner dies, its documents wait this long
  // before another pipeline takes them over.
  absl::Duration claim_lease = absl::Seconds(60);
  // How often WaitForState re-reads the store, to see changes made by other
  // replicas (changes made here wake it at once).
  absl::Duration state_poll_interval = absl::Milliseconds(50);
  // Clock; absl::Now when empty.
  std::function<absl::Time()> clock;
};

// True for codes that are worth retrying (see PipelineOptions).
bool IsRetryable(absl::StatusCode code);

// Drives stored documents through Annotate -> ANNOTATED -> Index -> INDEXED
// on background threads. Each worker claims one due document at a time
// through the store (DocumentStore::ClaimDue), so no two workers process the
// same document, even in different replicas sharing one database; state
// changes go through the store's generation and owner checks, so a Reprocess
// during processing wins and a worker whose claim was taken over changes
// nothing. Work left in received/annotated (from before a restart, or by a
// replica that died, once its claims run out) is picked up. Idle workers
// look for work every poll_interval, so documents stored by other replicas
// are found too. Thread-safe. Logs one info line per state change, e.g.
// "document d-0123456789abcdef state=annotated sentences=3 mentions=12 ...".
class Pipeline {
 public:
  // `store` and `backend` must outlive the pipeline.
  Pipeline(DocumentStore* store, PipelineBackend* backend, PipelineOptions options);
  ~Pipeline();  // Stop()s
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Starts the workers.
  void Start();
  // Stops claiming work, lets claimed documents finish their current step
  // and joins the workers. Idempotent.
  void Stop();

  // Wakes the workers: new or requeued documents are waiting.
  void Notify();

  // The owner name of this pipeline's claims.
  const std::string& owner() const { return owner_; }

  // Waits until document `id` is INDEXED or FAILED, or until `deadline`, or
  // until Stop; returns its state at that moment. Sees changes made by other
  // replicas within state_poll_interval. NOT_FOUND for an unknown id.
  absl::StatusOr<DocState> WaitForState(const std::string& id, absl::Time deadline);

 private:
  void WorkerLoop();
  // How long an idle worker sleeps: until the next document is due, at most
  // poll_interval.
  absl::Duration IdleWait();
  // Works on a claimed document; returns whether its claim was ended (by a
  // Mark* that applied).
  // `claimed_at_ms`: when the claim on `doc` began (its lease runs from then).
  bool Process(const StoredDocument& doc, int64_t claimed_at_ms);
  // Records a retry or failure; returns whether the claim was ended.
  bool HandleError(const StoredDocument& doc, const char* stage, const absl::Status& status);
  absl::Duration Backoff(int attempt);
  void StateChanged();
  void WorkChanged();
  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }
  int64_t NowMs() const { return absl::ToUnixMillis(Now()); }

  DocumentStore* const store_;
  PipelineBackend* const backend_;
  const PipelineOptions options_;
  const std::string owner_;

  absl::Mutex mu_;
  absl::CondVar work_cv_;   // new work may be claimable
  absl::CondVar state_cv_;  // some document changed state
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool store_failing_ ABSL_GUARDED_BY(mu_) = false;  // the last claim failed (logged once)
  uint64_t state_version_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t work_version_ ABSL_GUARDED_BY(mu_) = 0;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_PIPELINE_H_
