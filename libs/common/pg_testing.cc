#include "libs/common/pg_testing.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/postgres.h"

namespace dossier::testing {

std::string BackendName(Backend backend) { return backend == Backend::kSqlite ? "sqlite" : "postgresql"; }

std::vector<Backend> AllBackends() { return {Backend::kSqlite, Backend::kPostgres}; }

std::string TestPostgresUrl() {
  const char* url = std::getenv("DOSSIER_TEST_POSTGRES_URL");
  return url == nullptr ? "" : url;
}

absl::StatusOr<std::string> CreateTestDatabase(std::string_view hint) {
  const std::string admin = TestPostgresUrl();
  if (admin.empty()) return absl::FailedPreconditionError(std::string(kNoPostgresMessage));
  static std::atomic<int> counter{0};
  std::string name = "t_";
  for (char c : hint) {
    if (name.size() >= 40) break;
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  absl::StrAppend(&name, "_", getpid(), "_", counter.fetch_add(1));
  try {
    pqxx::connection conn(admin);
    pqxx::nontransaction txn(conn);
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const std::exception& e) {
    return pg::ErrorFromException(e, "creating a test database");
  }
  // Swap the database name in the URL: the part after the last '/' before '?'.
  const size_t query = admin.find('?');
  const std::string base = admin.substr(0, query);
  const std::string params = query == std::string::npos ? "" : admin.substr(query);
  const size_t slash = base.rfind('/');
  if (slash == std::string::npos || slash < base.find("://") + 3) {
    return absl::InvalidArgumentError("DOSSIER_TEST_POSTGRES_URL needs a database path: " + admin);
  }
  return absl::StrCat(base.substr(0, slash + 1), name, params);
}

}  // namespace dossier::testing
