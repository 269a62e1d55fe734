#ifndef DOSSIER_SERVICES_INGEST_STORE_TESTING_H_
#define DOSSIER_SERVICES_INGEST_STORE_TESTING_H_

// For ingest tests that run on both storage backends.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/common/pg_testing.h"
#include "services/ingest/document_store.h"

namespace dossier::ingest {

// Where one test's document store lives: a fresh temporary directory for
// SQLite, or a fresh database on the test server for PostgreSQL (`db` is
// then its URL, as --db takes it). The directory is removed on destruction.
class TestStoreLocation {
 public:
  // FAILED_PRECONDITION for PostgreSQL without a test server (check
  // PostgresMissing first to skip instead).
  static absl::StatusOr<std::unique_ptr<TestStoreLocation>> Create(dossier::testing::Backend backend) {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = absl::StrCat(test->test_suite_name(), "_", test->name());
    std::unique_ptr<TestStoreLocation> location(new TestStoreLocation());
    if (backend == dossier::testing::Backend::kPostgres) {
      absl::StatusOr<std::string> url = dossier::testing::CreateTestDatabase(name);
      if (!url.ok()) return url.status();
      location->db_ = *url;
    }
    std::string dir_name = absl::StrCat("dossier_", name, "_", reinterpret_cast<uintptr_t>(location.get()));
    for (char& c : dir_name) {
      if (c == '/') c = '_';
    }
    location->dir_ = std::filesystem::temp_directory_path() / dir_name;
    std::filesystem::remove_all(location->dir_);
    return location;
  }
  ~TestStoreLocation() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A new store on this location (each call opens another connection or
  // pool, as another replica would).
  absl::StatusOr<std::unique_ptr<DocumentStore>> Open(int pool_size = 4) const {
    return OpenDocumentStore(db_, dir_.string(), pool_size);
  }
  const std::string& db() const { return db_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  TestStoreLocation() = default;
  std::string db_;  // "" for SQLite in dir_
  std::filesystem::path dir_;
};

// True when `backend` is PostgreSQL and no test server is configured.
inline bool PostgresMissing(dossier::testing::Backend backend) {
  return backend == dossier::testing::Backend::kPostgres && dossier::testing::TestPostgresUrl().empty();
}

// For INSTANTIATE_TEST_SUITE_P: "sqlite" / "postgresql".
inline std::string BackendTestName(const ::testing::TestParamInfo<dossier::testing::Backend>& info) {
  return dossier::testing::BackendName(info.param);
}

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_STORE_TESTING_H_
