#include "services/entity/events/document_events.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/entity/kb_store.h"
#include "services/entity/test_paths.h"

namespace dossier::entity::events {
namespace {

using ::testing::SizeIs;

class DocumentEventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<KbData> data = ReadShippedKb(FixtureKbDir());
    ASSERT_TRUE(data.ok()) << data.status();
    index_ = new std::shared_ptr<const KbIndex>(KbIndex::Build(std::move(*data)));
    auto models = EventModels::Load(SourceDir() + "/data/cameo", SourceDir() + "/data/models/pos-en.model");
    ASSERT_TRUE(models.ok()) << models.status();
    models_ = models->release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete models_;
  }

  std::vector<DocumentEvent> Extract(const std::string& text, DateParts published) {
    AnnotateOptions options;
    options.published = published;
    const Annotation annotation = Annotate(**index_, text, options);
    return ExtractEvents(**index_, text, annotation, published, models_->resources());
  }

  static const DocumentEvent* FindEvent(const std::vector<DocumentEvent>& events, const std::string& source,
                                        const std::string& code, const std::string& target) {
    for (const DocumentEvent& e : events) {
      if (e.source.entity_id == source && e.code == code && e.target.entity_id == target) return &e;
    }
    return nullptr;
  }

  static std::shared_ptr<const KbIndex>* index_;
  static EventModels* models_;
};
std::shared_ptr<const KbIndex>* DocumentEventsTest::index_ = nullptr;
EventModels* DocumentEventsTest::models_ = nullptr;

TEST_F(DocumentEventsTest, PhoneCallBetweenLeadersCarriesRoleCodesAndTheTextsDate) {
  const auto events =
      Extract("Russian President Vladimir Putin telephoned Chinese President Jiang Zemin on 16 July 2001.",
              DateParts{2001, 7, 20});
  const DocumentEvent* call = FindEvent(events, "person:vladimir-putin", "041", "person:jiang-zemin");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->source.code, "RUSGOV");
  EXPECT_EQ(call->target.code, "CHNGOV");
  EXPECT_EQ(call->label, "Discuss by telephone");
  EXPECT_EQ(call->root, "04");
  EXPECT_EQ(call->quad_class, 1);
  EXPECT_DOUBLE_EQ(call->goldstein, 1.0);
  EXPECT_EQ(call->date, (DateParts{2001, 7, 16}));
  EXPECT_TRUE(call->date_from_text);
  EXPECT_THAT(call->reports, SizeIs(1));
  EXPECT_EQ(call->reports[0].trigger, "telephoned");
  EXPECT_GT(call->confidence, 0.3f);
  EXPECT_LE(call->confidence, 1.0f);
  // The country before the title is part of the actor, not an actor of its own.
  EXPECT_EQ(call->source.text, "Russian President Vladimir Putin");
  for (const DocumentEvent& e : events) {
    EXPECT_NE(e.source.entity_id, "country:RUS") << e.code << " " << e.target.entity_id;
  }
}

TEST_F(DocumentEventsTest, WithoutADateInTheTextThePublicationDateIsUsed) {
  const auto events = Extract("Vladimir Putin telephoned Jiang Zemin.", DateParts{2001, 7, 20});
  const DocumentEvent* call = FindEvent(events, "person:vladimir-putin", "041", "person:jiang-zemin");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->date, (DateParts{2001, 7, 20}));
  EXPECT_FALSE(call->date_from_text);
}

TEST_F(DocumentEventsTest, ADateWithoutAYearStaysWithoutOne) {
  const auto events = Extract("Vladimir Putin telephoned Jiang Zemin on 17 September.", DateParts{});
  const DocumentEvent* call = FindEvent(events, "person:vladimir-putin", "041", "person:jiang-zemin");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->date, (DateParts{0, 9, 17}));
  EXPECT_TRUE(call->date_from_text);
}

TEST_F(DocumentEventsTest, AVisitIsMadeByTheVisitorAndHostedByTheHost) {
  const auto events = Extract("Jiang Zemin visited Russia in July 2001.", DateParts{2001, 7, 20});
  const DocumentEvent* visit = FindEvent(events, "person:jiang-zemin", "042", "country:RUS");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->source.code, "CHNGOV");
  EXPECT_EQ(visit->target.code, "RUS");
  EXPECT_EQ(visit->location_id, "country:RUS");
  const DocumentEvent* host = FindEvent(events, "country:RUS", "043", "person:jiang-zemin");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->date, (DateParts{2001, 7, 0}));
}

