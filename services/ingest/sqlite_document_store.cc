#include "services/ingest/sqlite_document_store.h"


#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"

namespace dossier::ingest {
namespace {

using store_internal::BodyHash;
using store_internal::DocumentId;
using store_internal::Rfc3339;

// Version 1 is the schema from before migrations were versioned; IF NOT
// EXISTS lets a database created then adopt it.
constexpr Migration kMigrations[] = {
    {1, "documents", R"sql(
CREATE TABLE IF NOT EXISTS documents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  external_id TEXT UNIQUE,            -- NULL when the caller gave none
  body_hash TEXT NOT NULL,            -- Hex64(Fnv1a64(NormalizeForMatch(body)))
  raw_body TEXT NOT NULL,
  body TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  pub_year INTEGER NOT NULL DEFAULT 0,
  pub_month INTEGER NOT NULL DEFAULT 0,
  pub_day INTEGER NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'en',
  state INTEGER NOT NULL,             -- dossier.common.v1.DocumentState
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,  -- Unix ms
  received_time TEXT NOT NULL,        -- RFC 3339 UTC
  updated_at INTEGER NOT NULL,        -- Unix ms
  generation INTEGER NOT NULL DEFAULT 0,
  annotations BLOB                    -- serialized dossier.common.v1.Document
);
CREATE INDEX IF NOT EXISTS documents_body_hash ON documents(body_hash);
CREATE INDEX IF NOT EXISTS documents_due ON documents(state, next_attempt_at);
)sql"},
    {2, "work claims", R"sql(
ALTER TABLE documents ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';  -- '' when unclaimed
ALTER TABLE documents ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;  -- Unix ms
)sql"},
};

// Columns of a summary row (no bodies, no annotations), in the order
// ReadSummary expects.
constexpr char kSummaryColumns[] =
    "seq, id, COALESCE(external_id, ''), title, url, source, pub_year, pub_month, pub_day, language, state, "
    "error, attempts, next_attempt_at, received_time, updated_at, generation, lease_owner, lease_until";
constexpr int kSummaryColumnCount = 19;
constexpr char kBodyColumns[] = ", raw_body, body, annotations";

StoredDocument ReadSummary(const sqlite::Statement& stmt) {
  StoredDocument doc;
  doc.seq = stmt.Int(0);
  doc.id = stmt.Text(1);
  doc.external_id = stmt.Text(2);
  doc.title = stmt.Text(3);
  doc.url = stmt.Text(4);
  doc.source = stmt.Text(5);
  doc.published = {static_cast<int>(stmt.Int(6)), static_cast<int>(stmt.Int(7)), static_cast<int>(stmt.Int(8))};
  doc.language = stmt.Text(9);
  doc.state = static_cast<DocState>(stmt.Int(10));
  doc.error = stmt.Text(11);
  doc.attempts = static_cast<int>(stmt.Int(12));
  doc.next_attempt_at_ms = stmt.Int(13);
  doc.received_time = stmt.Text(14);
  doc.updated_at_ms = stmt.Int(15);
  doc.generation = stmt.Int(16);
  doc.lease_owner = stmt.Text(17);
  doc.lease_until_ms = stmt.Int(18);
  return doc;
}

StoredDocument ReadWithBodies(const sqlite::Statement& stmt) {
  StoredDocument doc = ReadSummary(stmt);
  doc.raw_body = stmt.Text(kSummaryColumnCount);
  doc.body = stmt.Text(kSummaryColumnCount + 1);
  doc.annotations = stmt.Text(kSummaryColumnCount + 2);
  return doc;
}

int64_t I64(int value) { return static_cast<int64_t>(value); }

}  // namespace

absl::Span<const Migration> SqliteDocumentStore::Migrations() { return kMigrations; }

absl::StatusOr<std::unique_ptr<SqliteDocumentStore>> SqliteDocumentStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Db> db, sqlite::Db::Open(path, /*synchronous_full=*/true));
  RETURN_IF_ERROR(sqlite::Migrate(db.get(), "ingest", kMigrations));
  // One process uses the file: claims left by an earlier one are void.
  RETURN_IF_ERROR(db->Exec("UPDATE documents SET lease_owner = '', lease_until = 0 WHERE lease_owner != ''"));
  return std::unique_ptr<SqliteDocumentStore>(new SqliteDocumentStore(std::move(db), path));
}

absl::StatusOr<std::optional<StoredDocument>> SqliteDocumentStore::FindLocked(const std::string& column,
                                                                              const std::string& value,
                                                                              bool with_bodies) {
  const std::string sql = absl::StrCat("SELECT ", kSummaryColumns, with_bodies ? kBodyColumns : "",
                                       " FROM documents WHERE ", column, " = ?");
  ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare(sql));
  stmt.Bind(1, value);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<StoredDocument>();
  return std::optional<StoredDocument>(with_bodies ? ReadWithBodies(stmt) : ReadSummary(stmt));
}

