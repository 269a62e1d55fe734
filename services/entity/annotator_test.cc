#include "services/entity/annotator.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/entity/kb_store.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

class AnnotatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<KbData> data = ReadShippedKb(FixtureKbDir());
    ASSERT_TRUE(data.ok()) << data.status();
    index_ = new std::shared_ptr<const KbIndex>(KbIndex::Build(std::move(*data)));
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }

  static Annotation Run(std::string_view text, DateParts published = {}) {
    AnnotateOptions options;
    options.published = published;
    return Annotate(**index_, text, options);
  }

  // The first mention whose text is `text` (after `from` occurrences).
  static const AnnotatedMention* Find(const Annotation& a, std::string_view text, int nth = 0) {
    for (const AnnotatedMention& m : a.mentions) {
      if (m.text == text && nth-- == 0) return &m;
    }
    return nullptr;
  }

  static std::vector<std::string> EntityMentions(const Annotation& a) {
    std::vector<std::string> out;
    for (const AnnotatedMention& m : a.mentions) {
      if (m.type != EntityType::kDate) out.push_back(m.text + "=" + m.entity_id);
    }
    return out;
  }

  static std::shared_ptr<const KbIndex>* index_;
};

std::shared_ptr<const KbIndex>* AnnotatorTest::index_ = nullptr;

TEST_F(AnnotatorTest, ExactAliases) {
  const std::string text = "Jiang Zemin met Vladimir Putin in Moscow.";
  Annotation a = Run(text);
  EXPECT_EQ(EntityMentions(a),
            (std::vector<std::string>{"Jiang Zemin=person:jiang-zemin",
                                      "Vladimir Putin=person:vladimir-putin", "Moscow=place:moscow"}));
  const AnnotatedMention* m = Find(a, "Vladimir Putin");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->begin, 16u);
  EXPECT_EQ(m->end, 30u);
  EXPECT_EQ(m->type, EntityType::kPerson);
  EXPECT_EQ(m->reason, LinkReason::kExactAlias);
  EXPECT_EQ(m->entity_name, "Vladimir Putin");
  EXPECT_GT(m->confidence, 0.9f);
  ASSERT_EQ(a.entities.size(), 3u);
  EXPECT_EQ(a.entities[1].id, "person:vladimir-putin");
  EXPECT_EQ(a.entities[1].roles.size(), 1u);
  EXPECT_EQ(a.entities[1].kind, "person");
}

TEST_F(AnnotatorTest, AcronymsMustBeCapitals) {
  Annotation a = Run("The SCO met, said a sco official and the U.S. envoy.");
  EXPECT_EQ(EntityMentions(a), (std::vector<std::string>{"SCO=org:SCO", "U.S.=country:USA"}));
  EXPECT_EQ(Find(a, "SCO")->reason, LinkReason::kAcronym);
}

TEST_F(AnnotatorTest, DemonymsAndHyphenatedCompounds) {
  const std::string text =
      "Sino-Russian ties and China-Russia trade grew, Chinese officials said of Russia's plan.";
  Annotation a = Run(text);
  EXPECT_EQ(EntityMentions(a),
            (std::vector<std::string>{"Sino=country:CHN", "Russian=country:RUS", "China=country:CHN",
                                      "Russia=country:RUS", "Chinese=country:CHN", "Russia=country:RUS"}));
  const AnnotatedMention* sino = Find(a, "Sino");
  EXPECT_EQ(sino->begin, 0u);
  EXPECT_EQ(sino->end, 4u);
  EXPECT_EQ(sino->reason, LinkReason::kDemonym);
  EXPECT_EQ(Find(a, "Russian")->begin, 5u);
  EXPECT_EQ(Find(a, "Russian")->reason, LinkReason::kDemonym);
  // The possessive is outside the span.
  const AnnotatedMention* russia = Find(a, "Russia", 1);
  ASSERT_NE(russia, nullptr);
  EXPECT_EQ(text.substr(russia->end, 2), "'s");
}

