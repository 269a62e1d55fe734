#include "services/query/index_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/pg_testing.h"
#include "libs/common/postgres.h"
#include "libs/common/sqlite.h"
#include "pqxx/pqxx"
#include "services/query/test_documents.h"

namespace dossier::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::dossier::query::testing;  // NOLINT: fixtures

std::vector<std::string> Ids(const SearchPage& page) {
  std::vector<std::string> ids;
  for (const SearchHit& hit : page.hits) ids.push_back(hit.document_id);
  return ids;
}

SearchPage SearchIn(IndexStore* store, const SearchQuery& query) {
  auto page = store->Search(query);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? *page : SearchPage{};
}

// Rows of a table of the store at `location` (PostgreSQL tables are
// prefixed query_).
int64_t CountRows(Backend backend, const std::string& location, const std::string& table) {
  if (backend == Backend::kSqlite) {
    auto db = sqlite::Db::Open(location, false);
    EXPECT_TRUE(db.ok());
    auto stmt = (*db)->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(*stmt->Step());
    return stmt->Int(0);
  }
  pqxx::connection conn(location);
  pqxx::nontransaction txn(conn);
  return txn.exec1("SELECT COUNT(*) FROM " + (table == "schema_migrations" ? table : "query_" + table))[0]
      .as<int64_t>();
}

std::vector<std::string> Ids(const std::vector<RelatedEntity>& related) {
  std::vector<std::string> ids;
  for (const RelatedEntity& r : related) ids.push_back(r.entity_id);
  return ids;
}

class IndexStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES(GetParam());
    location_ = FreshLocation(GetParam());
    auto store = OpenStoreAt(GetParam(), location_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    for (const Document& doc : Corpus()) {
      auto result = store_->Index(doc);
      ASSERT_TRUE(result.ok()) << doc.id() << ": " << result.status();
      EXPECT_TRUE(result->created);
    }
  }

  SearchPage MustSearch(const SearchQuery& query) { return SearchIn(store_.get(), query); }

  SearchPage SearchText(const std::string& text) {
    SearchQuery query;
    query.text = text;
    return MustSearch(query);
  }

  // Row count of a table, read through a connection of our own.
  int64_t Rows(const std::string& table) { return CountRows(GetParam(), location_, table); }

  std::string location_;
  std::unique_ptr<IndexStore> store_;
};

// A parameterized test that opens its own stores.
class IndexStoreBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { SKIP_WITHOUT_POSTGRES(GetParam()); }
};

// ---- Search ----

TEST_P(IndexStoreTest, SearchFindsWordsWithSnippets) {
  SearchPage page = SearchText("terrorism");
  EXPECT_EQ(page.total_size, 2);
  ASSERT_EQ(page.hits.size(), 2u);
  // The title of d-call also says terrorism.
  EXPECT_EQ(page.hits[0].document_id, "d-call");
  EXPECT_EQ(page.hits[1].document_id, "d-summit");
  EXPECT_GT(page.hits[0].score, page.hits[1].score);
  EXPECT_GT(page.hits[1].score, 0);
  EXPECT_THAT(page.hits[0].snippet, HasSubstr("[terrorism]"));
  EXPECT_THAT(page.hits[1].snippet, HasSubstr("combating [terrorism]"));
  EXPECT_EQ(page.hits[0].title, "Jiang and Putin discuss terrorism by phone");
  EXPECT_EQ(page.hits[0].source, "People's Daily");
  EXPECT_EQ(page.hits[0].published, (PartialDate{2001, 9, 19}));
  EXPECT_TRUE(page.next_page_token.empty());
}

// Snippets look alike on both backends: matches in [ ], … where the
// passage cuts the body.
TEST_P(IndexStoreTest, SnippetsMarkMatchesAndCuts) {
  SearchPage page = SearchText("terrorism");
  ASSERT_EQ(page.hits.size(), 2u);
  const std::string& call = page.hits[0].snippet;
  EXPECT_THAT(call, HasSubstr("against [terrorism] and the role"));
  EXPECT_EQ(call.rfind("…", 0), 0u) << call;  // the passage starts mid-body
  EXPECT_EQ(call.substr(call.size() - 3), "…") << call;
  // A short body fits whole: no ellipsis.
  page = SearchText("phone");
  ASSERT_EQ(page.hits.size(), 2u);
  const std::string& phones = page.hits[1].snippet;
  EXPECT_EQ(phones.rfind("Mobile [phone] networks grew quickly last year. A [phone] call", 0), 0u) << phones;
  EXPECT_THAT(phones, ::testing::Not(HasSubstr("…")));
  // Diacritics fold for matching; the snippet keeps the text as written.
  page = SearchText("zurich cafe");
  ASSERT_EQ(page.hits.size(), 1u);
  EXPECT_THAT(page.hits[0].snippet, HasSubstr("[Café] owners in [Zürich]"));
}

TEST_P(IndexStoreTest, TitleMatchesRankHigher) {
  // d-phones says "phone" twice in a short body; d-call once, but in its title.
  SearchPage page = SearchText("phone");
  EXPECT_THAT(Ids(page), ElementsAre("d-call", "d-phones"));
}

TEST_P(IndexStoreTest, SearchPhrasesOrNotPrefixAndDiacritics) {
  EXPECT_THAT(Ids(SearchText("\"phone conversation\"")), ElementsAre("d-call"));
  EXPECT_TRUE(SearchText("\"conversation phone\"").hits.empty());
  EXPECT_THAT(Ids(SearchText("summit OR agenda")), ElementsAre("d-summit"));
  SearchPage either = SearchText("moscow OR summit");
  EXPECT_EQ(either.total_size, 2);
  EXPECT_THAT(Ids(either), ::testing::UnorderedElementsAre("d-treaty", "d-summit"));
  EXPECT_THAT(Ids(SearchText("terrorism -convention")), ElementsAre("d-call"));
  EXPECT_EQ(SearchText("terror*").total_size, 2);
  EXPECT_THAT(Ids(SearchText("cafe zurich")), ElementsAre("d-cafe"));
  EXPECT_THAT(Ids(SearchText("CAFÉ ZÜRICH")), ElementsAre("d-cafe"));
  EXPECT_TRUE(SearchText("nonexistentword").hits.empty());
}

