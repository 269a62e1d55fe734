#include "services/ingest/document_store.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "libs/common/postgres.h"
#include "libs/common/text.h"
#include "services/ingest/pg_document_store.h"
#include "services/ingest/sqlite_document_store.h"

namespace dossier::ingest {

const char* DocStateName(DocState state) {
  switch (state) {
    case DocState::kReceived:
      return "received";
    case DocState::kAnnotated:
      return "annotated";
    case DocState::kIndexed:
      return "indexed";
    case DocState::kFailed:
      return "failed";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<DocumentStore>> OpenDocumentStore(const std::string& db,
                                                                 const std::string& data_dir, int pool_size) {
  if (pg::IsPostgresUrl(db)) {
    auto store = PgDocumentStore::Open(db, pool_size);
    if (!store.ok()) return store.status();
    return std::unique_ptr<DocumentStore>(*std::move(store));
  }
  if (!db.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--db must be empty (SQLite in --data_dir) or a PostgreSQL URL such as "
        "postgresql://user:password@host:5432/dossier; got \"",
        pg::RedactUrl(db), "\""));
  }
  const std::filesystem::path dir = data_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::FailedPreconditionError(absl::StrCat("cannot create --data_dir ", dir.string(), ": ", ec.message()));
  auto store = SqliteDocumentStore::Open((dir / "ingest.db").string());
  if (!store.ok()) return store.status();
  return std::unique_ptr<DocumentStore>(*std::move(store));
}

namespace store_internal {

std::string BodyHash(const std::string& normalized_body) { return Hex64(Fnv1a64(normalized_body)); }

std::string DocumentId(const std::string& hash, int collisions) {
  return collisions == 0 ? absl::StrCat("d-", hash) : absl::StrCat("d-", hash, "-", collisions + 1);
}

std::string Rfc3339(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

absl::Status UnknownIdsError(const std::vector<std::string>& ids) {
  std::vector<std::string> unknown;
  for (const std::string& id : ids) {
    if (unknown.size() == 10) {
      unknown.push_back(absl::StrCat("and ", ids.size() - 10, " more"));
      break;
    }
    unknown.push_back(absl::StrCat("\"", id, "\""));
  }
  return absl::NotFoundError(absl::StrCat(ids.size() == 1 ? "no document with id " : "no documents with ids ",
                                          absl::StrJoin(unknown, ", "), "; nothing was queued"));
}

absl::Status NoSuchDocument(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("no document with id \"", id, "\""));
}

}  // namespace store_internal
}  // namespace dossier::ingest
