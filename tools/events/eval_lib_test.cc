// Tests of event-eval's library: scoring, the PETRARCH record reader, the
// actor/agent matcher (on fixtures written for these tests), and, when the
// PETRARCH2 files are next to the repository, the whole unit-test run with
// floors a little under the figures it reaches (so a regression fails).

#include "tools/events/eval_lib.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "services/entity/test_paths.h"
#include "services/entity/tokenizer.h"
#include "tools/events/petr_actors.h"

namespace dossier::tools::events {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(ScoreRecordTest, MatchesOneToOne) {
  const std::vector<EventTriple> expected = {
      {"ARN", "GON", "042"}, {"GON", "ARN", "043"}, {"ARN", "GON", "042"}};
  const std::vector<EventTriple> extracted = {{"ARN", "GON", "042"},
                                              {"ARN", "GON", "042"},
                                              {"ARN", "GON", "042"},
                                              {"ROH", "ARN", "043"},
                                              {"X", "Y", "190"}};
  const RecordScore s = ScoreRecord(expected, extracted);
  EXPECT_EQ(s.expected, 3);
  EXPECT_EQ(s.found, 2);  // the same event is found once per expected copy
  EXPECT_EQ(s.extracted, 5);
  EXPECT_EQ(s.right, 2);
  EXPECT_EQ(s.code_only, 1);  // 043 with the wrong source
  EXPECT_THAT(s.missed, ElementsAre(1));
  EXPECT_THAT(s.wrong, ElementsAre(2, 3, 4));
}

TEST(ScoreRecordTest, EmptySides) {
  const RecordScore none = ScoreRecord({}, {});
  EXPECT_EQ(none.expected + none.extracted, 0);
  const RecordScore spurious = ScoreRecord({}, {{"A", "B", "010"}});
  EXPECT_EQ(spurious.right, 0);
  EXPECT_EQ(spurious.extracted, 1);
  Tally t;
  t.Add(ScoreRecord({{"A", "B", "010"}}, {{"A", "B", "010"}}));
  t.Add(spurious);
  EXPECT_EQ(t.records, 2);
  EXPECT_DOUBLE_EQ(t.Recall(), 100.0);
  EXPECT_DOUBLE_EQ(t.Precision(), 50.0);
  EXPECT_NE(FormatTally(t).find("precision 1/2 = 50.0%"), std::string::npos);
  EXPECT_DOUBLE_EQ(Tally().Recall(), 0.0);
}

constexpr char kRecords[] = R"(<Validation>
<!-- <Sentence id="COMMENTED"> is not a record -->
<Sentences>
<Sentence date="19990102" id="T-01" category="DEMO" sentence="true">
<!-- a comment inside -->
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="042"></EventCoding>
<EventCoding sourcecode="GON" targetcode="ARN" eventcode="043"></EventCoding>
<EventCoding sourcecode="---GOV" targetcode="---" eventcode="010"></EventCoding>
<EventCoding sourcecode='"THE KING"' targetcode="GON" eventcode="010"></EventCoding>
<Text>
Arnor visited Gondor &amp; Rohan.
</Text>
<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>
</Sentence>
<Sentence date="20010101" id="T-02" category="VERB">
<EventCoding noevents = "True"></EventCoding>
<Text>Nothing happened.</Text>
</Sentence>
<Sentence date="950101" id="T-03" category="ERROR">
<EventCoding error="bad_input_parse"></EventCoding>
<Text>Broken.</Text>
</Sentence>
</Sentences>
</Validation>
)";

