#include "services/query/dates.h"

#include "gtest/gtest.h"

namespace dossier::query {
namespace {

TEST(DatesTest, SortKeyKeepsUnknownPartsZero) {
  EXPECT_EQ(SortKey({2001, 9, 18}), 20010918);
  EXPECT_EQ(SortKey({2001, 9, 0}), 20010900);
  EXPECT_EQ(SortKey({2001, 0, 5}), 20010000);  // a day without month is unknown
  EXPECT_EQ(SortKey({0, 9, 17}), 917);
  EXPECT_EQ(SortKey({}), 0);
  EXPECT_EQ(FromSortKey(20010900), (PartialDate{2001, 9, 0}));
  EXPECT_EQ(FromSortKey(917), (PartialDate{0, 9, 17}));
}

TEST(DatesTest, EarliestAndLatestFillMissingParts) {
  EXPECT_EQ(EarliestKey({2001, 0, 0}), 20010101);
  EXPECT_EQ(LatestKey({2001, 0, 0}), 20011231);
  EXPECT_EQ(EarliestKey({2002, 2, 0}), 20020201);
  EXPECT_EQ(LatestKey({2002, 2, 0}), 20020231);
  EXPECT_EQ(EarliestKey({2002, 2, 14}), 20020214);
  EXPECT_EQ(LatestKey({2002, 2, 14}), 20020214);
  EXPECT_EQ(EarliestKey({0, 9, 17}), 0);
  EXPECT_EQ(LatestKey({0, 9, 17}), 0);
}

TEST(DatesTest, MakeDateRangeValidates) {
  auto open = MakeDateRange({}, {});
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->active);

  auto year = MakeDateRange({2001, 0, 0}, {2002, 0, 0});
  ASSERT_TRUE(year.ok());
  EXPECT_TRUE(year->active);
  EXPECT_EQ(year->from_key, 20010101);
  EXPECT_EQ(year->to_key, 20021231);

  auto same_year = MakeDateRange({2001, 6, 0}, {2001, 0, 0});
  EXPECT_TRUE(same_year.ok());

  auto reversed = MakeDateRange({2002, 0, 0}, {2001, 0, 0});
  EXPECT_EQ(reversed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(reversed.status().message().find("date_from (2002) is after date_to (2001)"), std::string::npos)
      << reversed.status();

  EXPECT_EQ(MakeDateRange({2001, 13, 0}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(MakeDateRange({2001, 13, 0}, {}).status().message().find("date_from.month is 13"),
            std::string::npos);
  EXPECT_EQ(MakeDateRange({}, {2001, 2, 30}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MakeDateRange({}, {2000, 2, 29}).ok());  // leap year
  EXPECT_EQ(MakeDateRange({}, {2001, 2, 29}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeDateRange({0, 9, 17}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeDateRange({2001, 0, 3}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeDateRange({-1, 0, 0}, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DatesTest, FormatsPartialDates) {
  EXPECT_EQ(FormatDate({2001, 9, 18}), "2001-09-18");
  EXPECT_EQ(FormatDate({2001, 9, 0}), "2001-09");
  EXPECT_EQ(FormatDate({2001, 0, 0}), "2001");
  EXPECT_EQ(FormatDate({0, 9, 17}), "XXXX-09-17");
  EXPECT_EQ(FormatDate({}), "");
}

}  // namespace
}  // namespace dossier::query
