#include "services/ingest/pg_document_store.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"

namespace dossier::ingest {
namespace {

using store_internal::BodyHash;
using store_internal::DocumentId;
using store_internal::Rfc3339;

constexpr Migration kMigrations[] = {
    {1, "documents with work claims", R"sql(
CREATE TABLE ingest_documents (
  seq BIGSERIAL PRIMARY KEY,            -- insertion order
  id TEXT NOT NULL UNIQUE,
  external_id TEXT UNIQUE,              -- NULL when the caller gave none
  body_hash TEXT NOT NULL,              -- Hex64(Fnv1a64(NormalizeForMatch(body)))
  raw_body TEXT NOT NULL,
  body TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  pub_year INTEGER NOT NULL DEFAULT 0,
  pub_month INTEGER NOT NULL DEFAULT 0,
  pub_day INTEGER NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'en',
  state SMALLINT NOT NULL,              -- dossier.common.v1.DocumentState
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,  -- Unix ms
  received_time TEXT NOT NULL,          -- RFC 3339 UTC
  updated_at BIGINT NOT NULL,           -- Unix ms
  generation BIGINT NOT NULL DEFAULT 0,
  annotations BYTEA,                    -- serialized dossier.common.v1.Document
  lease_owner TEXT NOT NULL DEFAULT '', -- the pipeline working on it; '' when none
  lease_until BIGINT NOT NULL DEFAULT 0 -- Unix ms; the claim is void after it
);
CREATE INDEX ingest_documents_body_hash ON ingest_documents (body_hash);
CREATE INDEX ingest_documents_state ON ingest_documents (state, seq);
CREATE INDEX ingest_documents_due ON ingest_documents (next_attempt_at, seq) WHERE state IN (1, 2);
)sql"},
};

// Columns of a summary row of `d` (no bodies, no annotations), in the order
// ReadSummary expects.
constexpr char kSummaryColumns[] =
    "d.seq, d.id, COALESCE(d.external_id, ''), d.title, d.url, d.source, d.pub_year, d.pub_month, d.pub_day, "
    "d.language, d.state, d.error, d.attempts, d.next_attempt_at, d.received_time, d.updated_at, d.generation, "
    "d.lease_owner, d.lease_until";
constexpr int kSummaryColumnCount = 19;
constexpr char kBodyColumns[] = ", d.raw_body, d.body, d.annotations";

StoredDocument ReadSummary(const pqxx::row& row) {
  StoredDocument doc;
  doc.seq = row[0].as<int64_t>();
  doc.id = row[1].as<std::string>();
  doc.external_id = row[2].as<std::string>();
  doc.title = row[3].as<std::string>();
  doc.url = row[4].as<std::string>();
  doc.source = row[5].as<std::string>();
  doc.published = {row[6].as<int>(), row[7].as<int>(), row[8].as<int>()};
  doc.language = row[9].as<std::string>();
  doc.state = static_cast<DocState>(row[10].as<int>());
  doc.error = row[11].as<std::string>();
  doc.attempts = row[12].as<int>();
  doc.next_attempt_at_ms = row[13].as<int64_t>();
  doc.received_time = row[14].as<std::string>();
  doc.updated_at_ms = row[15].as<int64_t>();
  doc.generation = row[16].as<int64_t>();
  doc.lease_owner = row[17].as<std::string>();
  doc.lease_until_ms = row[18].as<int64_t>();
  return doc;
}

StoredDocument ReadWithBodies(const pqxx::row& row) {
  StoredDocument doc = ReadSummary(row);
  doc.raw_body = row[kSummaryColumnCount].as<std::string>();
  doc.body = row[kSummaryColumnCount + 1].as<std::string>();
  if (!row[kSummaryColumnCount + 2].is_null()) doc.annotations = pqxx::binarystring(row[kSummaryColumnCount + 2]).str();
  return doc;
}

std::optional<StoredDocument> Find(pqxx::work& txn, const std::string& column, const std::string& value,
                                   bool with_bodies) {
  const pqxx::result rows = txn.exec_params(
      absl::StrCat("SELECT ", kSummaryColumns, with_bodies ? kBodyColumns : "", " FROM ingest_documents d WHERE d.",
                   column, " = $1"),
      value);
  if (rows.empty()) return std::nullopt;
  return with_bodies ? ReadWithBodies(rows[0]) : ReadSummary(rows[0]);
}

InsertResult Duplicate(StoredDocument existing) {
  InsertResult result;
  result.id = existing.id;
  result.duplicate = true;
  result.document = std::move(existing);
  return result;
}

// How often an insert looks again after losing a race to another writer.
constexpr int kInsertRounds = 8;

// Insert within `txn`. Another replica may store the same document at the
// same moment: the unique indexes on id and external_id make one insert win;
// the other does nothing (ON CONFLICT waits for the winner to commit), and
// the next round finds the winner's row and reports the duplicate.
absl::StatusOr<InsertResult> InsertIn(pqxx::work& txn, const NewDocument& doc, int64_t now_ms) {
  const std::string normalized = NormalizeForMatch(doc.body);
  const std::string hash = BodyHash(normalized);
  for (int round = 0; round < kInsertRounds; ++round) {
    if (!doc.external_id.empty()) {
      if (auto existing = Find(txn, "external_id", doc.external_id, false)) return Duplicate(*std::move(existing));
    }
    for (const auto& row : txn.exec_params("SELECT id, body FROM ingest_documents WHERE body_hash = $1", hash)) {
      if (NormalizeForMatch(row[1].as<std::string>()) != normalized) continue;  // a hash collision
      if (auto existing = Find(txn, "id", row[0].as<std::string>(), false)) return Duplicate(*std::move(existing));
      return absl::InternalError("document vanished during insert");
    }
    // A free id: the hash, then the hash with a counter after a collision.
    // A writer that committed since the look-up above may hold one of these
    // ids for this very text: then it is a duplicate after all.
    std::string id;
    std::optional<StoredDocument> same_text;
    for (int collisions = 0;; ++collisions) {
      id = DocumentId(hash, collisions);
      const pqxx::result taken = txn.exec_params("SELECT body FROM ingest_documents WHERE id = $1", id);
      if (taken.empty()) break;
      if (NormalizeForMatch(taken[0][0].as<std::string>()) == normalized) {
        same_text = Find(txn, "id", id, false);
        break;
      }
    }
    if (same_text) return Duplicate(*std::move(same_text));
    const pqxx::result inserted = txn.exec_params(
        absl::StrCat("INSERT INTO ingest_documents AS d (id, external_id, body_hash, raw_body, body, title, url, "
                     "source, pub_year, pub_month, pub_day, language, state, received_time, updated_at, "
                     "next_attempt_at) VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                     "$14, $15, $15) ON CONFLICT DO NOTHING RETURNING ",
                     kSummaryColumns),
        id, doc.external_id, hash, doc.raw_body, doc.body, doc.title, doc.url, doc.source, doc.published.year,
        doc.published.month, doc.published.day, doc.language.empty() ? std::string("en") : doc.language,
        static_cast<int>(DocState::kReceived), Rfc3339(now_ms), now_ms);
    if (!inserted.empty()) {
      InsertResult result;
      result.document = ReadSummary(inserted[0]);
      result.id = result.document.id;
      return result;
    }
  }
  return absl::AbortedError("storing a document: lost the race to other writers too often; try again");
}

}  // namespace