TEST(PetrRecordsTest, ParsesRecords) {
  auto records = ParsePetrRecords(kRecords);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  const PetrRecord& r = (*records)[0];
  EXPECT_EQ(r.id, "T-01");
  EXPECT_EQ(r.category, "DEMO");
  EXPECT_EQ(r.date, 19990102);
  EXPECT_EQ(r.text, "Arnor visited Gondor & Rohan.");
  EXPECT_THAT(r.expected, ElementsAre(EventTriple{"ARN", "GON", "042"}, EventTriple{"GON", "ARN", "043"}));
  EXPECT_EQ(r.unscored_events, 2);  // a null target, an actor given as text
  EXPECT_TRUE(PetrRecordScored(r));
  EXPECT_TRUE((*records)[1].expected.empty());
  EXPECT_TRUE(PetrRecordScored((*records)[1]));
  EXPECT_EQ((*records)[2].date, 19950101);
  EXPECT_EQ((*records)[2].error, "bad_input_parse");
  EXPECT_FALSE(PetrRecordScored((*records)[2]));
  EXPECT_EQ(ParsePetrRecords("<Validation></Validation>").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePetrRecords("<Sentence id=\"x\"><Text>a</Sentence>").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PetrDateTest, Parses) {
  EXPECT_EQ(ParsePetrDate("950601"), 19950601);
  EXPECT_EQ(ParsePetrDate("200101"), 20200101);
  EXPECT_EQ(ParsePetrDate("19990815"), 19990815);
  EXPECT_EQ(ParsePetrDate(" 20121109 "), 20121109);
  EXPECT_EQ(ParsePetrDate("99-01"), 0);
  EXPECT_EQ(ParsePetrDate(""), 0);
}

constexpr char kActors[] = R"(<!-- test actors -->
ARNOR_  [ARN]
+ARNORIAN
GONDOR [GON]
+MINAS_TIRITH
THE_SHIRE  [FRO/SAM]
WHITE_HOUSE [USAGOV]
SMEAGOL   # a person with dated roles
+GOLLUM
	[HOB < 950601]
	[HOBGOV 19950601 - 19990815]
	[HOBREB > 990816]
NOBODY [---]
AL-QAEDA [IMGMOSALQ]
)";

constexpr char kAgents[] = R"(!PERSON! = MAN, MEN
POLICE {} [~COP]
OFFICIAL [~GOV]
SECURITY_OFFICIALS [~GOV]
FOREIGN_MINISTER [~GOVFRM]
MSF {} [NGO~]
GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]
CONGRESS!PERSON! [~LEG]
ACTIVIST [~OPP]
MEDIA {} [~MED]
GOVERNMENT [~GOV]
STUDENT [~EDU]
)";

// Tokens and (made-up) tags of a sentence: "Word/TAG" items.
struct Sentence {
  std::vector<std::string> lower;
  std::vector<std::string> tag_text;
  std::vector<std::string_view> tags;
};

Sentence Tagged(std::string_view text) {
  Sentence s;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t slash = item.rfind('/');
    std::string word(item.substr(0, slash));
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.lower.push_back(word);
    s.tag_text.emplace_back(item.substr(slash + 1));
  }
  for (const std::string& t : s.tag_text) s.tags.push_back(t);
  return s;
}

// "span=CODE/CODE" for each mention.
std::vector<std::string> Mentions(const PetrActorDictionary& d, std::string_view text, PetrDate date) {
  Sentence s = Tagged(text);
  std::vector<std::string> out;
  for (const PetrActorMention& m : d.Find(s.lower, s.tags, date)) {
    std::string item;
    for (int i = m.begin; i < m.end; ++i) item += (i > m.begin ? " " : "") + s.lower[i];
    item += "=";
    for (size_t k = 0; k < m.codes.size(); ++k) item += (k ? "/" : "") + m.codes[k];
    out.push_back(item);
  }
  return out;
}

class PetrActorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dict_.AddActors(kActors);
    dict_.AddAgents(kAgents);
  }
  PetrActorDictionary dict_;
};

TEST_F(PetrActorsTest, ActorsAndDates) {
  EXPECT_EQ(dict_.warnings(), 0);
  EXPECT_THAT(Mentions(dict_, "Arnor/NNP met/VBD Minas/NNP Tirith/NNP", 19950101),
              ElementsAre("arnor=ARN", "minas tirith=GON"));
  EXPECT_THAT(Mentions(dict_, "The/DT Shire/NNP", 19950101), ElementsAre("the shire=FRO/SAM"));
  EXPECT_THAT(Mentions(dict_, "Gollum/NNP", 19950531), ElementsAre("gollum=HOB"));
  EXPECT_THAT(Mentions(dict_, "Smeagol/NNP", 19950601), ElementsAre("smeagol=HOBGOV"));
  EXPECT_THAT(Mentions(dict_, "Smeagol/NNP", 19990815), ElementsAre("smeagol=HOBGOV"));
  // ">990816" is strictly after; no unrestricted code: no actor on the day.
  EXPECT_THAT(Mentions(dict_, "Smeagol/NNP", 19990816), ::testing::IsEmpty());
  EXPECT_THAT(Mentions(dict_, "Smeagol/NNP", 20010101), ElementsAre("smeagol=HOBREB"));
  EXPECT_THAT(Mentions(dict_, "Nobody/NNP came/VBD", 20010101), ::testing::IsEmpty());
  // Phrases split as the tokenizer splits text.
  EXPECT_THAT(PhraseWords("AL-QAEDA"), ElementsAre("al", "-", "qaeda"));
  EXPECT_THAT(Mentions(dict_, "Al/NNP -/HYPH Qaeda/NNP", 20010101), ElementsAre("al - qaeda=IMGMOSALQ"));
}

