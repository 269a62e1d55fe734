#include "services/ingest/article_parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Fixtures written for these tests; they imitate the layouts of news pages
// (breadcrumbs, share links, "Posted" lines, reporter e-mails) with
// sentences of our own.

// Breadcrumb with no-break spaces, headline with a date in parentheses.
constexpr char kBreadcrumbArticle[] =
    "Home\xC2\xA0>\xC2\xA0News\xC2\xA0>\xC2\xA0Harbour Affairs\n"
    "Mayor Lindqvist opened the new ferry terminal(03/05/2004)\n"
    "\n"
    "On the morning of 2nd May, Mayor Lindqvist opened the ferry terminal at the north quay.\n"
    "\n"
    "The terminal cost twelve million crowns and took three years to build.\n"
    "\n"
    "Suggest To A Friend:";

// Menu line first, a "Posted" line, a line in another script, an e-mail at the end.
constexpr char kPostedArticle[] =
    "Go to contents\n"
    "\n"
    "Rail Link Talks Resume in Vienna\n"
    "\n"
    "Posted March. 4, 2003 09:15,\xC2\xA0\xC2\xA0\xC2\xA0\n"
    "\n"
    "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\n"
    "\n"
    "Delegates from four countries returned to the table on Monday to discuss the rail link.\n"
    "\n"
    "The Vienna Times reported on February 27, 2003 that the talks had stalled over costs.\n"
    "\n"
    "\n"
    "reporter.kim@example-news.com";

// Headline, a bare date line with a time, paragraphs split by two blank lines.
constexpr char kDateLineArticle[] =
    "Minister Okafor Visits Northern Farms\n"
    "2019-11-05 08:40\n"
    "\n"
    "Minister Okafor toured three cooperative farms on Monday and met local growers.\n"
    "\n"
    "\n"
    "She promised new irrigation funds before the dry season.\n";

// No date anywhere in the header; a date only in the prose.
constexpr char kUndatedArticle[] =
    "Okafor: Growers Deserve Fair Prices\n"
    "\n"
    "Minister Okafor said on June 12 that growers deserve fair prices for their grain.\n"
    "\n"
    "She spoke at a market in the capital.\n"
    "\n"
    "\n"
    "In This Series\n";

TEST(ParseTextTest, BreadcrumbAndTitleDate) {
  ParsedArticle a = ParseText(kBreadcrumbArticle);
  EXPECT_EQ(a.title, "Mayor Lindqvist opened the new ferry terminal");
  EXPECT_EQ(a.published.ToString(), "2004-05-03");
  EXPECT_TRUE(a.published_found);
  EXPECT_EQ(a.body,
            "On the morning of 2nd May, Mayor Lindqvist opened the ferry terminal at the north quay.\n\n"
            "The terminal cost twelve million crowns and took three years to build.");
  EXPECT_EQ(a.language, "en");
}

TEST(ParseTextTest, PostedLineOtherScriptAndEmail) {
  ParsedArticle a = ParseText(kPostedArticle);
  EXPECT_EQ(a.title, "Rail Link Talks Resume in Vienna");
  EXPECT_EQ(a.published.ToString(), "2003-03-04");  // not the February date of the prose
  EXPECT_EQ(a.body,
            "Delegates from four countries returned to the table on Monday to discuss the rail link.\n\n"
            "The Vienna Times reported on February 27, 2003 that the talks had stalled over costs.");
}

TEST(ParseTextTest, BareDateLineUnderHeadline) {
  ParsedArticle a = ParseText(kDateLineArticle);
  EXPECT_EQ(a.title, "Minister Okafor Visits Northern Farms");
  EXPECT_EQ(a.published.ToString(), "2019-11-05");
  EXPECT_EQ(a.body,
            "Minister Okafor toured three cooperative farms on Monday and met local growers.\n\n"
            "She promised new irrigation funds before the dry season.");
}

TEST(ParseTextTest, DateInProseIsNotThePublicationDate) {
  ParsedArticle a = ParseText(kUndatedArticle);
  EXPECT_EQ(a.title, "Okafor: Growers Deserve Fair Prices");
  EXPECT_FALSE(a.published_found);
  EXPECT_EQ(a.published, PartialDate{});
  EXPECT_THAT(a.body, Not(HasSubstr("In This Series")));
  EXPECT_THAT(a.body, HasSubstr("June 12"));
}

