#include "libs/common/postgres.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "libs/common/pg_testing.h"
#include "libs/common/sqlite.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;

constexpr Migration kMigrations[] = {
    {1, "create notes", "CREATE TABLE notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"},
    {2, "add author", "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''"},
};

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (dossier::testing::TestPostgresUrl().empty()) GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    auto url = dossier::testing::CreateTestDatabase(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
  }
  std::string url_;
};

TEST(PostgresUrlTest, RecognisesBothSchemesAndRedactsPasswords) {
  EXPECT_TRUE(pg::IsPostgresUrl("postgresql://u@h/db"));
  EXPECT_TRUE(pg::IsPostgresUrl("postgres://u@h/db"));
  EXPECT_FALSE(pg::IsPostgresUrl("sqlite:///tmp/x"));
  EXPECT_FALSE(pg::IsPostgresUrl(""));
  EXPECT_EQ(pg::RedactUrl("postgresql://dossier:s3cret@db:5432/dossier"), "postgresql://dossier:***@db:5432/dossier");
  EXPECT_EQ(pg::RedactUrl("postgresql://dossier@db/dossier"), "postgresql://dossier@db/dossier");
}

TEST(PostgresPoolTest, UnreachableServerIsUnavailableAndBadUrlInvalid) {
  auto pool = pg::Pool::Open("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2", 2);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(pool.status().message(), HasSubstr("nobody:***@127.0.0.1"));
  EXPECT_THAT(pool.status().message(), ::testing::Not(HasSubstr("pw")));
  EXPECT_EQ(pg::Pool::Open("mysql://x", 2).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresTest, MigrationsApplyOnceEvenWhenReplicasStartTogether) {
  std::vector<std::thread> replicas;
  std::vector<absl::Status> results(4);
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&, i] {
      auto pool = pg::Pool::Open(url_, 1);
      results[i] = pool.ok() ? pg::Migrate(pool->get(), "notes", kMigrations) : pool.status();
    });
  }
  for (auto& t : replicas) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s;

  auto pool = pg::Pool::Open(url_, 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto versions = (*pool)->Transact("reading", [](pqxx::work& txn) -> absl::StatusOr<std::vector<int>> {
    std::vector<int> out;
    for (const auto& row :
         txn.exec("SELECT version FROM schema_migrations WHERE component = 'notes' ORDER BY version")) {
      out.push_back(row[0].as<int>());
    }
    txn.exec("INSERT INTO notes (body, author) VALUES ('x', 'y')");  // both migrations are in place
    return out;
  });
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_THAT(*versions, ::testing::ElementsAre(1, 2));
}

TEST_F(PostgresTest, OlderBinaryAgainstNewerSchemaIsRefused) {
  auto pool = pg::Pool::Open(url_, 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(pg::Migrate(pool->get(), "notes", kMigrations).ok());
  absl::Status older = pg::Migrate(pool->get(), "notes", absl::MakeConstSpan(kMigrations, 1));
  EXPECT_EQ(older.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(older.message(), HasSubstr("version 2"));
}

TEST_F(PostgresTest, TransactionRollsBackOnErrorAndMapsConstraintViolations) {
  auto pool = pg::Pool::Open(url_, 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(pg::Migrate(pool->get(), "notes", kMigrations).ok());
  absl::Status failed = (*pool)->Transact("adding", [](pqxx::work& txn) {
    txn.exec("INSERT INTO notes (body) VALUES ('kept only if committed')");
    return absl::InvalidArgumentError("caller changed its mind");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  absl::Status duplicate = (*pool)->Transact("adding", [](pqxx::work& txn) {
    txn.exec("INSERT INTO notes (id, body) VALUES (7, 'a')");
    txn.exec("INSERT INTO notes (id, body) VALUES (7, 'b')");
    return absl::OkStatus();
  });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(duplicate.message(), HasSubstr("adding: "));
  auto count = (*pool)->Transact("counting", [](pqxx::work& txn) -> absl::StatusOr<int64_t> {
    return txn.exec1("SELECT count(*) FROM notes")[0].as<int64_t>();
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST(SqliteMigrateTest, AppliesPendingVersionsOnceAndRefusesNewerSchemas) {
  constexpr Migration kSqlite[] = {
      {1, "create notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"},
      {2, "add author", "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''"},
  };
  auto db = sqlite::Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(sqlite::Migrate(db->get(), "notes", absl::MakeConstSpan(kSqlite, 1)).ok());
  ASSERT_TRUE(sqlite::Migrate(db->get(), "notes", kSqlite).ok());
  ASSERT_TRUE(sqlite::Migrate(db->get(), "notes", kSqlite).ok());  // nothing left to do
  EXPECT_TRUE((*db)->Exec("INSERT INTO notes (body, author) VALUES ('x', 'y')").ok());
  absl::Status older = sqlite::Migrate(db->get(), "notes", absl::MakeConstSpan(kSqlite, 1));
  EXPECT_EQ(older.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dossier