absl::Span<const Migration> PgDocumentStore::Migrations() { return kMigrations; }

absl::StatusOr<std::unique_ptr<PgDocumentStore>> PgDocumentStore::Open(const std::string& url, int pool_size) {
  ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool, pg::Pool::Open(url, pool_size));
  RETURN_IF_ERROR(pg::Migrate(pool.get(), "ingest", kMigrations));
  return std::unique_ptr<PgDocumentStore>(new PgDocumentStore(std::move(pool)));
}

absl::StatusOr<InsertResult> PgDocumentStore::Insert(const NewDocument& doc, int64_t now_ms) {
  ASSIGN_OR_RETURN(std::vector<InsertResult> results, InsertBatch({doc}, now_ms));
  return std::move(results.front());
}

absl::StatusOr<std::vector<InsertResult>> PgDocumentStore::InsertBatch(const std::vector<NewDocument>& docs,
                                                                       int64_t now_ms) {
  return pool_->Transact("storing documents", [&](pqxx::work& txn) -> absl::StatusOr<std::vector<InsertResult>> {
    std::vector<InsertResult> results;
    results.reserve(docs.size());
    for (const NewDocument& doc : docs) {
      ASSIGN_OR_RETURN(InsertResult result, InsertIn(txn, doc, now_ms));
      results.push_back(std::move(result));
    }
    return results;
  });
}

