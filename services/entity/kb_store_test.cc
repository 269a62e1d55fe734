#include "services/entity/kb_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/common/sqlite.h"
#include "services/entity/test_backends.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

std::string TempDir(const std::string& name) {
  static int counter = 0;
  std::string dir =
      ::testing::TempDir() + "/kb_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  ::mkdir(dir.c_str(), 0755);
  dir += "/" + name;
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

void CopyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary);
  out << in.rdbuf();
}

// The fixture KB under a new VERSION.
std::string FixtureKbCopy(const std::string& version) {
  const std::string kb = TempDir("kb");
  for (const char* f : {"/entities.tsv", "/aliases.tsv", "/roles.tsv"}) CopyFile(FixtureKbDir() + f, kb + f);
  std::ofstream(kb + "/VERSION") << version << "\n";
  return kb;
}

KbEntity Extracted(const std::string& id, const std::string& name, EntityType type) {
  KbEntity e;
  e.id = id;
  e.name = name;
  e.type = type;
  e.kind = type == EntityType::kPerson ? "person" : "organization";
  e.provenance = "extracted";
  e.origin = Origin::kExtracted;
  return e;
}

TEST(ShippedKbTest, ReadsTheShippedFiles) {
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

class KbStoreTest : public BackendTest {
 protected:
  // Rows of schema_migrations for the entity component.
  int64_t EntityMigrations(const std::string& db) {
    if (postgres()) {
      pqxx::connection conn(db);
      pqxx::nontransaction txn(conn);
      return txn.exec("SELECT count(*) FROM schema_migrations WHERE component = 'entity'")[0][0]
          .as<int64_t>();
    }
    auto sqlite_db = sqlite::Db::Open(db);
    EXPECT_TRUE(sqlite_db.ok());
    auto st = (*sqlite_db)->Prepare("SELECT count(*) FROM schema_migrations WHERE component = 'entity'");
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(*st->Step());
    return st->Int(0);
  }
};

TEST_P(KbStoreTest, LoadsOnceAndRefreshesOnNewVersionKeepingCuration) {
  const std::string db = NewDb();
  std::unique_ptr<KbStore> store = OpenStore(db);
  ASSERT_NE(store, nullptr);
  auto sync = store->SyncShipped(FixtureKbDir());
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_TRUE(sync->reloaded);
  EXPECT_GT(sync->entities, 10);
  // Unchanged version: nothing to do.
  sync = store->SyncShipped(FixtureKbDir());
  ASSERT_TRUE(sync.ok());
  EXPECT_FALSE(sync->reloaded);

  // Curation and extracted entities.
  ASSERT_TRUE(store->AddAlias("country:TJK", "Tadzhikistan").ok());
  ASSERT_TRUE(store
                  ->InsertExtracted(
                      {Extracted("person:x-vladimir-rushailo", "Vladimir Rushailo", EntityType::kPerson)})
                  .ok());
  EXPECT_EQ(store->AddAlias("country:XXX", "Nowhere").status().code(), absl::StatusCode::kNotFound);

  // A new KB version replaces the shipped rows only.
  sync = store->SyncShipped(FixtureKbCopy("fixture-2"));
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_TRUE(sync->reloaded);
  EXPECT_EQ(sync->version, "fixture-2");

  auto tjk = store->GetEntity("country:TJK");
  ASSERT_TRUE(tjk.ok());
  bool has_alias = false;
  for (const KbAlias& a : tjk->aliases)
    has_alias = has_alias || (a.alias == "Tadzhikistan" && a.origin == Origin::kCurated);
  EXPECT_TRUE(has_alias);
  auto rushailo = store->GetEntity("person:x-vladimir-rushailo");
  ASSERT_TRUE(rushailo.ok());
  EXPECT_EQ(rushailo->provenance, "extracted");
  EXPECT_EQ(rushailo->type, EntityType::kPerson);
  // Reloading did not duplicate the shipped roles.
  auto jiang = store->GetEntity("person:jiang-zemin");
  ASSERT_TRUE(jiang.ok());
  EXPECT_EQ(jiang->roles.size(), 1u);

  // The snapshot holds the curated alias; re-opening keeps everything.
  store.reset();
  store = OpenStore(db);
  ASSERT_NE(store, nullptr);
  auto snapshot = store->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->version, "fixture-2");
  bool in_snapshot = false;
  for (const KbEntity& e : snapshot->entities) {
    for (const KbAlias& a : e.aliases) in_snapshot = in_snapshot || a.alias == "Tadzhikistan";
  }
  EXPECT_TRUE(in_snapshot);
}