TEST_F(AnnotatorTest, CoreferenceOfShortPersonNames) {
  Annotation a = Run("Jiang Zemin arrived in Shanghai. Later, Jiang spoke with Putin.");
  const AnnotatedMention* jiang = Find(a, "Jiang");
  ASSERT_NE(jiang, nullptr);
  EXPECT_EQ(jiang->entity_id, "person:jiang-zemin");
  EXPECT_EQ(jiang->reason, LinkReason::kCoreference);
  EXPECT_EQ(jiang->sentence, 1);
  // A single-token KB alias with a unique holder.
  EXPECT_EQ(Find(a, "Putin")->entity_id, "person:vladimir-putin");
}

TEST_F(AnnotatorTest, AcronymDefinedInParentheses) {
  Annotation a =
      Run("The Shanghai Cooperation Organization (SCO) met. The SCO agreed. "
          "The Dossier Testing Agency (DTA) was founded; the DTA grew.");
  const AnnotatedMention* sco = Find(a, "SCO", 1);
  ASSERT_NE(sco, nullptr);
  EXPECT_EQ(sco->entity_id, "org:SCO");
  const AnnotatedMention* dta1 = Find(a, "DTA");
  const AnnotatedMention* dta2 = Find(a, "DTA", 1);
  ASSERT_NE(dta1, nullptr);
  ASSERT_NE(dta2, nullptr);
  EXPECT_EQ(Find(a, "Dossier Testing Agency")->entity_id, "org:x-dossier-testing-agency");
  EXPECT_EQ(Find(a, "Dossier Testing Agency")->type, EntityType::kOrganization);
  EXPECT_EQ(dta1->entity_id, "org:x-dossier-testing-agency");
  EXPECT_EQ(dta2->entity_id, "org:x-dossier-testing-agency");
  EXPECT_EQ(dta2->reason, LinkReason::kCoreference);
}

TEST_F(AnnotatorTest, TitleAndSurnameResolvedByRoleOnThePublicationDate) {
  Annotation a = Run("President Jiang had a phone conversation with Russian President Putin.", {2001, 9, 19});
  const AnnotatedMention* jiang = Find(a, "Jiang");
  ASSERT_NE(jiang, nullptr);
  EXPECT_EQ(jiang->entity_id, "person:jiang-zemin");
  EXPECT_EQ(jiang->reason, LinkReason::kRole);
  EXPECT_EQ(jiang->begin, 10u);  // "President " is evidence, not part of the span
  const AnnotatedMention* putin = Find(a, "Putin");
  ASSERT_NE(putin, nullptr);
  EXPECT_EQ(putin->entity_id, "person:vladimir-putin");
  EXPECT_EQ(putin->reason, LinkReason::kRole);
  EXPECT_EQ(Find(a, "Russian")->entity_id, "country:RUS");
  // In 1970 the other Jiang held a role.
  Annotation old = Run("Chairman Jiang spoke.", {1970, 5, 1});
  ASSERT_NE(Find(old, "Jiang"), nullptr);
  EXPECT_EQ(Find(old, "Jiang")->entity_id, "person:jiang-qing");
  // Without a date both Jiangs fit: the mention stays unresolved.
  Annotation undated = Run("President Jiang spoke.");
  ASSERT_NE(Find(undated, "Jiang"), nullptr);
  EXPECT_EQ(Find(undated, "Jiang")->entity_id, "");
  EXPECT_EQ(Find(undated, "Jiang")->type, EntityType::kPerson);
}

