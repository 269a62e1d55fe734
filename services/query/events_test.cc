// Events in the read model (ListEvents, ExportEvents, event timelines,
// related entities by events) and the Search facets and sorting, on both
// backends, with the hand-made documents of test_documents.h.
#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/pg_testing.h"
#include "libs/common/sqlite.h"
#include "pqxx/pqxx"
#include "services/query/index_store.h"
#include "services/query/test_documents.h"

namespace dossier::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::dossier::query::testing;  // NOLINT: fixtures

std::vector<std::string> EventIds(const std::vector<common::v1::Event>& events) {
  std::vector<std::string> ids;
  for (const common::v1::Event& e : events) ids.push_back(e.id());
  return ids;
}

// "ev-..." for event items, "doc#sentence" for sentences.
std::vector<std::string> ItemNames(const std::vector<TimelineItem>& items) {
  std::vector<std::string> names;
  for (const TimelineItem& item : items) {
    if (item.event) {
      names.push_back(item.event->id());
    } else {
      // The sentence's document and its first three words tell it apart.
      size_t end = 0;
      for (int words = 0; words < 3 && end != std::string::npos; ++words) end = item.text.find(' ', end + 1);
      names.push_back(item.document_id + ":" + item.text.substr(0, end));
    }
  }
  return names;
}

int64_t CountTableRows(Backend backend, const std::string& location, const std::string& table) {
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
  return txn.exec1("SELECT COUNT(*) FROM query_" + table)[0].as<int64_t>();
}

class EventsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES(GetParam());
    location_ = FreshLocation(GetParam());
    auto store = OpenStoreAt(GetParam(), location_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    for (const Document& doc : EventCorpus()) {
      auto result = store_->Index(doc);
      ASSERT_TRUE(result.ok()) << doc.id() << ": " << result.status();
    }
  }

  EventPage List(const EventQuery& query) {
    auto page = store_->ListEvents(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : EventPage{};
  }

  std::vector<std::string> ListIds(const EventQuery& query) {
    EventPage page = List(query);
    EXPECT_EQ(page.total_size, static_cast<int>(page.events.size()));
    return EventIds(page.events);
  }

  std::vector<std::string> ByActor(const std::string& actor, int side = 0, const std::string& other = "") {
    EventQuery query;
    query.actor = actor;
    query.side = side;
    query.other_actor = other;
    return ListIds(query);
  }

  common::v1::Event Event(const std::string& id) {
    for (const common::v1::Event& e : List(EventQuery{}).events) {
      if (e.id() == id) return e;
    }
    ADD_FAILURE() << "no event " << id;
    return {};
  }

  int64_t Rows(const std::string& table) { return CountTableRows(GetParam(), location_, table); }

  TimelinePage MustTimeline(const TimelineQuery& query) {
    auto page = store_->Timeline(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : TimelinePage{};
  }

  std::string location_;
  std::unique_ptr<IndexStore> store_;
};

// ---- Deduplication and re-indexing ----

TEST_P(EventsTest, OneEventAcrossDocumentsCountsMentionsAndDocuments) {
  const common::v1::Event call = Event("ev-call");
  EXPECT_EQ(call.num_mentions(), 3);
  EXPECT_EQ(call.num_documents(), 2);
  EXPECT_FLOAT_EQ(call.confidence(), 0.9f);
  ASSERT_EQ(call.mentions_size(), 3);
  // Document order (first indexed first), then sentence order.
  EXPECT_EQ(call.mentions(0).document_id(), "e-call");
  EXPECT_EQ(call.mentions(0).sentence(), 0);
  EXPECT_EQ(call.mentions(1).document_id(), "e-call");
  EXPECT_EQ(call.mentions(1).sentence(), 1);
  EXPECT_EQ(call.mentions(1).trigger(), "telephoned");
  EXPECT_EQ(call.mentions(2).document_id(), "e-echo");
  EXPECT_EQ(call.mentions(2).evidence(),
            "Jiang Zemin spoke with Vladimir Putin by telephone on 18 September.");
  EXPECT_FLOAT_EQ(call.mentions(2).confidence(), 0.9f);
  EXPECT_EQ(call.mentions(2).published().day(), 20);
  EXPECT_EQ(call.mentions(0).date().day(), 18);
  EXPECT_TRUE(call.mentions(0).date_from_text());
  // The event's own fields: the first document's, evidence of the first mention.
  EXPECT_EQ(call.evidence(), "On 18 September President Jiang telephoned President Putin.");
  EXPECT_EQ(call.span().begin(), 0);
  EXPECT_EQ(call.span().end(), 59);
  EXPECT_EQ(call.source().entity_id(), kJiang);
  EXPECT_EQ(call.source().code(), "CHNGOV");
  EXPECT_EQ(call.target_entity_id(), kPutin);
  EXPECT_EQ(call.cameo_code(), "041");
  EXPECT_EQ(call.root_code(), "04");
  EXPECT_EQ(call.quad_class(), 1);
  EXPECT_EQ(call.label(), "label 041");
  EXPECT_DOUBLE_EQ(call.goldstein(), 3.5);
  EXPECT_EQ(call.date().year(), 2001);
  EXPECT_TRUE(call.date_from_text());

  const common::v1::Event visit = Event("ev-visit");
  EXPECT_EQ(visit.num_mentions(), 1);
  EXPECT_EQ(visit.num_documents(), 1);
  EXPECT_EQ(visit.location_entity_id(), kBeijing);
  EXPECT_EQ(visit.location_name(), "Beijing");
  EXPECT_EQ(Rows("events"), 7);
}

TEST_P(EventsTest, ReindexReplacesTheDocumentsMentionsExactly) {
  // Idempotent: the same version again changes nothing.
  for (const Document& doc : EventCorpus()) ASSERT_TRUE(store_->Index(doc).ok());
  EXPECT_EQ(Event("ev-call").num_mentions(), 3);
  EXPECT_EQ(Event("ev-call").num_documents(), 2);
  EXPECT_EQ(Rows("events"), 7);

  // e-call now reports the call in one sentence only.
  Document call = CallEventsDocument();
  call.mutable_events(0)->mutable_mentions()->RemoveLast();
  ASSERT_TRUE(store_->Index(call).ok());
  EXPECT_EQ(Event("ev-call").num_mentions(), 2);
  EXPECT_EQ(Event("ev-call").num_documents(), 2);

  // e-call (the first document) no longer reports it: e-echo's report is
  // all that is left, and gives the evidence.
  call.mutable_events()->DeleteSubrange(0, 1);
  ASSERT_TRUE(store_->Index(call).ok());
  common::v1::Event left = Event("ev-call");
  EXPECT_EQ(left.num_mentions(), 1);
  EXPECT_EQ(left.num_documents(), 1);
  EXPECT_FLOAT_EQ(left.confidence(), 0.9f);
  ASSERT_EQ(left.mentions_size(), 1);
  EXPECT_EQ(left.mentions(0).document_id(), "e-echo");
  EXPECT_EQ(left.evidence(), "Jiang Zemin spoke with Vladimir Putin by telephone on 18 September.");
  EventQuery by_document;
  by_document.document_id = "e-call";
  EXPECT_THAT(ListIds(by_document), ElementsAre("ev-talks"));

  // e-echo drops it too: the event is gone, with its actor index rows and
  // its pair count.
  Document echo = EchoEventsDocument();
  echo.mutable_events()->DeleteSubrange(0, 1);
  ASSERT_TRUE(store_->Index(echo).ok());
  EXPECT_EQ(Rows("events"), 6);
  EXPECT_THAT(ByActor(kJiang, 2), ElementsAre("ev-host", "ev-sign", "ev-criticise"));
  EXPECT_THAT(ByActor("CHNGOV", 2), ElementsAre("ev-host", "ev-sign", "ev-criticise"));

  // Back again: as at first.
  ASSERT_TRUE(store_->Index(CallEventsDocument()).ok());
  ASSERT_TRUE(store_->Index(EchoEventsDocument()).ok());
  const common::v1::Event again = Event("ev-call");
  EXPECT_EQ(again.num_mentions(), 3);
  EXPECT_EQ(again.num_documents(), 2);
  EXPECT_EQ(again.mentions(0).document_id(), "e-call");
  EXPECT_FLOAT_EQ(again.confidence(), 0.9f);

  // Every document without events: nothing is left anywhere.
  for (Document doc : EventCorpus()) {
    doc.clear_events();
    ASSERT_TRUE(store_->Index(doc).ok());
  }
  EXPECT_EQ(Rows("events"), 0);
  EXPECT_EQ(Rows("event_actors"), 0);
  EXPECT_EQ(Rows("event_docs"), 0);
  EXPECT_EQ(Rows("event_mentions"), 0);
  EXPECT_EQ(Rows("event_pairs"), 0);
  EXPECT_EQ(List(EventQuery{}).total_size, 0);
}

TEST_P(EventsTest, ReindexWithALowerConfidenceLowersTheMaximum) {
  Document echo = EchoEventsDocument();
  echo.mutable_events(0)->mutable_mentions(0)->set_confidence(0.3f);
  ASSERT_TRUE(store_->Index(echo).ok());
  EXPECT_FLOAT_EQ(Event("ev-call").confidence(), 0.8f);
}

// Documents sharing events indexed concurrently (on PostgreSQL, as from
// several replicas) leave exact counts.
TEST_P(EventsTest, ConcurrentIndexOfDocumentsSharingEvents) {
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  const std::vector<Document> corpus = EventCorpus();
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int round = 0; round < 8; ++round) {
        Document doc = corpus[(t + round) % corpus.size()];
        if (round % 2 == 1) doc.clear_events();  // drop and bring back
        auto result = store_->Index(doc);
        if (!result.ok()) {
          ADD_FAILURE() << result.status();
          ++failures;
        }
      }
      for (const Document& doc : corpus) {
        if (!store_->Index(doc).ok()) ++failures;
      }
    });
  }
  for (std::thread& w : writers) w.join();
  ASSERT_EQ(failures, 0);
  const common::v1::Event call = Event("ev-call");
  EXPECT_EQ(call.num_mentions(), 3);
  EXPECT_EQ(call.num_documents(), 2);
  EXPECT_EQ(call.mentions(0).document_id(), "e-call");
  EXPECT_EQ(List(EventQuery{}).total_size, 7);
  EXPECT_EQ(Rows("events"), 7);
  EXPECT_THAT(ByActor(kJiang, 3), ElementsAre("ev-visit"));
  RelatedQuery related;
  related.entity_id = kPutin;
  auto page = store_->Related(related);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->related[0].events_as_target, 4);
}

// ---- ListEvents filters ----

TEST_P(EventsTest, ListsOldestFirstUndatedLast) {
  EventPage page = List(EventQuery{});
  EXPECT_EQ(page.total_size, 7);
  EXPECT_THAT(EventIds(page.events), ElementsAre("ev-call", "ev-talks", "ev-exercise", "ev-host", "ev-sign",
                                                 "ev-visit", "ev-criticise"));
  EXPECT_TRUE(page.next_page_token.empty());
}