TEST_F(PetrActorsTest, AgentsCombineWithActors) {
  EXPECT_THAT(Mentions(dict_, "Gondor/NNP police/NN", 0), ElementsAre("gondor police=GONCOP"));
  EXPECT_THAT(Mentions(dict_, "Arnor/NNP 's/POS new/JJ foreign/JJ minister/NN", 0),
              ElementsAre("arnor 's new foreign minister=ARNGOVFRM"));
  // A part already in the code is not repeated; prefixes go first.
  EXPECT_THAT(Mentions(dict_, "White/NNP House/NNP security/NN officials/NNS", 0),
              ElementsAre("white house security officials=USAGOV"));
  EXPECT_THAT(Mentions(dict_, "MSF/NNP Arnor/NNP official/NN", 0),
              ElementsAre("msf arnor official=NGOARNGOV"));
  // Plurals: generated, listed, or none ({}).
  EXPECT_THAT(Mentions(dict_, "Gondor/NNP 's/POS golden/JJ geese/NNS", 0),
              ElementsAre("gondor 's golden geese=GONGGS"));
  EXPECT_THAT(Mentions(dict_, "Gondor/NNP 's/POS polices/NNS", 0), ElementsAre("gondor=GON"));
  EXPECT_THAT(Mentions(dict_, "Arnor/NNP congressmen/NNS", 0), ElementsAre("arnor congressmen=ARNLEG"));
  // "former": the sector becomes ELI.
  EXPECT_THAT(Mentions(dict_, "former/JJ Gondor/NNP police/NN", 0), ElementsAre("gondor police=GONELI"));
  // Agent of/in/from actors; agents without an actor.
  EXPECT_THAT(Mentions(dict_, "activists/NNS and/CC officials/NNS in/IN Arnor/NNP and/CC Gondor/NNP", 0),
              ElementsAre("activists and officials in arnor and gondor=ARNOPP/GONOPP/ARNGOV/GONGOV"));
  EXPECT_THAT(Mentions(dict_, "Arnorian/JJ media/NNS and/CC government/NN", 0),
              ElementsAre("arnorian media=ARNMED", "government=ARNGOV"));
  EXPECT_THAT(Mentions(dict_, "students/NNS protested/VBD", 0), ElementsAre("students=---EDU"));
}

TEST(PetrActorDictionaryTest, LoadErrors) {
  EXPECT_EQ(PetrActorDictionary::Load("/nonexistent/actors.txt", "").status().code(),
            absl::StatusCode::kNotFound);
  PetrActorDictionary d;
  d.AddActors("[ABC]\n+SYNONYM\nNAME [ABC <nonsense]\n");
  d.AddAgents("NO_CODE\nBROKEN {X [~GOV]\n");
  EXPECT_GE(d.warnings(), 4);
}

// The PETRARCH2 unit tests end to end (skipped without ../shared or the POS
// model). Floors a little under the figures reached; see tools/README.md.
TEST(PetrEvalTest, UnitTestRecordsStayAboveFloor) {
  const std::string petrarch = entity::SourceDir() + "/../shared/data/kb-sources/petrarch2";
  const std::string records = petrarch + "/text/PETR.UnitTest.records.xml";
  if (!std::ifstream(records)) GTEST_SKIP() << "no " << records << " (../shared is absent)";
#ifdef DOSSIER_DEFAULT_POS_MODEL
  const std::string model = DOSSIER_DEFAULT_POS_MODEL;
#else
  const std::string model = entity::SourceDir() + "/data/models/pos-en.model";
#endif
  if (!std::ifstream(model)) GTEST_SKIP() << "no POS model " << model;
  PetrEvalOptions options;
  options.records_path = records;
  options.dict_dir = petrarch + "/dictionaries";
  options.pos_model = model;
  auto result = RunPetrEval(options, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->records, 284);
  EXPECT_EQ(result->total.expected, 341);
  EXPECT_GE(result->total.Recall(), 85.0);
  EXPECT_GE(result->total.Precision(), 90.0);
  EXPECT_LT(1000.0 * result->coder_seconds / result->sentences_coded, 0.1);  // ms per sentence
}

}  // namespace
}  // namespace dossier::tools::events