absl::StatusOr<InsertResult> SqliteDocumentStore::InsertLocked(const NewDocument& doc, int64_t now_ms) {
  InsertResult result;
  if (!doc.external_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<StoredDocument> existing, FindLocked("external_id", doc.external_id, false));
    if (existing) {
      result.id = existing->id;
      result.duplicate = true;
      result.document = std::move(*existing);
      return result;
    }
  }
  const std::string normalized = NormalizeForMatch(doc.body);
  const std::string hash = BodyHash(normalized);
  {
    ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare("SELECT id, body FROM documents WHERE body_hash = ?"));
    stmt.Bind(1, hash);
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      if (NormalizeForMatch(stmt.Text(1)) != normalized) continue;  // a hash collision
      ASSIGN_OR_RETURN(std::optional<StoredDocument> existing, FindLocked("id", stmt.Text(0), false));
      if (!existing) return absl::InternalError("document vanished during insert");
      result.id = existing->id;
      result.duplicate = true;
      result.document = std::move(*existing);
      return result;
    }
  }
  // A free id: the hash, then the hash with a counter after a collision.
  std::string id;
  for (int collisions = 0;; ++collisions) {
    id = DocumentId(hash, collisions);
    ASSIGN_OR_RETURN(std::optional<StoredDocument> taken, FindLocked("id", id, false));
    if (!taken) break;
  }
  ASSIGN_OR_RETURN(sqlite::Statement insert,
                   db_->Prepare("INSERT INTO documents (id, external_id, body_hash, raw_body, body, title, url, "
                                "source, pub_year, pub_month, pub_day, language, state, received_time, updated_at, "
                                "next_attempt_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insert.Bind(1, id);
  if (doc.external_id.empty()) {
    insert.BindNull(2);
  } else {
    insert.Bind(2, doc.external_id);
  }
  insert.Bind(3, hash)
      .Bind(4, doc.raw_body)
      .Bind(5, doc.body)
      .Bind(6, doc.title)
      .Bind(7, doc.url)
      .Bind(8, doc.source)
      .Bind(9, I64(doc.published.year))
      .Bind(10, I64(doc.published.month))
      .Bind(11, I64(doc.published.day))
      .Bind(12, doc.language.empty() ? std::string("en") : doc.language)
      .Bind(13, I64(static_cast<int>(DocState::kReceived)))
      .Bind(14, Rfc3339(now_ms))
      .Bind(15, now_ms)
      .Bind(16, now_ms);
  RETURN_IF_ERROR(insert.Run());
  ASSIGN_OR_RETURN(std::optional<StoredDocument> stored, FindLocked("id", id, false));
  if (!stored) return absl::InternalError("document not found right after insert");
  result.id = id;
  result.document = std::move(*stored);
  return result;
}

absl::StatusOr<InsertResult> SqliteDocumentStore::Insert(const NewDocument& doc, int64_t now_ms) {
  ASSIGN_OR_RETURN(std::vector<InsertResult> results, InsertBatch({doc}, now_ms));
  return std::move(results.front());
}

absl::StatusOr<std::vector<InsertResult>> SqliteDocumentStore::InsertBatch(const std::vector<NewDocument>& docs,
                                                                           int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  std::vector<InsertResult> results;
  results.reserve(docs.size());
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  for (const NewDocument& doc : docs) {
    ASSIGN_OR_RETURN(InsertResult result, InsertLocked(doc, now_ms));
    results.push_back(std::move(result));
  }
  RETURN_IF_ERROR(txn.Commit());
  return results;
}

absl::StatusOr<StoredDocument> SqliteDocumentStore::Get(const std::string& id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::optional<StoredDocument> doc, FindLocked("id", id, true));
  if (!doc) return store_internal::NoSuchDocument(id);
  return std::move(*doc);
}

absl::StatusOr<DocState> SqliteDocumentStore::GetState(const std::string& id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare("SELECT state FROM documents WHERE id = ?"));
  stmt.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return store_internal::NoSuchDocument(id);
  return static_cast<DocState>(stmt.Int(0));
}

