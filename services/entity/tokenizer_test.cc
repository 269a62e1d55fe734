#include "services/entity/tokenizer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/entity/name_text.h"

namespace dossier::entity {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  TokenizedText tt = Tokenize(text);
  std::vector<std::string> out;
  for (int i = 0; i < tt.size(); ++i) out.emplace_back(tt.text(i, text));
  return out;
}

std::vector<std::string> SentenceTexts(std::string_view text) {
  TokenizedText tt = Tokenize(text);
  std::vector<std::string> out;
  for (const Sentence& s : SplitSentences(tt, text)) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(TokenizerTest, HyphensPossessivesAndAbbreviations) {
  EXPECT_EQ(Texts("Sino-Russian ties"), (std::vector<std::string>{"Sino", "-", "Russian", "ties"}));
  EXPECT_EQ(Texts("Russia's stance"), (std::vector<std::string>{"Russia", "'s", "stance"}));
  EXPECT_EQ(Texts("People\xE2\x80\x99s Daily"),
            (std::vector<std::string>{"People", "\xE2\x80\x99s", "Daily"}));
  EXPECT_EQ(Texts("Mr. Smith met U.S. envoys"),
            (std::vector<std::string>{"Mr.", "Smith", "met", "U.S.", "envoys"}));
  EXPECT_EQ(Texts("Vladimir V. Putin"), (std::vector<std::string>{"Vladimir", "V.", "Putin"}));
  EXPECT_EQ(Texts("O'Neill said 2,000 on 18th."),
            (std::vector<std::string>{"O'Neill", "said", "2,000", "on", "18th", "."}));
  EXPECT_EQ(Texts("(19/09/2001)"), (std::vector<std::string>{"(", "19", "/", "09", "/", "2001", ")"}));
}

TEST(TokenizerTest, OffsetsFlagsAndFolding) {
  const std::string text =
      "  Erdo\xC4\x9F"
      "an visited SCO\n\nToday";
  TokenizedText tt = Tokenize(text);
  ASSERT_EQ(tt.size(), 4);
  EXPECT_EQ(tt.tokens[0].begin, 2u);
  EXPECT_EQ(tt.norm(0), "erdogan");
  EXPECT_TRUE(tt.tokens[0].capitalized());
  EXPECT_TRUE(tt.tokens[2].Has(kTokAllCaps));
  EXPECT_FALSE(tt.tokens[1].capitalized());
  EXPECT_TRUE(tt.tokens[3].Has(kTokParagraphBefore));
}

TEST(SentenceSplitterTest, SplitsAtTerminalsNotAbbreviations) {
  EXPECT_EQ(SentenceTexts("Mr. Li met Dr. Wang in the U.S. capital. They talked. \"Good,\" he said."),
            (std::vector<std::string>{"Mr. Li met Dr. Wang in the U.S. capital.", "They talked.",
                                      "\"Good,\" he said."}));
  EXPECT_EQ(SentenceTexts("He said: \xE2\x80\x9CWe agree.\xE2\x80\x9D Then he left."),
            (std::vector<std::string>{"He said: \xE2\x80\x9CWe agree.\xE2\x80\x9D", "Then he left."}));
  EXPECT_EQ(SentenceTexts("Vladimir V. Putin arrived on Sept. 18 in Moscow."),
            (std::vector<std::string>{"Vladimir V. Putin arrived on Sept. 18 in Moscow."}));
  EXPECT_EQ(SentenceTexts("Posted July. 18, 2002 at noon"),
            (std::vector<std::string>{"Posted July. 18, 2002 at noon"}));
}

TEST(SentenceSplitterTest, LinesAndParagraphs) {
  EXPECT_EQ(
      SentenceTexts("Home > Topics\nPresident Jiang met Putin\n\nThe two leaders agreed."),
      (std::vector<std::string>{"Home > Topics", "President Jiang met Putin", "The two leaders agreed."}));
  // A wrapped line continues the sentence.
  EXPECT_EQ(SentenceTexts("The two leaders\nagreed to meet."),
            (std::vector<std::string>{"The two leaders\nagreed to meet."}));
}

TEST(NameTextTest, SlugsKeysAndDistance) {
  EXPECT_EQ(Slugify("People's Daily"), "peoples-daily");
  EXPECT_EQ(Slugify("Vladimir  Rushailo"), "vladimir-rushailo");
  EXPECT_EQ(Slugify("Erdo\xC4\x9F"
                    "an"),
            "erdogan");
  EXPECT_EQ(MatchKey("Sankt-Peterburg"), "sanktpeterburg");
  EXPECT_EQ(FoldName("  The  SCO\xE2\x80\x99s "), "the sco's");
  EXPECT_EQ(DamerauLevenshtein("quianqichen", "qianqichen", 2), 1);
  EXPECT_EQ(DamerauLevenshtein("abcd", "abdc", 2), 1);  // transposition
  EXPECT_EQ(DamerauLevenshtein("tadzhikistan", "tajikistan", 3), 3);
  EXPECT_EQ(DamerauLevenshtein("completely", "different", 2), 3);
}

}  // namespace
}  // namespace dossier::entity
