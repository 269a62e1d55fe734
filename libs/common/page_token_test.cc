#include "libs/common/page_token.h"

#include "gtest/gtest.h"

namespace dossier {
namespace {

TEST(PageTokenTest, RoundTrips) {
  auto token = EncodePageToken("search", 0xabc, 40);
  auto offset = DecodePageToken(token, "search", 0xabc);
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, 40);
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) { EXPECT_EQ(*DecodePageToken("", "search", 1), 0); }

TEST(PageTokenTest, RejectsGarbageOtherScopeAndOtherFilters) {
  auto token = EncodePageToken("search", 7, 10);
  EXPECT_EQ(DecodePageToken("not a token!", "search", 7).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(token, "related", 7).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(token, "search", 8).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(DecodePageToken("x", "search", 7).status().message().find("page_token"), std::string::npos);
}

TEST(PageTokenTest, ClampsPageSize) {
  EXPECT_EQ(ClampPageSize(0, 10, 100), 10);
  EXPECT_EQ(ClampPageSize(-5, 10, 100), 10);
  EXPECT_EQ(ClampPageSize(500, 10, 100), 100);
  EXPECT_EQ(ClampPageSize(7, 10, 100), 7);
}

}  // namespace
}  // namespace dossier
