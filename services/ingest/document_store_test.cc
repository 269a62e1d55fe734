#include "services/ingest/document_store.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/postgres.h"
#include "libs/common/sqlite.h"
#include "libs/common/text.h"
#include "services/ingest/pg_document_store.h"
#include "services/ingest/sqlite_document_store.h"
#include "services/ingest/store_testing.h"

namespace dossier::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using dossier::testing::Backend;

constexpr int64_t kNow = 1'000'000'000'000;  // 2001-09-09T01:46:40Z

NewDocument Doc(const std::string& body, const std::string& external_id = "") {
  NewDocument doc;
  doc.body = body;
  doc.raw_body = "raw: " + body;
  doc.title = "Title of " + body.substr(0, 10);
  doc.url = "https://example.org/" + body.substr(0, 5);
  doc.source = "Example";
  doc.published = {2001, 9, 19};
  doc.language = "en";
  doc.external_id = external_id;
  return doc;
}

class DocumentStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (PostgresMissing(GetParam())) GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    auto location = TestStoreLocation::Create(GetParam());
    ASSERT_TRUE(location.ok()) << location.status();
    location_ = std::move(*location);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    location_.reset();
  }
  void Reopen() {
    store_.reset();
    store_ = OpenAnother();
  }
  // Another store on the same database, as another replica would have.
  std::unique_ptr<DocumentStore> OpenAnother() {
    auto store = location_->Open();
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::unique_ptr<TestStoreLocation> location_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_P(DocumentStoreTest, InsertAndGet) {
  absl::StatusOr<InsertResult> r = store_->Insert(Doc("The council met on Tuesday."), kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->id, "d-" + Hex64(Fnv1a64(NormalizeForMatch("The council met on Tuesday."))));
  EXPECT_EQ(r->document.state, DocState::kReceived);
  EXPECT_EQ(r->document.received_time, "2001-09-09T01:46:40.000Z");

  absl::StatusOr<StoredDocument> got = store_->Get(r->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "The council met on Tuesday.");
  EXPECT_EQ(got->raw_body, "raw: The council met on Tuesday.");
  EXPECT_EQ(got->title, "Title of The counci");
  EXPECT_EQ(got->published, (PartialDate{2001, 9, 19}));
  EXPECT_EQ(got->source, "Example");
  EXPECT_EQ(got->attempts, 0);
  EXPECT_TRUE(got->annotations.empty());

  absl::StatusOr<StoredDocument> missing = store_->Get("d-nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no document with id \"d-nope\""));
}

TEST_P(DocumentStoreTest, DuplicatesByNormalizedBodyAndExternalId) {
  auto first = store_->Insert(Doc("The council met on Tuesday.", "ext-1"), kNow);
  ASSERT_TRUE(first.ok());
  // Same text up to case, width and spacing.
  auto same_body = store_->Insert(Doc("THE  council met\non Tuesday."), kNow);
  ASSERT_TRUE(same_body.ok());
  EXPECT_TRUE(same_body->duplicate);
  EXPECT_EQ(same_body->id, first->id);

  auto same_external = store_->Insert(Doc("A different text entirely.", "ext-1"), kNow);
  ASSERT_TRUE(same_external.ok());
  EXPECT_TRUE(same_external->duplicate);
  EXPECT_EQ(same_external->id, first->id);

  auto counts = store_->CountByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[DocState::kReceived], 1);
}

TEST_P(DocumentStoreTest, BatchDetectsDuplicatesWithinTheBatch) {
  auto results = store_->InsertBatch({Doc("First article text."), Doc("Second article text.", "x"),
                                      Doc("first ARTICLE text."), Doc("Other.", "x")},
                                     kNow);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_FALSE((*results)[0].duplicate);
  EXPECT_FALSE((*results)[1].duplicate);
  EXPECT_TRUE((*results)[2].duplicate);
  EXPECT_EQ((*results)[2].id, (*results)[0].id);
  EXPECT_TRUE((*results)[3].duplicate);
  EXPECT_EQ((*results)[3].id, (*results)[1].id);
}

TEST_P(DocumentStoreTest, InsertIsDurableAcrossReopen) {
  auto r = store_->Insert(Doc("Durable text."), kNow);
  ASSERT_TRUE(r.ok());
  Reopen();
  auto got = store_->Get(r->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "Durable text.");
}

