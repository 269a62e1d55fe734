// Tests of the PETRARCH verb dictionary reader on a small dictionary written
// for these tests: synsets, verb forms (regular, irregular, multi-word),
// patterns and their items, paired codes, discards and bad lines. Also
// checks that the shipped dictionaries load.

#include "services/entity/events/verb_dictionary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "services/entity/test_paths.h"

namespace dossier::entity::events {
namespace {

using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

constexpr char kVerbs[] = R"(# A test dictionary
<!-- an XML comment
     over two lines -->
&PACT
+PACT
+PEACE_ACCORD
+CASH_
+&EXTRA

&EXTRA
+COMMUNIQUE

--- GREET  [051]  ---
GREET
HAIL {HAILS HAILED}
+SHAKE_HANDS {+SHOOK_HANDS +SHAKES_HANDS +SHAKING_HANDS} [053]
WIRE_+TAP
EMBRACE {}
- * &PACT                 [057:057]   # comment
- WARMLY_* (WITH ^ LEADERS) [052]
- $ * + (AT {STATE DINNER}) [043:042]
- % * [050:050]
- * (BY/WITH TELEGRAM)    [:041]
- NOT * SIT-IN            [---]
- * BADLY                 [+++]
- * (UNCLOSED             [010]
- * &NOSUCH               [010]
- * NOCODE
- AND TWO * * STARS       [010]

--- STOP [190] ---
STOP
REGRET
CRY
FIX
- DID N'T *                [111]
)";

const VerbForm* FindForm(const VerbDictionary& d, std::string_view text) {
  // "shook hands" -> the form with word "shook" and after {"hands"}.
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string_view::npos) sp = text.size();
    words.emplace_back(text.substr(pos, sp - pos));
    pos = sp + 1;
  }
  for (const VerbForm& f : d.forms()) {
    std::vector<std::string> all;
    for (int w : f.before) all.push_back(d.Word(w));
    all.push_back(d.Word(f.word));
    for (int w : f.after) all.push_back(d.Word(w));
    if (all == words) return &f;
  }
  return nullptr;
}

TEST(VerbDictionaryTest, RegularForms) {
  EXPECT_THAT(VerbDictionary::RegularForms("visit"),
              IsSupersetOf({"visit", "visits", "visited", "visiting"}));
  EXPECT_THAT(VerbDictionary::RegularForms("STOP"), IsSupersetOf({"stop", "stops", "stopped", "stopping"}));
  EXPECT_THAT(VerbDictionary::RegularForms("regret"), IsSupersetOf({"regrets", "regretted", "regretting"}));
  EXPECT_THAT(VerbDictionary::RegularForms("cry"), IsSupersetOf({"cries", "cried", "crying"}));
  EXPECT_THAT(VerbDictionary::RegularForms("fix"), UnorderedElementsAre("fix", "fixes", "fixed", "fixing"));
  EXPECT_THAT(VerbDictionary::RegularForms("agree"),
              UnorderedElementsAre("agree", "agrees", "agreed", "agreeing"));
  EXPECT_THAT(VerbDictionary::RegularForms("welcome"),
              UnorderedElementsAre("welcome", "welcomes", "welcomed", "welcoming"));
  EXPECT_THAT(VerbDictionary::RegularForms("tie"), IsSupersetOf({"ties", "tied", "tying"}));
  EXPECT_THAT(VerbDictionary::RegularForms("play"),
              UnorderedElementsAre("play", "plays", "played", "playing"));
  EXPECT_THAT(VerbDictionary::RegularForms("veto"), IsSupersetOf({"vetoes", "vetoed"}));
}