TEST_P(EventsTest, FiltersByEntityAndSide) {
  EXPECT_THAT(ByActor(kJiang), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit", "ev-criticise"));
  EXPECT_THAT(ByActor(kJiang, 1), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit", "ev-criticise"));
  EXPECT_THAT(ByActor(kJiang, 2), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-criticise"));
  EXPECT_THAT(ByActor(kJiang, 3), ElementsAre("ev-visit"));
  EXPECT_THAT(ByActor(kChina), ElementsAre("ev-talks", "ev-exercise"));
  EXPECT_TRUE(ByActor("person:nobody").empty());
}

TEST_P(EventsTest, ActorCodePrefixes) {
  // CHN matches CHN, CHNGOV and CHNMIL; CHNGOV only the government.
  EXPECT_THAT(ByActor("CHN"), ElementsAre("ev-call", "ev-talks", "ev-exercise", "ev-host", "ev-sign",
                                          "ev-visit", "ev-criticise"));
  EXPECT_THAT(ByActor("CHNGOV"), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit", "ev-criticise"));
  EXPECT_THAT(ByActor("chngov"), ByActor("CHNGOV"));
  EXPECT_THAT(ByActor("CHNMIL"), ElementsAre("ev-exercise"));
  // Prefixes that are not whole code parts take the slower path, same answer.
  EXPECT_THAT(ByActor("CHNG"), ByActor("CHNGOV"));
  EXPECT_THAT(ByActor("CH"), ByActor("CHN"));
  EXPECT_THAT(ByActor("CHNMI"), ElementsAre("ev-exercise"));
  EXPECT_THAT(ByActor("RUS", 3), ElementsAre("ev-call", "ev-exercise", "ev-host", "ev-sign", "ev-criticise"));
  EXPECT_THAT(ByActor("RUS", 2), ElementsAre("ev-talks", "ev-visit"));
  EXPECT_TRUE(ByActor("USA").empty());
}

TEST_P(EventsTest, PairsOfActors) {
  EXPECT_THAT(ByActor(kJiang, 0, kPutin),
              ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit", "ev-criticise"));
  EXPECT_THAT(ByActor(kJiang, 2, kPutin), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-criticise"));
  EXPECT_THAT(ByActor(kJiang, 3, kPutin), ElementsAre("ev-visit"));
  EXPECT_THAT(ByActor(kPutin, 2, kJiang), ElementsAre("ev-visit"));
  EXPECT_TRUE(ByActor(kJiang, 0, kChina).empty());
  // Codes and mixed forms.
  EXPECT_THAT(ByActor("CHN", 2, "RUS"),
              ElementsAre("ev-call", "ev-exercise", "ev-host", "ev-sign", "ev-criticise"));
  EXPECT_THAT(ByActor("RUS", 2, "CHN"), ElementsAre("ev-talks", "ev-visit"));
  EXPECT_THAT(ByActor(kRussia, 0, "CHN"), ElementsAre("ev-talks", "ev-exercise"));
  EXPECT_THAT(ByActor("CHNG", 2, "RUSG"), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-criticise"));
}

TEST_P(EventsTest, CameoPrefixQuadClassDatesAndDocument) {
  EventQuery query;
  query.cameo_prefix = "04";
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call", "ev-host", "ev-visit"));
  query.cameo_prefix = "042";
  EXPECT_THAT(ListIds(query), ElementsAre("ev-visit"));
  query.cameo_prefix = "0421";
  EXPECT_TRUE(ListIds(query).empty());
  query.cameo_prefix = "03";
  EXPECT_THAT(ListIds(query), ElementsAre("ev-talks"));

  query = EventQuery{};
  query.quad_class = 4;
  EXPECT_THAT(ListIds(query), ElementsAre("ev-exercise"));
  query.quad_class = 3;
  EXPECT_THAT(ListIds(query), ElementsAre("ev-criticise"));
  query.quad_class = 1;
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call", "ev-talks", "ev-host", "ev-sign", "ev-visit"));

  // Dates as in Search; an event without a year never matches a range.
  query = EventQuery{};
  query.date_from = {2001, 0, 0};
  query.date_to = {2001, 0, 0};
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call", "ev-talks", "ev-exercise"));
  query.date_from = {2002, 5, 15};
  query.date_to = {};
  EXPECT_THAT(ListIds(query),
              ElementsAre("ev-host", "ev-sign", "ev-visit"));  // May 2002 may be after the 15th
  query.date_from = {};
  query.date_to = {2001, 9, 18};
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call"));

  query = EventQuery{};
  query.document_id = "e-echo";
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call", "ev-exercise"));
  query.document_id = "e-missing";
  EXPECT_TRUE(ListIds(query).empty());
}

TEST_P(EventsTest, FiltersCombine) {
  EventQuery query;
  query.actor = kJiang;
  query.cameo_prefix = "04";
  query.date_from = {2002, 0, 0};
  EXPECT_THAT(ListIds(query), ElementsAre("ev-host", "ev-visit"));
  query = EventQuery{};
  query.actor = "CHNGOV";
  query.quad_class = 3;
  EXPECT_THAT(ListIds(query), ElementsAre("ev-criticise"));
  query = EventQuery{};
  query.actor = kJiang;
  query.other_actor = kPutin;
  query.document_id = "e-visit";
  query.side = 2;
  EXPECT_THAT(ListIds(query), ElementsAre("ev-host", "ev-sign"));
  query = EventQuery{};
  query.cameo_prefix = "04";
  query.quad_class = 1;
  query.date_to = {2001, 12, 31};
  EXPECT_THAT(ListIds(query), ElementsAre("ev-call"));
  query = EventQuery{};
  query.actor = "CH";  // not a whole code part: scanned in order
  query.cameo_prefix = "15";
  EXPECT_THAT(ListIds(query), ElementsAre("ev-exercise"));
}

TEST_P(EventsTest, PagesWithTokens) {
  EventQuery query;
  query.page_size = 2;
  std::vector<std::string> all;
  int pages = 0;
  do {
    EventPage page = List(query);
    EXPECT_EQ(page.total_size, 7);
    EXPECT_LE(page.events.size(), 2u);
    for (const std::string& id : EventIds(page.events)) all.push_back(id);
    query.page_token = page.next_page_token;
    ++pages;
  } while (!query.page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 4);
  EXPECT_THAT(all, ElementsAre("ev-call", "ev-talks", "ev-exercise", "ev-host", "ev-sign", "ev-visit",
                               "ev-criticise"));

  // A token is bound to its filters.
  query = EventQuery{};
  query.page_size = 2;
  const std::string token = List(query).next_page_token;
  ASSERT_FALSE(token.empty());
  query.actor = kJiang;
  query.page_token = token;
  auto other = store_->ListEvents(query);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("page_token"));
}

TEST_P(EventsTest, ExportStreamsEveryMatchInOrderAndStopsWhenTold) {
  EventQuery query;
  query.actor = kJiang;
  query.page_size = 1;  // ignored
  std::vector<std::string> ids;
  ASSERT_TRUE(store_
                  ->ExportEvents(query,
                                 [&](const common::v1::Event& e) {
                                   ids.push_back(e.id());
                                   EXPECT_GT(e.num_mentions(), 0);
                                   return true;
                                 })
                  .ok());
  EXPECT_THAT(ids, ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit", "ev-criticise"));
  ids.clear();
  absl::Status stopped = store_->ExportEvents(EventQuery{}, [&](const common::v1::Event& e) {
    ids.push_back(e.id());
    return ids.size() < 2;
  });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(ids, ElementsAre("ev-call", "ev-talks"));
  query.cameo_prefix = "x";
  EXPECT_EQ(store_->ExportEvents(query, [](const common::v1::Event&) { return true; }).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(EventsTest, BadFiltersAreInvalidArgumentNamingTheField) {
  const auto error = [&](const EventQuery& query) {
    auto page = store_->ListEvents(query);
    EXPECT_FALSE(page.ok());
    return page.status();
  };
  EventQuery query;
  query.side = 2;
  absl::Status status = error(query);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("actor is empty"));
  query = EventQuery{};
  query.other_actor = kPutin;
  EXPECT_THAT(error(query).message(), HasSubstr("other_actor"));
  query = EventQuery{};
  query.actor = "CHN GOV";
  EXPECT_THAT(error(query).message(), HasSubstr("actor is \"CHN GOV\""));
  query = EventQuery{};
  query.actor = std::string("person:a\0b", 10);
  EXPECT_THAT(error(query).message(), HasSubstr("actor is not a valid entity id"));
  query = EventQuery{};
  query.side = 7;
  query.actor = kJiang;
  EXPECT_THAT(error(query).message(), HasSubstr("side is 7"));
  for (const std::string prefix : {"0", "04a", "12345", "x"}) {
    query = EventQuery{};
    query.cameo_prefix = prefix;
    EXPECT_THAT(error(query).message(), HasSubstr("cameo_prefix")) << prefix;
  }
  query = EventQuery{};
  query.quad_class = 5;
  EXPECT_THAT(error(query).message(), HasSubstr("quad_class is 5"));
  query.quad_class = -1;
  EXPECT_THAT(error(query).message(), HasSubstr("quad_class is -1"));
  query = EventQuery{};
  query.date_from = {2001, 13, 0};
  EXPECT_THAT(error(query).message(), HasSubstr("date_from.month is 13"));
  query = EventQuery{};
  query.date_from = {2002, 0, 0};
  query.date_to = {2001, 0, 0};
  EXPECT_THAT(error(query).message(), HasSubstr("is after date_to"));
  query = EventQuery{};
  query.page_size = -1;
  EXPECT_THAT(error(query).message(), HasSubstr("page_size"));
  query = EventQuery{};
  query.page_token = "garbage";
  EXPECT_THAT(error(query).message(), HasSubstr("page_token"));
}

// ---- Validation of indexed events ----

TEST(EventValidationTest, RejectsBadEventsNamingTheField) {
  const auto check = [](const std::function<void(Document*)>& change, const std::string& expected) {
    Document doc = CallEventsDocument();
    change(&doc);
    absl::Status status = ValidateDocument(doc);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << expected;
    EXPECT_THAT(status.message(), HasSubstr(expected));
  };
  EXPECT_TRUE(ValidateDocument(CallEventsDocument()).ok());
  check([](Document* d) { d->mutable_events(0)->clear_id(); }, "document.events[0].id is empty");
  check([](Document* d) { d->mutable_events(0)->set_id(std::string("ev\0x", 4)); },
        "document.events[0].id must be");
  check(
      [](Document* d) {
        d->mutable_events(0)->set_target_entity_id(std::string("p:\0", 3));
        d->mutable_events(0)->mutable_target()->set_entity_id(std::string("p:\0", 3));
      },
      "document.events[0].target.entity_id is not a valid entity id");
  check([](Document* d) { d->mutable_events(1)->set_cameo_code("04a"); },
        "document.events[1].cameo_code is \"04a\"");
  check([](Document* d) { d->mutable_events(1)->set_cameo_code("1"); }, "cameo_code is \"1\"");
  check([](Document* d) { d->mutable_events(1)->set_cameo_code("04211"); }, "cameo_code is \"04211\"");
  check([](Document* d) { d->mutable_events(0)->set_root_code("05"); },
        "document.events[0].root_code is \"05\"");
  check([](Document* d) { d->mutable_events(0)->set_quad_class(5); }, "document.events[0].quad_class is 5");
  check([](Document* d) { d->mutable_events(0)->set_quad_class(-1); }, "quad_class is -1");
  check([](Document* d) { d->mutable_events(0)->set_goldstein(11); }, "document.events[0].goldstein is 11");
  check([](Document* d) { d->mutable_events(0)->set_confidence(1.5f); },
        "document.events[0].confidence is 1.5");
  check([](Document* d) { d->mutable_events(0)->mutable_date()->set_month(13); },
        "document.events[0].date.month");
  check([](Document* d) { d->mutable_events(0)->mutable_source()->set_code("CHN GOV"); },
        "document.events[0].source.code is \"CHN GOV\"");
  check([](Document* d) { d->mutable_events(0)->set_source_entity_id("person:other"); },
        "document.events[0].source_entity_id is \"person:other\" but document.events[0].source.entity_id");
  check([](Document* d) { d->mutable_events(0)->clear_mentions(); }, "document.events[0].mentions is empty");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(1)->set_sentence(3); },
        "document.events[0].mentions[1].sentence is 3 but the document has 3 sentences");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(0)->mutable_span()->set_end(500); },
        "document.events[0].mentions[0] span [0, 500) is outside the body");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(0)->set_document_id("e-other"); },
        "document.events[0].mentions[0].document_id is \"e-other\"");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(0)->set_confidence(-0.5f); },
        "document.events[0].mentions[0].confidence is -0.5");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(0)->mutable_date()->set_day(40); },
        "document.events[0].mentions[0].date.day is 40");
  check([](Document* d) { d->mutable_events(0)->mutable_mentions(0)->mutable_published()->set_year(-3); },
        "document.events[0].mentions[0].published.year is -3");
  // Lenient where nothing is lost: an empty mention document id, a missing
  // root code, an unknown actor code, "---" parts.
  Document doc = CallEventsDocument();
  doc.mutable_events(0)->mutable_mentions(0)->clear_document_id();
  doc.mutable_events(0)->clear_root_code();
  doc.mutable_events(0)->mutable_target()->clear_code();
  doc.mutable_events(1)->mutable_source()->set_code("---GOV");
  EXPECT_TRUE(ValidateDocument(doc).ok()) << ValidateDocument(doc);
}

