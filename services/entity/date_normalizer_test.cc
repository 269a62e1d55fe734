#include "services/entity/date_normalizer.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace dossier::entity {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;  // (span text, timex)

Found Dates(std::string_view text, DateParts published) {
  TokenizedText tt = Tokenize(text);
  std::vector<Sentence> sentences = SplitSentences(tt, text);
  Found out;
  for (const DateMatch& m : FindDates(tt, sentences, published)) {
    const uint32_t b = tt.tokens[m.token_begin].begin;
    const uint32_t e = tt.tokens[m.token_end - 1].end;
    out.emplace_back(std::string(text.substr(b, e - b)), m.timex);
  }
  return out;
}

const DateParts k20010919{2001, 9, 19};
const DateParts k20020718{2002, 7, 18};
const DateParts kUnknown{};

TEST(DateNormalizerTest, DayAndMonth) {
  EXPECT_EQ(Dates("It happened on 18th September.", k20010919), (Found{{"18th September", "2001-09-18"}}));
  EXPECT_EQ(Dates("It happened on September 18.", k20010919), (Found{{"September 18", "2001-09-18"}}));
  EXPECT_EQ(Dates("They met on the 17th of July.", k20020718), (Found{{"the 17th of July", "2002-07-17"}}));
  // Closest year, preferring the past: a December day seen in January.
  EXPECT_EQ(Dates("He left on December 28.", DateParts{2002, 1, 5}), (Found{{"December 28", "2001-12-28"}}));
  // No publication date: the year stays unknown.
  EXPECT_EQ(Dates("He spoke on 18th September.", kUnknown), (Found{{"18th September", "XXXX-09-18"}}));
  // Reports look back: a day two months ahead of publication is last year's,
  // unless the sentence speaks of the future; a day just ahead stays ahead.
  EXPECT_EQ(Dates("The attacks of Sept. 11 changed everything.", k20020718), (Found{{"Sept. 11", "2001-09-11"}}));
  EXPECT_EQ(Dates("The summit will open on Sept. 11.", k20020718), (Found{{"Sept. 11", "2002-09-11"}}));
  EXPECT_EQ(Dates("Talks resume on July 20.", k20020718), (Found{{"July 20", "2002-07-20"}}));
}

TEST(DateNormalizerTest, WeekdaysFollowTheTense) {
  // 2002-07-18 was a Thursday.
  EXPECT_EQ(Dates("They met on Monday.", k20020718), (Found{{"Monday", "2002-07-15"}}));
  EXPECT_EQ(Dates("They will meet again on Monday.", k20020718), (Found{{"Monday", "2002-07-22"}}));
  EXPECT_EQ(Dates("The talks are scheduled for Thursday.", k20020718), (Found{{"Thursday", "2002-07-25"}}));
  EXPECT_EQ(Dates("They met on Thursday.", k20020718), (Found{{"Thursday", "2002-07-18"}}));
}

TEST(DateNormalizerTest, CountsAgo) {
  EXPECT_EQ(Dates("He arrived two days ago.", k20020718), (Found{{"two days ago", "2002-07-16"}}));
  EXPECT_EQ(Dates("It was signed 3 weeks ago.", k20020718), (Found{{"3 weeks ago", "2002-06-27"}}));
  EXPECT_EQ(Dates("They met eight months ago.", k20020718), (Found{{"eight months ago", "2001-11"}}));
  EXPECT_EQ(Dates("The treaty was signed a year ago.", k20020718), (Found{{"a year ago", "2001"}}));
  // Relative to an unknown date: nothing.
  EXPECT_EQ(Dates("He arrived two days ago.", kUnknown), (Found{}));
}

TEST(DateNormalizerTest, FullDates) {
  EXPECT_EQ(Dates("On June 14, 2001, they met.", kUnknown), (Found{{"June 14, 2001", "2001-06-14"}}));
  EXPECT_EQ(Dates("Posted July. 18, 2002 22:21", kUnknown), (Found{{"July. 18, 2002", "2002-07-18"}}));
  EXPECT_EQ(Dates("Signed 14 June 2001 in Shanghai.", kUnknown), (Found{{"14 June 2001", "2001-06-14"}}));
  EXPECT_EQ(Dates("Putin(19/09/2001)", kUnknown), (Found{{"19/09/2001", "2001-09-19"}}));
  EXPECT_EQ(Dates("2021-08-26 10:35", kUnknown), (Found{{"2021-08-26", "2021-08-26"}}));
  EXPECT_EQ(Dates("In June 2001 the group was founded.", kUnknown), (Found{{"June 2001", "2001-06"}}));
}

TEST(DateNormalizerTest, PartOfDayPrefixIsInTheSpan) {
  EXPECT_EQ(Dates("On the evening of 18th September, Jiang called.", k20010919),
            (Found{{"the evening of 18th September", "2001-09-18"}}));
  EXPECT_EQ(Dates("On the afternoon of June 14, 2001, they met.", kUnknown),
            (Found{{"the afternoon of June 14, 2001", "2001-06-14"}}));
}