TEST(ParseTextTest, DropsShareLinksCopyrightAndBylines) {
  ParsedArticle a = ParseText(
      "World\n"
      "Storm Closes Mountain Pass\n"
      "By Ana Ruiz (ana.ruiz@example.org)\n"
      "Print | Share | Tweet\n"
      "\n"
      "Snow closed the mountain pass for the second day in a row.\n"
      "\n"
      "Web Link\n"
      "Back to top\n"
      "Copyright 2010 Example Media. All rights reserved.\n"
      "\xC2\xA9 Example Media\n");
  EXPECT_EQ(a.title, "Storm Closes Mountain Pass");
  EXPECT_EQ(a.body, "Snow closed the mountain pass for the second day in a row.");
}

TEST(ParseTextTest, PlainBylineInHeaderIsDropped) {
  ParsedArticle a = ParseText(
      "Storm Closes Mountain Pass\n"
      "By Ana Ruiz\n"
      "Snow closed the mountain pass for the second day in a row.\n"
      "By noon the road crews had given up.\n");
  EXPECT_EQ(a.body,
            "Snow closed the mountain pass for the second day in a row.\n\n"
            "By noon the road crews had given up.");
}

TEST(ParseTextTest, NoHeadlineWhenFirstLineIsASentence) {
  ParsedArticle a = ParseText("The council met on Tuesday.\n\nIt approved the budget.");
  EXPECT_EQ(a.title, "");
  EXPECT_EQ(a.body, "The council met on Tuesday.\n\nIt approved the budget.");
}

TEST(ParseTextTest, JoinsWrappedLinesWhenParagraphsUseBlankLines) {
  ParsedArticle a = ParseText(
      "Harvest Festival Draws Crowds\n"
      "\n"
      "Thousands of visitors came to the harvest festival\n"
      "on Saturday despite the rain.\n"
      "\n"
      "Organisers said   next year's festival\twill be longer.\n");
  EXPECT_EQ(a.body,
            "Thousands of visitors came to the harvest festival on Saturday despite the rain.\n\n"
            "Organisers said next year's festival will be longer.");
}

TEST(ParseTextTest, EachLineIsAParagraphWithoutBlankLines) {
  ParsedArticle a = ParseText(
      "Harvest Festival Draws Crowds\r\n"
      "Thousands of visitors came on Saturday.\r\n"
      "Organisers were pleased.\r\n");
  EXPECT_EQ(a.body, "Thousands of visitors came on Saturday.\n\nOrganisers were pleased.");
}

TEST(ParseTextTest, BodyDateLinesAreDroppedButNotUsed) {
  ParsedArticle a = ParseText(
      "Harvest Festival Draws Crowds\n"
      "\n"
      "Thousands of visitors came on Saturday.\n"
      "\n"
      "More visitors came on Sunday.\n"
      "\n"
      "Organisers were pleased.\n"
      "\n"
      "Next year there will be a bigger stage.\n"
      "\n"
      "Tickets will go on sale in spring.\n"
      "\n"
      "Parking will be free.\n"
      "\n"
      "The mayor thanked volunteers.\n"
      "\n"
      "Rain is expected again.\n"
      "\n"
      "2011-10-02\n");
  EXPECT_FALSE(a.published_found);
  EXPECT_THAT(a.body, Not(HasSubstr("2011")));
}

TEST(ParseTextTest, PublishedLineAnywhereIsUsed) {
  ParsedArticle a = ParseText(
      "Harvest Festival Draws Crowds\n\nThousands of visitors came on Saturday.\n\n"
      "Published: 14 October 2011\n");
  EXPECT_EQ(a.published.ToString(), "2011-10-14");
  EXPECT_EQ(a.body, "Thousands of visitors came on Saturday.");
}

TEST(ParseTextTest, DetectsLanguageFromScript) {
  ParsedArticle a = ParseText(
      "\xD0\x9D\xD0\xBE\xD0\xB2\xD0\xBE\xD1\x81\xD1\x82\xD0\xB8 \xD0\xB4\xD0\xBD\xD1\x8F\n\n"
      "\xD0\x9F\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82 "
      "\xD0\xB2\xD1\x81\xD1\x82\xD1\x80\xD0\xB5\xD1\x82\xD0\xB8\xD0\xBB\xD1\x81\xD1\x8F.\n\n"
      "English link\n");
  EXPECT_EQ(a.language, "ru");
  EXPECT_THAT(a.body, Not(HasSubstr("English")));
}

