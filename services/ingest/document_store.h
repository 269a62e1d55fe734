#ifndef DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_
#define DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ingest/date_parser.h"

namespace dossier::ingest {

// Pipeline state of a document; the numbers are those of
// dossier.common.v1.DocumentState.
enum class DocState { kReceived = 1, kAnnotated = 2, kIndexed = 3, kFailed = 4 };

// "received", "annotated", "indexed", "failed".
const char* DocStateName(DocState state);

// A document to store.
struct NewDocument {
  std::string external_id;  // may be empty
  std::string raw_body;     // as the caller sent it
  std::string body;         // clean body; duplicates are detected on it
  std::string title;
  std::string url;
  std::string source;
  PartialDate published;
  std::string language;
};

// A stored document. `raw_body`, `body` and `annotations` are empty in List
// results.
struct StoredDocument {
  int64_t seq = 0;  // insertion order, from 1
  std::string id;
  std::string external_id;
  std::string raw_body;
  std::string body;
  std::string title;
  std::string url;
  std::string source;
  PartialDate published;
  std::string language;
  DocState state = DocState::kReceived;
  std::string error;
  int attempts = 0;
  int64_t next_attempt_at_ms = 0;
  std::string received_time;  // RFC 3339 UTC, e.g. "2024-05-01T10:00:00.123Z"
  int64_t updated_at_ms = 0;
  // Bumped by each Requeue; Mark* calls made for an older generation are
  // ignored, so a worker finishing after a Reprocess cannot overwrite it.
  int64_t generation = 0;
  // Serialized dossier.common.v1.Document holding the annotation (sentences,
  // mentions, entities, events); empty until annotated.
  std::string annotations;
  // The pipeline that claimed the document for work ("" when none has) and
  // until when (Unix ms). A claim whose time has passed is void.
  std::string lease_owner;
  int64_t lease_until_ms = 0;
};

// The outcome of storing one document.
struct InsertResult {
  std::string id;
  bool duplicate = false;  // an existing document was found; nothing stored
  // The stored document (the existing one for a duplicate), without bodies.
  StoredDocument document;
};

// A document ClaimDue handed out, with bodies and annotations.
struct ClaimedDocument {
  StoredDocument document;
  // The owner of the expired claim this one replaces ("" when the document
  // was not claimed): that owner died or stalled mid-work.
  std::string taken_from;
};

struct ListResult {
  std::vector<StoredDocument> documents;  // without bodies or annotations
  int64_t total = 0;                      // documents matching the filter
  int64_t next_cursor = 0;                // seq to continue below; 0 when no more
};

// Durable store of documents and their pipeline state. Two implementations:
// SqliteDocumentStore (one file, one process) and PgDocumentStore (shared by
// replicas); OpenDocumentStore picks one. Implementations are thread-safe,
// and every write is durable when it returns.
//
// Document ids are "d-" + Hex64(Fnv1a64(NormalizeForMatch(clean body))), so
// the same text gets the same id everywhere; if that id is taken by a
// different text (a hash collision) a counter is appended ("d-...-2").
// Duplicates are decided by comparing normalized bodies, not hashes alone.
//
// Work is shared out through the store: ClaimDue leases due documents to one
// owner (a pipeline), so that no two workers, in this process or another
// one, work on a document at once. MarkIndexed, MarkRetry, MarkFailed and
// Release end the lease; MarkAnnotated keeps it, since the same worker goes
// on to index. A lease that runs out (its owner died) makes the document
// claimable again.
class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // Where the data lives, for logs (passwords redacted).
  virtual std::string Description() const = 0;

  // Stores `doc` in state received, unless a document with the same
  // external_id or the same normalized body exists: then returns that one
  // with duplicate = true. `now_ms` is the Unix time in milliseconds. Safe
  // when replicas store the same document at the same time: one stores it,
  // the others report the duplicate.
  virtual absl::StatusOr<InsertResult> Insert(const NewDocument& doc, int64_t now_ms) = 0;

  // Insert for many documents in one transaction (all or nothing). A later
  // document that duplicates an earlier one of the same batch is reported
  // as a duplicate of it.
  virtual absl::StatusOr<std::vector<InsertResult>> InsertBatch(const std::vector<NewDocument>& docs,
                                                                int64_t now_ms) = 0;

  // One document with bodies and annotations. NOT_FOUND for an unknown id.
  virtual absl::StatusOr<StoredDocument> Get(const std::string& id) = 0;

  // Just the state. NOT_FOUND for an unknown id.
  virtual absl::StatusOr<DocState> GetState(const std::string& id) = 0;

  // Newest first, optionally only one state; `cursor` 0 starts at the
  // newest, otherwise lists documents with seq < cursor.
  virtual absl::StatusOr<ListResult> List(std::optional<DocState> state, int64_t cursor, int limit) = 0;