TEST_P(DocumentStoreTest, ListNewestFirstWithCursorAndFilter) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = store_->Insert(Doc(absl::StrCat("Article number ", i, ".")), kNow + i);
    ASSERT_TRUE(r.ok());
    ids.push_back(r->id);
  }
  auto page1 = store_->List(std::nullopt, 0, 2);
  ASSERT_TRUE(page1.ok());
  EXPECT_EQ(page1->total, 5);
  ASSERT_EQ(page1->documents.size(), 2u);
  EXPECT_EQ(page1->documents[0].id, ids[4]);
  EXPECT_EQ(page1->documents[1].id, ids[3]);
  EXPECT_TRUE(page1->documents[0].body.empty());
  ASSERT_NE(page1->next_cursor, 0);

  // A document arriving between pages does not shift the next page.
  ASSERT_TRUE(store_->Insert(Doc("A late arrival."), kNow + 10).ok());
  auto page2 = store_->List(std::nullopt, page1->next_cursor, 2);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->documents.size(), 2u);
  EXPECT_EQ(page2->documents[0].id, ids[2]);
  EXPECT_EQ(page2->documents[1].id, ids[1]);
  auto page3 = store_->List(std::nullopt, page2->next_cursor, 2);
  ASSERT_TRUE(page3.ok());
  ASSERT_EQ(page3->documents.size(), 1u);
  EXPECT_EQ(page3->documents[0].id, ids[0]);
  EXPECT_EQ(page3->next_cursor, 0);

  auto g = store_->Get(ids[1]);
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(store_->MarkFailed(ids[1], g->generation, "annotate: bad", kNow, "").ok());
  auto failed = store_->List(DocState::kFailed, 0, 10);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->total, 1);
  ASSERT_EQ(failed->documents.size(), 1u);
  EXPECT_EQ(failed->documents[0].id, ids[1]);
  EXPECT_EQ(failed->documents[0].error, "annotate: bad");
}

TEST_P(DocumentStoreTest, StateTransitionsAndDueWork) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  auto b = store_->Insert(Doc("Beta text."), kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  auto due = store_->DueIds(kNow, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, ElementsAre(a->id, b->id));

  // Retry pushes a into the future.
  auto retried = store_->MarkRetry(a->id, 0, kNow + 5000, "annotate: unavailable", kNow, "");
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(*retried);
  due = store_->DueIds(kNow, 10);
  EXPECT_THAT(*due, ElementsAre(b->id));
  auto earliest = store_->EarliestDue();
  ASSERT_TRUE(earliest.ok());
  EXPECT_EQ(**earliest, kNow);
  EXPECT_THAT(*store_->DueIds(kNow + 5000, 10), ElementsAre(b->id, a->id));  // oldest due first
  EXPECT_EQ(store_->Get(a->id)->attempts, 1);
  EXPECT_EQ(store_->Get(a->id)->error, "annotate: unavailable");

  auto annotated = store_->MarkAnnotated(a->id, 0, "blob", kNow, "");
  ASSERT_TRUE(annotated.ok() && *annotated);
  auto got = store_->Get(a->id);
  EXPECT_EQ(got->state, DocState::kAnnotated);
  EXPECT_EQ(got->annotations, "blob");
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->error, "");
  ASSERT_TRUE(*store_->MarkIndexed(a->id, 0, kNow, ""));
  EXPECT_EQ(*store_->GetState(a->id), DocState::kIndexed);
  EXPECT_THAT(*store_->DueIds(kNow + 10000, 10), ElementsAre(b->id));
}

TEST_P(DocumentStoreTest, StaleGenerationIsIgnored) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  ASSERT_TRUE(a.ok());
  auto queued = store_->RequeueIds({a->id}, kNow);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(store_->Get(a->id)->generation, 1);
  auto stale = store_->MarkAnnotated(a->id, 0, "old", kNow, "");
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  EXPECT_EQ(*store_->GetState(a->id), DocState::kReceived);
  EXPECT_TRUE(*store_->MarkAnnotated(a->id, 1, "new", kNow, ""));
}