TEST(DateNormalizerTest, OrdinalDayOfThePublicationMonth) {
  EXPECT_EQ(Dates("He came on 17th to attend.", k20020718), (Found{{"17th", "2002-07-17"}}));
  EXPECT_EQ(Dates("It was reported on the 17th that he agreed.", k20020718),
            (Found{{"the 17th", "2002-07-17"}}));
  // A day after the publication day is in the previous month.
  EXPECT_EQ(Dates("He came on 25th to attend.", k20020718), (Found{{"25th", "2002-06-25"}}));
  EXPECT_EQ(Dates("He came on 17th to attend.", kUnknown), (Found{{"17th", "XXXX-XX-17"}}));
  // An ordinal before a noun is not a date.
  EXPECT_EQ(Dates("They marked the 20th anniversary of the treaty.", k20020718), (Found{}));
  EXPECT_EQ(Dates("They met on the 20th anniversary of the treaty.", k20020718), (Found{}));
}

TEST(DateNormalizerTest, RelativeDays) {
  EXPECT_EQ(Dates("They will meet tomorrow.", k20010919), (Found{{"tomorrow", "2001-09-20"}}));
  EXPECT_EQ(Dates("They met yesterday.", k20010919), (Found{{"yesterday", "2001-09-18"}}));
  EXPECT_EQ(Dates("They meet today.", k20010919), (Found{{"today", "2001-09-19"}}));
  EXPECT_EQ(Dates("He will host a banquet this evening.", k20010919),
            (Found{{"this evening", "2001-09-19"}}));
  // Relative words need a publication date.
  EXPECT_EQ(Dates("They will meet tomorrow.", kUnknown), (Found{}));
}

TEST(DateNormalizerTest, RelativeMonthsAndYears) {
  EXPECT_EQ(Dates("In last June, at the summit, they agreed.", k20020718), (Found{{"last June", "2002-06"}}));
  // "last June" seen in June is the June of the year before.
  EXPECT_EQ(Dates("Last June they agreed.", DateParts{2002, 6, 20}), (Found{{"Last June", "2001-06"}}));
  EXPECT_EQ(Dates("He will visit next month.", DateParts{2001, 6, 14}), (Found{{"next month", "2001-07"}}));
  EXPECT_EQ(Dates("He will visit next month.", DateParts{2001, 12, 14}), (Found{{"next month", "2002-01"}}));
  EXPECT_EQ(Dates("This year marks the anniversary.", DateParts{2021, 8, 26}),
            (Found{{"This year", "2021"}}));
  EXPECT_EQ(Dates("Last year, Uzbekistan joined.", k20020718), (Found{{"Last year", "2001"}}));
  EXPECT_EQ(Dates("a state visit in July this year", DateParts{2001, 6, 14}),
            (Found{{"July this year", "2001-07"}}));
}

TEST(DateNormalizerTest, BareMonths) {
  // The past is preferred for reports ...
  EXPECT_EQ(Dates("He won the election in March.", DateParts{2000, 7, 18}), (Found{{"March", "2000-03"}}));
  EXPECT_EQ(Dates("He won the election in October.", DateParts{2000, 7, 18}),
            (Found{{"October", "1999-10"}}));
  // ... unless the sentence speaks of the future.
  EXPECT_EQ(Dates("He will visit in October.", DateParts{2000, 7, 18}), (Found{{"October", "2000-10"}}));
  EXPECT_EQ(Dates("He won the election in March.", kUnknown), (Found{{"March", "XXXX-03"}}));
  // "may" is the verb unless a preposition makes it the month.
  EXPECT_EQ(Dates("They May agree.", kUnknown), (Found{}));
  EXPECT_EQ(Dates("They met in May.", DateParts{2001, 9, 1}), (Found{{"May", "2001-05"}}));
}

TEST(DateNormalizerTest, Weekdays) {
  // 2001-09-19 was a Wednesday.
  EXPECT_EQ(Dates("He arrived on Monday.", k20010919), (Found{{"Monday", "2001-09-17"}}));
  EXPECT_EQ(Dates("He arrived on Wednesday.", k20010919), (Found{{"Wednesday", "2001-09-19"}}));
  EXPECT_EQ(Dates("He will leave next Monday.", k20010919), (Found{{"next Monday", "2001-09-24"}}));
  EXPECT_EQ(Dates("He arrived last Wednesday.", k20010919), (Found{{"last Wednesday", "2001-09-12"}}));
}

TEST(DateNormalizerTest, Years) {
  EXPECT_EQ(Dates("The treaty was signed in 2001.", kUnknown), (Found{{"2001", "2001"}}));
  EXPECT_EQ(Dates("Founded 2001 in Shanghai.", kUnknown), (Found{{"2001", "2001"}}));
  EXPECT_EQ(Dates("They sent 2000 soldiers.", kUnknown), (Found{}));
  EXPECT_EQ(Dates("It rose 2001%.", kUnknown), (Found{}));
}

TEST(DateNormalizerTest, ElevenSeptemberFollowsTheGeneralRule) {
  EXPECT_EQ(Dates("On the 11th September terrorist attack, he spoke.", k20010919),
            (Found{{"the 11th September", "2001-09-11"}}));
}

TEST(DateNormalizerTest, CivilDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(CivilFromDays(DaysFromCivil(2000, 2, 29)), (DateParts{2000, 2, 29}));
  EXPECT_EQ(FormatTimex(DateParts{0, 9, 17}), "XXXX-09-17");
  EXPECT_EQ(FormatTimex(DateParts{2002, 6, 0}), "2002-06");
  EXPECT_EQ(FormatTimex(DateParts{0, 0, 17}), "XXXX-XX-17");
}

}  // namespace
}  // namespace dossier::entity