TEST_P(IndexStoreTest, EntityFilterWithoutTextListsNewestFirst) {
  SearchQuery query;
  query.entity_ids = {kJiang, kSco};
  SearchPage page = MustSearch(query);
  EXPECT_THAT(Ids(page), ElementsAre("d-call", "d-summit"));
  EXPECT_EQ(page.total_size, 2);
  EXPECT_EQ(page.hits[0].score, 0);
  // Without text the snippet is the beginning of the body.
  EXPECT_EQ(
      page.hits[0].snippet,
      "On the evening of 18th September, President Jiang had a phone conversation with Russian President "
      "Putin. The two leaders discussed the fight against terrorism…");
}

TEST_P(IndexStoreTest, EntityFilterCombinesWithText) {
  SearchQuery query;
  query.text = "treaty";
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty", "d-summit"));
  query.entity_ids = {kMoscow};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty"));
  query.entity_ids = {"person:nobody"};
  EXPECT_EQ(MustSearch(query).total_size, 0);
}

TEST_P(IndexStoreTest, EntityTypeFilter) {
  SearchQuery query;
  query.entity_types = {kOrg};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-call", "d-summit"));
  query.entity_types = {common::v1::ENTITY_TYPE_DATE, kPerson};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-call", "d-treaty", "d-summit"));
  query.entity_types = {kPerson};
  query.text = "protest*";
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-cafe"));
}

TEST_P(IndexStoreTest, DateFilterFillsMissingParts) {
  SearchQuery query;
  query.date_from = {2001, 7, 0};
  query.date_to = {2001, 7, 0};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty"));
  query.date_from = {2001, 6, 1};
  query.date_to = {2001, 8, 31};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty", "d-summit"));
  // d-treaty (July 2001, day unknown) may fall on July 20.
  query.date_from = {2001, 7, 20};
  query.date_to = {};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-phones", "d-call", "d-treaty"));
  query.date_from = {2002, 0, 0};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-phones"));
  query.date_from = {};
  query.date_to = {2001, 0, 0};
  query.text = "putin";
  // d-cafe (no date) never matches a date filter.
  EXPECT_THAT(Ids(MustSearch(query)), ::testing::UnorderedElementsAre("d-call", "d-summit", "d-treaty"));
}

TEST_P(IndexStoreTest, SearchRejectsBadRequests) {
  const auto code = [&](SearchQuery q) { return store_->Search(q).status().code(); };
  EXPECT_EQ(code({}), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(store_->Search({}).status().message()), HasSubstr("nothing to search for"));
  SearchQuery q;
  q.text = "-terrorism";
  q.entity_ids = {kJiang};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q = {};
  q.text = "\"open";
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q = {};
  q.text = "putin";
  q.date_from = {2002, 0, 0};
  q.date_to = {2001, 0, 0};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q.date_from = {2001, 13, 0};
  q.date_to = {};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q = {};
  q.entity_ids = {""};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q = {};
  q.entity_types = {common::v1::ENTITY_TYPE_UNSPECIFIED};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q.entity_types = {static_cast<EntityType>(42)};
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q = {};
  q.text = "putin";
  q.page_size = -1;
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
  q.page_size = 0;
  q.page_token = "garbage";
  EXPECT_EQ(code(q), absl::StatusCode::kInvalidArgument);
}

