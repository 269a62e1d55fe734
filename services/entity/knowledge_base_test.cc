#include "services/entity/knowledge_base.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/entity/test_backends.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

const AnnotatedMention* Find(const Annotation& a, std::string_view text) {
  for (const AnnotatedMention& m : a.mentions) {
    if (m.text == text) return &m;
  }
  return nullptr;
}

// The entity id `text` is linked to in `sentence`, or "" when it is not a
// mention.
std::string LinkedId(KnowledgeBase* kb, const std::string& sentence, std::string_view text) {
  auto a = kb->Annotate(sentence, AnnotateOptions{});
  EXPECT_TRUE(a.ok()) << a.status();
  if (!a.ok()) return "";
  const AnnotatedMention* m = Find(*a, text);
  return m == nullptr ? "" : m->entity_id;
}

class KnowledgeBaseTest : public BackendTest {
 protected:
  std::unique_ptr<KnowledgeBase> OpenKb(const std::string& db,
                                        absl::Duration poll_interval = absl::ZeroDuration()) {
    std::unique_ptr<KbStore> store = OpenStore(db);
    if (store == nullptr) return nullptr;
    KnowledgeBase::Options options;
    options.poll_interval = poll_interval;
    auto kb = KnowledgeBase::Open(std::move(store), FixtureKbDir(), options);
    EXPECT_TRUE(kb.ok()) << kb.status();
    return kb.ok() ? *std::move(kb) : nullptr;
  }
};

TEST_P(KnowledgeBaseTest, CurationSurvivesARestart) {
  const std::string db = NewDb();
  {
    std::unique_ptr<KnowledgeBase> kb = OpenKb(db);
    ASSERT_NE(kb, nullptr);
    EXPECT_TRUE(kb->load_stats().reloaded);
    ASSERT_TRUE(kb->AddAlias("org:SCO", "Shanghai Group").ok());
    auto a = kb->Annotate("Minister Vladimir Rushailo arrived.", AnnotateOptions{});
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(kb->Merge("person:boris-yeltsin", {"person:x-vladimir-rushailo"}).ok());
  }
  std::unique_ptr<KnowledgeBase> kb = OpenKb(db);
  ASSERT_NE(kb, nullptr);
  EXPECT_FALSE(kb->load_stats().reloaded);  // same KB version: no reload
  auto a = kb->Annotate("The Shanghai Group met Minister Vladimir Rushailo.", AnnotateOptions{});
  ASSERT_TRUE(a.ok());
  ASSERT_NE(Find(*a, "Shanghai Group"), nullptr);
  EXPECT_EQ(Find(*a, "Shanghai Group")->entity_id, "org:SCO");
  ASSERT_NE(Find(*a, "Vladimir Rushailo"), nullptr);
  EXPECT_EQ(Find(*a, "Vladimir Rushailo")->entity_id, "person:boris-yeltsin");
  auto e = kb->GetEntity("person:x-vladimir-rushailo");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, "person:boris-yeltsin");
}