absl::StatusOr<StoredDocument> PgDocumentStore::Get(const std::string& id) {
  return pool_->Transact("reading a document", [&](pqxx::work& txn) -> absl::StatusOr<StoredDocument> {
    std::optional<StoredDocument> doc = Find(txn, "id", id, true);
    if (!doc) return store_internal::NoSuchDocument(id);
    return *std::move(doc);
  });
}

absl::StatusOr<DocState> PgDocumentStore::GetState(const std::string& id) {
  return pool_->Transact("reading a document's state", [&](pqxx::work& txn) -> absl::StatusOr<DocState> {
    const pqxx::result rows = txn.exec_params("SELECT state FROM ingest_documents WHERE id = $1", id);
    if (rows.empty()) return store_internal::NoSuchDocument(id);
    return static_cast<DocState>(rows[0][0].as<int>());
  });
}

absl::StatusOr<ListResult> PgDocumentStore::List(std::optional<DocState> state, int64_t cursor, int limit) {
  // -1 stands for "any state", 0 for "from the newest".
  const int state_filter = state ? static_cast<int>(*state) : -1;
  return pool_->Transact("listing documents", [&](pqxx::work& txn) -> absl::StatusOr<ListResult> {
    ListResult result;
    result.total =
        txn.exec_params1("SELECT COUNT(*) FROM ingest_documents WHERE ($1::int = -1 OR state = $1::int)", state_filter)[0]
            .as<int64_t>();
    for (const auto& row : txn.exec_params(
             absl::StrCat("SELECT ", kSummaryColumns,
                          " FROM ingest_documents d WHERE ($1::int = -1 OR d.state = $1::int) AND ($2::bigint = 0 OR d.seq < $2::bigint) "
                          "ORDER BY d.seq DESC LIMIT $3"),
             state_filter, cursor, static_cast<int64_t>(limit) + 1)) {
      result.documents.push_back(ReadSummary(row));
    }
    if (static_cast<int>(result.documents.size()) > limit) {
      result.documents.pop_back();
      result.next_cursor = result.documents.back().seq;
    }
    return result;
  });
}

absl::StatusOr<std::vector<std::string>> PgDocumentStore::DueIds(int64_t now_ms, int limit) {
  return pool_->Transact("reading due documents", [&](pqxx::work& txn) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    for (const auto& row : txn.exec_params("SELECT id FROM ingest_documents WHERE state IN (1, 2) AND "
                                           "next_attempt_at <= $1 ORDER BY next_attempt_at, seq LIMIT $2",
                                           now_ms, limit)) {
      ids.push_back(row[0].as<std::string>());
    }
    return ids;
  });
}