TEST_P(IndexStoreTest, SearchPaginates) {
  SearchQuery query;
  query.entity_ids = {kJiang};
  query.page_size = 2;
  SearchPage first = MustSearch(query);
  EXPECT_EQ(first.total_size, 4);
  EXPECT_THAT(Ids(first), ElementsAre("d-call", "d-treaty"));
  ASSERT_FALSE(first.next_page_token.empty());
  query.page_token = first.next_page_token;
  SearchPage second = MustSearch(query);
  EXPECT_EQ(second.total_size, 4);
  EXPECT_THAT(Ids(second), ElementsAre("d-summit", "d-cafe"));  // no date last
  EXPECT_TRUE(second.next_page_token.empty());
  // The token belongs to these filters.
  query.entity_ids = {kPutin};
  EXPECT_EQ(store_->Search(query).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Profiles and related entities ----

TEST_P(IndexStoreTest, ProfileCountsAliasesAndDates) {
  auto profile = store_->GetEntityProfile(kJiang, 0);
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->entity_id, kJiang);
  EXPECT_EQ(profile->name, "Jiang Zemin");
  EXPECT_EQ(profile->type, kPerson);
  EXPECT_EQ(profile->mention_count, 7);
  EXPECT_EQ(profile->document_count, 4);
  EXPECT_THAT(profile->aliases, ElementsAre("Jiang", "Jiang Zemin"));
  EXPECT_EQ(profile->first_seen, (PartialDate{2001, 6, 15}));
  EXPECT_EQ(profile->last_seen, (PartialDate{2001, 9, 19}));
  EXPECT_THAT(Ids(profile->related),
              ElementsAre(kPutin, kRussia, kChina, kSco, kMoscow, kUnsc, kShanghai, kZurich));
  EXPECT_EQ(profile->related[0].document_count, 4);
  EXPECT_EQ(profile->related[0].sentence_count, 5);
  EXPECT_EQ(profile->related[0].name, "Vladimir Putin");
  EXPECT_EQ(profile->related[0].type, kPerson);
  EXPECT_EQ(profile->related[1].document_count, 2);
  EXPECT_EQ(profile->related[1].sentence_count, 2);
  EXPECT_EQ(profile->related[2].sentence_count, 1);

  auto limited = store_->GetEntityProfile(kJiang, 2);
  ASSERT_TRUE(limited.ok());
  EXPECT_THAT(Ids(limited->related), ElementsAre(kPutin, kRussia));

  auto zurich = store_->GetEntityProfile(kZurich, 0);
  ASSERT_TRUE(zurich.ok());
  EXPECT_EQ(zurich->name, "Zürich");
  EXPECT_TRUE(zurich->first_seen.empty());  // its only document has no date
  EXPECT_TRUE(zurich->last_seen.empty());
}

TEST_P(IndexStoreTest, ProfileErrors) {
  auto missing = store_->GetEntityProfile("person:jiang-zemn", 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("no indexed document mentions entity person:jiang-zemn"));
  EXPECT_EQ(store_->GetEntityProfile("", 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetEntityProfile(kJiang, -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(IndexStoreTest, RelatedFiltersByTypeAndPaginates) {
  RelatedQuery query;
  query.entity_id = kJiang;
  query.type = kLocation;
  query.page_size = 2;
  auto first = store_->Related(query);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Ids(first->related), ElementsAre(kRussia, kChina));
  ASSERT_FALSE(first->next_page_token.empty());
  query.page_token = first->next_page_token;
  auto second = store_->Related(query);
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(Ids(second->related), ElementsAre(kMoscow, kShanghai));
  query.page_token = second->next_page_token;
  auto third = store_->Related(query);
  ASSERT_TRUE(third.ok());
  EXPECT_THAT(Ids(third->related), ElementsAre(kZurich));
  EXPECT_TRUE(third->next_page_token.empty());

  RelatedQuery all;
  all.entity_id = kPutin;
  auto putin = store_->Related(all);
  ASSERT_TRUE(putin.ok());
  ASSERT_FALSE(putin->related.empty());
  EXPECT_EQ(putin->related[0].entity_id, kJiang);
  EXPECT_TRUE(putin->next_page_token.empty());

  all.entity_id = "org:nothing";
  EXPECT_EQ(store_->Related(all).status().code(), absl::StatusCode::kNotFound);
  all.entity_id = kJiang;
  all.type = common::v1::ENTITY_TYPE_DATE;
  EXPECT_EQ(store_->Related(all).status().code(), absl::StatusCode::kInvalidArgument);
  all.type = kLocation;
  all.page_token = first->next_page_token.substr(1);
  EXPECT_EQ(store_->Related(all).status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Timeline ----

std::vector<std::string> Describe(const std::vector<TimelineItem>& items) {
  std::vector<std::string> out;
  for (const TimelineItem& item : items) {
    out.push_back(FormatDate(item.date) + (item.date_from_text ? " text " : " pub ") + item.document_id);
  }
  return out;
}

TEST_P(IndexStoreTest, TimelineOrdersSentencesMentioningAllEntities) {
  TimelineQuery query;
  query.entity_ids = {kJiang, kPutin};
  auto page = store_->Timeline(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Describe(page->items), ElementsAre("2001-06-15 pub d-summit", "2001-07-16 text d-treaty",
                                                 "2001-09-18 text d-call", "2001-09-19 pub d-call"));
  EXPECT_THAT(Describe(page->undated), ElementsAre(" pub d-cafe"));
  EXPECT_EQ(page->items[2].text,
            "On the evening of 18th September, President Jiang had a phone conversation with Russian "
            "President Putin.");
  EXPECT_EQ(page->items[2].title, "Jiang and Putin discuss terrorism by phone");
  EXPECT_EQ(page->items[3].text, "Putin thanked Jiang for his condolences.");
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_P(IndexStoreTest, TimelineYearlessTextDateIsUndated) {
  TimelineQuery query;
  query.entity_ids = {kJiang};
  auto page = store_->Timeline(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Describe(page->undated), ElementsAre("XXXX-09-17 text d-treaty", " pub d-cafe"));
  EXPECT_EQ(page->items.size(), 5u);  // call: 3 sentences; summit 1; treaty 1 dated (+1 undated)
  // Without a year, the text's date still wins over the publication date.
  EXPECT_EQ(page->undated[0].text,
            "The treaty was first discussed on 17 September, officials said, as Jiang recalled.");
}

TEST_P(IndexStoreTest, TimelineDateFilterAndPagination) {
  TimelineQuery query;
  query.entity_ids = {kPutin, kJiang, kPutin};  // duplicates are ignored
  query.date_from = {2001, 9, 0};
  auto filtered = store_->Timeline(query);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  EXPECT_THAT(Describe(filtered->items), ElementsAre("2001-09-18 text d-call", "2001-09-19 pub d-call"));
  EXPECT_EQ(filtered->undated.size(), 1u);  // undated items are not date-filtered

  query.date_from = {};
  query.page_size = 3;
  auto first = store_->Timeline(query);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->undated.size(), 1u);
  ASSERT_FALSE(first->next_page_token.empty());
  query.page_token = first->next_page_token;
  auto second = store_->Timeline(query);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Describe(second->items), ElementsAre("2001-09-19 pub d-call"));
  EXPECT_TRUE(second->undated.empty());
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_P(IndexStoreTest, TimelineErrors) {
  TimelineQuery query;
  EXPECT_EQ(store_->Timeline(query).status().code(), absl::StatusCode::kInvalidArgument);
  for (int i = 0; i < 11; ++i) query.entity_ids.push_back("person:p" + std::to_string(i));
  EXPECT_EQ(store_->Timeline(query).status().code(), absl::StatusCode::kInvalidArgument);
  query.entity_ids = {kJiang, "person:nobody"};
  auto missing = store_->Timeline(query);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("person:nobody"));
  query.entity_ids = {kJiang};
  query.date_from = {2001, 2, 30};
  EXPECT_EQ(store_->Timeline(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(IndexStoreBackendTest, TimelineAtMostThreeItemsPerDocumentAndDate) {
  auto store = OpenStoreAt(GetParam(), FreshLocation(GetParam()));
  ASSERT_TRUE(store.ok());
  DocBuilder b("d-long", "A long article", 2001, 10, 2);
  for (int i = 0; i < 5; ++i) {
    b.Sentence("Jiang and Putin spoke again, part " + std::to_string(i) + ".")
        .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
        .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  }
  b.Sentence("Jiang met Putin on 1 October 2001.")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Date("1 October 2001", 2001, 10, 1);
  ASSERT_TRUE((*store)->Index(b.Build()).ok());
  TimelineQuery query;
  query.entity_ids = {kJiang, kPutin};
  auto capped = (*store)->Timeline(query);
  ASSERT_TRUE(capped.ok());
  ASSERT_EQ(capped->items.size(), 4u);
  EXPECT_EQ(capped->items[0].date, (PartialDate{2001, 10, 1}));
  EXPECT_EQ(capped->items[1].text, "Jiang and Putin spoke again, part 0.");
  EXPECT_EQ(capped->items[3].text, "Jiang and Putin spoke again, part 2.");
  query.max_items_per_document_date = 0;
  auto all = (*store)->Timeline(query);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 6u);
}

// ---- Index ----

TEST_P(IndexStoreTest, ReindexIsIdempotent) {
  const int64_t mentions = Rows("mentions");
  const int64_t entity_docs = Rows("entity_docs");
  const int64_t entity_sentences = Rows("entity_sentences");
  const int64_t sentences = Rows("sentences");
  const int64_t cooccurrence = Rows("cooccurrence");
  const int64_t aliases = Rows("entity_aliases");
  auto before = store_->GetEntityProfile(kJiang, 100);
  ASSERT_TRUE(before.ok());

  for (const Document& doc : Corpus()) {
    auto result = store_->Index(doc);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->created);
  }
  EXPECT_EQ(Rows("documents"), 5);
  EXPECT_EQ(Rows("mentions"), mentions);
  EXPECT_EQ(Rows("entity_docs"), entity_docs);
  EXPECT_EQ(Rows("entity_sentences"), entity_sentences);
  EXPECT_EQ(Rows("sentences"), sentences);
  EXPECT_EQ(Rows("cooccurrence"), cooccurrence);
  EXPECT_EQ(Rows("entity_aliases"), aliases);
  EXPECT_EQ(SearchText("terrorism").total_size, 2);
  auto after = store_->GetEntityProfile(kJiang, 100);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->mention_count, before->mention_count);
  EXPECT_EQ(after->document_count, before->document_count);
  EXPECT_EQ(after->aliases, before->aliases);
  ASSERT_EQ(after->related.size(), before->related.size());
  for (size_t i = 0; i < after->related.size(); ++i) {
    EXPECT_EQ(after->related[i].entity_id, before->related[i].entity_id);
    EXPECT_EQ(after->related[i].document_count, before->related[i].document_count);
    EXPECT_EQ(after->related[i].sentence_count, before->related[i].sentence_count);
  }
  auto count = store_->DocumentCount();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 5);
}

TEST_P(IndexStoreTest, ReindexReplacesEverythingDerived) {
  // A new version of d-call: no more terrorism, no more Putin.
  DocBuilder b("d-call", "Jiang speaks to the press", 2001, 9, 20, "People's Daily");
  b.Sentence("Jiang spoke about China on the radio.")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("China", kChina, kLocation, "China");
  auto result = store_->Index(b.Build());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->created);

  EXPECT_THAT(Ids(SearchText("terrorism")), ElementsAre("d-summit"));
  EXPECT_THAT(Ids(SearchText("radio")), ElementsAre("d-call"));
  auto putin = store_->GetEntityProfile(kPutin, 100);
  ASSERT_TRUE(putin.ok());
  EXPECT_EQ(putin->document_count, 3);
  EXPECT_EQ(putin->mention_count, 3);
  auto unsc = store_->GetEntityProfile(kUnsc, 0);
  EXPECT_EQ(unsc.status().code(), absl::StatusCode::kNotFound);
  auto jiang = store_->GetEntityProfile(kJiang, 100);
  ASSERT_TRUE(jiang.ok());
  EXPECT_EQ(jiang->last_seen, (PartialDate{2001, 9, 20}));
  EXPECT_EQ(jiang->related[0].entity_id, kPutin);
  EXPECT_EQ(jiang->related[0].document_count, 3);
  EXPECT_EQ(jiang->related[0].sentence_count, 3);
  // China: d-call (same sentence now) and d-treaty.
  auto china = std::find_if(jiang->related.begin(), jiang->related.end(),
                            [](const RelatedEntity& r) { return r.entity_id == kChina; });
  ASSERT_NE(china, jiang->related.end());
  EXPECT_EQ(china->document_count, 2);
  EXPECT_EQ(china->sentence_count, 1);
  for (const RelatedEntity& r : jiang->related) EXPECT_NE(r.entity_id, kUnsc);

  auto doc = store_->GetDocument("d-call");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->title(), "Jiang speaks to the press");
}

TEST_P(IndexStoreTest, CachedSearchesSeeNewDocuments) {
  EXPECT_EQ(SearchText("treaty").total_size, 2);
  EXPECT_EQ(SearchText("treaty").total_size, 2);  // the second one from the cache
  Document doc = TreatyDocument();
  doc.set_id("d-treaty-2");
  ASSERT_TRUE(store_->Index(doc).ok());
  EXPECT_EQ(SearchText("treaty").total_size, 3);
}

// Text searches with filters filter the ranked text matches in memory; they
// must list exactly the text matches the same filters alone select, in rank
// order, and see a replaced document's new date and entities.
TEST_P(IndexStoreTest, TextSearchFiltersAgreeWithFilterOnlySearches) {
  auto expected = [&](const std::string& text, SearchQuery filters) {
    std::set<std::string> allowed;
    for (const std::string& id : Ids(MustSearch(filters))) allowed.insert(id);
    std::vector<std::string> ids;
    for (const std::string& id : Ids(SearchText(text))) {
      if (allowed.count(id)) ids.push_back(id);
    }
    return ids;
  };
  auto check = [&](const std::string& text, const SearchQuery& filters) {
    SearchQuery query = filters;
    query.text = text;
    const std::vector<std::string> want = expected(text, filters);
    for (int pass = 0; pass < 2; ++pass) {  // the second one from the cache
      SearchPage page = MustSearch(query);
      EXPECT_EQ(Ids(page), want) << text << " pass " << pass;
      EXPECT_EQ(page.total_size, static_cast<int>(want.size())) << text;
      for (const SearchHit& hit : page.hits) EXPECT_GT(hit.score, 0) << text;
    }
  };
  std::vector<SearchQuery> filter_sets;
  for (const char* entity : {kJiang, kPutin, kMoscow, kSco}) {
    SearchQuery f;
    f.entity_ids = {entity};
    filter_sets.push_back(f);
    f.date_from = {2001, 7, 0};
    f.date_to = {2001, 9, 0};
    filter_sets.push_back(f);
    f.entity_types = {kOrg};
    filter_sets.push_back(f);
  }
  {
    SearchQuery f;
    f.entity_ids = {kJiang, kPutin};
    filter_sets.push_back(f);
    f.entity_ids = {};
    f.date_from = {2001, 7, 20};
    filter_sets.push_back(f);
    f.date_from = {};
    f.date_to = {2001, 0, 0};
    f.entity_types = {kPerson};
    filter_sets.push_back(f);
  }
  for (const char* text : {"putin", "treaty", "the", "jiang OR protest*"}) {
    for (const SearchQuery& f : filter_sets) check(text, f);
  }

  SearchQuery query;
  query.text = "treaty";
  query.entity_ids = {kMoscow};
  query.date_from = {2001, 7, 0};
  query.date_to = {2001, 7, 0};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty"));
  Document moved = TreatyDocument();
  moved.mutable_published()->set_year(2003);
  ASSERT_TRUE(store_->Index(moved).ok());
  EXPECT_EQ(MustSearch(query).total_size, 0);
  query.date_from = {2003, 0, 0};
  query.date_to = {2003, 0, 0};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty"));
  for (const char* text : {"putin", "treaty", "the"}) {
    for (const SearchQuery& f : filter_sets) check(text, f);
  }
}

TEST_P(IndexStoreTest, GetDocumentReturnsTheIndexedCopy) {
  auto doc = store_->GetDocument("d-call");
  ASSERT_TRUE(doc.ok()) << doc.status();
  const Document original = PhoneCallDocument();
  EXPECT_EQ(doc->body(), original.body());
  EXPECT_EQ(doc->mentions_size(), original.mentions_size());
  EXPECT_EQ(doc->state(), common::v1::DOCUMENT_STATE_INDEXED);
  EXPECT_EQ(store_->GetDocument("d-nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDocument("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateDocumentTest, RejectsBadDocuments) {
  const auto code = [](const Document& d) { return ValidateDocument(d).code(); };
  Document doc = PhoneCallDocument();
  EXPECT_TRUE(ValidateDocument(doc).ok());

  Document no_id = doc;
  no_id.clear_id();
  EXPECT_EQ(code(no_id), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ValidateDocument(no_id).message()), HasSubstr("document.id is required"));

  Document outside = doc;
  outside.mutable_mentions(1)->mutable_span()->set_end(100000);
  EXPECT_EQ(code(outside), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ValidateDocument(outside).message()), HasSubstr("document.mentions[1] span"));

  Document reversed = doc;
  reversed.mutable_sentences(0)->set_begin(50);
  reversed.mutable_sentences(0)->set_end(10);
  EXPECT_EQ(code(reversed), absl::StatusCode::kInvalidArgument);

  Document bad_type = doc;
  bad_type.mutable_mentions(0)->set_type(static_cast<EntityType>(99));
  EXPECT_EQ(code(bad_type), absl::StatusCode::kInvalidArgument);
  bad_type.mutable_mentions(0)->set_type(common::v1::ENTITY_TYPE_UNSPECIFIED);
  EXPECT_EQ(code(bad_type), absl::StatusCode::kInvalidArgument);

  Document bad_sentence = doc;
  bad_sentence.mutable_mentions(0)->set_sentence(4);
  EXPECT_EQ(code(bad_sentence), absl::StatusCode::kInvalidArgument);

  Document bad_date = doc;
  bad_date.mutable_published()->set_month(13);
  EXPECT_EQ(code(bad_date), absl::StatusCode::kInvalidArgument);
  bad_date = doc;
  bad_date.mutable_mentions(0)->mutable_date()->set_day(40);
  EXPECT_EQ(code(bad_date), absl::StatusCode::kInvalidArgument);

  Document bad_entity = doc;
  bad_entity.mutable_entities(0)->clear_id();
  EXPECT_EQ(code(bad_entity), absl::StatusCode::kInvalidArgument);

  Document bad_utf8 = doc;
  bad_utf8.set_body(doc.body() + "\xC3");
  EXPECT_EQ(code(bad_utf8), absl::StatusCode::kInvalidArgument);
}

TEST_P(IndexStoreBackendTest, ReopenRerunsMigrationsAsNoOp) {
  const std::string location = FreshLocation(GetParam());
  int64_t migrations = 0;
  {
    auto store = OpenStoreAt(GetParam(), location);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Index(SummitDocument()).ok());
    migrations = CountRows(GetParam(), location, "schema_migrations");
    EXPECT_GT(migrations, 0);
  }
  auto store = OpenStoreAt(GetParam(), location);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(CountRows(GetParam(), location, "schema_migrations"), migrations);
  EXPECT_EQ(*(*store)->DocumentCount(), 1);
  SearchQuery query;
  query.text = "summit";
  auto page = (*store)->Search(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_size, 1);
  auto result = (*store)->Index(SummitDocument());
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->created);
}