TEST(VerbDictionaryTest, ReadsBlocksVerbsAndForms) {
  VerbDictionary d;
  d.AddVerbs(kVerbs, "test.txt");
  ASSERT_EQ(d.blocks().size(), 2u);
  EXPECT_EQ(d.blocks()[0].name, "GREET");
  EXPECT_EQ(d.blocks()[0].code.forward, "051");
  EXPECT_EQ(d.blocks()[1].code.forward, "190");
  // Regular forms of a verb without {}.
  for (const char* form : {"greet", "greets", "greeted", "greeting", "stopped", "regretted", "cries"}) {
    EXPECT_NE(FindForm(d, form), nullptr) << form;
  }
  // Irregular forms replace the regular ones.
  EXPECT_NE(FindForm(d, "hailed"), nullptr);
  EXPECT_EQ(FindForm(d, "hailing"), nullptr);
  // {} alone: the base form only.
  EXPECT_NE(FindForm(d, "embrace"), nullptr);
  EXPECT_EQ(FindForm(d, "embraced"), nullptr);
  // Multi-word verbs: the + word is the verb, the others fixed around it.
  const VerbForm* shook = FindForm(d, "shook hands");
  ASSERT_NE(shook, nullptr);
  EXPECT_EQ(d.Word(shook->word), "shook");
  const VerbEntry& shake = d.verbs()[shook->verb];
  EXPECT_EQ(shake.text, "shake hands");
  EXPECT_EQ(shake.code.forward, "053");
  EXPECT_NE(FindForm(d, "shaking hands"), nullptr);
  const VerbForm* tapped = FindForm(d, "wire tapped");
  ASSERT_NE(tapped, nullptr);
  EXPECT_EQ(d.Word(tapped->word), "tapped");
  ASSERT_EQ(tapped->before.size(), 1u);
  EXPECT_EQ(d.Word(tapped->before[0]), "wire");
  // Every form points at its verb, every verb at its block.
  for (int f : d.FormsWithWord(d.WordId("greeted"))) EXPECT_EQ(d.verbs()[d.forms()[f].verb].block, 0);
  EXPECT_TRUE(d.FormsWithWord(d.WordId("nonsense")).empty());
}

TEST(VerbDictionaryTest, ReadsSynsets) {
  VerbDictionary d;
  d.AddVerbs(kVerbs, "test.txt");
  const int pact = d.SynsetId("PACT");
  ASSERT_GE(pact, 0);
  EXPECT_EQ(d.SynsetId("pact_"), pact);  // "&PACT_" names it too
  std::vector<std::string> phrases;
  for (const DictPhrase& p : d.synsets()[pact].phrases) {
    std::string s;
    for (const DictWord& w : p) s += (s.empty() ? "" : " ") + d.Word(w.id) + (w.exact ? "" : "(s)");
    phrases.push_back(s);
  }
  // The last word of a member matches its plural unless written WORD_;
  // a nested synset defined later is expanded.
  EXPECT_THAT(phrases, UnorderedElementsAre("pact(s)", "peace accord(s)", "cash", "communique(s)"));
}

TEST(VerbDictionaryTest, ReadsPatterns) {
  VerbDictionary d;
  d.AddVerbs(kVerbs, "test.txt");
  const std::vector<VerbPattern>& p = d.blocks()[0].patterns;
  ASSERT_EQ(p.size(), 6u);  // the other six GREET lines are unusable
  // "- * &PACT [057:057]"
  EXPECT_TRUE(p[0].before.empty());
  ASSERT_EQ(p[0].after.size(), 1u);
  EXPECT_EQ(p[0].after[0].kind, PatternItem::Kind::kSynset);
  EXPECT_EQ(p[0].code.forward, "057");
  EXPECT_EQ(p[0].code.reverse, "057");
  // "- WARMLY_* (WITH ^ LEADERS)": the word is tied to the verb; a prep
  // phrase with its object items.
  ASSERT_EQ(p[1].before.size(), 1u);
  EXPECT_TRUE(p[1].verb_connected);
  ASSERT_EQ(p[1].after.size(), 1u);
  const PatternItem& prep = p[1].after[0];
  EXPECT_EQ(prep.kind, PatternItem::Kind::kPrep);
  ASSERT_EQ(prep.words.size(), 1u);
  EXPECT_EQ(d.Word(prep.words[0].id), "with");
  ASSERT_EQ(prep.object.size(), 2u);
  EXPECT_EQ(prep.object[0].kind, PatternItem::Kind::kSkip);
  EXPECT_EQ(prep.object[1].kind, PatternItem::Kind::kWords);
  // "- $ * + (AT {STATE DINNER})": markers; a compound is words in a row.
  EXPECT_EQ(p[2].before[0].kind, PatternItem::Kind::kSource);
  EXPECT_EQ(p[2].after[0].kind, PatternItem::Kind::kTarget);
  ASSERT_EQ(p[2].after[1].object.size(), 2u);
  EXPECT_FALSE(p[2].after[1].object[0].connected);
  EXPECT_TRUE(p[2].after[1].object[1].connected);
  EXPECT_EQ(p[2].code.forward, "043");
  EXPECT_EQ(p[2].code.reverse, "042");
  EXPECT_EQ(p[3].before[0].kind, PatternItem::Kind::kCompound);
  // "(BY/WITH TELEGRAM) [:041]": alternatives, reverse code only.
  ASSERT_EQ(p[4].after[0].words.size(), 2u);
  EXPECT_EQ(p[4].code.forward, "");
  EXPECT_EQ(p[4].code.reverse, "041");
  // "NOT * SIT-IN [---]": hyphenated words are three tokens; [---] discards.
  EXPECT_TRUE(p[5].code.discard);
  ASSERT_EQ(p[5].after.size(), 3u);
  EXPECT_EQ(d.Word(p[5].after[1].words[0].id), "-");
  EXPECT_TRUE(p[5].after[1].connected);
  // More specific patterns weigh more.
  EXPECT_GT(p[2].weight, p[0].weight);
  // "DID N'T *": joined as the tokenizer keeps "didn't".
  const VerbPattern& neg = d.blocks()[1].patterns[0];
  ASSERT_EQ(neg.before.size(), 1u);
  EXPECT_EQ(d.Word(neg.before[0].words[0].id), "didn't");
}