TEST_P(EventsTest, DuplicateEventEntriesAndSentencesMerge) {
  Document doc = VisitEventsDocument();
  // The same sign event twice, once with a duplicate sentence.
  *doc.add_events() = doc.events(2);
  doc.mutable_events(3)->mutable_mentions(0)->set_sentence(0);
  doc.mutable_events(3)->mutable_mentions(0)->mutable_span()->set_begin(0);
  doc.mutable_events(3)->mutable_mentions(0)->mutable_span()->set_end(10);
  *doc.mutable_events(3)->add_mentions() = doc.events(2).mentions(0);
  ASSERT_TRUE(store_->Index(doc).ok());
  const common::v1::Event sign = Event("ev-sign");
  EXPECT_EQ(sign.num_mentions(), 2);  // sentences 0 and 1
  EXPECT_EQ(sign.num_documents(), 1);
  ASSERT_EQ(sign.mentions_size(), 2);
  EXPECT_EQ(sign.mentions(0).sentence(), 0);
}

// ---- Timeline ----

TEST_P(EventsTest, TimelineOfAPairMergesEventsAndSentencesByDay) {
  TimelineQuery query;
  query.entity_ids = {kJiang, kPutin};
  TimelinePage page = MustTimeline(query);
  EXPECT_THAT(ItemNames(page.items),
              ElementsAre("ev-call", "e-call:On 18 September", "e-echo:Jiang Zemin spoke",
                          "e-call:Putin thanked Jiang", "ev-host", "ev-sign", "ev-visit",
                          "e-visit:Putin visited Beijing,", "e-visit:Jiang and Putin"));
  ASSERT_EQ(page.days.size(), 3u);
  EXPECT_EQ(page.days[0].date, (PartialDate{2001, 9, 18}));
  EXPECT_EQ(page.days[0].begin, 0);
  EXPECT_EQ(page.days[0].end, 3);
  EXPECT_EQ(page.days[1].date, (PartialDate{2001, 9, 19}));
  EXPECT_EQ(page.days[1].end - page.days[1].begin, 1);
  EXPECT_EQ(page.days[2].date, (PartialDate{2002, 5, 0}));
  EXPECT_EQ(page.days[2].end, 9);
  // An event item: its evidence, date and first document.
  const TimelineItem& call = page.items[0];
  ASSERT_TRUE(call.event.has_value());
  EXPECT_EQ(call.text, "On 18 September President Jiang telephoned President Putin.");
  EXPECT_EQ(call.document_id, "e-call");
  EXPECT_EQ(call.title, "Jiang telephones Putin");
  EXPECT_TRUE(call.date_from_text);
  EXPECT_EQ(call.event->num_mentions(), 3);
  EXPECT_FALSE(page.items[1].event.has_value());
  const TimelineItem& host = page.items[4];
  EXPECT_EQ(host.date, (PartialDate{2002, 5, 0}));
  EXPECT_FALSE(host.date_from_text);
  // Undated apart, the event before its document's sentence.
  EXPECT_THAT(ItemNames(page.undated), ElementsAre("ev-criticise", "e-undated:On 17 September"));
  EXPECT_EQ(page.undated[0].date, (PartialDate{0, 9, 17}));
  EXPECT_TRUE(page.next_page_token.empty());
}