TEST(IndexStoreOpenTest, RejectsMemoryAndUnknownDbFlags) {
  EXPECT_EQ(IndexStore::Open(":memory:").status().code(), absl::StatusCode::kInvalidArgument);
  auto bad = IndexStore::OpenFromFlag("mysql://user:secret@host/db", FreshDbPath());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("postgresql://"));
  EXPECT_THAT(std::string(bad.status().message()), ::testing::Not(HasSubstr("secret")));
  auto sqlite = IndexStore::OpenFromFlag("", FreshDbPath());
  EXPECT_TRUE(sqlite.ok()) << sqlite.status();
}

// An index made before versioned migrations (schema only, user_version 1)
// adopts migration 1 and gains the later ones.
TEST(IndexStoreOpenTest, AdoptsPreMigrationSqliteIndex) {
  const std::string path = FreshDbPath();
  {
    auto store = IndexStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Index(SummitDocument()).ok());
  }
  {
    auto db = sqlite::Db::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)->Exec("DROP TABLE schema_migrations; DROP TABLE generation; PRAGMA user_version=1").ok());
  }
  auto store = IndexStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->DocumentCount(), 1);
  ASSERT_TRUE((*store)->Index(CafeDocument()).ok());
  SearchQuery query;
  query.text = "summit OR cafe";
  auto page = (*store)->Search(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_size, 2);
}