TEST_F(DocumentEventsTest, AVisitTakesPlaceAtTheHostsPlaceNotAnotherNamedBefore) {
  const auto events = Extract("After a summit in Beijing, Jiang Zemin visited Moscow in July 2001.",
                              DateParts{2001, 7, 20});
  const DocumentEvent* visit = FindEvent(events, "person:jiang-zemin", "042", "place:moscow");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->location_id, "place:moscow");
}

TEST_F(DocumentEventsTest, TheSameEventInTwoSentencesIsOneEventWithTwoReports) {
  const auto events = Extract(
      "Vladimir Putin telephoned Jiang Zemin on 16 July 2001. The talks lasted an hour. "
      "On 16 July 2001 Vladimir Putin telephoned Jiang Zemin again, officials said.",
      DateParts{2001, 7, 20});
  const DocumentEvent* call = FindEvent(events, "person:vladimir-putin", "041", "person:jiang-zemin");
  ASSERT_NE(call, nullptr);
  ASSERT_THAT(call->reports, SizeIs(2));
  EXPECT_EQ(call->reports[0].sentence, 0);
  EXPECT_EQ(call->reports[1].sentence, 2);
}

TEST_F(DocumentEventsTest, AHeadlineDatedByPublicationJoinsTheBodysDatedReport) {
  const auto events = Extract(
      "Vladimir Putin telephoned Jiang Zemin\n\n"
      "Vladimir Putin telephoned Jiang Zemin on 16 July 2001 to discuss the treaty.",
      DateParts{2001, 7, 17});
  const DocumentEvent* call = FindEvent(events, "person:vladimir-putin", "041", "person:jiang-zemin");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->date, (DateParts{2001, 7, 16}));
  EXPECT_THAT(call->reports, SizeIs(2));
  int calls = 0;
  for (const DocumentEvent& e : events) calls += e.code == "041" && e.source.entity_id == "person:vladimir-putin";
  EXPECT_EQ(calls, 1);
}

TEST_F(DocumentEventsTest, AMeetingInAPlaceHasThatLocation) {
  const auto events = Extract("Jiang Zemin met Vladimir Putin in Moscow on 16 July 2001.", DateParts{2001, 7, 20});
  bool found = false;
  for (const DocumentEvent& e : events) {
    if (e.source.entity_id != "person:jiang-zemin" || e.target.entity_id != "person:vladimir-putin") continue;
    if (e.root != "04" && e.root != "03") continue;
    found = true;
    EXPECT_EQ(e.location_id, "place:moscow");
  }
  EXPECT_TRUE(found);
}

TEST_F(DocumentEventsTest, SentencesWithFewerThanTwoActorsGiveNothing) {
  EXPECT_THAT(Extract("Vladimir Putin telephoned somebody yesterday.", DateParts{2001, 7, 20}), SizeIs(0));
  EXPECT_THAT(Extract("The weather was fine.", DateParts{}), SizeIs(0));
}

TEST_F(DocumentEventsTest, ADemonymBeforeAnAgentNounIsItsCountryWithTheNounsSector) {
  const auto events = Extract("Chinese troops attacked Russian rebels on 3 May 2001.", DateParts{2001, 5, 5});
  const DocumentEvent* attack = FindEvent(events, "country:CHN", "190", "country:RUS");
  ASSERT_NE(attack, nullptr);
  EXPECT_EQ(attack->source.code, "CHNMIL");
  EXPECT_EQ(attack->target.code, "RUSREB");
  // A list of demonyms before one noun: each is an actor.
  const auto agreed =
      Extract("Senior Chinese and Russian officials agreed to cooperate on energy.", DateParts{2001, 5, 5});
  const DocumentEvent* one = FindEvent(agreed, "country:CHN", "030", "country:RUS");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->source.code, "CHNGOV");
  EXPECT_EQ(one->target.code, "RUSGOV");
  EXPECT_NE(FindEvent(agreed, "country:RUS", "030", "country:CHN"), nullptr);
  // A demonym before a noun that is no agent names no actor.
  EXPECT_THAT(Extract("Chinese restaurants attacked Russian cuisine.", DateParts{2001, 5, 5}), SizeIs(0));
}

