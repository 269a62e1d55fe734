#include "clients/cli/format.h"

#include "dossier/entity/v1/entity.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

common::v1::DateValue Date(int y, int m, int d) {
  common::v1::DateValue date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(DisplayWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("Ren\xC3\xA9"), 4);               // é is 2 bytes, 1 column
  EXPECT_EQ(DisplayWidth("\xE2\x80\xA6"), 1);              // …
  EXPECT_EQ(DisplayWidth("\xE4\xB8\xAD\xE5\x9B\xBD"), 4);  // 中国: wide
  EXPECT_EQ(DisplayWidth("\033[1mbold\033[0m"), 4);        // escapes take no room
}

TEST(TruncateToWidthTest, CutsWithEllipsis) {
  EXPECT_EQ(TruncateToWidth("short", 10), "short");
  EXPECT_EQ(TruncateToWidth("exactly", 7), "exactly");
  EXPECT_EQ(TruncateToWidth("Shanghai Cooperation", 9), "Shanghai\xE2\x80\xA6");
  EXPECT_EQ(TruncateToWidth("\xE4\xB8\xAD\xE5\x9B\xBD\xE4\xBA\xBA", 4), "\xE4\xB8\xAD\xE2\x80\xA6");
  EXPECT_EQ(TruncateToWidth("abc", 1), "\xE2\x80\xA6");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
}

TEST(WrapTextTest, WrapsWordsKeepsNewlinesSplitsLongWords) {
  EXPECT_THAT(WrapText("the quick brown fox jumps", 10), ElementsAre("the quick", "brown fox", "jumps"));
  EXPECT_THAT(WrapText("one\n\ntwo", 10), ElementsAre("one", "", "two"));
  EXPECT_THAT(WrapText("abcdefghij xy", 4), ElementsAre("abcd", "efgh", "ij", "xy"));
  EXPECT_THAT(WrapText("", 10), ElementsAre(""));
}

TEST(OneLineTest, ReplacesControlCharacters) { EXPECT_EQ(OneLine("a\nb\tc"), "a b c"); }

TEST(TableTest, AlignsColumnsAndRightAlignsNumbers) {
  Table table({"ID", "NAME", "N"});
  table.SetRightAligned(2);
  table.AddRow({"a", "Alice", "1"});
  table.AddRow({"bbb", "Bo", "10"});
  EXPECT_EQ(table.Render(100),
            "ID   NAME    N\n"
            "a    Alice   1\n"
            "bbb  Bo     10\n");
}

TEST(TableTest, MissingCellsAreEmptyAndNewlinesFlattened) {
  Table table({"A", "B"});
  table.AddRow({"x\ny"});
  EXPECT_EQ(table.Render(100), "A    B\nx y\n");
}

TEST(TableTest, TruncatesFlexibleColumnsToFitButNeverFixedOnes) {
  Table table({"ID", "TITLE"});
  table.SetFixed(0);
  table.AddRow({"d-123456", "A very long title that will not fit"});
  std::string rendered = table.Render(30);
  EXPECT_EQ(rendered,
            "ID        TITLE\n"
            "d-123456  A very long title t\xE2\x80\xA6\n");
}

TEST(TableTest, ShrinksOnlyTheWidestColumnsAndFillsTheWidth) {
  Table table({"A", "B", "C"});
  table.AddRow({std::string(10, 'a'), std::string(40, 'b'), std::string(40, 'c')});
  std::string rendered = table.Render(60);
  std::string row = rendered.substr(rendered.find('\n') + 1);
  row.pop_back();
  EXPECT_EQ(DisplayWidth(row), 60);
  EXPECT_EQ(row.substr(0, 12), std::string(10, 'a') + "  ");  // the narrow column is untouched
  EXPECT_THAT(row,
              HasSubstr(std::string(22, 'b') + "\xE2\x80\xA6  " + std::string(22, 'c') + "\xE2\x80\xA6"));
}

TEST(TableTest, FitsEveryLineInTheWidth) {
  Table table({"ID", "STATE", "PUBLISHED", "TITLE"});
  table.SetFixed(0);
  for (int i = 0; i < 5; ++i) {
    table.AddRow(
        {"d-5f0c2a9e7b1d4c3" + std::to_string(i), "indexed", "2001-09-19",
         "President Jiang had a phone conversation with Russian President Putin on the evening of 18th "
         "September"});
  }
  std::string rendered = table.Render(80);
  size_t start = 0;
  while (start < rendered.size()) {
    size_t end = rendered.find('\n', start);
    EXPECT_LE(DisplayWidth(rendered.substr(start, end - start)), 80);
    start = end + 1;
  }
}

TEST(FormatDateTest, UnknownParts) {
  EXPECT_EQ(FormatDate(Date(2001, 9, 19)), "2001-09-19");
  EXPECT_EQ(FormatDate(Date(2001, 9, 0)), "2001-09-??");
  EXPECT_EQ(FormatDate(Date(0, 9, 17)), "???\?-09-17");
  EXPECT_EQ(FormatDate(Date(2001, 0, 0)), "2001-?\?-??");
  EXPECT_EQ(FormatDate(Date(0, 0, 0)), "unknown");
}

TEST(ParseDateArgTest, AcceptsYearMonthDay) {
  auto year = ParseDateArg("2001");
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(FormatDate(*year), "2001-?\?-??");
  EXPECT_EQ(FormatDate(*ParseDateArg("2001-09")), "2001-09-??");
  EXPECT_EQ(FormatDate(*ParseDateArg("2001-9-8")), "2001-09-08");
  EXPECT_EQ(FormatDate(*ParseDateArg("2000-02-29")), "2000-02-29");
}