  // Ids of documents waiting for work (received or annotated) whose
  // next_attempt_at is <= now_ms, oldest due first, at most `limit`,
  // whether claimed or not.
  virtual absl::StatusOr<std::vector<std::string>> DueIds(int64_t now_ms, int limit) = 0;

  // The earliest time at which a waiting document becomes claimable (the
  // later of its next_attempt_at and the end of its lease), if any.
  virtual absl::StatusOr<std::optional<int64_t>> EarliestDue() = 0;

  // Atomically claims up to `limit` documents that are waiting (received or
  // annotated), due (next_attempt_at <= now_ms) and not claimed by a lease
  // that lasts past now_ms: each gets lease_owner = `owner` and
  // lease_until = now_ms + lease_ms. Returns them oldest due first.
  // Concurrent callers (other threads, other processes on the same
  // database) never get the same document. INVALID_ARGUMENT for an empty
  // `owner`.
  virtual absl::StatusOr<std::vector<ClaimedDocument>> ClaimDue(const std::string& owner, int64_t now_ms,
                                                               int64_t lease_ms, int limit) = 0;

  // Ends `owner`'s lease on `id` without another change; false when it held
  // none (it was never claimed, already released, or taken over).
  virtual absl::StatusOr<bool> Release(const std::string& id, const std::string& owner) = 0;
  // Extends `owner`'s live claim on document `id` at `generation` to
  // `lease_until_ms`; false (and no change) when the claim ran out (at
  // `now_ms`), went to another owner, or the document was requeued. The
  // pipeline renews before Index, so that no other replica can take the
  // document over while that call runs.
  virtual absl::StatusOr<bool> RenewClaim(const std::string& id, int64_t generation, const std::string& owner,
                                          int64_t now_ms, int64_t lease_until_ms) = 0;

  // State transitions made by the pipeline. Each applies only when the
  // document still has `generation` and, unless `owner` is empty, is leased
  // to `owner` (a lease that ran out still counts while nobody else claimed
  // the document); false (and no change) otherwise.
  // MarkAnnotated stores the annotation and resets attempts; the lease is
  // kept. The others end the lease.
  virtual absl::StatusOr<bool> MarkAnnotated(const std::string& id, int64_t generation,
                                             const std::string& annotations, int64_t now_ms,
                                             const std::string& owner) = 0;
  virtual absl::StatusOr<bool> MarkIndexed(const std::string& id, int64_t generation, int64_t now_ms,
                                           const std::string& owner) = 0;
  // attempts + 1, next try at `next_attempt_at_ms`, `error` kept for display.
  virtual absl::StatusOr<bool> MarkRetry(const std::string& id, int64_t generation, int64_t next_attempt_at_ms,
                                         const std::string& error, int64_t now_ms,
                                         const std::string& owner) = 0;
  virtual absl::StatusOr<bool> MarkFailed(const std::string& id, int64_t generation, const std::string& reason,
                                          int64_t now_ms, const std::string& owner) = 0;

  // Puts documents back to received (attempts 0, due now, error and
  // annotations cleared, generation + 1) for Reprocess; returns how many.
  // A lease is left alone: the worker holding it finds its generation stale
  // and releases it, so two runs of one document never overlap.
  // RequeueIds: NOT_FOUND naming the unknown ids if any is unknown, and
  // then nothing is queued.
  virtual absl::StatusOr<int> RequeueIds(const std::vector<std::string>& ids, int64_t now_ms) = 0;
  virtual absl::StatusOr<int> RequeueAll(int64_t now_ms) = 0;
  virtual absl::StatusOr<int> RequeueState(DocState state, int64_t now_ms) = 0;

  virtual absl::StatusOr<std::map<DocState, int64_t>> CountByState() = 0;
};

// Opens the store that `db` names (the --db flag): empty for SQLite in
// `data_dir`/ingest.db (the directory is created if missing), a
// postgresql:// or postgres:// URL for PostgreSQL with up to `pool_size`
// connections. Applies pending schema migrations either way. INVALID_ARGUMENT
// for any other `db`, UNAVAILABLE when PostgreSQL cannot be reached.
absl::StatusOr<std::unique_ptr<DocumentStore>> OpenDocumentStore(const std::string& db,
                                                                 const std::string& data_dir, int pool_size);

// Helpers the implementations share.
namespace store_internal {

// Hex64(Fnv1a64(normalized body)).
std::string BodyHash(const std::string& normalized_body);
// The id for `hash` after `collisions` other texts took the earlier ones:
// "d-<hash>", then "d-<hash>-2", ...
std::string DocumentId(const std::string& hash, int collisions);
// "2001-09-09T01:46:40.000Z".
std::string Rfc3339(int64_t unix_ms);
// The NOT_FOUND of RequeueIds for `unknown` ids (not empty).
absl::Status UnknownIdsError(const std::vector<std::string>& unknown);
absl::Status NoSuchDocument(const std::string& id);

}  // namespace store_internal
}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_
