#include "libs/common/sqlite.h"

#include "gtest/gtest.h"

namespace dossier::sqlite {
namespace {

TEST(SqliteTest, InsertsAndReadsBack) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER, b TEXT)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES(?, ?)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, int64_t{5}).Bind(2, std::string_view("five"));
  ASSERT_TRUE(ins->Run().ok());
  auto sel = (*db)->Prepare("SELECT a, b FROM t");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*sel->Step());
  EXPECT_EQ(sel->Int(0), 5);
  EXPECT_EQ(sel->Text(1), "five");
  EXPECT_FALSE(*sel->Step());
}

TEST(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER)").ok());
  {
    Transaction tx(db->get());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES(1)").ok());
  }
  auto count = (*db)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->Int(0), 0);
}

TEST(SqliteTest, BadSqlIsAnError) {
  auto db = Db::Open(":memory:");
  EXPECT_FALSE((*db)->Prepare("SELEKT nothing").ok());
}

TEST(SqliteTest, Fts5IsAvailable) {
  auto db = Db::Open(":memory:");
  EXPECT_TRUE((*db)->Exec("CREATE VIRTUAL TABLE f USING fts5(body)").ok());
}

}  // namespace
}  // namespace dossier::sqlite
