#include "services/entity/knowledge_base.h"

#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

std::string TempDb() {
  static int counter = 0;
  return testing::TempDir() + "/knowledge_base_test_" + std::to_string(::getpid()) + "_" +
         std::to_string(counter++) + ".db";
}

const AnnotatedMention* Find(const Annotation& a, std::string_view text) {
  for (const AnnotatedMention& m : a.mentions) {
    if (m.text == text) return &m;
  }
  return nullptr;
}

TEST(KnowledgeBaseTest, CurationSurvivesARestart) {
  const std::string db = TempDb();
  {
    auto kb = KnowledgeBase::Open(db, FixtureKbDir());
    ASSERT_TRUE(kb.ok()) << kb.status();
    EXPECT_TRUE((*kb)->load_stats().reloaded);
    ASSERT_TRUE((*kb)->AddAlias("org:SCO", "Shanghai Group").ok());
    auto a = (*kb)->Annotate("Minister Vladimir Rushailo arrived.", AnnotateOptions{});
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE((*kb)->Merge("person:boris-yeltsin", {"person:x-vladimir-rushailo"}).ok());
  }
  auto kb = KnowledgeBase::Open(db, FixtureKbDir());
  ASSERT_TRUE(kb.ok()) << kb.status();
  EXPECT_FALSE((*kb)->load_stats().reloaded);  // same KB version: no reload
  auto a = (*kb)->Annotate("The Shanghai Group met Minister Vladimir Rushailo.", AnnotateOptions{});
  ASSERT_TRUE(a.ok());
  ASSERT_NE(Find(*a, "Shanghai Group"), nullptr);
  EXPECT_EQ(Find(*a, "Shanghai Group")->entity_id, "org:SCO");
  ASSERT_NE(Find(*a, "Vladimir Rushailo"), nullptr);
  EXPECT_EQ(Find(*a, "Vladimir Rushailo")->entity_id, "person:boris-yeltsin");
  auto e = (*kb)->GetEntity("person:x-vladimir-rushailo");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, "person:boris-yeltsin");
}

TEST(KnowledgeBaseTest, AnnotateRunsWhileCurationRebuildsTheIndex) {
  auto kb = KnowledgeBase::Open(":memory:", FixtureKbDir());
  ASSERT_TRUE(kb.ok()) << kb.status();
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> runs{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      const std::string text =
          "President Jiang met Minister Person" + std::to_string(t) + " Testname and the SCO in Shanghai.";
      while (!stop.load()) {
        auto a = (*kb)->Annotate(text, AnnotateOptions{DateParts{2001, 9, 19}, ""});
        if (!a.ok() || Find(*a, "Jiang") == nullptr || Find(*a, "Jiang")->entity_id != "person:jiang-zemin") {
          ++failures;
        }
        ++runs;
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*kb)->AddAlias("country:KAZ", "Kazakhia" + std::to_string(i)).ok());
  }
  while (runs.load() < 50) std::this_thread::yield();
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto a = (*kb)->Annotate("They flew to Kazakhia9 today.", AnnotateOptions{});
  ASSERT_TRUE(a.ok());
  ASSERT_NE(Find(*a, "Kazakhia9"), nullptr);
  EXPECT_EQ(Find(*a, "Kazakhia9")->entity_id, "country:KAZ");
}

}  // namespace
}  // namespace dossier::entity