TEST_P(KbStoreTest, SnapshotKeepsFileOrderAndRoles) {
  std::unique_ptr<KbStore> store = OpenStore(NewDb());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());
  auto shipped = ReadShippedKb(FixtureKbDir());
  ASSERT_TRUE(shipped.ok());
  auto snapshot = store->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_EQ(snapshot->entities.size(), shipped->entities.size());
  for (size_t i = 0; i < shipped->entities.size(); ++i) {
    const KbEntity& want = shipped->entities[i];
    const KbEntity& got = snapshot->entities[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.attributes, want.attributes);
    EXPECT_EQ(got.roles.size(), want.roles.size()) << want.id;
    std::vector<std::string> want_aliases;
    for (const KbAlias& a : want.aliases) {
      if (!(a.kind == "name" && a.alias == want.name)) want_aliases.push_back(a.alias + "/" + a.kind);
    }
    want_aliases.erase(std::unique(want_aliases.begin(), want_aliases.end()), want_aliases.end());
    std::vector<std::string> got_aliases;
    for (const KbAlias& a : got.aliases) got_aliases.push_back(a.alias + "/" + a.kind);
    EXPECT_EQ(got_aliases, want_aliases) << want.id;
  }
}

TEST_P(KbStoreTest, MergeRedirectsAndMovesAliases) {
  std::unique_ptr<KbStore> store = OpenStore(NewDb());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());
  ASSERT_TRUE(
      store->InsertExtracted({Extracted("org:x-shanghai-pact", "Shanghai Pact", EntityType::kOrganization)})
          .ok());
  auto merged = store->Merge("org:SCO", {"org:x-shanghai-pact"});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, "org:SCO");
  auto via_source = store->GetEntity("org:x-shanghai-pact");
  ASSERT_TRUE(via_source.ok());
  EXPECT_EQ(via_source->id, "org:SCO");
  bool moved = false;
  for (const KbAlias& a : via_source->aliases) moved = moved || a.alias == "Shanghai Pact";
  EXPECT_TRUE(moved);
  // Merging the target on: earlier redirects follow.
  ASSERT_TRUE(store->Merge("org:UN", {"org:SCO"}).ok());
  EXPECT_EQ(store->GetEntity("org:x-shanghai-pact")->id, "org:UN");
  EXPECT_EQ(*store->ResolveId("org:x-shanghai-pact"), "org:UN");
  EXPECT_EQ(store->Merge("org:UN", {"org:NOPE"}).status().code(), absl::StatusCode::kNotFound);
  // Search and FindByAlias hide merged ids.
  auto rows = store->Search("shanghai", EntityType::kUnspecified, 0, 10);
  ASSERT_TRUE(rows.ok());
  for (const KbEntity& e : *rows) EXPECT_NE(e.id, "org:SCO");
  auto ids = store->FindByAlias("shanghai pact");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"org:UN"});
  // The snapshot carries the redirects, already followed to the end.
  auto snapshot = store->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  std::vector<std::pair<std::string, std::string>> redirects = snapshot->redirects;
  std::sort(redirects.begin(), redirects.end());
  EXPECT_EQ(redirects, (std::vector<std::pair<std::string, std::string>>{{"org:SCO", "org:UN"},
                                                                         {"org:x-shanghai-pact", "org:UN"}}));
}

TEST_P(KbStoreTest, SearchIsPrefixCaseInsensitiveOrderedAndTyped) {
  std::unique_ptr<KbStore> store = OpenStore(NewDb());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());
  auto rows = store->Search("jiang", EntityType::kUnspecified, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, "person:jiang-qing");
  EXPECT_EQ((*rows)[1].id, "person:jiang-zemin");
  rows = store->Search("jiang", EntityType::kUnspecified, 1, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "person:jiang-zemin");
  // Aliases count: "Russian" finds Russia.
  rows = store->Search("russian", EntityType::kLocation, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "country:RUS");
  // "Russian President Vladimir Putin" is one of Putin's aliases.
  rows = store->Search("russian", EntityType::kPerson, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "person:vladimir-putin");
  for (const char* none : {"zz", "%", "_"}) {
    rows = store->Search(none, EntityType::kUnspecified, 0, 10);
    ASSERT_TRUE(rows.ok()) << none;
    EXPECT_TRUE(rows->empty()) << none;
  }
}

TEST_P(KbStoreTest, LoadsAHundredThousandRows) {
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
  // Text COPY must escape: tabs, backslashes and newlines survive.
  data.entities[0].name = "Tab\there \\ back\nslash";
  std::unique_ptr<KbStore> store = OpenStore(NewDb());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->ReplaceShipped(data).ok());
  auto snapshot = store->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ(snapshot->entities.size(), 25000u);
  EXPECT_EQ(snapshot->entities[0].name, "Tab\there \\ back\nslash");
  EXPECT_EQ(snapshot->entities[24999].id, "person:p24999");
  EXPECT_EQ(snapshot->entities[24999].aliases.size(), 2u);
  EXPECT_EQ(snapshot->entities[24999].roles.size(), 1u);
  EXPECT_EQ(*store->StoredKbVersion(), "big");
}