TEST_F(AnnotatorTest, OfficesWithoutNamesResolveToTheirHolderOnTheDate) {
  Annotation a = Run(
      "The Russian President met the Chinese President in Moscow. China's President spoke first, while the "
      "Russian Vice President and Russia's foreign minister took notes for the President of Russia.",
      {2001, 7, 16});
  std::vector<std::string> offices;
  for (const AnnotatedMention& m : a.mentions) {
    if (m.reason == LinkReason::kRole && m.type == EntityType::kPerson) {
      offices.push_back(m.text + "=" + m.entity_id);
      EXPECT_FLOAT_EQ(m.confidence, 0.75f);
    }
  }
  EXPECT_EQ(offices, (std::vector<std::string>{
                         "President=person:vladimir-putin",
                         "President=person:jiang-zemin",
                         "President=person:jiang-zemin",
                         "President=person:vladimir-putin",
                     }));
  EXPECT_EQ(Find(a, "Russian")->entity_id, "country:RUS");  // the adjective keeps its own mention

  // The office holder changes with the date.
  Annotation earlier = Run("The Russian President flew to Beijing.", {1998, 5, 1});
  ASSERT_NE(Find(earlier, "President"), nullptr);
  EXPECT_EQ(Find(earlier, "President")->entity_id, "person:boris-yeltsin");
  // Ministers stay unlinked even when one holder fits: titles are not dated
  // in the knowledge base.
  Annotation minister = Run("The Russian Foreign Minister flew to Beijing.", {2005, 5, 1});
  EXPECT_EQ(Find(minister, "Foreign Minister"), nullptr);
  EXPECT_EQ(Find(minister, "Minister"), nullptr);

  // No date, no country, a past office, or a name after the title: no office mention.
  for (const auto& [text, date] : std::vector<std::pair<std::string, DateParts>>{
           {"The Russian President spoke.", {}},
           {"The President spoke in Moscow.", {2001, 7, 16}},
           {"The former Russian President spoke.", {2001, 7, 16}},
           {"The late President of Russia was remembered.", {2001, 7, 16}},
           {"The Russian Prime Minister spoke.", {2001, 7, 16}},  // nobody in the fixture holds it
       }) {
    Annotation none = Run(text, date);
    EXPECT_EQ(Find(none, "President"), nullptr) << text;
    EXPECT_EQ(Find(none, "Prime Minister"), nullptr) << text;
  }
  Annotation named = Run("Russian President Putin spoke.", {2001, 7, 16});
  EXPECT_EQ(EntityMentions(named), (std::vector<std::string>{"Russian=country:RUS", "Putin=person:vladimir-putin"}));
}

TEST_F(AnnotatorTest, TheModelAddsNamesTheRulesMissAndTypesUnknownOnes) {
  absl::StatusOr<ner::NerModel> model = ner::NerModel::Load(SourceDir() + "/data/models/ner-en.model");
  ASSERT_TRUE(model.ok()) << model.status();
  const std::string text =
      "Putin received him at the Kremlin on Tuesday. The new bridge links Blagoveshchensk and Heihe across the "
      "river. Reuters reported that Zhou Wenbo of Heilongjiang Mining attended.";
  AnnotateOptions options;
  options.published = {2001, 9, 19};
  Annotation rules = Annotate(**index_, text, options);
  options.ner = &*model;
  Annotation both = Annotate(**index_, text, options);
  // Unknown single words without a cue: the rules want more evidence, the
  // model finds them (its types for such names are often wrong: Heihe is
  // a city).
  EXPECT_EQ(Find(rules, "Blagoveshchensk"), nullptr);
  EXPECT_EQ(Find(rules, "Heihe"), nullptr);
  ASSERT_NE(Find(both, "Blagoveshchensk"), nullptr);
  ASSERT_NE(Find(both, "Heihe"), nullptr);
  EXPECT_EQ(Find(both, "Heihe")->reason, LinkReason::kNewEntity);
  // An unknown two-word name with no keyword: the model's type, a person,
  // where the rules fall back to MISC.
  ASSERT_NE(Find(rules, "Zhou Wenbo"), nullptr);
  EXPECT_EQ(Find(rules, "Zhou Wenbo")->type, EntityType::kMisc);
  ASSERT_NE(Find(both, "Zhou Wenbo"), nullptr);
  EXPECT_EQ(Find(both, "Zhou Wenbo")->type, EntityType::kPerson);
  EXPECT_EQ(Find(both, "Zhou Wenbo")->entity_id, "person:x-zhou-wenbo");
  // Names the knowledge base knows keep their entities and types.
  Annotation known = Annotate(**index_, "Jiang Zemin met Vladimir Putin in Moscow.", options);
  EXPECT_EQ(EntityMentions(known),
            (std::vector<std::string>{"Jiang Zemin=person:jiang-zemin", "Vladimir Putin=person:vladimir-putin",
                                      "Moscow=place:moscow"}));
}