TEST_P(DocumentStoreTest, Requeue) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  auto b = store_->Insert(Doc("Beta text."), kNow);
  auto c = store_->Insert(Doc("Gamma text."), kNow);
  ASSERT_TRUE(*store_->MarkAnnotated(a->id, 0, "blob", kNow, ""));
  ASSERT_TRUE(*store_->MarkIndexed(a->id, 0, kNow, ""));
  ASSERT_TRUE(*store_->MarkFailed(b->id, 0, "annotate: no", kNow, ""));

  auto unknown = store_->RequeueIds({a->id, "d-missing"}, kNow);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("\"d-missing\""));
  EXPECT_EQ(*store_->GetState(a->id), DocState::kIndexed);  // nothing queued

  auto by_state = store_->RequeueState(DocState::kFailed, kNow);
  ASSERT_TRUE(by_state.ok());
  EXPECT_EQ(*by_state, 1);
  auto got_b = store_->Get(b->id);
  EXPECT_EQ(got_b->state, DocState::kReceived);
  EXPECT_EQ(got_b->error, "");
  EXPECT_EQ(got_b->attempts, 0);

  auto all = store_->RequeueAll(kNow + 1);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 3);
  auto got_a = store_->Get(a->id);
  EXPECT_EQ(got_a->state, DocState::kReceived);
  EXPECT_TRUE(got_a->annotations.empty());
  (void)c;
}

TEST_P(DocumentStoreTest, ClaimsAreExclusiveAcrossStoresAndThreads) {
  std::vector<NewDocument> docs;
  for (int i = 0; i < 120; ++i) docs.push_back(Doc(absl::StrCat("Claimable article number ", i, ".")));
  auto inserted = store_->InsertBatch(docs, kNow);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  std::set<std::string> ids;
  for (const InsertResult& r : *inserted) ids.insert(r.id);
  ASSERT_EQ(ids.size(), 120u);

  // Two stores (two replicas), four threads on each, claiming 1 to 3 at a time.
  std::unique_ptr<DocumentStore> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  DocumentStore* stores[] = {store_.get(), other.get()};
  constexpr int kThreads = 8;
  std::vector<std::vector<std::string>> claimed(kThreads);
  std::vector<absl::Status> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string owner = absl::StrCat("owner-", t);
      while (true) {
        auto batch = stores[t % 2]->ClaimDue(owner, kNow, 60000, 1 + t % 3);
        if (!batch.ok()) {
          errors[t] = batch.status();
          return;
        }
        if (batch->empty()) return;
        for (const ClaimedDocument& claim : *batch) {
          claimed[t].push_back(claim.document.id);
          EXPECT_EQ(claim.document.lease_owner, owner);
          EXPECT_EQ(claim.taken_from, "");
          EXPECT_FALSE(claim.document.body.empty());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::multiset<std::string> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_TRUE(errors[t].ok()) << errors[t];
    all.insert(claimed[t].begin(), claimed[t].end());
    for (const std::string& id : claimed[t]) {
      auto got = store_->Get(id);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(got->lease_owner, absl::StrCat("owner-", t));
      EXPECT_EQ(got->lease_until_ms, kNow + 60000);
    }
  }
  EXPECT_EQ(all.size(), 120u);  // nobody got a document twice
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), ids);
  // Nothing is claimable until the leases run out.
  EXPECT_TRUE(store_->ClaimDue("late", kNow + 59999, 1000, 200)->empty());
  EXPECT_EQ(other->ClaimDue("late", kNow + 60000, 1000, 200)->size(), 120u);
}

TEST_P(DocumentStoreTest, OnlyALiveClaimOfTheSameGenerationIsRenewed) {
  std::unique_ptr<DocumentStore> other = OpenAnother();  // another replica
  ASSERT_NE(other, nullptr);
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(store_->ClaimDue("replica-a", kNow, 1000, 10)->size(), 1u);
  // Live, same owner and generation: extended, so it outlives the first lease.
  EXPECT_TRUE(*store_->RenewClaim(a->id, 0, "replica-a", kNow + 900, kNow + 1900));
  EXPECT_TRUE(other->ClaimDue("replica-b", kNow + 1500, 1000, 10)->empty());
  // Another owner, a stale generation, or a claim that ran out: no.
  EXPECT_FALSE(*other->RenewClaim(a->id, 0, "replica-b", kNow + 1500, kNow + 2500));
  EXPECT_FALSE(*store_->RenewClaim(a->id, 1, "replica-a", kNow + 1500, kNow + 2500));
  EXPECT_FALSE(*store_->RenewClaim(a->id, 0, "replica-a", kNow + 1900, kNow + 2900));
  // Once taken over, the old owner cannot renew.
  ASSERT_EQ(other->ClaimDue("replica-b", kNow + 1900, 1000, 10)->size(), 1u);
  EXPECT_FALSE(*store_->RenewClaim(a->id, 0, "replica-a", kNow + 1950, kNow + 2950));
  EXPECT_TRUE(*other->RenewClaim(a->id, 0, "replica-b", kNow + 1950, kNow + 2950));
}