TEST_P(IndexStoreBackendTest, ReadsRunWhileIndexing) {
  auto opened = OpenStoreAt(GetParam(), FreshLocation(GetParam()), {.reader_connections = 3});
  ASSERT_TRUE(opened.ok());
  IndexStore* store = opened->get();
  ASSERT_TRUE(store->Index(SummitDocument()).ok());
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        SearchQuery query;
        query.text = "summit OR agenda";
        auto page = store->Search(query);
        if (!page.ok() || page->total_size < 1) failed = true;
        if (!store->GetEntityProfile(kSco, 5).ok()) failed = true;
      }
    });
  }
  for (int i = 0; i < 30; ++i) {
    Document doc = SummitDocument();
    doc.set_id("d-summit-" + std::to_string(i));
    ASSERT_TRUE(store->Index(doc).ok());
  }
  for (auto& thread : readers) thread.join();
  EXPECT_FALSE(failed);
  auto profile = store->GetEntityProfile(kSco, 5);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->document_count, 31);
}

// ---- Several stores on one database (query replicas) ----

// Two stores on one database, as two query replicas on one PostgreSQL (the
// same holds for two stores on one SQLite file in a process): what one
// indexes, the other finds, also where it had cached the search before.
TEST_P(IndexStoreBackendTest, ReplicasSeeEachOthersIndexCalls) {
  const std::string location = FreshLocation(GetParam());
  auto first = OpenStoreAt(GetParam(), location);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = OpenStoreAt(GetParam(), location);
  ASSERT_TRUE(second.ok()) << second.status();
  IndexStore* a = first->get();
  IndexStore* b = second->get();
  for (const Document& doc : Corpus()) ASSERT_TRUE(a->Index(doc).ok());

  SearchQuery treaty;
  treaty.text = "treaty";
  SearchQuery treaty_in_moscow = treaty;
  treaty_in_moscow.entity_ids = {kMoscow};
  treaty_in_moscow.date_from = {2001, 0, 0};
  SearchQuery about_jiang;
  about_jiang.entity_ids = {kJiang};
  for (int pass = 0; pass < 2; ++pass) {  // the second pass from b's caches
    EXPECT_THAT(Ids(SearchIn(b, treaty)), ElementsAre("d-treaty", "d-summit"));
    EXPECT_THAT(Ids(SearchIn(b, treaty_in_moscow)), ElementsAre("d-treaty"));
    EXPECT_EQ(SearchIn(b, about_jiang).total_size, 4);
  }

  Document copy = TreatyDocument();
  copy.set_id("d-treaty-2");
  auto created = a->Index(copy);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(SearchIn(b, treaty).total_size, 3);
  EXPECT_EQ(SearchIn(b, treaty_in_moscow).total_size, 2);
  EXPECT_EQ(SearchIn(b, about_jiang).total_size, 5);
  auto profile = b->GetEntityProfile(kMoscow, 0);
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->document_count, 2);

  // Replacing through b is seen by a, whose caches were warm too.
  EXPECT_EQ(SearchIn(a, treaty).total_size, 3);
  Document moved = TreatyDocument();
  moved.mutable_published()->set_year(1999);
  auto replaced = b->Index(moved);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_FALSE(replaced->created);
  EXPECT_EQ(SearchIn(a, treaty_in_moscow).total_size, 1);
  auto doc = a->GetDocument("d-treaty");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->published().year(), 1999);
}