TEST_P(EventsTest, TimelineKinds) {
  TimelineQuery query;
  query.entity_ids = {kPutin, kJiang};
  query.kind = TimelineKind::kEvents;
  TimelinePage page = MustTimeline(query);
  EXPECT_THAT(ItemNames(page.items), ElementsAre("ev-call", "ev-host", "ev-sign", "ev-visit"));
  EXPECT_THAT(ItemNames(page.undated), ElementsAre("ev-criticise"));
  ASSERT_EQ(page.days.size(), 2u);
  EXPECT_EQ(page.days[1].end - page.days[1].begin, 3);
  query.kind = TimelineKind::kMentions;
  page = MustTimeline(query);
  EXPECT_THAT(ItemNames(page.items),
              ElementsAre("e-call:On 18 September", "e-echo:Jiang Zemin spoke", "e-call:Putin thanked Jiang",
                          "e-visit:Putin visited Beijing,", "e-visit:Jiang and Putin"));
  EXPECT_THAT(ItemNames(page.undated), ElementsAre("e-undated:On 17 September"));
  query.kind = static_cast<TimelineKind>(9);
  auto bad = store_->Timeline(query);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("kind is 9"));
}

TEST_P(EventsTest, TimelineOfOneEntityAndOfThree) {
  TimelineQuery query;
  query.entity_ids = {kChina};
  query.kind = TimelineKind::kEvents;
  EXPECT_THAT(ItemNames(MustTimeline(query).items), ElementsAre("ev-talks", "ev-exercise"));
  // No event has three actors: only sentences.
  query.entity_ids = {kJiang, kPutin, kRussia};
  query.kind = TimelineKind::kAll;
  TimelinePage page = MustTimeline(query);
  EXPECT_TRUE(page.items.empty());
  EXPECT_TRUE(page.undated.empty());
}

