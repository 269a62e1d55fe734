#include "services/query/query_parser.h"

#include <string>

#include "gtest/gtest.h"

namespace dossier::query {
namespace {

std::string Expr(std::string_view query) {
  auto parsed = ParseQuery(query);
  EXPECT_TRUE(parsed.ok()) << query << ": " << parsed.status();
  return parsed.ok() ? parsed->fts_expression : "<error>";
}

void ExpectInvalid(std::string_view query, std::string_view message_part) {
  auto parsed = ParseQuery(query);
  ASSERT_FALSE(parsed.ok()) << query << " parsed as " << parsed->fts_expression;
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << query;
  EXPECT_NE(std::string(parsed.status().message()).find(message_part), std::string::npos)
      << query << ": " << parsed.status().message();
}

TEST(QueryParserTest, WordsAreQuotedAndAnded) {
  EXPECT_EQ(Expr("jiang putin"), "\"jiang\" AND \"putin\"");
  EXPECT_EQ(Expr("  terrorism  "), "\"terrorism\"");
}

TEST(QueryParserTest, PhrasesStayTogether) {
  EXPECT_EQ(Expr("\"phone conversation\" jiang"), "\"phone conversation\" AND \"jiang\"");
  EXPECT_EQ(Expr("a\"b c\""), "\"a\" AND \"b c\"");
}

TEST(QueryParserTest, OrBindsTighterThanAnd) {
  EXPECT_EQ(Expr("russia OR china"), "(\"russia\" OR \"china\")");
  EXPECT_EQ(Expr("treaty russia OR china OR \"united states\""),
            "\"treaty\" AND (\"russia\" OR \"china\" OR \"united states\")");
  // Lower-case "or" is a word.
  EXPECT_EQ(Expr("this or that"), "\"this\" AND \"or\" AND \"that\"");
}

TEST(QueryParserTest, LeadingMinusExcludes) {
  EXPECT_EQ(Expr("putin -terrorism"), "(\"putin\") NOT (\"terrorism\")");
  EXPECT_EQ(Expr("putin -terrorism -\"security council\""),
            "(\"putin\") NOT (\"terrorism\" OR \"security council\")");
  // A hyphen inside a word is not an exclusion.
  EXPECT_EQ(Expr("sino-russian"), "\"sino-russian\"");
}

TEST(QueryParserTest, TrailingStarIsPrefix) { EXPECT_EQ(Expr("terror*"), "\"terror\" *"); }

TEST(QueryParserTest, Fts5SyntaxInUserTextIsInert) {
  EXPECT_EQ(Expr("NEAR(a b) AND NOT title:x"),
            "\"NEAR(a\" AND \"b)\" AND \"AND\" AND \"NOT\" AND \"title:x\"");
  EXPECT_EQ(Expr("^start col:{a}"), "\"^start\" AND \"col:{a}\"");
}

TEST(QueryParserTest, PunctuationOnlyTermsAreDropped) {
  EXPECT_EQ(Expr("jiang - putin"), "\"jiang\" AND \"putin\"");
  EXPECT_EQ(Expr("putin OR —"), "\"putin\"");
  EXPECT_EQ(Expr("— OR putin"), "\"putin\"");
  EXPECT_EQ(Expr("putin -&"), "\"putin\"");
  EXPECT_TRUE(ParseQuery("...").value().empty());
  EXPECT_TRUE(ParseQuery("").value().empty());
  EXPECT_TRUE(ParseQuery("   ").value().empty());
}

TEST(QueryParserTest, UnicodeWordsAreKept) {
  EXPECT_EQ(Expr("Zürich 北京"), "\"Zürich\" AND \"北京\"");
  EXPECT_TRUE(HasTokenCharacter("é"));
  EXPECT_TRUE(HasTokenCharacter("2001"));
  EXPECT_FALSE(HasTokenCharacter("—&-"));
}

TEST(QueryParserTest, MalformedQueriesAreRejected) {
  ExpectInvalid("\"phone conversation", "unbalanced quote");
  ExpectInvalid("jiang \"\"", "empty quoted phrase");
  ExpectInvalid("OR putin", "OR at the start");
  ExpectInvalid("putin OR", "OR at the end");
  ExpectInvalid("putin OR OR jiang", "OR twice");
  ExpectInvalid("putin OR -jiang", "excluded term");
  ExpectInvalid("-terrorism", "only excludes");
  ExpectInvalid("-terrorism -\"security council\"", "only excludes");
  ExpectInvalid(std::string("bad \xff byte"), "UTF-8");
  ExpectInvalid(std::string(kMaxQueryBytes + 1, 'a'), "too long");
  std::string many;
  for (int i = 0; i <= kMaxQueryTerms; ++i) many += "w" + std::to_string(i) + " ";
  ExpectInvalid(many, "too many terms");
}

TEST(QueryParserTest, QuoteDoublesInnerQuotes) { EXPECT_EQ(QuoteFts5("a\"b"), "\"a\"\"b\""); }

}  // namespace
}  // namespace dossier::query