TEST_P(DocumentStoreTest, ExpiredClaimIsReclaimableLiveOneIsNot) {
  std::unique_ptr<DocumentStore> other = OpenAnother();  // another replica
  ASSERT_NE(other, nullptr);
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  auto b = store_->Insert(Doc("Beta text."), kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(*store_->MarkRetry(b->id, 0, kNow + 5000, "annotate: down", kNow, ""));  // not due yet

  auto first = store_->ClaimDue("replica-a", kNow, 1000, 10);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].document.id, a->id);
  EXPECT_EQ((*first)[0].document.body, "Alpha text.");
  EXPECT_EQ((*first)[0].document.generation, 0);
  EXPECT_EQ((*first)[0].taken_from, "");
  EXPECT_EQ(**store_->EarliestDue(), kNow + 1000);  // when the claim runs out

  // Live: nobody else gets it. Expired: the next claimant does, and learns
  // whose claim it replaces.
  EXPECT_TRUE(other->ClaimDue("replica-b", kNow + 999, 1000, 10)->empty());
  auto second = other->ClaimDue("replica-b", kNow + 1000, 1000, 10);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].document.id, a->id);
  EXPECT_EQ((*second)[0].taken_from, "replica-a");
  EXPECT_EQ((*second)[0].document.lease_owner, "replica-b");

  // The first owner's late results change nothing; the new owner's do.
  EXPECT_FALSE(*store_->MarkAnnotated(a->id, 0, "late", kNow + 1001, "replica-a"));
  EXPECT_FALSE(*store_->Release(a->id, "replica-a"));
  EXPECT_TRUE(*other->MarkAnnotated(a->id, 0, "fresh", kNow + 1001, "replica-b"));
  // Annotated keeps the claim: its owner goes on to index.
  EXPECT_EQ(*store_->GetState(a->id), DocState::kAnnotated);
  EXPECT_TRUE(store_->ClaimDue("replica-c", kNow + 1500, 1000, 10)->empty());
  EXPECT_FALSE(*store_->MarkIndexed(a->id, 0, kNow + 1600, "replica-a"));
  EXPECT_TRUE(*other->MarkIndexed(a->id, 0, kNow + 1600, "replica-b"));
  auto got = store_->Get(a->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, DocState::kIndexed);
  EXPECT_EQ(got->annotations, "fresh");
  EXPECT_EQ(got->lease_owner, "");
  EXPECT_EQ(got->lease_until_ms, 0);

  // b is claimable once its retry is due.
  EXPECT_TRUE(store_->ClaimDue("replica-c", kNow + 4999, 1000, 10)->empty());
  auto third = store_->ClaimDue("replica-c", kNow + 5000, 1000, 10);
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ((*third)[0].document.id, b->id);
  EXPECT_EQ((*third)[0].taken_from, "");

  EXPECT_EQ(store_->ClaimDue("", kNow, 1000, 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(DocumentStoreTest, RequeueKeepsTheClaimUntilTheStaleRunReleasesIt) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(store_->ClaimDue("w1", kNow, 60000, 10)->size(), 1u);
  ASSERT_EQ(*store_->RequeueIds({a->id}, kNow), 1);

  // Every Mark* of the old generation is ignored, even by the claim's owner.
  EXPECT_FALSE(*store_->MarkAnnotated(a->id, 0, "old", kNow, "w1"));
  EXPECT_FALSE(*store_->MarkIndexed(a->id, 0, kNow, "w1"));
  EXPECT_FALSE(*store_->MarkRetry(a->id, 0, kNow + 10, "old", kNow, "w1"));
  EXPECT_FALSE(*store_->MarkFailed(a->id, 0, "old", kNow, "w1"));
  auto got = store_->Get(a->id);
  EXPECT_EQ(got->state, DocState::kReceived);
  EXPECT_EQ(got->generation, 1);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_TRUE(got->annotations.empty());
  EXPECT_EQ(got->lease_owner, "w1");

  // The old run still holds it, so two runs never overlap; releasing hands
  // the new generation to the next claimant.
  EXPECT_TRUE(store_->ClaimDue("w2", kNow, 60000, 10)->empty());
  EXPECT_FALSE(*store_->Release(a->id, "w2"));
  EXPECT_TRUE(*store_->Release(a->id, "w1"));
  EXPECT_FALSE(*store_->Release(a->id, "w1"));
  auto next = store_->ClaimDue("w2", kNow, 60000, 10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].document.generation, 1);

  // A retry ends the claim; the document is due again at the retry time.
  EXPECT_TRUE(*store_->MarkRetry(a->id, 1, kNow + 100, "annotate: down", kNow, "w2"));
  got = store_->Get(a->id);
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->lease_owner, "");
  EXPECT_TRUE(store_->ClaimDue("w3", kNow + 99, 60000, 10)->empty());
  EXPECT_EQ(store_->ClaimDue("w3", kNow + 100, 60000, 10)->size(), 1u);
  EXPECT_TRUE(*store_->MarkFailed(a->id, 1, "annotate: bad", kNow + 100, "w3"));
  EXPECT_EQ(store_->Get(a->id)->lease_owner, "");
}

