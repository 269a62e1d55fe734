#include "services/ingest/pipeline.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/ingest/document_proto.h"
#include "spdlog/spdlog.h"

namespace dossier::ingest {

bool IsRetryable(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

Pipeline::Pipeline(DocumentStore* store, PipelineBackend* backend, PipelineOptions options)
    : store_(store), backend_(backend), options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  rng_.seed(options_.seed != 0 ? options_.seed : std::random_device{}());
}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_) return;
    started_ = true;
  }
  absl::StatusOr<std::map<DocState, int64_t>> counts = store_->CountByState();
  if (counts.ok()) {
    auto count = [&](DocState s) { return counts->count(s) ? counts->at(s) : 0; };
    spdlog::info("pipeline starting with {} workers; documents received={} annotated={} indexed={} failed={}",
                 options_.workers, count(DocState::kReceived), count(DocState::kAnnotated),
                 count(DocState::kIndexed), count(DocState::kFailed));
  }
  const int workers = std::max(1, options_.workers);
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

void Pipeline::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    work_cv_.SignalAll();
    state_cv_.SignalAll();
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void Pipeline::Notify() {
  absl::MutexLock lock(&mu_);
  ++state_version_;
  work_cv_.SignalAll();
  state_cv_.SignalAll();
}

void Pipeline::StateChanged() {
  absl::MutexLock lock(&mu_);
  ++state_version_;
  state_cv_.SignalAll();
}

absl::StatusOr<DocState> Pipeline::WaitForState(const std::string& id, absl::Time deadline) {
  while (true) {
    uint64_t version;
    {
      absl::MutexLock lock(&mu_);
      version = state_version_;
    }
    absl::StatusOr<DocState> state = store_->GetState(id);
    if (!state.ok()) return state.status();
    if (*state == DocState::kIndexed || *state == DocState::kFailed || Now() >= deadline) return state;
    absl::MutexLock lock(&mu_);
    if (stopping_) return state;
    while (state_version_ == version && !stopping_) {
      // The CondVar uses the real clock; an injected clock is re-checked
      // above each round.
      const absl::Duration left = std::min(deadline - Now(), absl::Milliseconds(100));
      if (left <= absl::ZeroDuration()) break;
      state_cv_.WaitWithTimeout(&mu_, left);
      if (Now() >= deadline) break;
    }
  }
}

std::string Pipeline::ClaimLocked() {
  absl::StatusOr<std::vector<std::string>> due =
      store_->DueIds(NowMs(), static_cast<int>(in_flight_.size()) + 1);
  if (!due.ok()) {
    spdlog::error("pipeline: cannot read pending documents: {}", std::string(due.status().message()));
    return "";
  }
  for (const std::string& id : *due) {
    if (in_flight_.insert(id).second) return id;
  }
  return "";
}

absl::Duration Pipeline::IdleWaitLocked() {
  absl::Duration wait = options_.poll_interval;
  absl::StatusOr<std::optional<int64_t>> earliest = store_->EarliestDue();
  if (earliest.ok() && earliest->has_value()) {
    const absl::Duration until_due = absl::Milliseconds(**earliest - NowMs());
    if (until_due > absl::ZeroDuration()) wait = std::min(wait, until_due);
  }
  return std::max(wait, absl::Milliseconds(1));
}

void Pipeline::WorkerLoop() {
  mu_.Lock();
  while (!stopping_) {
    std::string id = ClaimLocked();
    if (id.empty()) {
      work_cv_.WaitWithTimeout(&mu_, IdleWaitLocked());
      continue;
    }
    mu_.Unlock();
    Process(id);
    mu_.Lock();
    in_flight_.erase(id);
    work_cv_.SignalAll();
  }
  mu_.Unlock();
}

absl::Duration Pipeline::Backoff(int attempt) {
  absl::Duration nominal = options_.initial_backoff;
  for (int i = 1; i < attempt && nominal < options_.max_backoff; ++i) nominal *= 2;
  nominal = std::min(nominal, options_.max_backoff);
  const int64_t nominal_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(nominal));
  absl::MutexLock lock(&mu_);
  std::uniform_int_distribution<int64_t> jitter(nominal_ms / 2, nominal_ms);
  return absl::Milliseconds(jitter(rng_));
}