TEST_P(EventsTest, TimelinePagesAcrossTheMergedStream) {
  TimelineQuery query;
  query.entity_ids = {kJiang, kPutin};
  const std::vector<std::string> whole = ItemNames(MustTimeline(query).items);
  query.page_size = 2;
  std::vector<std::string> paged;
  int pages = 0;
  do {
    TimelinePage page = MustTimeline(query);
    for (const std::string& name : ItemNames(page.items)) paged.push_back(name);
    if (pages == 0) {
      EXPECT_EQ(page.undated.size(), 2u);
    } else {
      EXPECT_TRUE(page.undated.empty());
    }
    if (pages == 1) {
      // e-echo's sentence of the 18th, then the 19th: two days.
      ASSERT_EQ(page.days.size(), 2u);
      EXPECT_EQ(page.days[0].date, (PartialDate{2001, 9, 18}));
    }
    query.page_token = page.next_page_token;
    ++pages;
  } while (!query.page_token.empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(paged, whole);
  // Kinds have their own tokens.
  query.page_token = "";
  const std::string token = MustTimeline(query).next_page_token;
  query.kind = TimelineKind::kEvents;
  query.page_token = token;
  EXPECT_EQ(store_->Timeline(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EventsTest, TimelineDateRangeAppliesToEvents) {
  TimelineQuery query;
  query.entity_ids = {kJiang, kPutin};
  query.date_from = {2002, 0, 0};
  TimelinePage page = MustTimeline(query);
  EXPECT_THAT(ItemNames(page.items),
              ElementsAre("ev-host", "ev-sign", "ev-visit", "e-visit:Putin visited Beijing,",
                          "e-visit:Jiang and Putin"));
  EXPECT_EQ(page.undated.size(), 2u);  // undated items are not filtered
  query.date_from = {2001, 9, 19};
  query.date_to = {2001, 9, 30};
  EXPECT_THAT(ItemNames(MustTimeline(query).items), ElementsAre("e-call:Putin thanked Jiang"));
}

// ---- Related ----

TEST_P(EventsTest, RelatedHasPmiScoreAndEventCounts) {
  RelatedQuery query;
  query.entity_id = kChina;
  auto page = store_->Related(query);
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  for (const RelatedEntity& r : page->related) ids.push_back(r.entity_id);
  EXPECT_THAT(ids, ElementsAre(kRussia, kJiang, kPutin, kMoscow));
  const RelatedEntity& russia = page->related[0];
  EXPECT_EQ(russia.document_count, 2);
  EXPECT_EQ(russia.sentence_count, 2);
  EXPECT_DOUBLE_EQ(russia.score, 2.5);
  EXPECT_DOUBLE_EQ(russia.pmi, 1.0);      // log2(4 * 2 / (2 * 2))
  EXPECT_EQ(russia.events_as_source, 1);  // the exercise
  EXPECT_EQ(russia.events_as_target, 1);  // the talks
  const RelatedEntity& jiang = page->related[1];
  EXPECT_DOUBLE_EQ(jiang.pmi, 0.0);  // log2(4 * 2 / (2 * 4))
  EXPECT_DOUBLE_EQ(jiang.score, 0.5);
  EXPECT_EQ(jiang.events_as_source + jiang.events_as_target, 0);
  const RelatedEntity& moscow = page->related[3];
  EXPECT_DOUBLE_EQ(moscow.pmi, 1.0);  // log2(4 * 1 / (2 * 1))
  EXPECT_DOUBLE_EQ(moscow.score, 1.25);

  query.entity_id = kPutin;
  page = store_->Related(query);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->related.empty());
  EXPECT_EQ(page->related[0].entity_id, kJiang);
  EXPECT_EQ(page->related[0].events_as_source, 1);  // Putin visited
  EXPECT_EQ(page->related[0].events_as_target, 4);  // call, host, sign, criticism
}

TEST_P(EventsTest, RelatedOrdersAndMinimumDocuments) {
  const auto order = [&](RelatedOrder o, int min_documents = 0) {
    RelatedQuery query;
    query.entity_id = kChina;
    query.order = o;
    query.min_documents = min_documents;
    auto page = store_->Related(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const RelatedEntity& r : page->related) ids.push_back(r.entity_id);
    }
    return ids;
  };
  EXPECT_THAT(order(RelatedOrder::kDocuments), ElementsAre(kRussia, kJiang, kPutin, kMoscow));
  EXPECT_THAT(order(RelatedOrder::kScore), ElementsAre(kRussia, kMoscow, kJiang, kPutin));
  EXPECT_THAT(order(RelatedOrder::kPmi), ElementsAre(kRussia, kMoscow, kJiang, kPutin));
  EXPECT_THAT(order(RelatedOrder::kEvents), ElementsAre(kRussia, kJiang, kPutin, kMoscow));
  EXPECT_THAT(order(RelatedOrder::kPmi, 2), ElementsAre(kRussia, kJiang, kPutin));
  EXPECT_TRUE(order(RelatedOrder::kDocuments, 3).empty());

  // Pages follow the order.
  RelatedQuery query;
  query.entity_id = kChina;
  query.order = RelatedOrder::kScore;
  query.page_size = 2;
  auto first = store_->Related(query);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->related.size(), 2u);
  EXPECT_EQ(first->related[1].entity_id, kMoscow);
  query.page_token = first->next_page_token;
  auto second = store_->Related(query);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->related.size(), 2u);
  EXPECT_EQ(second->related[0].entity_id, kJiang);
  // A token of one order is not one of another.
  query.order = RelatedOrder::kPmi;
  EXPECT_EQ(store_->Related(query).status().code(), absl::StatusCode::kInvalidArgument);

  query = RelatedQuery{};
  query.entity_id = kChina;
  query.min_documents = -1;
  auto bad = store_->Related(query);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("min_documents is -1"));
  query.min_documents = 0;
  query.order = static_cast<RelatedOrder>(8);
  EXPECT_THAT(store_->Related(query).status().message(), HasSubstr("order is 8"));
}

TEST_P(EventsTest, ProfileRelatedCarriesTheNewFields) {
  auto profile = store_->GetEntityProfile(kChina, 10);
  ASSERT_TRUE(profile.ok()) << profile.status();
  ASSERT_FALSE(profile->related.empty());
  EXPECT_EQ(profile->related[0].entity_id, kRussia);
  EXPECT_DOUBLE_EQ(profile->related[0].pmi, 1.0);
  EXPECT_DOUBLE_EQ(profile->related[0].score, 2.5);
  EXPECT_EQ(profile->related[0].events_as_source, 1);
}