absl::StatusOr<ListResult> SqliteDocumentStore::List(std::optional<DocState> state, int64_t cursor, int limit) {
  absl::MutexLock lock(&mu_);
  ListResult result;
  const std::string filter = state ? " WHERE state = ?" : "";
  {
    ASSIGN_OR_RETURN(sqlite::Statement count, db_->Prepare(absl::StrCat("SELECT COUNT(*) FROM documents", filter)));
    if (state) count.Bind(1, I64(static_cast<int>(*state)));
    ASSIGN_OR_RETURN(bool row, count.Step());
    result.total = row ? count.Int(0) : 0;
  }
  std::string sql = absl::StrCat("SELECT ", kSummaryColumns, " FROM documents WHERE 1=1");
  if (state) absl::StrAppend(&sql, " AND state = ?");
  if (cursor > 0) absl::StrAppend(&sql, " AND seq < ?");
  absl::StrAppend(&sql, " ORDER BY seq DESC LIMIT ?");
  ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare(sql));
  int index = 1;
  if (state) stmt.Bind(index++, I64(static_cast<int>(*state)));
  if (cursor > 0) stmt.Bind(index++, cursor);
  stmt.Bind(index, I64(limit + 1));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    result.documents.push_back(ReadSummary(stmt));
  }
  if (static_cast<int>(result.documents.size()) > limit) {
    result.documents.pop_back();
    result.next_cursor = result.documents.back().seq;
  }
  return result;
}

absl::StatusOr<std::vector<std::string>> SqliteDocumentStore::DueIds(int64_t now_ms, int limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare("SELECT id FROM documents WHERE state IN (1, 2) AND next_attempt_at <= ? "
                                "ORDER BY next_attempt_at, seq LIMIT ?"));
  stmt.Bind(1, now_ms).Bind(2, I64(limit));
  std::vector<std::string> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.Text(0));
  }
  return ids;
}

absl::StatusOr<std::optional<int64_t>> SqliteDocumentStore::EarliestDue() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare("SELECT MIN(MAX(next_attempt_at, lease_until)) FROM documents WHERE state IN (1, 2)"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int(0));
}

absl::StatusOr<std::vector<ClaimedDocument>> SqliteDocumentStore::ClaimDue(const std::string& owner, int64_t now_ms,
                                                                           int64_t lease_ms, int limit) {
  if (owner.empty()) return absl::InvalidArgumentError("a claim needs an owner");
  absl::MutexLock lock(&mu_);
  // Claims need not survive a power cut (opening the store voids them), so
  // this commit skips the fsync every acknowledged document gets.
  RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous=OFF"));
  absl::Cleanup durable = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { (void)db_->Exec("PRAGMA synchronous=FULL"); };
  // BEGIN IMMEDIATE: atomic even if another process shared the file.
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  std::vector<ClaimedDocument> claimed;
  {
    ASSIGN_OR_RETURN(sqlite::Statement select,
                     db_->Prepare(absl::StrCat("SELECT ", kSummaryColumns, kBodyColumns,
                                               " FROM documents WHERE state IN (1, 2) AND next_attempt_at <= ? AND "
                                               "lease_until <= ? ORDER BY next_attempt_at, seq LIMIT ?")));
    select.Bind(1, now_ms).Bind(2, now_ms).Bind(3, I64(limit));
    while (true) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      ClaimedDocument claim;
      claim.document = ReadWithBodies(select);
      claim.taken_from = std::move(claim.document.lease_owner);
      claim.document.lease_owner = owner;
      claim.document.lease_until_ms = now_ms + lease_ms;
      claimed.push_back(std::move(claim));
    }
  }
  for (const ClaimedDocument& claim : claimed) {
    ASSIGN_OR_RETURN(sqlite::Statement update,
                     db_->Prepare("UPDATE documents SET lease_owner = ?, lease_until = ? WHERE seq = ?"));
    update.Bind(1, owner).Bind(2, now_ms + lease_ms).Bind(3, claim.document.seq);
    RETURN_IF_ERROR(update.Run());
  }
  RETURN_IF_ERROR(txn.Commit());
  return claimed;
}

absl::StatusOr<bool> SqliteDocumentStore::Release(const std::string& id, const std::string& owner) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare("UPDATE documents SET lease_owner = '', lease_until = 0 "
                                "WHERE id = ? AND lease_owner = ? AND lease_owner != ''"));
  stmt.Bind(1, id).Bind(2, owner);
  RETURN_IF_ERROR(stmt.Run());
  return db_->Changes() > 0;
}

absl::StatusOr<bool> SqliteDocumentStore::RenewClaim(const std::string& id, int64_t generation,
                                                     const std::string& owner, int64_t now_ms,
                                                     int64_t lease_until_ms) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare("UPDATE documents SET lease_until = ? WHERE id = ? AND generation = ? "
                                "AND lease_owner = ? AND lease_owner != '' AND lease_until > ?"));
  stmt.Bind(1, lease_until_ms).Bind(2, id).Bind(3, generation).Bind(4, owner).Bind(5, now_ms);
  RETURN_IF_ERROR(stmt.Run());
  return db_->Changes() > 0;
}

