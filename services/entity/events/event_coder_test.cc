// Tests of the event coder on hand-tagged sentences written for these tests,
// one test per kind of rule, with a small dictionary in PETRARCH format; and
// the shipped dictionaries on a few diplomatic sentences.

#include "services/entity/events/event_coder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "services/entity/test_paths.h"

namespace dossier::entity::events {
namespace {

// A file name of this process's own: ctest runs the tests of this binary as
// parallel processes, which must not write each other's fixtures.
std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + std::to_string(::getpid()) + "." + name;
}

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kVerbs[] = R"(
&TREATY
+TREATY
+AGREEMENT
+DECLARATION

&NEGAUX
+DID N'T
+DID NOT

--- ACCUSE  [112]  ---
ACCUSE
- * (OF {WAR CRIMES})      [1124]

--- VISIT  [042:043]  ---
VISIT
- * (FOR TALKS)            [046:046]

--- CALL  [041:041]  ---
CALL
PHONE
TELEPHONE
- * (ON)                   [020]

--- HOLD  [---]  ---
HOLD {HOLDS HOLDING HELD}
- * {TELEPHONE CONVERSATION}  [041:041]
- * TALKS                  [046:046]

--- MEET  [040]  ---
+MEET_WITH {+MET_WITH +MEETS_WITH +MEETING_WITH}
MEET {MEETS MET MEETING}

--- SIGN  [---]  ---
SIGN
- * &TREATY                [057:057]

--- PRAISE  [051]  ---
PRAISE
- &NEGAUX *                [111]

--- CONDEMN  [122]  ---
CONDEMN

--- PROMISE  [050]  ---
PROMISE

--- ATTACK  [190]  ---
ATTACK
- * (WITH ROCKETS)         [195]

--- APPEAR  [---]  ---
APPEAR
- * (BEFORE COURT)         [:173]

--- AGREE  [030]  ---
AGREE
- % *                      [031:031]

--- URGE  [020]  ---
URGE

--- SEND  [070]  ---
SEND

--- BOYCOTT  [163]  ---
BOYCOTT

--- NOUN_TALKS  [---]  ---
TALKS {}
- * (BETWEEN %)            [046:046]
)";

constexpr char kDiscards[] = "BASEBALL\n+WORLD CUP\n1999\n";

// "[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] ./.": tokens with Penn tags, and
// actors between brackets.
struct Tagged {
  std::vector<std::string> words, tags;
  std::vector<CoderActor> actors;
  std::vector<CoderToken> tokens;
};

Tagged Parse(std::string_view text) {
  Tagged t;
  size_t pos = 0;
  int open = -1;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    if (item == "[") {
      open = static_cast<int>(t.words.size());
      continue;
    }
    if (item == "]") {
      t.actors.push_back(CoderActor{open, static_cast<int>(t.words.size())});
      continue;
    }
    const size_t slash = item.rfind('/');
    t.words.emplace_back(item.substr(0, slash));
    t.tags.emplace_back(item.substr(slash + 1));
  }
  for (size_t i = 0; i < t.words.size(); ++i) t.tokens.push_back(CoderToken{t.words[i], t.tags[i]});
  return t;
}

using Triple = std::tuple<int, int, std::string>;

void WriteFile(const std::string& path, const char* text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text, f);
  std::fclose(f);
}

class EventCoderTest : public ::testing::Test {
 protected:
  // The fixture dictionary, written to files and loaded as callers do.
  static void SetUpTestSuite() {
    const std::string verbs = TempPath("event_coder_test.verbs.txt");
    const std::string discards = TempPath("event_coder_test.discards.txt");
    WriteFile(verbs, kVerbs);
    WriteFile(discards, kDiscards);
    auto coder = EventCoder::Load(verbs, discards);
    std::remove(verbs.c_str());
    std::remove(discards.c_str());
    ASSERT_TRUE(coder.ok()) << coder.status();
    ASSERT_EQ(coder->dictionary().warnings(), 0) << coder->dictionary().warning_messages()[0];
    coder_ = new EventCoder(*std::move(coder));
  }
  static void TearDownTestSuite() {
    delete coder_;
    coder_ = nullptr;
  }