TEST_F(DocumentEventsTest, PartsOfOneCountryInteractButAPersonAndTheirCountryDoNot) {
  // Two demonyms with different sectors are two actors of one country.
  const auto arrests =
      Extract("Chinese police arrested Chinese demonstrators on 3 May 2001.", DateParts{2001, 5, 5});
  const DocumentEvent* arrest = FindEvent(arrests, "country:CHN", "173", "country:CHN");
  ASSERT_NE(arrest, nullptr);
  EXPECT_EQ(arrest->source.code, "CHNCOP");
  EXPECT_EQ(arrest->target.code, "CHNCVL");
  // A person of the government and the government's country as a whole:
  // no interaction.
  for (const DocumentEvent& e : Extract("Jiang Zemin praised China on 3 May 2001.", DateParts{2001, 5, 5})) {
    EXPECT_NE(e.target.entity_id, "country:CHN") << e.code;
  }
  // A person and a part of their own country: domestic, kept.
  const auto talks = Extract("Jiang Zemin criticized Chinese rebels on 3 May 2001.", DateParts{2001, 5, 5});
  const DocumentEvent* criticism = FindEvent(talks, "person:jiang-zemin", "111", "country:CHN");
  ASSERT_NE(criticism, nullptr);
  EXPECT_EQ(criticism->target.code, "CHNREB");
}

TEST_F(DocumentEventsTest, AnAnnouncedVisitIsAnIntentToMeet) {
  const auto events = Extract("Vladimir Putin will visit China in May 2001.", DateParts{2001, 4, 5});
  EXPECT_NE(FindEvent(events, "person:vladimir-putin", "036", "country:CHN"), nullptr);
  EXPECT_EQ(FindEvent(events, "person:vladimir-putin", "042", "country:CHN"), nullptr);
  EXPECT_EQ(FindEvent(events, "country:CHN", "043", "person:vladimir-putin"), nullptr);
}

TEST(EventIdTest, IsStableAndDependsOnEveryPart) {
  const std::string id = EventId("person:a", "person:b", "041", DateParts{2001, 7, 16});
  EXPECT_EQ(id, EventId("person:a", "person:b", "041", DateParts{2001, 7, 16}));
  EXPECT_EQ(id.size(), 19u);
  EXPECT_EQ(id.rfind("ev-", 0), 0u);
  EXPECT_NE(id, EventId("person:b", "person:a", "041", DateParts{2001, 7, 16}));
  EXPECT_NE(id, EventId("person:a", "person:b", "042", DateParts{2001, 7, 16}));
  EXPECT_NE(id, EventId("person:a", "person:b", "041", DateParts{2001, 7, 17}));
  EXPECT_NE(EventId("ab", "c", "041", DateParts{}), EventId("a", "bc", "041", DateParts{}));
}

TEST(ActorCodeTest, PeopleTakeTheRoleOfTheDateOthersTheirCountry) {
  IndexedEntity jiang;
  jiang.type = EntityType::kPerson;
  jiang.kind = "person";
  jiang.country = "CHN";
  jiang.roles = {{"CHNELI", "China, elite", {}, {}},
                 {"CHNGOV", "China, government", {1993, 3, 27}, {2003, 3, 15}},
                 {"CHNGOVMIL", "China, government, military", {2003, 5, 1}, {2004, 12, 31}}};
  EXPECT_EQ(ActorCode(jiang, DateParts{2001, 7, 16}), "CHNGOV");
  EXPECT_EQ(ActorCode(jiang, DateParts{2004, 1, 1}), "CHNGOVMIL");
  EXPECT_EQ(ActorCode(jiang, DateParts{1980, 1, 1}), "CHNELI");
  IndexedEntity nobody;
  nobody.type = EntityType::kPerson;
  nobody.country = "RUS";
  EXPECT_EQ(ActorCode(nobody, DateParts{2001, 1, 1}), "RUS");

  IndexedEntity country;
  country.id = "country:RUS";
  country.type = EntityType::kLocation;
  country.kind = "country";
  EXPECT_EQ(ActorCode(country, DateParts{}), "RUS");
  IndexedEntity capital;
  capital.type = EntityType::kLocation;
  capital.kind = "city";
  capital.country = "RUS";
  capital.attributes = "country=RUS;capital_of=RUS";
  EXPECT_EQ(ActorCode(capital, DateParts{}), "RUSGOV");
  capital.attributes = "country=RUS";
  EXPECT_EQ(ActorCode(capital, DateParts{}), "RUS");
  IndexedEntity igo;
  igo.type = EntityType::kOrganization;
  igo.kind = "international_organization";
  EXPECT_EQ(ActorCode(igo, DateParts{}), "IGO");
}

}  // namespace
}  // namespace dossier::entity::events
