#ifndef DOSSIER_SERVICES_ENTITY_TEST_BACKENDS_H_
#define DOSSIER_SERVICES_ENTITY_TEST_BACKENDS_H_

// Test-only: fixtures that run once per storage backend. SQLite tests get a
// fresh file, PostgreSQL tests a fresh database on the test server (and skip
// when there is none).

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "libs/common/pg_testing.h"
#include "services/entity/kb_store.h"

namespace dossier::entity {

using ::dossier::testing::Backend;

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && dossier::testing::TestPostgresUrl().empty()) {
      GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    }
  }

  bool postgres() const { return GetParam() == Backend::kPostgres; }

  // A new empty database: a SQLite file path or a PostgreSQL URL.
  std::string NewDb() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (postgres()) {
      absl::StatusOr<std::string> url = dossier::testing::CreateTestDatabase(info->name());
      EXPECT_TRUE(url.ok()) << url.status();
      return url.ok() ? *url : std::string();
    }
    static std::atomic<int> counter{0};
    return ::testing::TempDir() + "/entity_test_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter.fetch_add(1)) + ".db";
  }

  // Opens the store at `db` (a path or a URL, as --db takes it); fails the
  // test and returns null on error.
  static std::unique_ptr<KbStore> OpenStore(const std::string& db) {
    absl::StatusOr<std::unique_ptr<KbStore>> store = OpenKbStore(db, /*pool_size=*/4);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
};

inline std::string BackendTestName(const ::testing::TestParamInfo<Backend>& info) {
  return dossier::testing::BackendName(info.param);
}

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_TEST_BACKENDS_H_