TEST_F(AnnotatorTest, SingleSurnameAliases) {
  Annotation a = Run("They said Yeltsin resigned.");
  ASSERT_NE(Find(a, "Yeltsin"), nullptr);
  EXPECT_EQ(Find(a, "Yeltsin")->entity_id, "person:boris-yeltsin");
  Annotation dated = Run("They said Yeltsin resigned.", {1995, 1, 1});
  EXPECT_EQ(Find(dated, "Yeltsin")->reason, LinkReason::kRole);
}

TEST_F(AnnotatorTest, FuzzyMisspellings) {
  Annotation a =
      Run("The Chinese vice-Premier Quian Qichen met them. The vice-Premier Qichen added that "
          "Tadzhikistan agreed.",
          {2002, 7, 18});
  const AnnotatedMention* qian = Find(a, "Quian Qichen");
  ASSERT_NE(qian, nullptr);
  EXPECT_EQ(qian->entity_id, "person:qian-qichen");
  EXPECT_EQ(qian->reason, LinkReason::kFuzzy);
  EXPECT_EQ(qian->entity_name, "Qian Qichen");
  const AnnotatedMention* qichen = Find(a, "Qichen");
  ASSERT_NE(qichen, nullptr);
  EXPECT_EQ(qichen->entity_id, "person:qian-qichen");
  EXPECT_EQ(qichen->reason, LinkReason::kCoreference);
  const AnnotatedMention* tjk = Find(a, "Tadzhikistan");
  ASSERT_NE(tjk, nullptr);
  EXPECT_EQ(tjk->entity_id, "country:TJK");
  EXPECT_EQ(tjk->reason, LinkReason::kFuzzy);
}

TEST_F(AnnotatorTest, AmbiguousFuzzyMatchStaysUnresolved) {
  Annotation a = Run("Mrs. Jane Smithsan arrived.");
  const AnnotatedMention* m = Find(a, "Jane Smithsan");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->entity_id, "");
  EXPECT_EQ(m->type, EntityType::kPerson);
  EXPECT_TRUE(a.entities.empty());
}

TEST_F(AnnotatorTest, NewEntitiesGetStableIds) {
  const std::string text = "He met Security Council Secretary Vladimir Rushailo in Moscow. Rushailo left.";
  Annotation a = Run(text);
  Annotation b = Run("Later, Minister Vladimir Rushailo spoke.");
  const AnnotatedMention* m = Find(a, "Vladimir Rushailo");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->entity_id, "person:x-vladimir-rushailo");
  EXPECT_EQ(m->reason, LinkReason::kNewEntity);
  EXPECT_EQ(m->type, EntityType::kPerson);
  EXPECT_EQ(Find(b, "Vladimir Rushailo")->entity_id, "person:x-vladimir-rushailo");
  EXPECT_EQ(Find(a, "Rushailo")->entity_id, "person:x-vladimir-rushailo");
  EXPECT_EQ(Find(a, "Rushailo")->reason, LinkReason::kCoreference);
  bool listed = false;
  for (const AnnotatedEntity& e : a.entities) {
    if (e.id == "person:x-vladimir-rushailo") {
      listed = true;
      EXPECT_TRUE(e.is_new);
      EXPECT_EQ(e.provenance, "extracted");
    }
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(NewEntityId(EntityType::kOrganization, "People\xE2\x80\x99s Daily"), "org:x-peoples-daily");
  EXPECT_EQ(NewEntityId(EntityType::kLocation, "  "), "");
}

