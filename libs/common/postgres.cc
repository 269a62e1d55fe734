#include "libs/common/postgres.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace dossier::pg {

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string RedactUrl(std::string_view url) {
  // scheme://user:password@host... → scheme://user:***@host...
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t start = scheme + 3;
  const size_t at = url.find('@', start);
  if (at == std::string_view::npos) return std::string(url);
  const size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return absl::StrCat(std::string(url.substr(0, colon + 1)), "***", std::string(url.substr(at)));
}

absl::Status ErrorFromException(const std::exception& e, std::string_view context_view) {
  const std::string context(context_view);
  std::string what = e.what();
  while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
  const std::string message = absl::StrCat(context, ": ", what);
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat(context, ": lost the connection to PostgreSQL: ", what));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(
        absl::StrCat(context, ": the connection broke during commit; the change may or may not be stored: ", what));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) return absl::AlreadyExistsError(message);
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError(message);
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string state = sql->sqlstate();
    // Class 08: connection exceptions; 57P: operator intervention (shutdown).
    if (state.starts_with("08") || state.starts_with("57P")) return absl::UnavailableError(message);
    if (state == "53300") return absl::ResourceExhaustedError(message);  // too_many_connections
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<Pool>> Pool::Open(const std::string& url, int size) {
  if (!IsPostgresUrl(url)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PostgreSQL URL (want postgresql://user:password@host:port/database): ", RedactUrl(url)));
  }
  if (size < 1) return absl::InvalidArgumentError("a connection pool needs at least one connection");
  std::unique_ptr<Pool> pool(new Pool(url, size));
  auto conn = pool->Connect();
  if (!conn.ok()) return conn.status();
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(conn));
  pool->open_ = 1;
  return pool;
}

Pool::~Pool() = default;

absl::StatusOr<std::unique_ptr<pqxx::connection>> Pool::Connect() {
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (const pqxx::broken_connection& e) {
    std::string what = e.what();
    while (!what.empty() && what.back() == '\n') what.pop_back();
    return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL at ", RedactUrl(url_), ": ", what));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot connect to PostgreSQL at ", RedactUrl(url_), ": ", e.what()));
  }
}

absl::StatusOr<Pool::Lease> Pool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    const bool free = mu_.AwaitWithTimeout(
        absl::Condition(
            +[](Pool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return !p->idle_.empty() || p->open_ < p->size_; },
            this),
        kAcquireTimeout);
    if (!free) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "all ", size_, " PostgreSQL connections of this process stayed busy for ",
          absl::FormatDuration(kAcquireTimeout), ": raise --db_pool_size (and the server's max_connections)"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->is_open()) return Lease(this, std::move(conn));
      --open_;  // broken while idle: open a new one below
    }
    ++open_;
  }
  auto conn = Connect();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease(this, *std::move(conn));
}

void Pool::Return(std::unique_ptr<pqxx::connection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn != nullptr && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_));
}

namespace {

// Any fixed number works; it only has to be the same in every Dossier binary.
constexpr int64_t kMigrationLockKey = 0x646f7373696572;  // "dossier"

}  // namespace

absl::Status Migrate(Pool* pool, std::string_view component, absl::Span<const Migration> migrations) {
  const std::string context = absl::StrCat("migrating the ", std::string(component), " schema");
  return pool->Transact(context, [&](pqxx::work& txn) -> absl::Status {
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    txn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (component, version))");
    std::set<int> applied;
    for (const auto& row :
         txn.exec_params("SELECT version FROM schema_migrations WHERE component = $1", std::string(component))) {
      applied.insert(row[0].as<int>());
    }
    absl::StatusOr<std::vector<const Migration*>> pending = PendingMigrations(component, applied, migrations);
    if (!pending.ok()) return pending.status();
    for (const Migration* m : *pending) {
      txn.exec(std::string(m->sql));
      txn.exec_params("INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
                      std::string(component), m->version, std::string(m->name));
    }
    return absl::OkStatus();
  });
}

}  // namespace dossier::pg
