#ifndef DOSSIER_SERVICES_INGEST_PG_DOCUMENT_STORE_H_
#define DOSSIER_SERVICES_INGEST_PG_DOCUMENT_STORE_H_

#include <memory>
#include <string>

#include "absl/types/span.h"
#include "libs/common/migration.h"
#include "libs/common/postgres.h"
#include "services/ingest/document_store.h"

namespace dossier::ingest {

// The document store on PostgreSQL, table `ingest_documents` (the database
// may be shared with the other services, whose tables have other prefixes).
// Several replicas may use one database at once: inserts of the same
// document race safely (unique indexes, ON CONFLICT DO NOTHING and a second
// look), and ClaimDue hands each due document to one claimant
// (SELECT ... FOR UPDATE SKIP LOCKED). Thread-safe: a pool of connections.
class PgDocumentStore : public DocumentStore {
 public:
  // Connects with up to `pool_size` connections and applies pending
  // migrations (under an advisory lock, so replicas may start together).
  // UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgDocumentStore>> Open(const std::string& url, int pool_size);

  // The schema, as versioned migrations (component "ingest").
  static absl::Span<const Migration> Migrations();

  std::string Description() const override { return "PostgreSQL " + pg::RedactUrl(pool_->url()); }
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
  explicit PgDocumentStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_PG_DOCUMENT_STORE_H_