TEST(ParseTextTest, KeepsMixedScriptLines) {
  ParsedArticle a = ParseText(
      "Envoy Arrives in Seoul\n\n"
      "The envoy met Kim Min-jun (\xEA\xB9\x80\xEB\xAF\xBC\xEC\xA4\x80) at the ministry on Friday.\n");
  EXPECT_THAT(a.body, HasSubstr("Kim Min-jun"));
}

TEST(LooksLikeHtmlTest, Detects) {
  EXPECT_TRUE(LooksLikeHtml("<!DOCTYPE html><html><body>x</body></html>"));
  EXPECT_TRUE(LooksLikeHtml("  <html lang=en>"));
  EXPECT_TRUE(LooksLikeHtml("<p>One.</p><p>Two.</p>"));
  EXPECT_FALSE(LooksLikeHtml("Prices rose 5% as a > b in the <draft> report."));
  EXPECT_FALSE(LooksLikeHtml("Plain text article.\n\nSecond paragraph."));
}

constexpr char kHtmlArticle[] = R"html(<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Bridge Reopens After Repairs | Riverside Gazette</title>
  <meta property="og:site_name" content="Riverside Gazette">
  <meta property="article:published_time" content="2015-04-21T07:30:00+01:00">
  <script>var tracking = "Home > Secret";</script>
  <style>.x { color: red; }</style>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a></nav>
  <div class="breadcrumb">Home &gt; News &gt; Local</div>
  <header><h1>Bridge Reopens After Repairs</h1></header>
  <article>
    <h1>Bridge Reopens After Repairs</h1>
    <div class="share-buttons"><a>Facebook</a><a>Twitter</a></div>
    <p>The old stone bridge reopened on Monday after &ldquo;eight months&rdquo; of repairs.</p>
    <p>Engineers replaced two arches<br>and the whole deck.</p>
    <div class="related-stories"><p>Another story about roads.</p></div>
    <aside>Advertisement text here.</aside>
    <section id="comments"><p>Great news!</p></section>
  </article>
  <footer>Copyright 2015 Riverside Gazette</footer>
</body>
</html>)html";

TEST(ParseHtmlTest, ExtractsArticle) {
  ParsedArticle a = ParseHtml(kHtmlArticle);
  EXPECT_EQ(a.title, "Bridge Reopens After Repairs");
  EXPECT_EQ(a.published.ToString(), "2015-04-21");
  EXPECT_EQ(a.source, "Riverside Gazette");
  EXPECT_EQ(a.language, "en");
  EXPECT_EQ(a.body,
            "The old stone bridge reopened on Monday after \xE2\x80\x9C"
            "eight months\xE2\x80\x9D of repairs.\n\n"
            "Engineers replaced two arches and the whole deck.");
}

TEST(ParseHtmlTest, TitleFallbacksAndTimeElement) {
  ParsedArticle a = ParseHtml(R"html(<html><head><title>Council Approves Budget - City News</title></head>
<body><main><p>Posted by the desk</p><time datetime="2012-03-09">9 March</time>
<p>The council approved the budget on Thursday evening.</p></main>
<div class="footer">Contact us</div></body></html>)html");
  EXPECT_EQ(a.title, "Council Approves Budget");
  EXPECT_EQ(a.published.ToString(), "2012-03-09");
  EXPECT_THAT(a.body, HasSubstr("The council approved the budget on Thursday evening."));
  EXPECT_THAT(a.body, Not(HasSubstr("Contact us")));
}

TEST(ParseHtmlTest, MetaPriorityAndOgTitle) {
  ParsedArticle a = ParseHtml(R"html(<html><head>
<meta name="date" content="2010-01-01">
<meta property="og:title" content="Election Results Announced">
<meta itemprop="datePublished" content="2010-02-03">
</head><body><h1>Something Else</h1><p>The commission announced the results today.</p></body></html>)html");
  EXPECT_EQ(a.title, "Election Results Announced");
  EXPECT_EQ(a.published.ToString(), "2010-02-03");  // itemprop outranks name=date
  EXPECT_THAT(a.body, HasSubstr("Something Else"));
  EXPECT_THAT(a.body, HasSubstr("The commission announced the results today."));
}