  static std::vector<Triple> Code(std::string_view text) {
    Tagged t = Parse(text);
    std::vector<Triple> out;
    for (const CodedEvent& e : coder_->Code(t.tokens, t.actors)) out.emplace_back(e.source, e.target, e.code);
    return out;
  }
  static std::vector<CodedEvent> Events(std::string_view text) {
    Tagged t = Parse(text);
    return coder_->Code(t.tokens, t.actors);
  }

  static EventCoder* coder_;
};

EventCoder* EventCoderTest::coder_ = nullptr;

TEST_F(EventCoderTest, SubjectVerbObject) {
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] of/IN spying/VBG ./."),
              UnorderedElementsAre(Triple{0, 1, "112"}));
  // Title words and time phrases between subject and verb.
  EXPECT_THAT(Code("[ The/DT Arnor/NNP government/NN ] on/IN Monday/NNP accused/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "112"}));
  // A pattern's prepositional phrase picks a more specific code.
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] of/IN war/NN crimes/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "1124"}));
  // No second actor, no event; a pronoun subject is not an actor.
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD the/DT rebels/NNS ./."), IsEmpty());
  EXPECT_THAT(Code("He/PRP accused/VBD [ Gondor/NNP ] ./. [ Arnor/NNP ]"), IsEmpty());
}