TEST_P(KnowledgeBaseTest, AnnotateRunsWhileCurationRebuildsTheIndex) {
  std::unique_ptr<KnowledgeBase> kb = OpenKb(NewDb());
  ASSERT_NE(kb, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> runs{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      const std::string text =
          "President Jiang met Minister Person" + std::to_string(t) + " Testname and the SCO in Shanghai.";
      while (!stop.load()) {
        auto a = kb->Annotate(text, AnnotateOptions{DateParts{2001, 9, 19}, ""});
        if (!a.ok() || Find(*a, "Jiang") == nullptr || Find(*a, "Jiang")->entity_id != "person:jiang-zemin") {
          ++failures;
        }
        ++runs;
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(kb->AddAlias("country:KAZ", "Kazakhia" + std::to_string(i)).ok());
  }
  while (runs.load() < 50) std::this_thread::yield();
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(LinkedId(kb.get(), "They flew to Kazakhia9 today.", "Kazakhia9"), "country:KAZ");
}

// Two replicas on one database: what one curates, the other sees after it
// refreshes, and not before.
TEST_P(KnowledgeBaseTest, AliasAddedThroughOneReplicaReachesTheOther) {
  const std::string db = NewDb();
  std::unique_ptr<KnowledgeBase> a = OpenKb(db);
  std::unique_ptr<KnowledgeBase> b = OpenKb(db);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->load_stats().reloaded, b->load_stats().reloaded);  // one of them loaded the KB
  auto nothing = b->Refresh();
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_FALSE(*nothing);

  const std::string sentence = "Delegates of the Shanghai Club met in Astana.";
  EXPECT_NE(LinkedId(b.get(), sentence, "Shanghai Club"), "org:SCO");
  ASSERT_TRUE(a->AddAlias("org:SCO", "Shanghai Club").ok());
  EXPECT_EQ(LinkedId(a.get(), sentence, "Shanghai Club"), "org:SCO");
  // The index of b waits for a refresh.
  EXPECT_NE(LinkedId(b.get(), sentence, "Shanghai Club"), "org:SCO");
  auto rebuilt = b->Refresh();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_TRUE(*rebuilt);
  EXPECT_EQ(LinkedId(b.get(), sentence, "Shanghai Club"), "org:SCO");
  EXPECT_FALSE(*b->Refresh());  // nothing new since
  EXPECT_FALSE(*a->Refresh());  // its own change is in its index already
}

TEST_P(KnowledgeBaseTest, MergeThroughOneReplicaRedirectsInTheOther) {
  const std::string db = NewDb();
  std::unique_ptr<KnowledgeBase> a = OpenKb(db);
  std::unique_ptr<KnowledgeBase> b = OpenKb(db);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string sentence = "Minister Vladimir Rushailo arrived.";
  // b sees the name first and creates the entity.
  const std::string fresh = LinkedId(b.get(), sentence, "Vladimir Rushailo");
  EXPECT_EQ(fresh, "person:x-vladimir-rushailo");
  ASSERT_TRUE(a->Merge("person:boris-yeltsin", {fresh}).ok());
  // GetEntity reads the store: redirected at once.
  auto e = b->GetEntity(fresh);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, "person:boris-yeltsin");
  ASSERT_TRUE(*b->Refresh());
  EXPECT_EQ(LinkedId(b.get(), sentence, "Vladimir Rushailo"), "person:boris-yeltsin");
  auto candidates = b->ResolveName("Vladimir Rushailo", EntityType::kPerson, DateParts{}, 5);
  ASSERT_TRUE(candidates.ok());
  ASSERT_FALSE(candidates->empty());
  EXPECT_EQ((*candidates)[0].entity.id, "person:boris-yeltsin");
}

// The real polling thread, with a short interval.
TEST_P(KnowledgeBaseTest, PollingPicksUpChangesFromAnotherReplica) {
  const std::string db = NewDb();
  std::unique_ptr<KnowledgeBase> a = OpenKb(db);
  std::unique_ptr<KnowledgeBase> b = OpenKb(db, absl::Milliseconds(20));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::shared_ptr<const KbIndex> before = b->Snapshot();
  ASSERT_TRUE(a->AddAlias("country:KAZ", "Kazakhia").ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (b->Snapshot() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_NE(b->Snapshot(), before) << "no rebuild within 10s";
  EXPECT_EQ(LinkedId(b.get(), "They flew to Kazakhia today.", "Kazakhia"), "country:KAZ");
  // Without changes the poller leaves the index alone.
  std::shared_ptr<const KbIndex> after = b->Snapshot();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(b->Snapshot(), after);
  b.reset();  // stops the thread promptly
}

// Replicas starting together on an empty database load the shipped KB once.
TEST_P(KnowledgeBaseTest, ConcurrentFirstStartLoadsTheShippedKbOnce) {
  const std::string db = NewDb();
  constexpr int kReplicas = 2;
  std::vector<std::unique_ptr<KnowledgeBase>> kbs(kReplicas);
  // PostgreSQL replicas also migrate the schema at the same time. SQLite is
  // one process's store: two first opens of a new file at once can meet
  // SQLITE_BUSY in PRAGMA journal_mode=WAL, so its stores open one by one.
  std::vector<std::unique_ptr<KbStore>> stores(kReplicas);
  if (!postgres()) {
    for (auto& store : stores) store = OpenStore(db);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      if (stores[i] == nullptr) stores[i] = OpenStore(db);
      if (stores[i] == nullptr) return;
      auto kb = KnowledgeBase::Open(std::move(stores[i]), FixtureKbDir(), KnowledgeBase::Options{});
      EXPECT_TRUE(kb.ok()) << kb.status();
      if (kb.ok()) kbs[i] = *std::move(kb);
    });
  }
  for (std::thread& t : threads) t.join();
  int reloads = 0;
  for (const auto& kb : kbs) {
    ASSERT_NE(kb, nullptr);
    reloads += kb->load_stats().reloaded ? 1 : 0;
    EXPECT_EQ(kb->load_stats().entities, kbs[0]->load_stats().entities);
    EXPECT_EQ(LinkedId(kb.get(), "President Jiang Zemin spoke.", "Jiang Zemin"), "person:jiang-zemin");
  }
  EXPECT_EQ(reloads, 1);
  auto jiang = kbs[1]->GetEntity("person:jiang-zemin");
  ASSERT_TRUE(jiang.ok());
  EXPECT_EQ(jiang->roles.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, KnowledgeBaseTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

}  // namespace
}  // namespace dossier::entity
