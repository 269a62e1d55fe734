#ifndef DOSSIER_LIBS_COMMON_POSTGRES_H_
#define DOSSIER_LIBS_COMMON_POSTGRES_H_

// PostgreSQL access shared by the stores: a small connection pool,
// transactions that report errors as canonical statuses, and versioned schema
// migrations that several replicas may apply at the same time.

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "libs/common/migration.h"

namespace dossier::pg {

// True for "postgresql://..." and "postgres://..." (what --db takes to pick
// PostgreSQL over the embedded SQLite store).
bool IsPostgresUrl(std::string_view url);

// `url` with any password replaced by "***", for logs and error messages.
std::string RedactUrl(std::string_view url);

// Maps an exception thrown by libpqxx (or anything else) to a canonical
// status: lost connections are UNAVAILABLE, unique violations
// ALREADY_EXISTS, serialization failures and deadlocks ABORTED, the rest
// INTERNAL. The message starts with `context`.
absl::Status ErrorFromException(const std::exception& e, std::string_view context);

// A fixed number of connections to one database, opened lazily and reopened
// after they break. Thread-safe.
class Pool {
 public:
  // Checks the URL by opening one connection. UNAVAILABLE when the server
  // cannot be reached, INVALID_ARGUMENT for a malformed URL.
  static absl::StatusOr<std::unique_ptr<Pool>> Open(const std::string& url, int size);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection on loan; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }
    // Drops the connection instead of returning it (after it broke).
    void Discard() { conn_.reset(); }

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Waits for a free connection (opening one if needed). UNAVAILABLE if a
  // new connection cannot be opened; RESOURCE_EXHAUSTED if none is free
  // within kAcquireTimeout (callers retry that; gRPC handlers answer it).
  absl::StatusOr<Lease> Acquire();

  // Runs `fn(pqxx::work&)` in a transaction and commits it when `fn` returns
  // an OK status (absl::Status or absl::StatusOr<T>); otherwise rolls back.
  // Exceptions become statuses (see ErrorFromException). A transaction that
  // fails with a serialization failure, a deadlock or a connection lost
  // before commit is retried up to `kMaxAttempts` times, so `fn` must be
  // safe to run again.
  template <typename Fn>
  auto Transact(std::string_view context, Fn&& fn) -> std::invoke_result_t<Fn, pqxx::work&>;

  const std::string& url() const { return url_; }
  static constexpr int kMaxAttempts = 3;
  static constexpr absl::Duration kAcquireTimeout = absl::Seconds(10);

 private:
  Pool(std::string url, int size) : url_(std::move(url)), size_(size) {}
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect();
  void Return(std::unique_ptr<pqxx::connection> conn);

  const std::string url_;
  const int size_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // connections in existence (idle or leased)
};

// Applies the migrations of `component` ("ingest", "entity", "query") that
// the database does not have yet, in version order, each recorded in the
// table schema_migrations(component, version, name, applied_at). Everything
// runs in one transaction under a transaction-level advisory lock, so
// replicas starting together apply each migration exactly once and the
// others wait for it. FAILED_PRECONDITION when the database has a version of
// `component` newer than the newest in `migrations` (an older binary
// against a newer schema).
absl::Status Migrate(Pool* pool, std::string_view component, absl::Span<const Migration> migrations);

// ---------------------------------------------------------------------------

template <typename Fn>
auto Pool::Transact(std::string_view context, Fn&& fn) -> std::invoke_result_t<Fn, pqxx::work&> {
  using Result = std::invoke_result_t<Fn, pqxx::work&>;
  absl::Status last;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    auto lease = Acquire();
    if (!lease.ok()) return Result(lease.status());
    bool committing = false;
    try {
      pqxx::work txn(**lease);
      Result result = fn(txn);
      if (result.ok()) {
        committing = true;
        txn.commit();
      }
      return result;
    } catch (const pqxx::in_doubt_error& e) {
      lease->Discard();
      return Result(ErrorFromException(e, context));
    } catch (const pqxx::broken_connection& e) {
      lease->Discard();
      last = ErrorFromException(e, context);
      if (committing) return Result(last);  // may have committed: do not run twice
    } catch (const pqxx::serialization_failure& e) {
      last = ErrorFromException(e, context);
    } catch (const pqxx::deadlock_detected& e) {
      last = ErrorFromException(e, context);
    } catch (const std::exception& e) {
      return Result(ErrorFromException(e, context));
    }
  }
  return Result(last);
}

}  // namespace dossier::pg

#endif  // DOSSIER_LIBS_COMMON_POSTGRES_H_