TEST(ParseDateArgTest, RejectsWithTheReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2001-13", "month must be 01-12"},
      {"2001-00", "month must be 01-12"},
      {"2001-02-29", "day must be 01-28 in February 2001"},
      {"2001-04-31", "day must be 01-30 in April 2001"},
      {"01-02-2001", "the year needs four digits"},
      {"2001/09/18", "not a number"},
      {"2001-", "empty part"},
      {"", "empty part"},
      {"2001-09-18-1", "too many parts"},
      {"0000", "year 0000 does not exist"},
      {"yesterday", "not a number"},
  };
  for (const auto& [text, reason] : cases) {
    auto date = ParseDateArg(text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(date.status().message(), HasSubstr(reason)) << text;
    EXPECT_THAT(date.status().message(), HasSubstr("use YYYY, YYYY-MM or YYYY-MM-DD")) << text;
  }
}

TEST(CheckDateRangeTest, ComparesEarliestFromWithLatestTo) {
  EXPECT_TRUE(CheckDateRange(Date(2001, 0, 0), Date(2002, 0, 0)).ok());
  EXPECT_TRUE(CheckDateRange(Date(2001, 6, 0), Date(2001, 0, 0)).ok());
  EXPECT_TRUE(CheckDateRange(Date(2001, 12, 31), Date(2001, 12, 0)).ok());
  EXPECT_TRUE(CheckDateRange(Date(2001, 0, 0), Date(0, 0, 0)).ok());
  auto reversed = CheckDateRange(Date(2002, 0, 0), Date(2001, 0, 0));
  EXPECT_EQ(reversed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reversed.message(), HasSubstr("--from 2002-?\?-?? is after --to 2001-?\?-??"));
  EXPECT_FALSE(CheckDateRange(Date(2001, 12, 0), Date(2001, 11, 0)).ok());
}

TEST(EnumNamesTest, ShortNames) {
  EXPECT_EQ(ShortEnumName(common::v1::ENTITY_TYPE_PERSON), "person");
  EXPECT_EQ(ShortEnumName(common::v1::DOCUMENT_STATE_INDEXED), "indexed");
  EXPECT_EQ(ShortEnumName(common::v1::LINK_REASON_EXACT_ALIAS), "exact_alias");
  EXPECT_EQ(ShortEnumName(common::v1::LINK_REASON_NEW_ENTITY), "new_entity");
  EXPECT_EQ(ShortEnumName(common::v1::ENTITY_TYPE_UNSPECIFIED), "unspecified");
}

TEST(EnumNamesTest, ParsesShortFullAndAliasNames) {
  EXPECT_EQ(*ParseEntityType("type", "person"), common::v1::ENTITY_TYPE_PERSON);
  EXPECT_EQ(*ParseEntityType("type", "Organization"), common::v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_EQ(*ParseEntityType("type", "org"), common::v1::ENTITY_TYPE_ORGANIZATION);
  EXPECT_EQ(*ParseEntityType("type", "place"), common::v1::ENTITY_TYPE_LOCATION);
  EXPECT_EQ(*ParseEntityType("type", "ENTITY_TYPE_MISC"), common::v1::ENTITY_TYPE_MISC);
  EXPECT_EQ(*ParseDocumentState("state", "failed"), common::v1::DOCUMENT_STATE_FAILED);
  auto bad = ParseEntityType("type", "animal");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--type=animal is not one of person, organization, location, date, misc");
  EXPECT_FALSE(ParseDocumentState("state", "unspecified").ok());
}

TEST(HighlightSnippetTest, BoldOnTerminalsBracketsOtherwise) {
  EXPECT_EQ(HighlightSnippet("the [SCO] met", false), "the [SCO] met");
  EXPECT_EQ(HighlightSnippet("the [SCO] met", true), "the \033[1mSCO\033[0m met");
}

TEST(RenderProgressBarTest, FillsInProportion) {
  EXPECT_EQ(RenderProgressBar(120, 240, 10), "[#####     ] 120/240 docs");
  EXPECT_EQ(RenderProgressBar(0, 3, 4), "[    ] 0/3 docs");
  EXPECT_EQ(RenderProgressBar(3, 3, 4), "[####] 3/3 docs");
}

TEST(JsonTest, QuotesAndEscapes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(JsonQuote("Ren\xC3\xA9"), "\"Ren\xC3\xA9\"");
}

TEST(JsonTest, ProtoToJsonUsesFieldNamesAndPrintsDefaults) {
  entity::v1::Candidate candidate;
  candidate.mutable_entity()->set_id("person:jiang-zemin");
  candidate.set_reason(common::v1::LINK_REASON_EXACT_ALIAS);
  std::string json = ToJson(candidate);
  EXPECT_THAT(json, HasSubstr("\"entity\":{\"id\":\"person:jiang-zemin\""));
  EXPECT_THAT(json, HasSubstr("\"reason\":\"LINK_REASON_EXACT_ALIAS\""));
  EXPECT_THAT(json, HasSubstr("\"matched_alias\":\"\""));
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(ToJson(Date(2001, 9, 0)), "{\"year\":2001,\"month\":9,\"day\":0}");
}

TEST(FormatDurationTest, Units) {
  EXPECT_EQ(FormatDuration(0.35), "350 ms");
  EXPECT_EQ(FormatDuration(1.24), "1.2 s");
  EXPECT_EQ(FormatDuration(125), "2 min 5 s");
}

}  // namespace
}  // namespace dossier::cli