TEST_P(EventsTest, GetDocumentKeepsTheDocumentsEvents) {
  auto doc = store_->GetDocument("e-call");
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->events_size(), 2);
  EXPECT_EQ(doc->events(0).id(), "ev-call");
  EXPECT_EQ(doc->events(0).mentions_size(), 2);
}

// More events than one page or one export chunk.
TEST_P(EventsTest, ManyEventsPageAndExportInChunks) {
  DocBuilder b("e-many", "Many meetings", 2003, 1, 1, "Bulletin");
  for (int i = 0; i < 450; ++i) {
    b.Sentence("Jiang met Putin again.")
        .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
        .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  }
  Document doc = b.Build();
  for (int i = 0; i < 450; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "ev-m%03d", i);
    AddEvent(&doc, id, JiangActor(), PutinActor(), "040", 1, 2003, 1 + i % 12, 1 + i % 28, true, {{i, 0.5f}});
  }
  ASSERT_TRUE(store_->Index(doc).ok());
  EventQuery query;
  query.actor = "CHNGOV";
  query.cameo_prefix = "040";
  query.page_size = 1000;  // at most 500
  EventPage page = List(query);
  EXPECT_EQ(page.total_size, 450);
  EXPECT_EQ(page.events.size(), 450u);
  query.page_size = 0;  // default 50
  page = List(query);
  EXPECT_EQ(page.events.size(), 50u);
  // Oldest first: January 1st 2003 is i = 0 (and 84, 168...): ids in order.
  EXPECT_EQ(page.events[0].id(), "ev-m000");
  EXPECT_EQ(page.events[0].date().month(), 1);
  int exported = 0;
  std::string last_key;
  ASSERT_TRUE(store_
                  ->ExportEvents(query,
                                 [&](const common::v1::Event& e) {
                                   const std::string key =
                                       FormatDate(
                                           PartialDate{e.date().year(), e.date().month(), e.date().day()}) +
                                       e.id();
                                   EXPECT_LT(last_key, key);
                                   last_key = key;
                                   ++exported;
                                   return true;
                                 })
                  .ok());
  EXPECT_EQ(exported, 450);
}

// A page of events with many long mentions ends before 3 MiB, and its
// token goes on from there.
TEST_P(EventsTest, LongPagesEndEarlyWithAToken) {
  DocBuilder b("e-long", "Long report", 2004, 2, 2, "Bulletin");
  const std::string filler(990, 'x');
  for (int i = 0; i < 20; ++i) b.Sentence("Jiang met Putin " + filler + ".");
  Document doc = b.Build();
  std::vector<std::pair<int, float>> sentences;
  for (int i = 0; i < 20; ++i) sentences.push_back({i, 0.5f});
  for (int i = 0; i < 200; ++i) {
    AddEvent(&doc, "ev-l" + std::to_string(1000 + i), JiangActor(), PutinActor(), "044", 1, 2004, 2, 2, true,
             sentences);
  }
  ASSERT_TRUE(store_->Index(doc).ok());
  EventQuery query;
  query.document_id = "e-long";
  query.page_size = 500;
  EventPage first = List(query);
  EXPECT_EQ(first.total_size, 200);
  ASSERT_LT(first.events.size(), 200u);
  EXPECT_GT(first.events.size(), 100u);
  EXPECT_EQ(first.events[0].mentions_size(), 20);
  ASSERT_FALSE(first.next_page_token.empty());
  query.page_token = first.next_page_token;
  EventPage second = List(query);
  EXPECT_EQ(first.events.size() + second.events.size(), 200u);
  EXPECT_EQ(second.events[0].id(), "ev-l" + std::to_string(1000 + first.events.size()));
}

// ---- Search: sorting, sources, facets ----

class SearchFacetsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES(GetParam());
    auto store = OpenStoreAt(GetParam(), FreshLocation(GetParam()));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    for (const Document& doc : Corpus()) ASSERT_TRUE(store_->Index(doc).ok());
  }

  SearchPage MustSearch(const SearchQuery& query) {
    auto page = store_->Search(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : SearchPage{};
  }

  static std::vector<std::string> Ids(const SearchPage& page) {
    std::vector<std::string> ids;
    for (const SearchHit& hit : page.hits) ids.push_back(hit.document_id);
    return ids;
  }

  static std::vector<std::string> Values(const Facet& facet) {
    std::vector<std::string> values;
    for (const FacetValue& v : facet.values) values.push_back(v.value + "=" + std::to_string(v.count));
    return values;
  }

  std::unique_ptr<IndexStore> store_;
};

