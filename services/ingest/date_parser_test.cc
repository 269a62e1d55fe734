#include "services/ingest/date_parser.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace dossier::ingest {
namespace {

std::string Parsed(const std::string& text) {
  std::optional<PartialDate> date = ParseDate(text);
  return date ? date->ToString() : "none";
}

TEST(ParseDateTest, IsoForms) {
  EXPECT_EQ(Parsed("2001-09-19"), "2001-09-19");
  EXPECT_EQ(Parsed("2001-09-19T10:35:00Z"), "2001-09-19");
  EXPECT_EQ(Parsed("2001-09-19T10:35:00+02:00"), "2001-09-19");
  EXPECT_EQ(Parsed("2001-09-19T23:35:00.123-05:00"), "2001-09-19");
  EXPECT_EQ(Parsed("2001-09"), "2001-09");
  EXPECT_EQ(Parsed("2001"), "2001");
  EXPECT_EQ(Parsed("2001/09/19"), "2001-09-19");
  EXPECT_EQ(Parsed("2001.9.5"), "2001-09-05");
  EXPECT_EQ(Parsed("2021-08-26 10:35"), "2021-08-26");
  EXPECT_EQ(Parsed("  2021-08-26 10:35:07 KST "), "2021-08-26");
}

TEST(ParseDateTest, Rfc2822) {
  EXPECT_EQ(Parsed("Wed, 19 Sep 2001 10:35:00 +0000"), "2001-09-19");
  EXPECT_EQ(Parsed("Wed, 19 Sep 2001 10:35:00 GMT"), "2001-09-19");
  EXPECT_EQ(Parsed("19 Sep 2001 10:35 -0500"), "2001-09-19");
}

TEST(ParseDateTest, WrittenMonths) {
  EXPECT_EQ(Parsed("September 19, 2001"), "2001-09-19");
  EXPECT_EQ(Parsed("19 September 2001"), "2001-09-19");
  EXPECT_EQ(Parsed("Sept. 19, 2001"), "2001-09-19");
  EXPECT_EQ(Parsed("sep 19 2001"), "2001-09-19");
  EXPECT_EQ(Parsed("July. 18, 2002 22:21,"), "2002-07-18");
  EXPECT_EQ(Parsed("19th September 2001"), "2001-09-19");
  EXPECT_EQ(Parsed("1st of March 2003"), "2003-03-01");
  EXPECT_EQ(Parsed("19-Sep-2001"), "2001-09-19");
  EXPECT_EQ(Parsed("Wednesday, September 19, 2001 at 10:35 a.m."), "2001-09-19");
  EXPECT_EQ(Parsed("September 2001"), "2001-09");
  EXPECT_EQ(Parsed("June 3, 2004 4:05 PM EST"), "2004-06-03");
}

TEST(ParseDateTest, NumericDayFirstRule) {
  EXPECT_EQ(Parsed("(19/09/2001)"), "2001-09-19");
  EXPECT_EQ(Parsed("14/06/2001"), "2001-06-14");
  // Ambiguous: day first, as the seed articles write dates.
  EXPECT_EQ(Parsed("05/06/2001"), "2001-06-05");
  // The second number cannot be a month, the first can: month first.
  EXPECT_EQ(Parsed("09/19/2001"), "2001-09-19");
  EXPECT_EQ(Parsed("19.09.2001"), "2001-09-19");
  EXPECT_EQ(Parsed("19-09-2001"), "2001-09-19");
  EXPECT_EQ(Parsed("[3/4/2002]"), "2002-04-03");
}

TEST(ParseDateTest, RejectsInvalidDates) {
  EXPECT_EQ(Parsed("2001-02-30"), "none");
  EXPECT_EQ(Parsed("2001-02-29"), "none");
  EXPECT_EQ(Parsed("2000-02-29"), "2000-02-29");  // leap year
  EXPECT_EQ(Parsed("1900-02-29"), "none");        // not a leap year
  EXPECT_EQ(Parsed("2001-13-01"), "none");
  EXPECT_EQ(Parsed("2001-00-10"), "none");
  EXPECT_EQ(Parsed("31/04/2001"), "none");
  EXPECT_EQ(Parsed("13/13/2001"), "none");
  EXPECT_EQ(Parsed("September 31, 2001"), "none");
  EXPECT_EQ(Parsed("0999"), "none");
}

TEST(ParseDateTest, RejectsNonDates) {
  EXPECT_EQ(Parsed(""), "none");
  EXPECT_EQ(Parsed("yesterday"), "none");
  EXPECT_EQ(Parsed("18th September"), "none");  // no year
  EXPECT_EQ(Parsed("2001 was a year of change"), "none");
  EXPECT_EQ(Parsed("May 5 people attended"), "none");
  EXPECT_EQ(Parsed("12345"), "none");
  EXPECT_EQ(Parsed("2001abc"), "none");
  EXPECT_EQ(Parsed("19/09/01"), "none");  // two-digit years are not guessed
  EXPECT_EQ(Parsed("2001-09-19 and more words"), "none");
}

TEST(ParseDatePrefixTest, ReportsConsumedBytes) {
  size_t consumed = 0;
  std::optional<PartialDate> date = ParseDatePrefix("July 18, 2002 by the desk", &consumed);
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(date->ToString(), "2002-07-18");
  EXPECT_EQ(std::string("July 18, 2002 by the desk").substr(consumed), " by the desk");
}

TEST(ParsePublishedDateTest, ErrorListsAcceptedForms) {
  absl::StatusOr<PartialDate> bad = ParsePublishedDate("next Tuesday");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("\"next Tuesday\""), absl::string_view::npos);
  EXPECT_NE(bad.status().message().find("2001-09-19T10:35:00Z"), absl::string_view::npos);
  EXPECT_NE(bad.status().message().find("RFC 2822"), absl::string_view::npos);

  absl::StatusOr<PartialDate> good = ParsePublishedDate("2001-09");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, (PartialDate{2001, 9, 0}));
}

TEST(PartialDateTest, ToString) {
  EXPECT_EQ(PartialDate{}.ToString(), "");
  EXPECT_FALSE(PartialDate{}.known());
  EXPECT_EQ((PartialDate{2001, 0, 0}).ToString(), "2001");
  EXPECT_EQ((PartialDate{2001, 9, 0}).ToString(), "2001-09");
}

}  // namespace
}  // namespace dossier::ingest
