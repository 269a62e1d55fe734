#include "services/ingest/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
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

namespace {

// "<hostname>:<pid>:<random>": unique per pipeline, and says where it runs.
std::string DefaultClaimOwner() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof(host), "unknown-host");
  std::random_device random;
  const uint64_t nonce = (static_cast<uint64_t>(random()) << 32) ^ random();
  return absl::StrCat(host, ":", getpid(), ":", absl::Hex(nonce, absl::kZeroPad16));
}

}  // namespace

Pipeline::Pipeline(DocumentStore* store, PipelineBackend* backend, PipelineOptions options)
    : store_(store),
      backend_(backend),
      options_(std::move(options)),
      owner_(options_.owner.empty() ? DefaultClaimOwner() : options_.owner) {
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
    spdlog::info(
        "pipeline starting with {} workers, claiming as {} for {} ms; documents received={} annotated={} "
        "indexed={} failed={}",
        options_.workers, owner_, absl::ToInt64Milliseconds(options_.claim_lease), count(DocState::kReceived), count(DocState::kAnnotated),
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
  ++work_version_;
  work_cv_.SignalAll();
  state_cv_.SignalAll();
}

void Pipeline::StateChanged() {
  absl::MutexLock lock(&mu_);
  ++state_version_;
  state_cv_.SignalAll();
}

void Pipeline::WorkChanged() {
  absl::MutexLock lock(&mu_);
  ++work_version_;
  work_cv_.SignalAll();
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
    // Woken by a change made here, or after state_poll_interval to look for
    // one made by another replica. The CondVar uses the real clock; an
    // injected clock is re-checked above each round.
    const absl::Duration wait = std::min(deadline - Now(), options_.state_poll_interval);
    if (state_version_ == version && wait > absl::ZeroDuration()) state_cv_.WaitWithTimeout(&mu_, wait);
  }
}

absl::Duration Pipeline::IdleWait() {
  absl::Duration wait = options_.poll_interval;
  absl::StatusOr<std::optional<int64_t>> earliest = store_->EarliestDue();
  if (earliest.ok() && earliest->has_value()) {
    const absl::Duration until_due = absl::Milliseconds(**earliest - NowMs());
    if (until_due > absl::ZeroDuration()) wait = std::min(wait, until_due);
  }
  return std::max(wait, absl::Milliseconds(1));
}

void Pipeline::WorkerLoop() {
  const int64_t lease_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.claim_lease));
  while (true) {
    uint64_t seen;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = work_version_;
    }
    const int64_t claimed_at = NowMs();
    absl::StatusOr<std::vector<ClaimedDocument>> claimed = store_->ClaimDue(owner_, claimed_at, lease_ms, 1);
    {
      absl::MutexLock lock(&mu_);
      if (!claimed.ok()) {
        if (!store_failing_) {
          spdlog::error("pipeline: cannot claim documents (retrying every {} ms): {}",
                        absl::ToInt64Milliseconds(options_.poll_interval), std::string(claimed.status().message()));
        }
        store_failing_ = true;
        if (!stopping_) work_cv_.WaitWithTimeout(&mu_, options_.poll_interval);
        continue;
      }
      if (store_failing_) spdlog::info("pipeline: claiming documents works again");
      store_failing_ = false;
    }
    if (claimed->empty()) {
      const absl::Duration wait = IdleWait();
      absl::MutexLock lock(&mu_);
      if (!stopping_ && work_version_ == seen) work_cv_.WaitWithTimeout(&mu_, wait);
      continue;
    }
    {
      // There was work: wake one more worker to look for the next document.
      absl::MutexLock lock(&mu_);
      work_cv_.Signal();
    }
    for (const ClaimedDocument& claim : *claimed) {
      const StoredDocument& doc = claim.document;
      if (!claim.taken_from.empty()) {
        spdlog::warn("document {}: took over the expired claim of {} (state={})", doc.id, claim.taken_from,
                     DocStateName(doc.state));
      }
      if (Process(doc, claimed_at)) continue;
      // No Mark* applied (the document was requeued meanwhile, or the store
      // failed): give the claim back so that the document does not wait for
      // it to run out.
      absl::StatusOr<bool> released = store_->Release(doc.id, owner_);
      if (!released.ok()) {
        spdlog::error("document {}: cannot release its claim (it runs out in {} ms): {}", doc.id, lease_ms,
                      std::string(released.status().message()));
      } else if (*released) {
        WorkChanged();
      }
    }
  }
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

