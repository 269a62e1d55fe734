#include "services/ingest/document_store.h"

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/text.h"

namespace dossier::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

class DocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("ingest_store_test_", ::testing::UnitTest::GetInstance()->random_seed(), "_",
                        reinterpret_cast<uintptr_t>(this));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto store = DocumentStore::Open((dir_ / "ingest.db").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  std::filesystem::path dir_;
  std::unique_ptr<DocumentStore> store_;
};

TEST_F(DocumentStoreTest, InsertAndGet) {
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

TEST_F(DocumentStoreTest, DuplicatesByNormalizedBodyAndExternalId) {
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

TEST_F(DocumentStoreTest, BatchDetectsDuplicatesWithinTheBatch) {
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

TEST_F(DocumentStoreTest, InsertIsDurableAcrossReopen) {
  auto r = store_->Insert(Doc("Durable text."), kNow);
  ASSERT_TRUE(r.ok());
  Reopen();
  auto got = store_->Get(r->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "Durable text.");
}

TEST_F(DocumentStoreTest, ListNewestFirstWithCursorAndFilter) {
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
  ASSERT_TRUE(store_->MarkFailed(ids[1], g->generation, "annotate: bad", kNow).ok());
  auto failed = store_->List(DocState::kFailed, 0, 10);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->total, 1);
  ASSERT_EQ(failed->documents.size(), 1u);
  EXPECT_EQ(failed->documents[0].id, ids[1]);
  EXPECT_EQ(failed->documents[0].error, "annotate: bad");
}

TEST_F(DocumentStoreTest, StateTransitionsAndDueWork) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  auto b = store_->Insert(Doc("Beta text."), kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  auto due = store_->DueIds(kNow, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, ElementsAre(a->id, b->id));

  // Retry pushes a into the future.
  auto retried = store_->MarkRetry(a->id, 0, kNow + 5000, "annotate: unavailable", kNow);
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

  auto annotated = store_->MarkAnnotated(a->id, 0, "blob", kNow);
  ASSERT_TRUE(annotated.ok() && *annotated);
  auto got = store_->Get(a->id);
  EXPECT_EQ(got->state, DocState::kAnnotated);
  EXPECT_EQ(got->annotations, "blob");
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->error, "");
  ASSERT_TRUE(*store_->MarkIndexed(a->id, 0, kNow));
  EXPECT_EQ(*store_->GetState(a->id), DocState::kIndexed);
  EXPECT_THAT(*store_->DueIds(kNow + 10000, 10), ElementsAre(b->id));
}

TEST_F(DocumentStoreTest, StaleGenerationIsIgnored) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  ASSERT_TRUE(a.ok());
  auto queued = store_->RequeueIds({a->id}, kNow);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(store_->Get(a->id)->generation, 1);
  auto stale = store_->MarkAnnotated(a->id, 0, "old", kNow);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  EXPECT_EQ(*store_->GetState(a->id), DocState::kReceived);
  EXPECT_TRUE(*store_->MarkAnnotated(a->id, 1, "new", kNow));
}

TEST_F(DocumentStoreTest, Requeue) {
  auto a = store_->Insert(Doc("Alpha text."), kNow);
  auto b = store_->Insert(Doc("Beta text."), kNow);
  auto c = store_->Insert(Doc("Gamma text."), kNow);
  ASSERT_TRUE(*store_->MarkAnnotated(a->id, 0, "blob", kNow));
  ASSERT_TRUE(*store_->MarkIndexed(a->id, 0, kNow));
  ASSERT_TRUE(*store_->MarkFailed(b->id, 0, "annotate: no", kNow));

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

}  // namespace
}  // namespace dossier::ingest