TEST_P(SearchFacetsTest, SortsByDateWithText) {
  SearchQuery query;
  query.text = "putin OR phone";
  EXPECT_EQ(MustSearch(query).total_size, 5);
  query.sort = SearchSort::kNewest;
  SearchPage newest = MustSearch(query);
  EXPECT_THAT(Ids(newest), ElementsAre("d-phones", "d-call", "d-treaty", "d-summit", "d-cafe"));
  EXPECT_GT(newest.hits[0].score, 0);  // still the relevance
  query.sort = SearchSort::kOldest;
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-summit", "d-treaty", "d-call", "d-phones", "d-cafe"));
  query.sort = SearchSort::kRelevance;
  const std::vector<std::string> relevance = Ids(MustSearch(query));
  query.sort = SearchSort::kDefault;
  EXPECT_EQ(Ids(MustSearch(query)), relevance);

  // Pages keep the order; a token of one order is not one of another.
  query.sort = SearchSort::kOldest;
  query.page_size = 2;
  SearchPage first = MustSearch(query);
  query.page_token = first.next_page_token;
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-call", "d-phones"));
  query.sort = SearchSort::kNewest;
  EXPECT_EQ(store_->Search(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(SearchFacetsTest, SortsByDateWithoutText) {
  SearchQuery query;
  query.entity_ids = {kJiang};
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-call", "d-treaty", "d-summit", "d-cafe"));
  query.sort = SearchSort::kOldest;
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-summit", "d-treaty", "d-call", "d-cafe"));
  query.sort = SearchSort::kRelevance;  // nothing to rank by: newest first
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-call", "d-treaty", "d-summit", "d-cafe"));
}

TEST_P(SearchFacetsTest, SourcesFilter) {
  SearchQuery query;
  query.text = "putin";
  query.sources = {"Xinhua", "Itar-Tass"};
  EXPECT_THAT(Ids(MustSearch(query)), ::testing::UnorderedElementsAre("d-summit", "d-treaty"));
  query.text = "";
  EXPECT_THAT(Ids(MustSearch(query)), ElementsAre("d-treaty", "d-summit"));
  query.sources = {"Nobody's Gazette"};
  EXPECT_EQ(MustSearch(query).total_size, 0);
  query.sources = {"xinhua"};  // exact
  EXPECT_EQ(MustSearch(query).total_size, 0);
  query.sources = {""};
  EXPECT_THAT(store_->Search(query).status().message(), HasSubstr("sources[0]"));
}

TEST_P(SearchFacetsTest, FacetsCountEveryMatchOnEveryPage) {
  SearchQuery query;
  query.text = "putin OR phone";
  query.page_size = 2;
  query.facets = {FacetField::kSource, FacetField::kMonth, FacetField::kEntity, FacetField::kEntityType};
  query.facet_limit = 3;
  SearchPage page = MustSearch(query);
  ASSERT_EQ(page.hits.size(), 2u);
  ASSERT_EQ(page.facets.size(), 4u);
  EXPECT_EQ(page.facets[0].field, FacetField::kSource);
  EXPECT_THAT(Values(page.facets[0]), ElementsAre("Itar-Tass=1", "People's Daily=1", "Tagblatt=1"));
  EXPECT_THAT(Values(page.facets[1]), ElementsAre("2001-06=1", "2001-07=1", "2001-09=1"));
  EXPECT_THAT(Values(page.facets[2]),
              ElementsAre("person:jiang-zemin=4", "person:vladimir-putin=4", "country:CHN=2"));
  EXPECT_EQ(page.facets[2].values[0].label, "Jiang Zemin");
  EXPECT_EQ(page.facets[2].values[2].label, "China");
  EXPECT_THAT(Values(page.facets[3]), ElementsAre("LOCATION=4", "PERSON=4", "DATE=3"));
  EXPECT_EQ(page.facets[3].values[0].label, "LOCATION");
  // The next page counts the same matches.
  query.page_token = page.next_page_token;
  SearchPage second = MustSearch(query);
  ASSERT_EQ(second.facets.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(Values(second.facets[i]), Values(page.facets[i]));

  // Default limit: every source, together every match.
  query = SearchQuery{};
  query.text = "putin OR phone";
  query.page_size = 1;
  query.facets = {FacetField::kSource};
  page = MustSearch(query);
  int sum = 0;
  for (const FacetValue& v : page.facets[0].values) sum += v.count;
  EXPECT_EQ(sum, 5);
  EXPECT_EQ(page.facets[0].values.size(), 5u);
}

TEST_P(SearchFacetsTest, FacetsOfFilteredSearchesAndSorting) {
  SearchQuery query;
  query.entity_ids = {kSco};
  query.facets = {FacetField::kEntity};
  query.facet_limit = 2;
  SearchPage page = MustSearch(query);
  EXPECT_EQ(page.total_size, 2);
  ASSERT_EQ(page.facets.size(), 1u);
  EXPECT_THAT(Values(page.facets[0]), ElementsAre("org:SCO=2", "person:jiang-zemin=2"));
  // With text, a filter and a date order: the same counts whatever the order.
  query.text = "terrorism";
  query.sort = SearchSort::kOldest;
  query.sources = {"Xinhua", "People's Daily"};
  page = MustSearch(query);
  EXPECT_THAT(Ids(page), ElementsAre("d-summit", "d-call"));
  EXPECT_THAT(Values(page.facets[0]), ElementsAre("org:SCO=2", "person:jiang-zemin=2"));
  query.facets = {FacetField::kMonth, FacetField::kMonth};
  page = MustSearch(query);
  ASSERT_EQ(page.facets.size(), 2u);
  EXPECT_THAT(Values(page.facets[1]), ElementsAre("2001-06=1", "2001-09=1"));
}

TEST_P(SearchFacetsTest, FacetsSeeNewDocuments) {
  SearchQuery query;
  query.text = "terrorism";
  query.facets = {FacetField::kSource};
  EXPECT_THAT(Values(MustSearch(query).facets[0]), ElementsAre("People's Daily=1", "Xinhua=1"));
  DocBuilder b("d-more", "More on terrorism", 2001, 10, 2, "Xinhua");
  b.Sentence("Talks on terrorism went on.");
  ASSERT_TRUE(store_->Index(b.Build()).ok());
  EXPECT_THAT(Values(MustSearch(query).facets[0]), ElementsAre("Xinhua=2", "People's Daily=1"));
}

TEST_P(SearchFacetsTest, BadSortFacetsAndLimits) {
  SearchQuery query;
  query.text = "putin";
  query.facets = {static_cast<FacetField>(7)};
  EXPECT_THAT(store_->Search(query).status().message(), HasSubstr("facets[0] is 7"));
  query.facets = {FacetField::kUnspecified};
  EXPECT_EQ(store_->Search(query).status().code(), absl::StatusCode::kInvalidArgument);
  query.facets = {FacetField::kSource};
  query.facet_limit = -1;
  EXPECT_THAT(store_->Search(query).status().message(), HasSubstr("facet_limit is -1"));
  query.facet_limit = 500;  // clamped to 100
  EXPECT_TRUE(store_->Search(query).ok());
  query.sort = static_cast<SearchSort>(9);
  EXPECT_THAT(store_->Search(query).status().message(), HasSubstr("sort is 9"));
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::ValuesIn(::dossier::testing::AllBackends()),
                         BackendTestName);
INSTANTIATE_TEST_SUITE_P(Backends, SearchFacetsTest, ::testing::ValuesIn(::dossier::testing::AllBackends()),
                         BackendTestName);

}  // namespace
}  // namespace dossier::query
