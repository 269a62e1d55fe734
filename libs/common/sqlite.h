#ifndef DOSSIER_LIBS_COMMON_SQLITE_H_
#define DOSSIER_LIBS_COMMON_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/common/migration.h"

namespace dossier::sqlite {

class Statement;

// One SQLite connection in WAL mode with foreign keys on and a busy timeout.
// Not thread-safe: give each thread its own Db, or guard it with a mutex.
class Db {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" for a
  // private in-memory database. `synchronous_full` makes each commit durable
  // on disk before it returns (PRAGMA synchronous=FULL); otherwise NORMAL.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& path, bool synchronous_full = true);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results.
  absl::Status Exec(std::string_view sql);
  absl::StatusOr<Statement> Prepare(std::string_view sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// A prepared statement. Bind indexes start at 1.
class Statement {
 public:
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view blob);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows.
  absl::Status Run();
  absl::Status Reset();

  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  friend class Db;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless Commit().
class Transaction {
 public:
  explicit Transaction(Db* db);
  ~Transaction();
  absl::Status status() const { return begin_status_; }
  absl::Status Commit();

 private:
  Db* db_;
  absl::Status begin_status_;
  bool done_ = false;
};

// Applies the migrations of `component` that `db` does not have yet, in
// version order, recording each in schema_migrations(component, version,
// name, applied_at), all in one BEGIN IMMEDIATE transaction.
// FAILED_PRECONDITION when the database has a newer version of `component`
// than `migrations` knows.
absl::Status Migrate(Db* db, std::string_view component, absl::Span<const Migration> migrations);

// Maps a SQLite result code to a canonical status with `context`.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace dossier::sqlite

#endif  // DOSSIER_LIBS_COMMON_SQLITE_H_