TEST_P(DocumentStoreTest, ConcurrentDuplicateInsertsFromTwoStores) {
  std::unique_ptr<DocumentStore> other = OpenAnother();
  ASSERT_NE(other, nullptr);
  DocumentStore* stores[] = {store_.get(), other.get()};
  constexpr int kItems = 12;
  constexpr int kThreads = 6;
  // Every thread stores the same kItems texts (in another order and case)
  // and kItems feed items with the same external ids but texts of its own.
  std::vector<std::vector<std::pair<std::string, InsertResult>>> results(kThreads);
  std::vector<absl::Status> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<int> order(kItems);
      for (int i = 0; i < kItems; ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), std::mt19937(t));
      for (int i : order) {
        const std::string text = absl::StrCat("Concurrent article number ", i, " about the summit.");
        std::vector<NewDocument> docs = {
            Doc(t % 2 == 0 ? text : absl::AsciiStrToUpper(text)),
            Doc(absl::StrCat("Thread ", t, " wrote feed item ", i, "."), absl::StrCat("feed-", i))};
        std::vector<InsertResult> stored;
        if (t % 3 == 0) {  // some threads store in batches
          auto batch = stores[t % 2]->InsertBatch(docs, kNow);
          if (!batch.ok()) {
            errors[t] = batch.status();
            return;
          }
          stored = *std::move(batch);
        } else {
          for (const NewDocument& doc : docs) {
            auto one = stores[t % 2]->Insert(doc, kNow);
            if (!one.ok()) {
              errors[t] = one.status();
              return;
            }
            stored.push_back(*std::move(one));
          }
        }
        results[t].emplace_back(absl::StrCat("text-", i), stored[0]);
        results[t].emplace_back(absl::StrCat("feed-", i), stored[1]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<std::string, std::set<std::string>> ids_by_key;
  std::map<std::string, int> stored_by_key;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(errors[t].ok()) << errors[t];
    for (const auto& [key, result] : results[t]) {
      ids_by_key[key].insert(result.id);
      EXPECT_EQ(result.document.id, result.id);
      if (!result.duplicate) ++stored_by_key[key];
    }
  }
  ASSERT_EQ(ids_by_key.size(), 2u * kItems);
  for (const auto& [key, ids] : ids_by_key) {
    EXPECT_EQ(ids.size(), 1u) << key;           // everyone got the same document
    EXPECT_EQ(stored_by_key[key], 1) << key;   // and exactly one stored it
  }
  EXPECT_EQ((*store_->CountByState())[DocState::kReceived], 2 * kItems);
}