TEST(VerbDictionaryTest, CountsBadLinesWithoutFailing) {
  VerbDictionary d;
  d.AddVerbs(kVerbs, "test.txt");
  // [+++], unclosed (, unknown synset, no code, two *.
  EXPECT_EQ(d.warnings(), 5);
  ASSERT_EQ(d.warning_messages().size(), 5u);
  EXPECT_NE(d.warning_messages()[0].find("test.txt:"), std::string::npos);
  VerbDictionary junk;
  junk.AddVerbs("- * PATTERN BEFORE ANY BLOCK [010]\nVERB_OUTSIDE\n--- [010] ---\n&\n+\n{}[]\n", "junk.txt");
  EXPECT_TRUE(junk.blocks().empty());
  EXPECT_GE(junk.warnings(), 3);
  VerbDictionary empty;
  empty.AddVerbs("", "empty.txt");
  EXPECT_EQ(empty.warnings(), 0);
}

TEST(VerbDictionaryTest, ReadsDiscards) {
  VerbDictionary d;
  d.AddDiscards("# comment\nBASEBALL\n+WORLD CUP   # story\n1999\nGROUP A_\n\n", "discards.txt");
  ASSERT_EQ(d.discards().size(), 4u);
  EXPECT_FALSE(d.discards()[0].story);
  EXPECT_TRUE(d.discards()[1].story);
  ASSERT_EQ(d.discards()[1].words.size(), 2u);
  EXPECT_EQ(d.Word(d.discards()[1].words[1].id), "cup");
  EXPECT_TRUE(d.discards()[2].numeric);
  EXPECT_FALSE(d.discards()[3].numeric);
}

TEST(VerbDictionaryTest, LoadErrors) {
  EXPECT_EQ(VerbDictionary::Load("/nonexistent/verbs.txt", "").status().code(), absl::StatusCode::kNotFound);
}

TEST(VerbDictionaryTest, ShippedDictionariesLoad) {
  const std::string dir = SourceDir() + "/data/cameo";
  auto d = VerbDictionary::Load(dir + "/CAMEO.2.0.txt", dir + "/Phoenix.discards.txt");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_GT(d->blocks().size(), 350u);
  EXPECT_GT(d->forms().size(), 5000u);
  EXPECT_GT(d->discards().size(), 400u);
  // A handful of lines in CAMEO.2.0.txt cannot be read (a stray "VISIT)",
  // two undefined synsets).
  EXPECT_LE(d->warnings(), 5);
  ASSERT_TRUE(d->AddVerbsFile(dir + "/dossier.verbs.txt").ok());
  EXPECT_LE(d->warnings(), 5);
  EXPECT_FALSE(d->FormsWithWord(d->WordId("telephoned")).empty());
  EXPECT_FALSE(d->FormsWithWord(d->WordId("met")).empty());
}

}  // namespace
}  // namespace dossier::entity::events