TEST_P(KbStoreTest, MigrationsRerunAreNoOps) {
  const std::string db = NewDb();
  {
    std::unique_ptr<KbStore> store = OpenStore(db);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());
    ASSERT_TRUE(store->AddAlias("country:TJK", "Tadzhikistan").ok());
  }
  EXPECT_EQ(EntityMigrations(db), 1);
  for (int i = 0; i < 2; ++i) {
    std::unique_ptr<KbStore> store = OpenStore(db);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->StoredKbVersion(), "fixture-1");
    auto sync = store->SyncShipped(FixtureKbDir());
    ASSERT_TRUE(sync.ok());
    EXPECT_FALSE(sync->reloaded);
    EXPECT_EQ(*store->FindByAlias("tadzhikistan"), std::vector<std::string>{"country:TJK"});
  }
  EXPECT_EQ(EntityMigrations(db), 1);
}

TEST_P(KbStoreTest, ChangeVersionCountsWhatTheIndexDependsOn) {
  std::unique_ptr<KbStore> store = OpenStore(NewDb());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->ChangeVersion(), 0);
  ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());
  const int64_t loaded = *store->ChangeVersion();
  EXPECT_GT(loaded, 0);
  ASSERT_TRUE(store->SyncShipped(FixtureKbDir()).ok());  // same version
  EXPECT_EQ(*store->ChangeVersion(), loaded);
  ASSERT_TRUE(
      store->InsertExtracted({Extracted("org:x-shanghai-pact", "Shanghai Pact", EntityType::kOrganization)})
          .ok());
  EXPECT_EQ(*store->ChangeVersion(), loaded);
  EXPECT_FALSE(store->AddAlias("country:XXX", "Nowhere").ok());
  EXPECT_EQ(*store->ChangeVersion(), loaded);
  ASSERT_TRUE(store->AddAlias("country:TJK", "Tadzhikistan").ok());
  EXPECT_EQ(*store->ChangeVersion(), loaded + 1);
  ASSERT_TRUE(store->Merge("org:SCO", {"org:x-shanghai-pact"}).ok());
  EXPECT_EQ(*store->ChangeVersion(), loaded + 2);
  auto snapshot = store->LoadSnapshot();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->change_version, loaded + 2);
}

// Replicas starting together on an empty database: one loads the shipped
// KB, the others wait for it and find it loaded.
TEST_P(KbStoreTest, ConcurrentFirstSyncLoadsOnce) {
  const std::string db = NewDb();
  constexpr int kReplicas = 3;
  std::vector<std::unique_ptr<KbStore>> stores;
  for (int i = 0; i < kReplicas; ++i) {
    stores.push_back(OpenStore(db));
    ASSERT_NE(stores.back(), nullptr);
  }
  std::vector<absl::StatusOr<KbStore::SyncResult>> results(kReplicas, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->SyncShipped(FixtureKbDir()); });
  }
  for (std::thread& t : threads) t.join();
  int reloads = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    reloads += r->reloaded ? 1 : 0;
  }
  EXPECT_EQ(reloads, 1);
  auto jiang = stores[0]->GetEntity("person:jiang-zemin");
  ASSERT_TRUE(jiang.ok());
  EXPECT_EQ(jiang->roles.size(), 1u);
  EXPECT_EQ(*stores[0]->ChangeVersion(), 1);
}

// Two replicas annotating the same new names insert the same extracted
// entities at the same time, in any order.
TEST_P(KbStoreTest, ReplicasInsertTheSameExtractedEntitiesAtOnce) {
  const std::string db = NewDb();
  std::unique_ptr<KbStore> a = OpenStore(db);
  std::unique_ptr<KbStore> b = OpenStore(db);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<KbEntity> entities;
  for (int i = 0; i < 40; ++i) {
    entities.push_back(
        Extracted("person:x-n" + std::to_string(i), "Name " + std::to_string(i), EntityType::kPerson));
  }
  std::vector<KbEntity> reversed(entities.rbegin(), entities.rend());
  std::atomic<int> failures{0};
  auto insert = [&](KbStore* store, const std::vector<KbEntity>& list) {
    for (int round = 0; round < 5; ++round) {
      for (size_t start = 0; start < list.size(); start += 8) {
        std::vector<KbEntity> batch(list.begin() + start, list.begin() + std::min(list.size(), start + 8));
        absl::Status st = store->InsertExtracted(batch);
        if (!st.ok()) {
          ADD_FAILURE() << st;
          ++failures;
        }
      }
    }
  };
  std::thread ta(insert, a.get(), entities);
  std::thread tb(insert, b.get(), reversed);
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  for (const KbEntity& e : entities) {
    auto got = a->GetEntity(e.id);
    ASSERT_TRUE(got.ok()) << e.id << ": " << got.status();
    EXPECT_EQ(got->name, e.name);
  }
  EXPECT_EQ(*b->FindByAlias("name 7"), std::vector<std::string>{"person:x-n7"});
}

INSTANTIATE_TEST_SUITE_P(Backends, KbStoreTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

}  // namespace
}  // namespace dossier::entity