absl::StatusOr<std::optional<int64_t>> PgDocumentStore::EarliestDue() {
  return pool_->Transact("reading due documents", [&](pqxx::work& txn) -> absl::StatusOr<std::optional<int64_t>> {
    const pqxx::row row = txn.exec1(
        "SELECT MIN(GREATEST(next_attempt_at, lease_until)) FROM ingest_documents WHERE state IN (1, 2)");
    if (row[0].is_null()) return std::optional<int64_t>();
    return std::optional<int64_t>(row[0].as<int64_t>());
  });
}

absl::StatusOr<std::vector<ClaimedDocument>> PgDocumentStore::ClaimDue(const std::string& owner, int64_t now_ms,
                                                                       int64_t lease_ms, int limit) {
  if (owner.empty()) return absl::InvalidArgumentError("a claim needs an owner");
  return pool_->Transact("claiming documents", [&](pqxx::work& txn) -> absl::StatusOr<std::vector<ClaimedDocument>> {
    // SKIP LOCKED: rows another claimant is taking are passed over, not
    // waited for; a row claimed and committed meanwhile fails the re-checked
    // lease condition.
    const pqxx::result rows = txn.exec_params(
        absl::StrCat("WITH due AS (SELECT seq, lease_owner AS taken_from FROM ingest_documents WHERE state IN (1, 2) "
                     "AND next_attempt_at <= $3 AND lease_until <= $3 ORDER BY next_attempt_at, seq LIMIT $4 "
                     "FOR UPDATE SKIP LOCKED) "
                     "UPDATE ingest_documents d SET lease_owner = $1, lease_until = $2 FROM due "
                     "WHERE d.seq = due.seq RETURNING ",
                     kSummaryColumns, kBodyColumns, ", due.taken_from"),
        owner, now_ms + lease_ms, now_ms, limit);
    std::vector<ClaimedDocument> claimed;
    for (const auto& row : rows) {
      claimed.push_back({ReadWithBodies(row), row[kSummaryColumnCount + 3].as<std::string>()});
    }
    std::sort(claimed.begin(), claimed.end(), [](const ClaimedDocument& a, const ClaimedDocument& b) {
      return std::tie(a.document.next_attempt_at_ms, a.document.seq) <
             std::tie(b.document.next_attempt_at_ms, b.document.seq);
    });
    return claimed;
  });
}

absl::StatusOr<bool> PgDocumentStore::Release(const std::string& id, const std::string& owner) {
  return pool_->Transact("releasing a claim", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET lease_owner = '', lease_until = 0 "
                            "WHERE id = $1 AND lease_owner = $2 AND lease_owner != ''",
                            id, owner)
               .affected_rows() > 0;
  });
}

absl::StatusOr<bool> PgDocumentStore::RenewClaim(const std::string& id, int64_t generation, const std::string& owner,
                                                 int64_t now_ms, int64_t lease_until_ms) {
  return pool_->Transact("renewing a claim", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET lease_until = $5 WHERE id = $1 AND generation = $2 "
                            "AND lease_owner = $3 AND lease_owner != '' AND lease_until > $4",
                            id, generation, owner, now_ms, lease_until_ms)
               .affected_rows() > 0;
  });
}

// In the Mark* statements, $1 is the id, $2 the generation and $3 the owner
// ('' for any).
#define DOSSIER_MARK_WHERE " WHERE id = $1 AND generation = $2 AND ($3::text = '' OR lease_owner = $3::text)"

absl::StatusOr<bool> PgDocumentStore::MarkAnnotated(const std::string& id, int64_t generation,
                                                    const std::string& annotations, int64_t now_ms,
                                                    const std::string& owner) {
  return pool_->Transact("storing an annotation", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET state = 2, annotations = $4, attempts = 0, "
                            "next_attempt_at = $5, error = '', updated_at = $5" DOSSIER_MARK_WHERE,
                            id, generation, owner, pqxx::binarystring(annotations), now_ms)
               .affected_rows() > 0;
  });
}