void Pipeline::HandleError(const StoredDocument& doc, const char* stage, const absl::Status& status) {
  const int attempt = doc.attempts + 1;
  const std::string message = absl::StrCat(stage, ": ", status.message());
  const bool bounded =
      status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown;
  if (IsRetryable(status.code()) && !(bounded && attempt >= options_.max_internal_attempts)) {
    const absl::Duration delay = Backoff(attempt);
    absl::StatusOr<bool> marked = store_->MarkRetry(
        doc.id, doc.generation, NowMs() + absl::ToInt64Milliseconds(delay), message, NowMs());
    if (!marked.ok()) {
      spdlog::error("document {}: cannot record retry: {}", doc.id, std::string(marked.status().message()));
      return;
    }
    // Warn on the first failure and then every tenth, so an outage does not
    // flood the log.
    const auto level = (attempt == 1 || attempt % 10 == 0) ? spdlog::level::warn : spdlog::level::debug;
    spdlog::log(level, "document {} {} failed (attempt {}, {}), retrying in {} ms: {}", doc.id, stage,
                attempt, absl::StatusCodeToString(status.code()), absl::ToInt64Milliseconds(delay),
                std::string(status.message()));
    return;
  }
  std::string reason = message;
  if (bounded) absl::StrAppend(&reason, " (gave up after ", attempt, " attempts)");
  absl::StatusOr<bool> marked = store_->MarkFailed(doc.id, doc.generation, reason, NowMs());
  if (!marked.ok()) {
    spdlog::error("document {}: cannot record failure: {}", doc.id, std::string(marked.status().message()));
    return;
  }
  if (*marked) {
    spdlog::info("document {} state=failed error=\"{}\"", doc.id, reason);
    StateChanged();
  }
}

void Pipeline::Process(const std::string& id) {
  absl::StatusOr<StoredDocument> stored = store_->Get(id);
  if (!stored.ok()) {
    if (!absl::IsNotFound(stored.status())) {
      spdlog::error("document {}: cannot read it: {}", id, std::string(stored.status().message()));
    }
    return;
  }
  const StoredDocument& doc = *stored;
  if (doc.state != DocState::kReceived && doc.state != DocState::kAnnotated) return;
  common::v1::Document document = ToProtoDocument(doc, /*full=*/true);

  if (doc.state == DocState::kReceived) {
    common::v1::Document request = document;
    request.clear_sentences();
    request.clear_mentions();
    request.clear_entities();
    request.clear_events();
    absl::StatusOr<common::v1::Document> annotation = backend_->Annotate(request);
    if (!annotation.ok()) {
      HandleError(doc, "annotate", annotation.status());
      return;
    }
    absl::StatusOr<bool> marked =
        store_->MarkAnnotated(id, doc.generation, SerializeAnnotation(*annotation), NowMs());
    if (!marked.ok()) {
      spdlog::error("document {}: cannot store the annotation: {}", id,
                    std::string(marked.status().message()));
      return;
    }
    if (!*marked) {
      spdlog::debug("document {} was requeued while being annotated; the newer run wins", id);
      return;
    }
    spdlog::info("document {} state=annotated sentences={} mentions={} entities={} events={}", id,
                 annotation->sentences_size(), annotation->mentions_size(), annotation->entities_size(),
                 annotation->events_size());
    StateChanged();
    *document.mutable_sentences() = annotation->sentences();
    *document.mutable_mentions() = annotation->mentions();
    *document.mutable_entities() = annotation->entities();
    *document.mutable_events() = annotation->events();
  }

  // The query service keeps the document as indexed.
  document.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  document.set_error("");
  absl::Status indexed = backend_->Index(document);
  if (!indexed.ok()) {
    StoredDocument annotated = doc;
    if (doc.state == DocState::kReceived) annotated.attempts = 0;  // MarkAnnotated reset it
    HandleError(annotated, "index", indexed);
    return;
  }
  absl::StatusOr<bool> marked = store_->MarkIndexed(id, doc.generation, NowMs());
  if (!marked.ok()) {
    spdlog::error("document {}: cannot record indexing: {}", id, std::string(marked.status().message()));
    return;
  }
  if (*marked) {
    spdlog::info("document {} state=indexed", id);
    StateChanged();
  }
}

}  // namespace dossier::ingest