TEST_F(AnnotatorTest, OrganisationsTreatiesAndPlaces) {
  Annotation a =
      Run("People's Daily said the Ministry of Foreign Affairs and The China Daily praised the Sino-Russian "
          "Treaty of Good-Neighbourliness, Friendship and Cooperation at the Great Hall of the People.");
  EXPECT_EQ(EntityMentions(a), (std::vector<std::string>{
                                   "People's Daily=org:x-peoples-daily",
                                   "Ministry of Foreign Affairs=org:x-ministry-of-foreign-affairs",
                                   "China Daily=org:x-china-daily", "Sino=country:CHN", "Russian=country:RUS",
                                   "Treaty of Good-Neighbourliness, Friendship and Cooperation="
                                   "misc:x-treaty-of-good-neighbourliness-friendship-and-cooperation",
                                   "Great Hall of the People=place:x-great-hall-of-the-people"}));
  EXPECT_EQ(Find(a, "People's Daily")->type, EntityType::kOrganization);
  EXPECT_EQ(Find(a, "Treaty of Good-Neighbourliness, Friendship and Cooperation")->type, EntityType::kMisc);
}

TEST_F(AnnotatorTest, CommonCapitalisedWordsAreNotEntities) {
  Annotation a =
      Run("The President said so. On Monday, the Secretary spoke. However, Members agreed.\n"
          "Suggest To A Friend\nHome > Topics > China Opposes Terrorism");
  EXPECT_EQ(EntityMentions(a), (std::vector<std::string>{"China=country:CHN"}));
}

TEST_F(AnnotatorTest, TitlesAreNotPartOfTheSpan) {
  Annotation a = Run("Premier Zhu Rongji and Mr. Li Peng met.");
  EXPECT_EQ(EntityMentions(a),
            (std::vector<std::string>{"Zhu Rongji=person:zhu-rongji", "Li Peng=person:li-peng"}));
}

TEST_F(AnnotatorTest, DatesSentencesAndOrder) {
  const std::string text =
      "On the evening of 18th September, President Jiang called.\nHe will visit tomorrow.";
  Annotation a = Run(text, {2001, 9, 19});
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].begin, 0u);
  EXPECT_EQ(text.substr(a.sentences[1].begin, a.sentences[1].end - a.sentences[1].begin),
            "He will visit tomorrow.");
  ASSERT_GE(a.mentions.size(), 3u);
  EXPECT_EQ(a.mentions[0].text, "the evening of 18th September");
  EXPECT_EQ(a.mentions[0].type, EntityType::kDate);
  EXPECT_EQ(a.mentions[0].timex, "2001-09-18");
  EXPECT_EQ(a.mentions[0].date, (DateParts{2001, 9, 18}));
  EXPECT_EQ(a.mentions[0].entity_id, "");
  EXPECT_EQ(a.mentions[1].text, "Jiang");
  const AnnotatedMention* tomorrow = Find(a, "tomorrow");
  ASSERT_NE(tomorrow, nullptr);
  EXPECT_EQ(tomorrow->timex, "2001-09-20");
  EXPECT_EQ(tomorrow->sentence, 1);
  for (size_t i = 1; i < a.mentions.size(); ++i) EXPECT_LE(a.mentions[i - 1].begin, a.mentions[i].begin);
}

TEST_F(AnnotatorTest, TitleGivesContext) {
  AnnotateOptions options;
  options.title = "Jiang Zemin meets the press";
  Annotation a = Annotate(**index_, "Jiang said the talks went well.", options);
  ASSERT_NE(Find(a, "Jiang"), nullptr);
  EXPECT_EQ(Find(a, "Jiang")->entity_id, "person:jiang-zemin");
}