TEST(ParseHtmlTest, NoMetadataFallsBackToTextRules) {
  ParsedArticle a = ParseHtml(
      "<p>Dam Project Approved</p><p>Posted July 2, 2008</p><p>The ministry approved the dam project.</p>");
  EXPECT_EQ(a.title, "Dam Project Approved");
  EXPECT_EQ(a.published.ToString(), "2008-07-02");
  EXPECT_EQ(a.body, "The ministry approved the dam project.");
}

TEST(ParseHtmlTest, SurvivesDeepNestingAndGarbage) {
  std::string html = "<p>Deep Nesting Test Article</p>";
  for (int i = 0; i < 2000; ++i) html += "<div>";
  html += "<p>Buried text.</p>";
  ParsedArticle a = ParseHtml(html);
  EXPECT_EQ(a.title, "Deep Nesting Test Article");
  ParseHtml("<<<>>><html<body<<p>");  // must not crash
}

TEST(HostOfUrlTest, Extracts) {
  EXPECT_EQ(HostOfUrl("https://www.Example.com:8443/a/b?c#d"), "example.com");
  EXPECT_EQ(HostOfUrl("http://user@news.example.org"), "news.example.org");
  EXPECT_EQ(HostOfUrl("not a url"), "");
}

// ---------------------------------------------------------------------------
// BuildArticle: validation and caller metadata.

TEST(BuildArticleTest, Validation) {
  auto error = [](ArticleRequest r) {
    absl::StatusOr<ParsedArticle> a = BuildArticle(r, 1000);
    EXPECT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(a.status().message());
  };
  EXPECT_THAT(error({.body = ""}), HasSubstr("document body is empty"));
  EXPECT_THAT(error({.body = " \n\t "}), HasSubstr("document body is empty"));
  EXPECT_THAT(error({.body = std::string(1001, 'a')}), HasSubstr("1001 bytes, over the limit of 1000 bytes"));
  EXPECT_THAT(error({.body = "abc\xC3("}), HasSubstr("body is not valid UTF-8 (first bad byte at offset 3)"));
  EXPECT_THAT(error({.body = "Text here.", .published = "soon"}), HasSubstr("accepted forms"));
  EXPECT_THAT(error({.body = "Text here.", .published = "2001-02-30"}), HasSubstr("not a valid date"));
  EXPECT_THAT(error({.body = "Text here.", .language = "english"}), HasSubstr("two letters"));
  EXPECT_THAT(error({.body = "Text here.", .language = "e1"}), HasSubstr("two letters"));
  EXPECT_THAT(error({.body = "Go to contents\n\nPrint\n\nSuggest To A Friend:"}),
              HasSubstr("empty after removing"));
  EXPECT_THAT(error({.body = "\xC2\xA0\xC2\xA0"}), HasSubstr("empty"));
}

TEST(BuildArticleTest, CallerMetadataWins) {
  ArticleRequest r;
  r.body = kBreadcrumbArticle;
  r.title = "Caller Title";
  r.published = "Wed, 19 Sep 2001 10:35:00 +0000";
  r.language = "EN";
  r.url = "https://www.harbour.example/news/1";
  absl::StatusOr<ParsedArticle> a = BuildArticle(r, 1 << 20);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->title, "Caller Title");
  EXPECT_EQ(a->published.ToString(), "2001-09-19");
  EXPECT_EQ(a->language, "en");
  EXPECT_EQ(a->source, "harbour.example");  // from the URL
  // The detected headline stays out of the body.
  EXPECT_THAT(a->body, Not(HasSubstr("ferry terminal(")));

  r.source = "Harbour Herald";
  a = BuildArticle(r, 1 << 20);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->source, "Harbour Herald");
}

TEST(BuildArticleTest, GuessesHtmlAndHonoursContentType) {
  ArticleRequest r;
  r.body = "<p>Dam Project Approved</p><p>The ministry approved the dam project.</p>";
  absl::StatusOr<ParsedArticle> a = BuildArticle(r, 1 << 20);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->body, "The ministry approved the dam project.");

  r.content_type = ContentType::kText;
  a = BuildArticle(r, 1 << 20);
  ASSERT_TRUE(a.ok());
  EXPECT_THAT(a->body, HasSubstr("<p>"));
}

TEST(BuildArticleTest, HeadlineOnlyTextKeepsHeadlineAsBody) {
  absl::StatusOr<ParsedArticle> a = BuildArticle({.body = "Putin Calls Jiang"}, 1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "Putin Calls Jiang");
  EXPECT_EQ(a->body, "Putin Calls Jiang");
}

}  // namespace
}  // namespace dossier::ingest