// The versions recorded in schema_migrations for "ingest".
std::vector<int> AppliedVersions(const TestStoreLocation& location) {
  std::vector<int> versions;
  if (!location.db().empty()) {
    auto pool = pg::Pool::Open(location.db(), 1);
    EXPECT_TRUE(pool.ok()) << pool.status();
    if (!pool.ok()) return versions;
    auto read = (*pool)->Transact("reading", [&](pqxx::work& txn) -> absl::Status {
      for (const auto& row :
           txn.exec("SELECT version FROM schema_migrations WHERE component = 'ingest' ORDER BY version")) {
        versions.push_back(row[0].as<int>());
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return versions;
  }
  auto db = sqlite::Db::Open((location.dir() / "ingest.db").string());
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return versions;
  auto stmt = (*db)->Prepare("SELECT version FROM schema_migrations WHERE component = 'ingest' ORDER BY version");
  EXPECT_TRUE(stmt.ok());
  while (stmt.ok() && *stmt->Step()) versions.push_back(static_cast<int>(stmt->Int(0)));
  return versions;
}

TEST_P(DocumentStoreTest, MigrationsApplyOnceAndReRunsAreNoOps) {
  auto a = store_->Insert(Doc("Survives every restart."), kNow);
  ASSERT_TRUE(a.ok());
  // Replicas starting together, then a restart.
  std::vector<std::thread> replicas;
  std::vector<absl::Status> opened(3);
  for (int i = 0; i < 3; ++i) {
    replicas.emplace_back([&, i] { opened[i] = location_->Open(2).status(); });
  }
  for (std::thread& replica : replicas) replica.join();
  for (const absl::Status& status : opened) EXPECT_TRUE(status.ok()) << status;
  Reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->Get(a->id)->body, "Survives every restart.");

  std::vector<int> expected;
  for (const Migration& m : GetParam() == Backend::kPostgres ? PgDocumentStore::Migrations()
                                                             : SqliteDocumentStore::Migrations()) {
    expected.push_back(m.version);
  }
  EXPECT_EQ(AppliedVersions(*location_), expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentStoreTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

TEST(SqliteDocumentStoreTest, DatabaseFromBeforeMigrationsAdoptsThem) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / absl::StrCat("ingest_premigration_", getpid(), ".db");
  std::filesystem::remove(path);
  {
    // What the last release left: the schema of migration 1 and PRAGMA
    // user_version, without schema_migrations.
    auto db = sqlite::Db::Open(path.string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(SqliteDocumentStore::Migrations()[0].sql).ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 1").ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO documents (id, body_hash, raw_body, body, state, received_time, updated_at) "
                           "VALUES ('d-old', 'h', 'Old text.', 'Old text.', 1, '2001-09-09T01:46:40.000Z', 0)")
                    .ok());
  }
  auto store = SqliteDocumentStore::Open(path.string());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get("d-old")->body, "Old text.");
  auto claimed = (*store)->ClaimDue("me", kNow, 1000, 10);  // the columns of migration 2 are there
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].document.id, "d-old");
  store->reset();
  std::filesystem::remove(path);
}

TEST(SqliteDocumentStoreTest, OpeningVoidsTheClaimsOfAnEarlierProcess) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / absl::StrCat("ingest_claims_", getpid(), ".db");
  std::filesystem::remove(path);
  auto store = SqliteDocumentStore::Open(path.string());
  ASSERT_TRUE(store.ok());
  auto a = (*store)->Insert(Doc("Claimed when the process died."), kNow);
  ASSERT_EQ((*store)->ClaimDue("dead-process", kNow, 60000, 10)->size(), 1u);
  store->reset();
  store = SqliteDocumentStore::Open(path.string());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Get(a->id)->lease_owner, "");
  EXPECT_EQ((*store)->ClaimDue("restarted", kNow, 60000, 10)->size(), 1u);
  store->reset();
  std::filesystem::remove(path);
}

TEST(OpenDocumentStoreTest, BadDbValues) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("ingest_bad_db_", getpid())).string();
  for (const std::string db : {"mysql://u:pw@h/db", "sqlite:///tmp/x.db", "/tmp/ingest.db", "postgresql:/db"}) {
    auto store = OpenDocumentStore(db, dir, 2);
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << db;
    EXPECT_THAT(std::string(store.status().message()), HasSubstr("--db must be empty (SQLite in --data_dir) or a "
                                                                 "PostgreSQL URL"))
        << db;
  }
  EXPECT_THAT(std::string(OpenDocumentStore("mysql://u:pw@h/db", dir, 2).status().message()),
              ::testing::Not(HasSubstr("pw")));
  auto down = OpenDocumentStore("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2", dir, 2);
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(down.status().message()), HasSubstr("nobody:***@127.0.0.1"));
  EXPECT_THAT(std::string(down.status().message()), ::testing::Not(HasSubstr("secret")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dossier::ingest