// Ingest workers may index the same document through two replicas at once:
// every call succeeds and exactly one version is stored, with counters that
// count it once.
TEST_P(IndexStoreBackendTest, ConcurrentIndexOfOneDocumentStoresOneVersion) {
  const std::string location = FreshLocation(GetParam());
  auto first = OpenStoreAt(GetParam(), location);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = OpenStoreAt(GetParam(), location);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE((*first)->Index(SummitDocument()).ok());  // shares entities with the call

  std::atomic<int> failures{0};
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    IndexStore* store = (t % 2 == 0 ? first : second)->get();
    threads.emplace_back([&, store] {
      for (int i = 0; i < 5; ++i) {
        auto result = store->Index(PhoneCallDocument());
        if (!result.ok()) {
          ADD_FAILURE() << result.status();
          ++failures;
        } else if (result->created) {
          ++created;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(*(*second)->DocumentCount(), 2);
  EXPECT_EQ(CountRows(GetParam(), location, "documents"), 2);
  EXPECT_EQ(CountRows(GetParam(), location, "mentions"),
            PhoneCallDocument().mentions_size() + SummitDocument().mentions_size());
  auto jiang = (*second)->GetEntityProfile(kJiang, 100);
  ASSERT_TRUE(jiang.ok()) << jiang.status();
  EXPECT_EQ(jiang->document_count, 2);
  EXPECT_EQ(jiang->mention_count, 4);  // call 3, summit 1
  EXPECT_THAT(jiang->aliases, ElementsAre("Jiang", "Jiang Zemin"));
  ASSERT_FALSE(jiang->related.empty());
  EXPECT_EQ(jiang->related[0].entity_id, kPutin);
  EXPECT_EQ(jiang->related[0].document_count, 2);
  EXPECT_EQ(jiang->related[0].sentence_count, 3);  // call 2, summit 1
  SearchQuery query;
  query.text = "terrorism";
  EXPECT_THAT(Ids(SearchIn(first->get(), query)), ElementsAre("d-call", "d-summit"));
}

// Replicas starting together each run the migrations; exactly one applies
// them and the others find them done.
TEST_P(IndexStoreBackendTest, StoresOpeningTogetherMigrateOnce) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "one process per SQLite file";
  const std::string location = FreshLocation(GetParam());
  std::vector<std::unique_ptr<IndexStore>> stores(4);
  std::vector<absl::Status> statuses(stores.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < stores.size(); ++i) {
    threads.emplace_back([&, i] {
      auto store = OpenStoreAt(GetParam(), location, {.reader_connections = 1});
      statuses[i] = store.status();
      if (store.ok()) stores[i] = std::move(*store);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const absl::Status& status : statuses) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(CountRows(GetParam(), location, "schema_migrations"), 2);  // one row per migration
  ASSERT_TRUE(stores[0] != nullptr && stores[3] != nullptr);
  ASSERT_TRUE(stores[0]->Index(CafeDocument()).ok());
  SearchQuery query;
  query.text = "zurich";
  EXPECT_EQ(SearchIn(stores[3].get(), query).total_size, 1);
}

// Text that is syntax in tsquery or FTS5 is only ever searched for: every
// query gives results or INVALID_ARGUMENT, never an internal error.
TEST_P(IndexStoreTest, QuerySyntaxInUserTextIsInert) {
  const std::vector<std::string> queries = {"it's",
                                            "'",
                                            "''",
                                            "putin'",
                                            "\"putin's\"",
                                            "a:b",
                                            "putin:*",
                                            ":*",
                                            "terror*:",
                                            "a & b",
                                            "&",
                                            "putin & jiang",
                                            "a | b",
                                            "|",
                                            "putin | jiang",
                                            "!putin",
                                            "!!",
                                            "putin !jiang",
                                            "(putin)",
                                            "putin)",
                                            "(",
                                            "((putin OR (jiang",
                                            "\\",
                                            "back\\slash",
                                            "putin\\",
                                            "\\'putin",
                                            "<->",
                                            "putin <-> jiang",
                                            "putin <2> jiang",
                                            "-!putin jiang",
                                            "½",
                                            "™ putin",
                                            "putin -½",
                                            "½ -putin",
                                            "½*",
                                            "*",
                                            "\"½ ™\" putin",
                                            "NEAR(putin jiang)",
                                            "title:putin",
                                            "body:terrorism",
                                            "{putin}",
                                            "putin^2",
                                            "\"a\\\"b\"",
                                            "\"'\" putin",
                                            "putin*'",
                                            "p*",
                                            "-putin",
                                            "putin -",
                                            "the",
                                            "a",
                                            "OR",
                                            "putin OR",
                                            "\"\"",
                                            "\"unbalanced"};
  for (const std::string& text : queries) {
    SearchQuery query;
    query.text = text;
    auto page = store_->Search(query);
    if (!page.ok()) {
      EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << text << ": " << page.status();
      continue;
    }
    for (const SearchHit& hit : page->hits) EXPECT_FALSE(hit.document_id.empty()) << text;
    // With a filter too (the in-memory and in-SQL filter paths).
    query.entity_ids = {kJiang};
    auto filtered = store_->Search(query);
    EXPECT_TRUE(filtered.ok()) << text << ": " << filtered.status();
  }
  // Punctuation around a word leaves the word.
  const std::vector<std::string> putin = Ids(SearchText("putin"));
  ASSERT_EQ(putin.size(), 4u);
  for (const char* text : {"(putin)", "!putin", "putin:*", "'putin'", "putin\\", "\"putin's\" OR putin"}) {
    EXPECT_THAT(Ids(SearchText(text)), ::testing::UnorderedElementsAreArray(putin)) << text;
  }
  EXPECT_THAT(Ids(SearchText("putin & jiang")),
              ::testing::UnorderedElementsAreArray(Ids(SearchText("putin jiang"))));
  EXPECT_TRUE(SearchText("½").hits.empty());
  EXPECT_THAT(Ids(SearchText("p*")), ::testing::IsSupersetOf(putin));
  EXPECT_THAT(Ids(SearchText("putin -½")), ::testing::UnorderedElementsAreArray(putin));
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexStoreTest, ::testing::ValuesIn(::dossier::testing::AllBackends()),
                         BackendTestName);
INSTANTIATE_TEST_SUITE_P(Backends, IndexStoreBackendTest,
                         ::testing::ValuesIn(::dossier::testing::AllBackends()), BackendTestName);

// Load test: DOSSIER_QUERY_PERF=1 to run (DOSSIER_QUERY_PERF_DOCS documents,
// default 10,000, two events each; 8 clients).
TEST(IndexStorePerfTest, SearchAndProfileLatency) {
  if (std::getenv("DOSSIER_QUERY_PERF") == nullptr) GTEST_SKIP() << "set DOSSIER_QUERY_PERF=1 to run";
  const char* docs_env = std::getenv("DOSSIER_QUERY_PERF_DOCS");
  const int kDocs = docs_env ? std::atoi(docs_env) : 10000;
  // DOSSIER_QUERY_PERF_DB=<file or postgresql:// URL> keeps the generated index between runs.
  const char* kept = std::getenv("DOSSIER_QUERY_PERF_DB");
  IndexStoreOptions options{.reader_connections = 8};
  if (std::getenv("DOSSIER_QUERY_PERF_NOCACHE")) options.search_cache_entries = 0;
  auto opened = IndexStore::OpenFromFlag(kept && pg::IsPostgresUrl(kept) ? std::string(kept) : std::string(),
                                         kept && !pg::IsPostgresUrl(kept) ? std::string(kept) : FreshDbPath(),
                                         options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  IndexStore* store = opened->get();
  std::mt19937 rng(42);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 5000; ++i) vocabulary.push_back("w" + std::to_string(i));
  const std::vector<std::string> common_words = {"the",    "and",   "president", "china",
                                                 "russia", "talks", "security"};
  const std::vector<std::string> sources = {"Xinhua", "Itar-Tass", "People's Daily", "Reuters", "AP",
                                            "AFP",    "BBC",       "Tass",           "Kyodo",   "Yonhap"};
  const std::vector<std::string> countries = {"CHN", "RUS", "USA", "JPN", "KOR", "IND", "FRA", "GBR"};
  const std::vector<std::string> sectors = {"GOV", "MIL", "BUS", ""};
  const std::vector<std::string> codes = {"040", "041", "042", "043", "036", "057", "111", "112", "150", "190"};
  std::vector<std::string> entity_ids;
  for (int i = 0; i < 600; ++i) entity_ids.push_back("person:e" + std::to_string(i));
  const auto actor_code = [&](int e) { return countries[e % 8] + sectors[e / 8 % 4]; };
  auto zipf = [&](int n) {  // rough Zipf: index ~ n^(u^2)
    std::uniform_real_distribution<double> u(0, 1);
    const double x = u(rng);
    return std::min(n - 1, static_cast<int>(std::pow(n, x * x)) - 1);
  };
  if (*store->DocumentCount() < kDocs) {
    const auto start_index = std::chrono::steady_clock::now();
    for (int d = 0; d < kDocs; ++d) {
      DocBuilder b("d-" + std::to_string(d), "Title " + vocabulary[zipf(5000)] + " " + common_words[d % 7],
                   1995 + d % 10, 1 + d % 12, 1 + d % 28, sources[d % 10]);
      std::vector<std::vector<int>> sentence_entities;
      for (int s = 0; s < 15; ++s) {
        std::string text;
        std::vector<int> ents;
        for (int w = 0; w < 20; ++w) {
          if (w % 7 == 3) {
            const int e = zipf(600);
            ents.push_back(e);
            text += "Name" + std::to_string(e) + " ";
          } else if (w % 5 == 0 && (d + s) % 3 == 0) {
            text += common_words[(d + s + w) % 7] + " ";
          } else {
            text += vocabulary[zipf(5000)] + " ";
          }
        }
        text.back() = '.';
        b.Sentence(text);
        for (int e : ents) {
          b.Entity("Name" + std::to_string(e) + " ", entity_ids[e], kPerson, "Name " + std::to_string(e));
        }
        sentence_entities.push_back(ents);
      }
      Document doc = b.Build();
      // Two events per document between the first two actors of a sentence;
      // a few hundred distinct dates, so events repeat across documents.
      for (int k = 0; k < 2; ++k) {
        const int s = (d * 7 + k * 5) % 15;
        const std::vector<int>& ents = sentence_entities[s];
        if (ents.size() < 2 || ents[0] == ents[1]) continue;
        const std::string code = codes[(d + k) % codes.size()];
        const int year = 1995 + d % 10;
        const int month = 1 + d / 10 % 12;
        const int day = 1 + d / 120 % 28;
        AddEvent(&doc, "ev-" + std::to_string(ents[0]) + "-" + std::to_string(ents[1]) + "-" + code + "-" +
                           std::to_string(year * 10000 + month * 100 + day),
                 {entity_ids[ents[0]], "Name", actor_code(ents[0])},
                 {entity_ids[ents[1]], "Name", actor_code(ents[1])}, code, code[0] == '1' ? 4 : 1, year, month,
                 day, true, {{s, 0.7f}});
      }
      ASSERT_TRUE(store->Index(doc).ok());
      if ((d + 1) % 10000 == 0) {
        std::printf("indexed %d docs: %.1f s\n", d + 1,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start_index).count());
      }
    }
    const double index_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_index).count();
    std::printf("indexed %d docs in %.1f s\n", kDocs, index_seconds);
  }

  const auto run_query = [&](int kind, std::mt19937& local) {
    switch (kind) {
      case 0: {
        SearchQuery q;
        q.text = common_words[local() % 7] + " " + vocabulary[local() % 50];
        return store->Search(q).ok();
      }
      case 1: {
        SearchQuery q;
        q.text = "president";
        q.entity_ids = {entity_ids[local() % 20]};
        q.date_from = {2000, 0, 0};
        return store->Search(q).ok();
      }
      case 2:
        return store->GetEntityProfile(entity_ids[local() % 10], 10).ok();
      case 3: {
        SearchQuery q;
        q.text = "china OR russia";
        return store->Search(q).ok();
      }
      case 4: {
        SearchQuery q;
        q.entity_ids = {entity_ids[local() % 5]};
        return store->Search(q).ok();
      }
      case 5: {
        SearchQuery q;
        q.text = vocabulary[local() % 200];
        return store->Search(q).ok();
      }
      case 6: {
        TimelineQuery q;
        q.entity_ids = {entity_ids[local() % 5]};
        return store->Timeline(q).ok();
      }
      case 7: {
        TimelineQuery q;
        q.entity_ids = {entity_ids[local() % 5], entity_ids[5 + local() % 5]};
        return store->Timeline(q).ok();
      }
      case 8: {
        RelatedQuery q;
        q.entity_id = entity_ids[local() % 5];
        q.type = kPerson;
        return store->Related(q).ok();
      }
      case 9: {
        EventQuery q;
        q.actor = entity_ids[local() % 20];
        q.page_token = "";
        return store->ListEvents(q).ok();
      }
      case 10: {
        EventQuery q;
        q.actor = countries[local() % 8];
        q.cameo_prefix = "04";
        q.date_from = {1998, 0, 0};
        return store->ListEvents(q).ok();
      }
      case 11: {
        SearchQuery q;
        q.text = common_words[local() % 7];
        q.facets = {FacetField::kEntity, FacetField::kEntityType, FacetField::kSource, FacetField::kMonth};
        return store->Search(q).ok();
      }
      case 12: {
        RelatedQuery q;
        q.entity_id = entity_ids[local() % 20];
        q.order = local() % 2 ? RelatedOrder::kPmi : RelatedOrder::kEvents;
        q.min_documents = 2;
        return store->Related(q).ok();
      }
      case 13: {
        TimelineQuery q;
        q.entity_ids = {entity_ids[local() % 5], entity_ids[5 + local() % 5]};
        q.kind = TimelineKind::kEvents;
        return store->Timeline(q).ok();
      }
      default: {
        // Facets counted afresh (a new limit) over a ranked list in the cache.
        SearchQuery q;
        q.text = common_words[local() % 7];
        q.facets = {FacetField::kEntity, FacetField::kEntityType, FacetField::kSource, FacetField::kMonth};
        q.facet_limit = 1 + static_cast<int>(local() % 100);
        return store->Search(q).ok();
      }
    }
  };
  constexpr int kKinds = 15;
  const char* kKindNames[] = {"common+word",    "word+entity+date", "profile",         "or-common",
                              "entity-only",    "one word",         "timeline hot",    "timeline pair",
                              "related",        "events by actor",  "events code+cameo", "search 4 facets",
                              "related pmi/ev", "timeline events", "facets recount"};
  for (int kind = 0; kind < kKinds; ++kind) {
    std::mt19937 local(kind);
    std::vector<double> times;
    for (int i = 0; i < 30; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      EXPECT_TRUE(run_query(kind, local));
      times.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    std::printf("single client %-18s p50 %.2f ms max %.2f ms\n", kKindNames[kind], times[15], times.back());
  }

  // 8 clients on one kind at a time (as bench/query_bench does), then on
  // the mix of every kind.
  const auto run_clients = [&](const std::function<int(int)>& kind_of, int per_client) {
    std::vector<std::vector<double>> latencies(8);
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&, c] {
        std::mt19937 local(c * 7919 + per_client);
        for (int i = 0; i < per_client; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          if (!run_query(kind_of(i), local)) ADD_FAILURE() << "query failed";
          latencies[c].push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
      });
    }
    for (auto& t : clients) t.join();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    return all;
  };
  for (int kind = 0; kind < kKinds; ++kind) {
    const std::vector<double> all = run_clients([kind](int) { return kind; }, 40);
    std::printf("8 clients %-18s p50 %.2f ms p99 %.2f ms max %.2f ms\n", kKindNames[kind], all[all.size() / 2],
                all[all.size() * 99 / 100], all.back());
  }
  const std::vector<double> all = run_clients([](int i) { return i % kKinds; }, 280);
  std::printf("mix of all: queries %zu p50 %.2f ms p95 %.2f ms p99 %.2f ms max %.2f ms\n", all.size(),
              all[all.size() / 2], all[all.size() * 95 / 100], all[all.size() * 99 / 100], all.back());
}

}  // namespace
}  // namespace dossier::query
