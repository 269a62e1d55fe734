#include "services/entity/kb_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

std::string TempPath(const std::string& name) {
  static int counter = 0;
  std::string dir =
      testing::TempDir() + "/kb_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  ::mkdir(dir.c_str(), 0755);
  return dir + "/" + name;
}

void CopyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary);
  out << in.rdbuf();
}

TEST(KbStoreTest, ReadsTheShippedFiles) {
  absl::StatusOr<KbData> data = ReadShippedKb(FixtureKbDir());
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->version, "fixture-1");
  bool found = false;
  for (const KbEntity& e : data->entities) {
    if (e.id != "person:jiang-zemin") continue;
    found = true;
    EXPECT_EQ(e.type, EntityType::kPerson);
    ASSERT_EQ(e.roles.size(), 1u);
    EXPECT_EQ(e.roles[0].code, "CHNGOV");
    EXPECT_EQ(e.roles[0].start, (DateParts{1993, 3, 27}));
    EXPECT_EQ(e.roles[0].end, (DateParts{2003, 3, 15}));
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(ReadShippedKb("/nonexistent/kb").status().code(), absl::StatusCode::kNotFound);
}

TEST(KbStoreTest, LoadsOnceAndRefreshesOnNewVersionKeepingCuration) {
  const std::string db = TempPath("entity.db");
  auto store = KbStore::Open(db);
  ASSERT_TRUE(store.ok()) << store.status();
  auto sync = (*store)->SyncShipped(FixtureKbDir());
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_TRUE(sync->reloaded);
  EXPECT_GT(sync->entities, 10);
  // Unchanged version: nothing to do.
  sync = (*store)->SyncShipped(FixtureKbDir());
  ASSERT_TRUE(sync.ok());
  EXPECT_FALSE(sync->reloaded);

  // Curation and extracted entities.
  ASSERT_TRUE((*store)->AddAlias("country:TJK", "Tadzhikistan").ok());
  KbEntity fresh;
  fresh.id = "person:x-vladimir-rushailo";
  fresh.name = "Vladimir Rushailo";
  fresh.type = EntityType::kPerson;
  fresh.kind = "person";
  ASSERT_TRUE((*store)->InsertExtracted({fresh}).ok());
  EXPECT_EQ((*store)->AddAlias("country:XXX", "Nowhere").status().code(), absl::StatusCode::kNotFound);

  // A new KB version replaces the shipped rows only.
  const std::string kb2 = TempPath("kb");
  ::mkdir(kb2.c_str(), 0755);
  for (const char* f : {"/entities.tsv", "/aliases.tsv", "/roles.tsv"}) CopyFile(FixtureKbDir() + f, kb2 + f);
  std::ofstream(kb2 + "/VERSION") << "fixture-2\n";
  sync = (*store)->SyncShipped(kb2);
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_TRUE(sync->reloaded);
  EXPECT_EQ(sync->version, "fixture-2");

  auto tjk = (*store)->GetEntity("country:TJK");
  ASSERT_TRUE(tjk.ok());
  bool has_alias = false;
  for (const KbAlias& a : tjk->aliases)
    has_alias = has_alias || (a.alias == "Tadzhikistan" && a.origin == Origin::kCurated);
  EXPECT_TRUE(has_alias);
  auto rushailo = (*store)->GetEntity("person:x-vladimir-rushailo");
  ASSERT_TRUE(rushailo.ok());
  EXPECT_EQ(rushailo->provenance, "extracted");
  EXPECT_EQ(rushailo->type, EntityType::kPerson);

  // The snapshot holds the curated alias; re-opening the file keeps everything.
  store->reset();
  store = KbStore::Open(db);
  ASSERT_TRUE(store.ok());
  auto snapshot = (*store)->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->version, "fixture-2");
  bool in_snapshot = false;
  for (const KbEntity& e : snapshot->entities) {
    for (const KbAlias& a : e.aliases) in_snapshot = in_snapshot || a.alias == "Tadzhikistan";
  }
  EXPECT_TRUE(in_snapshot);
}

TEST(KbStoreTest, MergeRedirectsAndMovesAliases) {
  auto store = KbStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SyncShipped(FixtureKbDir()).ok());
  KbEntity fresh;
  fresh.id = "org:x-shanghai-pact";
  fresh.name = "Shanghai Pact";
  fresh.type = EntityType::kOrganization;
  fresh.kind = "organization";
  ASSERT_TRUE((*store)->InsertExtracted({fresh}).ok());
  auto merged = (*store)->Merge("org:SCO", {"org:x-shanghai-pact"});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, "org:SCO");
  auto via_source = (*store)->GetEntity("org:x-shanghai-pact");
  ASSERT_TRUE(via_source.ok());
  EXPECT_EQ(via_source->id, "org:SCO");
  bool moved = false;
  for (const KbAlias& a : via_source->aliases) moved = moved || a.alias == "Shanghai Pact";
  EXPECT_TRUE(moved);
  // Merging the target on: earlier redirects follow.
  ASSERT_TRUE((*store)->Merge("org:UN", {"org:SCO"}).ok());
  EXPECT_EQ((*store)->GetEntity("org:x-shanghai-pact")->id, "org:UN");
  EXPECT_EQ((*store)->Merge("org:UN", {"org:NOPE"}).status().code(), absl::StatusCode::kNotFound);
  // Search hides merged ids.
  auto rows = (*store)->Search("shanghai", EntityType::kUnspecified, 0, 10);
  ASSERT_TRUE(rows.ok());
  for (const KbEntity& e : *rows) EXPECT_NE(e.id, "org:SCO");
}

TEST(KbStoreTest, SearchIsPrefixCaseInsensitiveOrderedAndTyped) {
  auto store = KbStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->SyncShipped(FixtureKbDir()).ok());
  auto rows = (*store)->Search("jiang", EntityType::kUnspecified, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, "person:jiang-qing");
  EXPECT_EQ((*rows)[1].id, "person:jiang-zemin");
  // Aliases count: "Russian" finds Russia.
  rows = (*store)->Search("russian", EntityType::kLocation, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "country:RUS");
  // "Russian President Vladimir Putin" is one of Putin's aliases.
  rows = (*store)->Search("russian", EntityType::kPerson, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "person:vladimir-putin");
  rows = (*store)->Search("zz", EntityType::kUnspecified, 0, 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(KbStoreTest, LoadsAHundredThousandRows) {
  KbData data;
  data.version = "big";
  for (int i = 0; i < 25000; ++i) {
    KbEntity e;
    e.id = "person:p" + std::to_string(i);
    e.type = EntityType::kPerson;
    e.kind = "person";
    e.name = "Person Number" + std::to_string(i);
    e.aliases.push_back(KbAlias{"P. Number" + std::to_string(i), "name", Origin::kKb});
    e.aliases.push_back(KbAlias{"Number" + std::to_string(i), "name", Origin::kKb});
    e.roles.push_back(KbRole{"CHNGOV", "China, government", DateParts{1990, 1, 1}, DateParts{2000, 1, 1}});
    data.entities.push_back(std::move(e));
  }
  auto store = KbStore::Open(TempPath("big.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->ReplaceShipped(data).ok());
  auto snapshot = (*store)->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->entities.size(), 25000u);
}

}  // namespace
}  // namespace dossier::entity
