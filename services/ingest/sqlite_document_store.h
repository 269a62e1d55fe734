#ifndef DOSSIER_SERVICES_INGEST_SQLITE_DOCUMENT_STORE_H_
#define DOSSIER_SERVICES_INGEST_SQLITE_DOCUMENT_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "libs/common/migration.h"
#include "libs/common/sqlite.h"
#include "services/ingest/document_store.h"

namespace dossier::ingest {

// The document store in one SQLite file (WAL, synchronous=FULL: a write is
// on disk when it returns), table `documents`. Thread-safe: one connection
// guarded by a mutex. Meant for one process: Open voids the leases an
// earlier process left behind (it died or stopped), so its documents are
// picked up at once.
class SqliteDocumentStore : public DocumentStore {
 public:
  // Opens or creates the store at `path` (":memory:" for tests) and applies
  // pending migrations.
  static absl::StatusOr<std::unique_ptr<SqliteDocumentStore>> Open(const std::string& path);

  // The schema, as versioned migrations (component "ingest").
  static absl::Span<const Migration> Migrations();

  std::string Description() const override { return "SQLite " + path_; }
  absl::StatusOr<InsertResult> Insert(const NewDocument& doc, int64_t now_ms) override;
  absl::StatusOr<std::vector<InsertResult>> InsertBatch(const std::vector<NewDocument>& docs,
                                                        int64_t now_ms) override;
  absl::StatusOr<StoredDocument> Get(const std::string& id) override;
  absl::StatusOr<DocState> GetState(const std::string& id) override;
  absl::StatusOr<ListResult> List(std::optional<DocState> state, int64_t cursor, int limit) override;
  absl::StatusOr<std::vector<std::string>> DueIds(int64_t now_ms, int limit) override;
  absl::StatusOr<std::optional<int64_t>> EarliestDue() override;
  absl::StatusOr<std::vector<ClaimedDocument>> ClaimDue(const std::string& owner, int64_t now_ms, int64_t lease_ms,
                                                       int limit) override;
  absl::StatusOr<bool> Release(const std::string& id, const std::string& owner) override;
  absl::StatusOr<bool> RenewClaim(const std::string& id, int64_t generation, const std::string& owner,
                                  int64_t now_ms, int64_t lease_until_ms) override;
  absl::StatusOr<bool> MarkAnnotated(const std::string& id, int64_t generation, const std::string& annotations,
                                     int64_t now_ms, const std::string& owner) override;
  absl::StatusOr<bool> MarkIndexed(const std::string& id, int64_t generation, int64_t now_ms,
                                   const std::string& owner) override;
  absl::StatusOr<bool> MarkRetry(const std::string& id, int64_t generation, int64_t next_attempt_at_ms,
                                 const std::string& error, int64_t now_ms, const std::string& owner) override;
  absl::StatusOr<bool> MarkFailed(const std::string& id, int64_t generation, const std::string& reason,
                                  int64_t now_ms, const std::string& owner) override;
  absl::StatusOr<int> RequeueIds(const std::vector<std::string>& ids, int64_t now_ms) override;
  absl::StatusOr<int> RequeueAll(int64_t now_ms) override;
  absl::StatusOr<int> RequeueState(DocState state, int64_t now_ms) override;
  absl::StatusOr<std::map<DocState, int64_t>> CountByState() override;

 private:
  SqliteDocumentStore(std::unique_ptr<sqlite::Db> db, std::string path) : path_(std::move(path)), db_(std::move(db)) {}
  absl::StatusOr<InsertResult> InsertLocked(const NewDocument& doc, int64_t now_ms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::optional<StoredDocument>> FindLocked(const std::string& column, const std::string& value,
                                                           bool with_bodies) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<int> RequeueWhere(const std::string& where, int64_t now_ms) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs "UPDATE documents SET <set>" on `id` if it has `generation` (and
  // is leased to `owner` unless that is empty); `bind` binds the
  // parameters of <set> and returns the next free index. True if it changed.
  absl::StatusOr<bool> MarkLocked(const std::string& set, const std::string& id, int64_t generation,
                                  const std::string& owner, const std::function<int(sqlite::Statement&)>& bind)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  std::unique_ptr<sqlite::Db> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_SQLITE_DOCUMENT_STORE_H_