TEST_F(AnnotatorTest, TitleWordsAloneAreNotNames) {
  // "Prime" before "Minister" and hyphenated titles ("Vice-Premier") are
  // evidence for the name that follows, never entities of their own, even
  // when they repeat.
  Annotation a = Run(
      "The Prime Minister of Kazakhstan flew home. Her Prime Minister colleague stayed, and "
      "Vice-Premier Qian Qichen saw the Vice-President off. Vice-Chairman Zhu Rongji was absent.",
      {2001, 9, 19});
  for (const AnnotatedMention& m : a.mentions) {
    EXPECT_EQ(m.text.find("Prime"), std::string::npos) << m.text << "=" << m.entity_id;
    EXPECT_EQ(m.text.find("Vice"), std::string::npos) << m.text << "=" << m.entity_id;
  }
  const AnnotatedMention* qian = Find(a, "Qian Qichen");
  ASSERT_NE(qian, nullptr);
  EXPECT_EQ(qian->entity_id, "person:qian-qichen");
  ASSERT_NE(Find(a, "Zhu Rongji"), nullptr);
  EXPECT_EQ(Find(a, "Zhu Rongji")->entity_id, "person:zhu-rongji");
  ASSERT_NE(Find(a, "Kazakhstan"), nullptr);
  for (const AnnotatedEntity& e : a.entities) EXPECT_FALSE(e.is_new) << e.id;
}

TEST_F(AnnotatorTest, GenericKeywordAloneIsNotAnEntity) {
  // "Group", "Council", "Committee" head names but are not names alone; a
  // keyword that is a proper name ("Xinhua") still is.
  Annotation a = Run(
      "Ministers of the Group of Twenty met in Moscow, where the Group issued a note. Later the Council "
      "and the Committee of experts agreed, as reported by Xinhua and again by Xinhua.");
  std::vector<std::string> mentions = EntityMentions(a);
  EXPECT_EQ(mentions, (std::vector<std::string>{"Moscow=place:moscow", "Xinhua=org:x-xinhua",
                                                "Xinhua=org:x-xinhua"}));
}

TEST_F(AnnotatorTest, DiseaseAcronymsAreMiscNotOrganisations) {
  Annotation a = Run("Officials in Shanghai spent more on HIV/AIDS and on SARS research this year.");
  for (const char* name : {"HIV", "AIDS", "SARS"}) {
    const AnnotatedMention* m = Find(a, name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_EQ(m->type, EntityType::kMisc) << name;
    EXPECT_EQ(m->entity_id.rfind("misc:x-", 0), 0u) << m->entity_id;
  }
}

TEST_F(AnnotatorTest, EuropeanLinksToTheEuropeanUnionWhenTheKbSaysSo) {
  const std::string text = "Chinese envoys met European bankers, and European firms asked for more.";
  // The fixture KB has no European Union: nothing links the adjective to it
  // (repeated, it is a MISC name, as CoNLL tags nationalities).
  Annotation without = Run(text);
  for (const AnnotatedMention& m : without.mentions) EXPECT_NE(m.entity_id, "org:EU");
  // With the European Union and its adjective in the KB (the shipped one has
  // both) the adjective stands for it.
  absl::StatusOr<KbData> data = ReadShippedKb(FixtureKbDir());
  ASSERT_TRUE(data.ok()) << data.status();
  KbEntity eu;
  eu.id = "org:EU";
  eu.type = EntityType::kOrganization;
  eu.kind = "international_organization";
  eu.name = "European Union";
  eu.provenance = "test";
  KbAlias name;
  name.alias = "European Union";
  name.kind = "name";
  KbAlias acronym;
  acronym.alias = "EU";
  acronym.kind = "acronym";
  KbAlias adjective;
  adjective.alias = "European";
  adjective.kind = "adjective";
  eu.aliases = {name, acronym, adjective};
  data->entities.push_back(eu);
  std::shared_ptr<const KbIndex> index = KbIndex::Build(std::move(*data));
  Annotation with = Annotate(*index, text, AnnotateOptions{});
  const AnnotatedMention* m = Find(with, "European");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->entity_id, "org:EU");
  EXPECT_EQ(m->reason, LinkReason::kDemonym);
  ASSERT_NE(Find(with, "European", 1), nullptr);
  EXPECT_EQ(Find(with, "European", 1)->entity_id, "org:EU");
  for (const AnnotatedEntity& e : with.entities) EXPECT_NE(e.id, "misc:x-european");
}

}  // namespace
}  // namespace dossier::entity