TEST_F(EventCoderTest, PairedVisitCodes) {
  EXPECT_THAT(Code("[ Arnor/NNP 's/POS king/NN ] visited/VBD [ Gondor/NNP ] on/IN Monday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  EXPECT_THAT(Code("[ Aragorn/NNP ] will/MD visit/VB [ Rohan/NNP ] for/IN talks/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "046"}, Triple{1, 0, "046"}));
  // [:173]: only the reverse event.
  EXPECT_THAT(Code("[ Frodo/NNP ] appeared/VBD before/IN a/DT court/NN in/IN [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{1, 0, "173"}));
}

TEST_F(EventCoderTest, TelephoneCalls) {
  EXPECT_THAT(Code("[ Aragorn/NNP ] telephoned/VBD [ Elrond/NNP ] on/IN Tuesday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "041"}, Triple{1, 0, "041"}));
  EXPECT_THAT(Code("[ Aragorn/NNP ] phoned/VBD [ Elrond/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "041"}, Triple{1, 0, "041"}));
  const std::vector<CodedEvent> held =
      Events("[ Aragorn/NNP ] held/VBD a/DT telephone/NN conversation/NN with/IN [ Elrond/NNP ] ./.");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].code, "041");
  // The trigger is the verb and the noun phrase the pattern named.
  EXPECT_EQ(held[0].trigger_begin, 1);
  EXPECT_EQ(held[0].trigger_end, 5);
  EXPECT_GT(held[0].confidence, 0.5f);
  EXPECT_LE(held[0].confidence, 1.0f);
  // "called on X" is an appeal, but "on Tuesday" is only a time.
  EXPECT_THAT(Code("[ Aragorn/NNP ] called/VBD on/IN [ Elrond/NNP ] to/TO resign/VB ./."),
              UnorderedElementsAre(Triple{0, 1, "020"}));
}

TEST_F(EventCoderTest, Meetings) {
  EXPECT_THAT(Code("[ Aragorn/NNP ] met/VBD [ Elrond/NNP ] in/IN Rivendell/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}));
  const std::vector<CodedEvent> met_with = Events("[ Aragorn/NNP ] met/VBD with/IN [ Elrond/NNP ] ./.");
  ASSERT_EQ(met_with.size(), 1u);
  EXPECT_EQ(met_with[0].trigger_end - met_with[0].trigger_begin, 2);  // "met with"
  // A compound subject without an object meets among itself.
  EXPECT_THAT(Code("[ Aragorn/NNP ] and/CC [ Elrond/NNP ] met/VBD in/IN Rivendell/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}, Triple{1, 0, "040"}));
  // A place after "in" is not a third party of a mutual action.
  EXPECT_THAT(Code("[ Aragorn/NNP ] and/CC [ Elrond/NNP ] met/VBD in/IN [ Rivendell/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}, Triple{1, 0, "040"}));
  EXPECT_THAT(Code("[ Aragorn/NNP ] met/VBD [ Elrond/NNP ] in/IN [ Rivendell/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}));
  EXPECT_THAT(Code("[ Aragorn/NNP ] held/VBD talks/NNS with/IN [ Elrond/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "046"}, Triple{1, 0, "046"}));
  // A noun: "talks between X and Y".
  EXPECT_THAT(Code("Talks/NNS between/IN [ Arnor/NNP ] and/CC [ Gondor/NNP ] ended/VBD ./."),
              UnorderedElementsAre(Triple{0, 1, "046"}, Triple{1, 0, "046"}));
  // % in a pattern: events between the members of the compound.
  EXPECT_THAT(Code("[ Arnor/NNP ] and/CC [ Gondor/NNP ] agree/VBP that/IN peace/NN matters/VBZ ./."),
              UnorderedElementsAre(Triple{0, 1, "031"}, Triple{1, 0, "031"}));
}

TEST_F(EventCoderTest, SigningNeedsACoSigner) {
  EXPECT_THAT(Code("[ Arnor/NNP ] signed/VBD a/DT peace/NN treaty/NN with/IN [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "057"}, Triple{1, 0, "057"}));
  EXPECT_THAT(Code("[ Arnor/NNP ] and/CC [ Gondor/NNP ] signed/VBD an/DT agreement/NN ./."),
              UnorderedElementsAre(Triple{0, 1, "057"}, Triple{1, 0, "057"}));
  // Synset members match their plurals.
  EXPECT_THAT(Code("[ Arnor/NNP ] and/CC [ Gondor/NNP ] signed/VBD two/CD agreements/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "057"}, Triple{1, 0, "057"}));
  EXPECT_THAT(Code("[ Arnor/NNP ] signed/VBD the/DT agreement/NN ./. [ Gondor/NNP ] agreed/VBD"), IsEmpty());
}

TEST_F(EventCoderTest, PassiveVoice) {
  EXPECT_THAT(Code("[ Gondor/NNP ] was/VBD visited/VBN by/IN [ Arnor/NNP 's/POS king/NN ] ./."),
              UnorderedElementsAre(Triple{1, 0, "042"}, Triple{0, 1, "043"}));
  EXPECT_THAT(
      Code("[ Gondor/NNP ] was/VBD fiercely/RB attacked/VBN on/IN Monday/NNP by/IN [ Mordor/NNP ] ./."),
      UnorderedElementsAre(Triple{1, 0, "190"}));
  // Without an agent the actor is unknown: nothing.
  EXPECT_THAT(Code("[ Gondor/NNP ] was/VBD attacked/VBN near/IN [ Rohan/NNP ] ./."), IsEmpty());
}

TEST_F(EventCoderTest, Negation) {
  EXPECT_THAT(Code("[ Aragorn/NNP ] did/VBD not/RB meet/VB [ Elrond/NNP ] ./."), IsEmpty());
  EXPECT_THAT(Code("[ Aragorn/NNP ] never/RB visited/VBD [ Rohan/NNP ] ./."), IsEmpty());
  EXPECT_THAT(Code("[ Aragorn/NNP ] won't/MD visit/VB [ Rohan/NNP ] ./."), IsEmpty());
  // A pattern that names the negation codes it.
  EXPECT_THAT(Code("[ Arnor/NNP ] didn't/VBD praise/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "111"}));
  EXPECT_THAT(Code("[ Arnor/NNP ] did/VBD n't/RB praise/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "111"}));
}

TEST_F(EventCoderTest, CompoundActors) {
  EXPECT_THAT(Code("[ Arnor/NNP ] and/CC [ Rohan/NNP ] accused/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 2, "112"}, Triple{1, 2, "112"}));
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] ,/, [ Rohan/NNP ] and/CC the/DT "
                   "evil/JJ [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "112"}, Triple{0, 2, "112"}, Triple{0, 3, "112"}));
  EXPECT_THAT(Code("Neither/DT [ Arnor/NNP ] nor/CC [ Rohan/NNP ] accused/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 2, "112"}, Triple{1, 2, "112"}));
  // "In Gondor, Arnor ...": a comma alone does not make a list.
  EXPECT_THAT(Code("In/IN [ Gondor/NNP ] ,/, [ Arnor/NNP ] accused/VBD [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{1, 2, "112"}));
}

TEST_F(EventCoderTest, PrepositionalPatterns) {
  EXPECT_THAT(Code("[ Mordor/NNP ] attacked/VBD [ Gondor/NNP ] with/IN rockets/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "195"}));
  EXPECT_THAT(Code("[ Mordor/NNP ] attacked/VBD [ Gondor/NNP ] with/IN tanks/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "190"}));
}

TEST_F(EventCoderTest, ClauseStructure) {
  // A coordinated verb shares the subject.
  EXPECT_THAT(Code("[ Arnor/NNP ] condemned/VBD the/DT raid/NN by/IN [ Mordor/NNP ] and/CC promised/VBD "
                   "aid/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "122"}, Triple{0, 2, "050"}));
  // A relative clause and a parenthetical.
  EXPECT_THAT(
      Code("[ Arnor/NNP ] ,/, which/WDT visited/VBD [ Rohan/NNP ] ,/, accused/VBD [ Gondor/NNP ] ./."),
      UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}, Triple{0, 2, "112"}));
  EXPECT_THAT(
      Code("[ Arnor/NNP ] ,/, in/IN a/DT statement/NN on/IN Monday/NNP ,/, condemned/VBD [ Gondor/NNP ] ./."),
      UnorderedElementsAre(Triple{0, 1, "122"}));
  // A verb whose subject is not an actor.
  EXPECT_THAT(Code("[ Arnor/NNP ] said/VBD that/IN rebels/NNS attacked/VBD [ Gondor/NNP ] ./."), IsEmpty());
  // The action of an infinitive after an object has not happened.
  EXPECT_THAT(Code("[ Arnor/NNP ] urged/VBD [ Gondor/NNP ] to/TO attack/VB [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "020"}));
  // The subject of the next clause is not the object.
  EXPECT_THAT(Code("[ Arnor/NNP ] attacked/VBD on/IN Monday/NNP ,/, [ Gondor/NNP ] said/VBD ./."), IsEmpty());
}

TEST_F(EventCoderTest, Discards) {
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] of/IN cheating/VBG at/IN baseball/NN ./."),
              IsEmpty());
  EXPECT_THAT(Code("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] at/IN the/DT World/NNP Cup/NNP ./."), IsEmpty());
  // Years are not discarded (see event_coder.h).
  EXPECT_THAT(Code("In/IN 1999/CD [ Arnor/NNP ] accused/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "112"}));
  Tagged story = Parse("The/DT World/NNP Cup/NNP began/VBD ./.");
  EXPECT_TRUE(coder_->StoryDiscard(story.tokens));
  Tagged sentence = Parse("baseball/NN is/VBZ fun/NN ./.");
  EXPECT_FALSE(coder_->StoryDiscard(sentence.tokens));
}

TEST_F(EventCoderTest, BadInputDoesNotCrash) {
  Tagged t = Parse("[ Arnor/NNP ] accused/VBD [ Gondor/NNP ] ./.");
  EXPECT_THAT(coder_->Code({}, t.actors), IsEmpty());
  EXPECT_THAT(coder_->Code(t.tokens, {}), IsEmpty());
  // Out-of-range, empty and overlapping actor ranges are ignored.
  std::vector<CoderActor> bad = {{-1, 1}, {2, 99}, {1, 1}, {0, 1}, {0, 3}, {2, 3}};
  std::vector<CodedEvent> events = coder_->Code(t.tokens, bad);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].source, 3);
  EXPECT_EQ(events[0].target, 5);
  // Tokens without tags.
  std::vector<CoderToken> untagged;
  for (const CoderToken& tok : t.tokens) untagged.push_back(CoderToken{tok.text, ""});
  EXPECT_THAT(coder_->Code(untagged, t.actors), IsEmpty());
  // An empty coder codes nothing.
  EventCoder empty;
  EXPECT_THAT(empty.Code(t.tokens, t.actors), IsEmpty());
  EXPECT_EQ(EventCoder::Load("/nonexistent/verbs.txt", "").status().code(), absl::StatusCode::kNotFound);
}

// Announced actions coded as statements of intent and threats: the fixture
// dictionary loaded with the option on (Load leaves it off, as above).
TEST(EventCoderIntentTest, AnnouncedActionsAreIntentsOrThreats) {
  const std::string verbs = TempPath("event_coder_intent.verbs.txt");
  WriteFile(verbs, kVerbs);
  CoderOptions options;
  options.announced_as_intent = true;
  auto coder = EventCoder::Load(verbs, "", options);
  ASSERT_TRUE(coder.ok()) << coder.status();
  auto off = EventCoder::Load(verbs, "");
  std::remove(verbs.c_str());
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->options().announced_as_intent);
  auto code = [&](const EventCoder& c, std::string_view text) {
    Tagged t = Parse(text);
    std::vector<Triple> out;
    for (const CodedEvent& e : c.Code(t.tokens, t.actors)) out.emplace_back(e.source, e.target, e.code);
    return out;
  };
  // A visit announced is an intent to meet; the host has done nothing yet.
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] will/MD visit/VB [ Gondor/NNP ] in/IN June/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "036"}));
  EXPECT_THAT(code(*off, "[ Arnor/NNP ] will/MD visit/VB [ Gondor/NNP ] in/IN June/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  // Aid, a boycott and an attack announced: 033, 1312, 1384.
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] would/MD send/VB grain/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "033"}));
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] plans/VBZ to/TO boycott/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "1312"}));
  EXPECT_THAT(code(*coder, "[ Mordor/NNP ] has/VBZ pledged/VBN to/TO attack/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "1384"}));
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] is/VBZ ready/JJ to/TO send/VB grain/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "033"}));
  // "is to host" is a schedule, not an intent.
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] is/VBZ to/TO visit/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  // A mutual action announced by a compound subject: both ways.
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] and/CC [ Gondor/NNP ] will/MD meet/VB next/JJ week/NN ./."),
              UnorderedElementsAre(Triple{0, 1, "036"}, Triple{1, 0, "036"}));
  // Statements keep their code; a forecast by others is no intent; done
  // actions and negated ones as before.
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] will/MD condemn/VB [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "122"}));
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] is/VBZ expected/VBN to/TO send/VB grain/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "070"}));
  EXPECT_THAT(code(*coder, "[ Mordor/NNP ] attacked/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "190"}));
  EXPECT_THAT(code(*coder, "[ Mordor/NNP ] will/MD not/RB attack/VB [ Gondor/NNP ] ./."), IsEmpty());
  EXPECT_THAT(code(*coder, "[ Arnor/NNP ] urged/VBD [ Rohan/NNP ] to/TO attack/VB [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "020"}));
}

// "Arnor said it would ...": the pronoun is the speaker.
TEST_F(EventCoderTest, PronounSubjectOfAVerbOfSaying) {
  EXPECT_THAT(Code("[ Arnor/NNP ] said/VBD it/PRP will/MD send/VB grain/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "070"}));
  EXPECT_THAT(Code("[ Arnor/NNP ] announced/VBD on/IN Monday/NNP that/IN they/PRP attacked/VBD "
                   "[ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "190"}));
  // Another actor between, or no speaker: not resolved.
  EXPECT_THAT(Code("[ Arnor/NNP ] told/VBD [ Rohan/NNP ] it/PRP attacked/VBD [ Gondor/NNP ] ./."), IsEmpty());
  EXPECT_THAT(Code("It/PRP said/VBD it/PRP attacked/VBD [ Gondor/NNP ] ./. [ Arnor/NNP ]"), IsEmpty());
  EXPECT_THAT(Code("[ Arnor/NNP ] said/VBD we/PRP attacked/VBD [ Gondor/NNP ] ./."), IsEmpty());
}

// The shipped CAMEO.2.0 dictionary with Dossier's additions.
TEST(ShippedEventCoderTest, CodesDiplomaticSentences) {
  auto coder = EventCoder::LoadDir(SourceDir() + "/data/cameo");
  ASSERT_TRUE(coder.ok()) << coder.status();
  auto code = [&](std::string_view text) {
    Tagged t = Parse(text);
    std::vector<Triple> out;
    for (const CodedEvent& e : coder->Code(t.tokens, t.actors)) out.emplace_back(e.source, e.target, e.code);
    return out;
  };
  EXPECT_THAT(code("[ The/DT Arnorian/JJ foreign/JJ minister/NN ] visited/VBD [ Gondor/NNP ] on/IN "
                   "Monday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  EXPECT_THAT(code("[ President/NNP Aragorn/NNP ] held/VBD a/DT telephone/NN conversation/NN with/IN "
                   "[ King/NNP Elessar/NNP ] on/IN Tuesday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "041"}, Triple{1, 0, "041"}));
  EXPECT_THAT(code("[ President/NNP Aragorn/NNP ] telephoned/VBD [ King/NNP Elessar/NNP ] on/IN "
                   "Tuesday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "041"}, Triple{1, 0, "041"}));
  EXPECT_THAT(code("[ Arnor/NNP ] and/CC [ Gondor/NNP ] signed/VBD a/DT friendship/NN treaty/NN in/IN "
                   "Annuminas/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "057"}, Triple{1, 0, "057"}));
  EXPECT_THAT(code("[ Aragorn/NNP ] met/VBD with/IN [ Elrond/NNP ] in/IN Rivendell/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}));
  EXPECT_THAT(code("[ Aragorn/NNP ] and/CC [ Elrond/NNP ] met/VBD in/IN Rivendell/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "040"}, Triple{1, 0, "040"}));
  EXPECT_THAT(code("[ Aragorn/NNP ] paid/VBD a/DT state/NN visit/NN to/TO [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  EXPECT_THAT(code("[ Elrond/NNP ] received/VBD [ Aragorn/NNP ] in/IN Rivendell/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "043"}, Triple{1, 0, "042"}));
  EXPECT_THAT(code("[ Aragorn/NNP ] did/VBD not/RB meet/VB [ Elrond/NNP ] ./."), IsEmpty());
  EXPECT_THAT(code("[ Mordor/NNP ] attacked/VBD [ Gondor/NNP ] on/IN Monday/NNP ./."),
              UnorderedElementsAre(Triple{0, 1, "190"}));
  // A very long "sentence" with many actors and verbs finishes.
  std::string long_text;
  for (int k = 0; k < 400; ++k) {
    long_text += "[ Arnor/NNP ] and/CC the/DT [ Gondor/NNP ] army/NN visited/VBD and/CC met/VBD with/IN ";
  }
  long_text += "[ Rohan/NNP ] ./.";
  Tagged long_sentence = Parse(long_text);
  EXPECT_FALSE(coder->Code(long_sentence.tokens, long_sentence.actors).empty());
  // Phoenix's year discards are ignored.
  EXPECT_THAT(code("In/IN 2001/CD [ Aragorn/NNP ] visited/VBD [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "042"}, Triple{1, 0, "043"}));
  // "agreed to" is an intent to cooperate (dossier.verbs.txt), between the
  // members of a compound subject too; a bare "agreed with" keeps CAMEO's.
  // (The infinitive is coded too: CAMEO's "REOPEN * BORDER" is 050, agreed
  // to, an intent: 032.)
  EXPECT_THAT(code("[ Arnor/NNP ] has/VBZ agreed/VBN to/TO reopen/VB its/PRP$ border/NN to/TO "
                   "[ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "030"}, Triple{0, 1, "032"}));
  // The infinitive's action agreed to: an intent to cooperate militarily.
  EXPECT_THAT(code("[ Arnor/NNP ] and/CC [ Gondor/NNP ] agreed/VBD to/TO hold/VB joint/JJ exercises/NNS ./."),
              UnorderedElementsAre(Triple{0, 1, "030"}, Triple{1, 0, "030"}, Triple{0, 1, "0312"},
                                   Triple{1, 0, "0312"}));
  EXPECT_THAT(code("[ Arnor/NNP ] agreed/VBD with/IN [ Gondor/NNP ] ./."), UnorderedElementsAre(Triple{0, 1, "030"}));
  // Rejecting and refusing code 120 without a named object; CAMEO's
  // patterns still pick a finer code where they match.
  EXPECT_THAT(code("[ Rohan/NNP ] flatly/RB rejected/VBD an/DT ultimatum/NN from/IN [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "120"}));
  EXPECT_THAT(code("[ Rohan/NNP ] refused/VBD to/TO meet/VB [ Mordor/NNP ] 's/POS envoy/NN ./."),
              UnorderedElementsAre(Triple{0, 1, "120"}));
  EXPECT_THAT(code("[ Rohan/NNP ] rejected/VBD the/DT accusation/NN by/IN [ Mordor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "016"}));
  // Withdrawing peacekeepers (dossier.verbs.txt): 1661; announced, a threat
  // to end international involvement (136).
  EXPECT_THAT(code("[ Arnor/NNP ] withdrew/VBD its/PRP$ peacekeeping/NN force/NN from/IN [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "1661"}));
  EXPECT_THAT(code("[ Arnor/NNP ] will/MD withdraw/VB its/PRP$ peacekeeping/NN force/NN from/IN "
                   "[ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "136"}));
  EXPECT_THAT(code("[ Arnor/NNP ] said/VBD it/PRP would/MD send/VB humanitarian/JJ aid/NN to/TO "
                   "[ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "0333"}));
}

// A code written on a verb line beats the default of a block that lists
// the same verb: whichever file or block comes first.
TEST(EventCoderCodeChoiceTest, VerbOwnCodeBeatsBlockDefault) {
  const std::string path = TempPath("event_coder_own_code.verbs.txt");
  WriteFile(path,
            "---  SNUB   [---]  ---\n"
            "SNUB\n"
            "- * GIFT                                            [121]\n"
            "---  SNUB_DEFAULT   [---]  ---\n"
            "SNUB [125]\n"
            "---  GREET   [051]  ---\n"
            "GREET\n"
            "---  GREET_AGAIN   [052]  ---\n"
            "GREET\n");
  auto coder = EventCoder::Load(path, "");
  std::remove(path.c_str());
  ASSERT_TRUE(coder.ok()) << coder.status();
  auto code = [&](std::string_view text) {
    Tagged t = Parse(text);
    std::vector<Triple> out;
    for (const CodedEvent& e : coder->Code(t.tokens, t.actors)) out.emplace_back(e.source, e.target, e.code);
    return out;
  };
  EXPECT_THAT(code("[ Arnor/NNP ] snubbed/VBD [ Gondor/NNP ] ./."), UnorderedElementsAre(Triple{0, 1, "125"}));
  // The first block's pattern still wins where it matches.
  EXPECT_THAT(code("[ Arnor/NNP ] snubbed/VBD a/DT gift/NN from/IN [ Gondor/NNP ] ./."),
              UnorderedElementsAre(Triple{0, 1, "121"}));
  // Without own codes, the first block's default, as before.
  EXPECT_THAT(code("[ Arnor/NNP ] greeted/VBD [ Gondor/NNP ] ./."), UnorderedElementsAre(Triple{0, 1, "051"}));
}

}  // namespace
}  // namespace dossier::entity::events