absl::StatusOr<bool> PgDocumentStore::MarkIndexed(const std::string& id, int64_t generation, int64_t now_ms,
                                                  const std::string& owner) {
  return pool_->Transact("recording indexing", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET state = 3, error = '', updated_at = $4, lease_owner = '', "
                            "lease_until = 0" DOSSIER_MARK_WHERE,
                            id, generation, owner, now_ms)
               .affected_rows() > 0;
  });
}

absl::StatusOr<bool> PgDocumentStore::MarkRetry(const std::string& id, int64_t generation,
                                                int64_t next_attempt_at_ms, const std::string& error, int64_t now_ms,
                                                const std::string& owner) {
  return pool_->Transact("recording a retry", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET attempts = attempts + 1, next_attempt_at = $4, error = $5, "
                            "updated_at = $6, lease_owner = '', lease_until = 0" DOSSIER_MARK_WHERE,
                            id, generation, owner, next_attempt_at_ms, error, now_ms)
               .affected_rows() > 0;
  });
}

absl::StatusOr<bool> PgDocumentStore::MarkFailed(const std::string& id, int64_t generation,
                                                 const std::string& reason, int64_t now_ms,
                                                 const std::string& owner) {
  return pool_->Transact("recording a failure", [&](pqxx::work& txn) -> absl::StatusOr<bool> {
    return txn
               .exec_params("UPDATE ingest_documents SET state = 4, error = $4, attempts = attempts + 1, "
                            "updated_at = $5, lease_owner = '', lease_until = 0" DOSSIER_MARK_WHERE,
                            id, generation, owner, reason, now_ms)
               .affected_rows() > 0;
  });
}

#undef DOSSIER_MARK_WHERE

// The SET clause of every requeue; $1 is the time.
constexpr char kRequeueSet[] =
    "UPDATE ingest_documents SET state = 1, attempts = 0, next_attempt_at = $1, error = '', annotations = NULL, "
    "generation = generation + 1, updated_at = $1";

absl::StatusOr<int> PgDocumentStore::RequeueIds(const std::vector<std::string>& ids, int64_t now_ms) {
  return pool_->Transact("requeueing documents", [&](pqxx::work& txn) -> absl::StatusOr<int> {
    std::vector<std::string> unknown;
    for (const std::string& id : ids) {
      if (txn.exec_params("SELECT 1 FROM ingest_documents WHERE id = $1", id).empty()) unknown.push_back(id);
    }
    if (!unknown.empty()) return store_internal::UnknownIdsError(unknown);
    int queued = 0;
    for (const std::string& id : ids) {
      queued += static_cast<int>(
          txn.exec_params(absl::StrCat(kRequeueSet, " WHERE id = $2"), now_ms, id).affected_rows());
    }
    return queued;
  });
}

absl::StatusOr<int> PgDocumentStore::RequeueAll(int64_t now_ms) {
  return pool_->Transact("requeueing documents", [&](pqxx::work& txn) -> absl::StatusOr<int> {
    return static_cast<int>(txn.exec_params(kRequeueSet, now_ms).affected_rows());
  });
}

absl::StatusOr<int> PgDocumentStore::RequeueState(DocState state, int64_t now_ms) {
  return pool_->Transact("requeueing documents", [&](pqxx::work& txn) -> absl::StatusOr<int> {
    return static_cast<int>(
        txn.exec_params(absl::StrCat(kRequeueSet, " WHERE state = $2"), now_ms, static_cast<int>(state))
            .affected_rows());
  });
}

absl::StatusOr<std::map<DocState, int64_t>> PgDocumentStore::CountByState() {
  return pool_->Transact("counting documents", [&](pqxx::work& txn) -> absl::StatusOr<std::map<DocState, int64_t>> {
    std::map<DocState, int64_t> counts;
    for (const auto& row : txn.exec("SELECT state, COUNT(*) FROM ingest_documents GROUP BY state")) {
      counts[static_cast<DocState>(row[0].as<int>())] = row[1].as<int64_t>();
    }
    return counts;
  });
}

}  // namespace dossier::ingest