absl::StatusOr<bool> SqliteDocumentStore::MarkLocked(const std::string& set, const std::string& id,
                                                     int64_t generation, const std::string& owner,
                                                     const std::function<int(sqlite::Statement&)>& bind) {
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare(absl::StrCat("UPDATE documents SET ", set, " WHERE id = ? AND generation = ?",
                                             owner.empty() ? "" : " AND lease_owner = ?")));
  int index = bind(stmt);
  stmt.Bind(index++, id).Bind(index++, generation);
  if (!owner.empty()) stmt.Bind(index, owner);
  RETURN_IF_ERROR(stmt.Run());
  return db_->Changes() > 0;
}

absl::StatusOr<bool> SqliteDocumentStore::MarkAnnotated(const std::string& id, int64_t generation,
                                                        const std::string& annotations, int64_t now_ms,
                                                        const std::string& owner) {
  absl::MutexLock lock(&mu_);
  return MarkLocked("state = 2, annotations = ?, attempts = 0, next_attempt_at = ?, error = '', updated_at = ?", id,
                    generation, owner, [&](sqlite::Statement& stmt) {
                      stmt.BindBlob(1, annotations).Bind(2, now_ms).Bind(3, now_ms);
                      return 4;
                    });
}

absl::StatusOr<bool> SqliteDocumentStore::MarkIndexed(const std::string& id, int64_t generation, int64_t now_ms,
                                                      const std::string& owner) {
  absl::MutexLock lock(&mu_);
  return MarkLocked("state = 3, error = '', updated_at = ?, lease_owner = '', lease_until = 0", id, generation,
                    owner, [&](sqlite::Statement& stmt) {
                      stmt.Bind(1, now_ms);
                      return 2;
                    });
}

absl::StatusOr<bool> SqliteDocumentStore::MarkRetry(const std::string& id, int64_t generation,
                                                    int64_t next_attempt_at_ms, const std::string& error,
                                                    int64_t now_ms, const std::string& owner) {
  absl::MutexLock lock(&mu_);
  return MarkLocked(
      "attempts = attempts + 1, next_attempt_at = ?, error = ?, updated_at = ?, lease_owner = '', lease_until = 0",
      id, generation, owner, [&](sqlite::Statement& stmt) {
        stmt.Bind(1, next_attempt_at_ms).Bind(2, error).Bind(3, now_ms);
        return 4;
      });
}

absl::StatusOr<bool> SqliteDocumentStore::MarkFailed(const std::string& id, int64_t generation,
                                                     const std::string& reason, int64_t now_ms,
                                                     const std::string& owner) {
  absl::MutexLock lock(&mu_);
  return MarkLocked(
      "state = 4, error = ?, attempts = attempts + 1, updated_at = ?, lease_owner = '', lease_until = 0", id,
      generation, owner, [&](sqlite::Statement& stmt) {
        stmt.Bind(1, reason).Bind(2, now_ms);
        return 3;
      });
}

absl::StatusOr<int> SqliteDocumentStore::RequeueWhere(const std::string& where, int64_t now_ms) {
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   db_->Prepare(absl::StrCat("UPDATE documents SET state = 1, attempts = 0, next_attempt_at = ?, "
                                             "error = '', annotations = NULL, generation = generation + 1, "
                                             "updated_at = ? ",
                                             where)));
  stmt.Bind(1, now_ms).Bind(2, now_ms);
  RETURN_IF_ERROR(stmt.Run());
  return db_->Changes();
}

absl::StatusOr<int> SqliteDocumentStore::RequeueIds(const std::vector<std::string>& ids, int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  std::vector<std::string> unknown;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<StoredDocument> doc, FindLocked("id", id, false));
    if (!doc) unknown.push_back(id);
  }
  if (!unknown.empty()) return store_internal::UnknownIdsError(unknown);
  int queued = 0;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(sqlite::Statement stmt,
                     db_->Prepare("UPDATE documents SET state = 1, attempts = 0, next_attempt_at = ?, error = '', "
                                  "annotations = NULL, generation = generation + 1, updated_at = ? WHERE id = ?"));
    stmt.Bind(1, now_ms).Bind(2, now_ms).Bind(3, id);
    RETURN_IF_ERROR(stmt.Run());
    queued += db_->Changes();
  }
  RETURN_IF_ERROR(txn.Commit());
  return queued;
}

absl::StatusOr<int> SqliteDocumentStore::RequeueAll(int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  return RequeueWhere("", now_ms);
}

absl::StatusOr<int> SqliteDocumentStore::RequeueState(DocState state, int64_t now_ms) {
  absl::MutexLock lock(&mu_);
  return RequeueWhere(absl::StrCat("WHERE state = ", static_cast<int>(state)), now_ms);
}

absl::StatusOr<std::map<DocState, int64_t>> SqliteDocumentStore::CountByState() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt, db_->Prepare("SELECT state, COUNT(*) FROM documents GROUP BY state"));
  std::map<DocState, int64_t> counts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    counts[static_cast<DocState>(stmt.Int(0))] = stmt.Int(1);
  }
  return counts;
}

}  // namespace dossier::ingest
