#ifndef DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_
#define DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/sqlite.h"
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
};

// The outcome of storing one document.
struct InsertResult {
  std::string id;
  bool duplicate = false;  // an existing document was found; nothing stored
  // The stored document (the existing one for a duplicate), without bodies.
  StoredDocument document;
};

struct ListResult {
  std::vector<StoredDocument> documents;  // without bodies or annotations
  int64_t total = 0;                      // documents matching the filter
  int64_t next_cursor = 0;                // seq to continue below; 0 when no more
};

// Durable document store on SQLite (WAL, synchronous=FULL: an insert is on
// disk when it returns). Thread-safe: one connection guarded by a mutex.
//
// Document ids are "d-" + Hex64(Fnv1a64(NormalizeForMatch(clean body))), so
// the same text gets the same id everywhere; if that id is taken by a
// different text (a hash collision) a counter is appended ("d-...-2").
// Duplicates are decided by comparing normalized bodies, not hashes alone.
class DocumentStore {
 public:
  // Opens or creates the store at `path` (":memory:" for tests).
  static absl::StatusOr<std::unique_ptr<DocumentStore>> Open(const std::string& path);

  // Stores `doc` in state received, unless a document with the same
  // external_id or the same normalized body exists: then returns that one
  // with duplicate = true. `now_ms` is the Unix time in milliseconds.
  absl::StatusOr<InsertResult> Insert(const NewDocument& doc, int64_t now_ms);

  // Insert for many documents in one transaction (all or nothing). A later
  // document that duplicates an earlier one of the same batch is reported
  // as a duplicate of it.
  absl::StatusOr<std::vector<InsertResult>> InsertBatch(const std::vector<NewDocument>& docs, int64_t now_ms);

  // One document with bodies and annotations. NOT_FOUND for an unknown id.
  absl::StatusOr<StoredDocument> Get(const std::string& id);

  // Just the state. NOT_FOUND for an unknown id.
  absl::StatusOr<DocState> GetState(const std::string& id);

  // Newest first, optionally only one state; `cursor` 0 starts at the
  // newest, otherwise lists documents with seq < cursor.
  absl::StatusOr<ListResult> List(std::optional<DocState> state, int64_t cursor, int limit);

  // Ids of documents waiting for work (received or annotated) whose
  // next_attempt_at is <= now_ms, oldest due first, at most `limit`.
  absl::StatusOr<std::vector<std::string>> DueIds(int64_t now_ms, int limit);

  // The earliest next_attempt_at among waiting documents, if any.
  absl::StatusOr<std::optional<int64_t>> EarliestDue();

  // State transitions made by the pipeline. Each applies only when the
  // document still has `generation`; false (and no change) otherwise.
  // MarkAnnotated stores the annotation and resets attempts.
  absl::StatusOr<bool> MarkAnnotated(const std::string& id, int64_t generation,
                                     const std::string& annotations, int64_t now_ms);
  absl::StatusOr<bool> MarkIndexed(const std::string& id, int64_t generation, int64_t now_ms);
  // attempts + 1, next try at `next_attempt_at_ms`, `error` kept for display.
  absl::StatusOr<bool> MarkRetry(const std::string& id, int64_t generation, int64_t next_attempt_at_ms,
                                 const std::string& error, int64_t now_ms);
  absl::StatusOr<bool> MarkFailed(const std::string& id, int64_t generation, const std::string& reason,
                                  int64_t now_ms);

  // Puts documents back to received (attempts 0, due now, error and
  // annotations cleared, generation + 1) for Reprocess; returns how many.
  // RequeueIds: NOT_FOUND naming the unknown ids if any is unknown, and
  // then nothing is queued.
  absl::StatusOr<int> RequeueIds(const std::vector<std::string>& ids, int64_t now_ms);
  absl::StatusOr<int> RequeueAll(int64_t now_ms);
  absl::StatusOr<int> RequeueState(DocState state, int64_t now_ms);

  absl::StatusOr<std::map<DocState, int64_t>> CountByState();

 private:
  explicit DocumentStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  absl::Status Migrate();
  absl::StatusOr<InsertResult> InsertLocked(const NewDocument& doc, int64_t now_ms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::optional<StoredDocument>> FindLocked(const std::string& column,
                                                           const std::string& value, bool with_bodies)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<int> RequeueWhere(const std::string& where, int64_t now_ms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::Db> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_DOCUMENT_STORE_H_
