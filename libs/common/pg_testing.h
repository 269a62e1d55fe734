#ifndef DOSSIER_LIBS_COMMON_PG_TESTING_H_
#define DOSSIER_LIBS_COMMON_PG_TESTING_H_

// For tests that run on both storage backends. scripts/test.sh starts a
// throwaway PostgreSQL server and exports its URL as
// DOSSIER_TEST_POSTGRES_URL; without it the PostgreSQL runs skip.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dossier::testing {

enum class Backend { kSqlite, kPostgres };

// "sqlite" / "postgresql", for test names.
std::string BackendName(Backend backend);
inline std::ostream& operator<<(std::ostream& os, Backend b) { return os << BackendName(b); }

// Both backends, for INSTANTIATE_TEST_SUITE_P(..., ::testing::ValuesIn(AllBackends()), ...).
std::vector<Backend> AllBackends();

// The URL of the test server's admin database, or "" when
// DOSSIER_TEST_POSTGRES_URL is not set.
std::string TestPostgresUrl();

// Why PostgreSQL tests skip, for GTEST_SKIP() << ...
inline constexpr std::string_view kNoPostgresMessage =
    "DOSSIER_TEST_POSTGRES_URL is not set, so the PostgreSQL run is skipped (scripts/test.sh starts a "
    "throwaway server and sets it)";

// Creates a new empty database on the test server, named after `hint` and
// unique to this process, and returns its URL. FAILED_PRECONDITION without
// a test server.
absl::StatusOr<std::string> CreateTestDatabase(std::string_view hint);

}  // namespace dossier::testing

#endif  // DOSSIER_LIBS_COMMON_PG_TESTING_H_