bool Pipeline::HandleError(const StoredDocument& doc, const char* stage, const absl::Status& status) {
  const int attempt = doc.attempts + 1;
  const std::string message = absl::StrCat(stage, ": ", status.message());
  const bool bounded =
      status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown;
  if (IsRetryable(status.code()) && !(bounded && attempt >= options_.max_internal_attempts)) {
    const absl::Duration delay = Backoff(attempt);
    absl::StatusOr<bool> marked = store_->MarkRetry(
        doc.id, doc.generation, NowMs() + absl::ToInt64Milliseconds(delay), message, NowMs(), owner_);
    if (!marked.ok()) {
      spdlog::error("document {}: cannot record retry: {}", doc.id, std::string(marked.status().message()));
      return false;
    }
    if (!*marked) return false;
    // Warn on the first failure and then every tenth, so an outage does not
    // flood the log.
    const auto level = (attempt == 1 || attempt % 10 == 0) ? spdlog::level::warn : spdlog::level::debug;
    spdlog::log(level, "document {} {} failed (attempt {}, {}), retrying in {} ms: {}", doc.id, stage,
                attempt, absl::StatusCodeToString(status.code()), absl::ToInt64Milliseconds(delay),
                std::string(status.message()));
    return true;
  }
  std::string reason = message;
  if (bounded) absl::StrAppend(&reason, " (gave up after ", attempt, " attempts)");
  absl::StatusOr<bool> marked = store_->MarkFailed(doc.id, doc.generation, reason, NowMs(), owner_);
  if (!marked.ok()) {
    spdlog::error("document {}: cannot record failure: {}", doc.id, std::string(marked.status().message()));
    return false;
  }
  if (!*marked) return false;
  spdlog::info("document {} state=failed error=\"{}\"", doc.id, reason);
  StateChanged();
  return true;
}

bool Pipeline::Process(const StoredDocument& doc, int64_t claimed_at_ms) {
  const std::string& id = doc.id;
  if (doc.state != DocState::kReceived && doc.state != DocState::kAnnotated) return false;
  common::v1::Document document = ToProtoDocument(doc, /*full=*/true);

  if (doc.state == DocState::kReceived) {
    common::v1::Document request = document;
    request.clear_sentences();
    request.clear_mentions();
    request.clear_entities();
    request.clear_events();
    absl::StatusOr<common::v1::Document> annotation = backend_->Annotate(request);
    if (!annotation.ok()) return HandleError(doc, "annotate", annotation.status());
    absl::StatusOr<bool> marked =
        store_->MarkAnnotated(id, doc.generation, SerializeAnnotation(*annotation), NowMs(), owner_);
    if (!marked.ok()) {
      spdlog::error("document {}: cannot store the annotation: {}", id, std::string(marked.status().message()));
      return false;
    }
    if (!*marked) {
      spdlog::info("document {} was requeued or taken over while being annotated; the newer run wins", id);
      return false;
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

  // The Index call (at most --call_timeout_ms, which start-up keeps under
  // half a lease) must end inside the claim: otherwise another replica may
  // take the document over, perhaps at a newer generation, and an Index
  // from here could overwrite its copy. When less than half the lease is
  // left (a slow Annotate, a stalled process), renew it first; renewing
  // every time would cost a durable write per document.
  const int64_t lease_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.claim_lease));
  const int64_t now = NowMs();
  if (now - claimed_at_ms > lease_ms / 2) {
    absl::StatusOr<bool> renewed = store_->RenewClaim(id, doc.generation, owner_, now, now + lease_ms);
    if (!renewed.ok()) {
      spdlog::error("document {}: cannot renew the claim: {}", id, std::string(renewed.status().message()));
      return false;
    }
    if (!*renewed) {
      spdlog::info("document {}: the claim ran out or was taken over before indexing; the newer run wins", id);
      return false;
    }
  }

  // The query service keeps the document as indexed.
  document.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  document.set_error("");
  absl::Status indexed = backend_->Index(document);
  if (!indexed.ok()) {
    StoredDocument annotated = doc;
    if (doc.state == DocState::kReceived) annotated.attempts = 0;  // MarkAnnotated reset it
    return HandleError(annotated, "index", indexed);
  }
  absl::StatusOr<bool> marked = store_->MarkIndexed(id, doc.generation, NowMs(), owner_);
  if (!marked.ok()) {
    spdlog::error("document {}: cannot record indexing: {}", id, std::string(marked.status().message()));
    return false;
  }
  if (!*marked) {
    spdlog::info("document {} was requeued or taken over while being indexed; the newer run wins", id);
    return false;
  }
  spdlog::info("document {} state=indexed", id);
  StateChanged();
  return true;
}

}  // namespace dossier::ingest
