#ifndef DOSSIER_SERVICES_INGEST_ARTICLE_PARSER_H_
#define DOSSIER_SERVICES_INGEST_ARTICLE_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/ingest/date_parser.h"

namespace dossier::ingest {

// How a body is to be read (mirrors dossier.ingest.v1.ContentType).
enum class ContentType { kGuess = 0, kText = 1, kHtml = 2 };

// What the parser found in an article.
struct ParsedArticle {
  // The headline, without a trailing "(19/09/2001)" date. Empty when the text
  // has no headline-like first line.
  std::string title;
  // The clean body: paragraphs separated by one blank line ("\n\n"), white
  // space collapsed, no trailing newline. It does NOT contain the headline
  // (that is `title`), nor menus, breadcrumbs, share links, copyright
  // lines, reporter e-mail lines, date lines or lines in another script.
  std::string body;
  // Publication date; all parts 0 when none was found.
  PartialDate published;
  bool published_found = false;
  // The publisher, from <meta property="og:site_name"> (HTML only).
  std::string source;
  // ISO 639-1 code guessed from the dominant script ("ko" for Hangul, "zh"
  // for Han, "ru" for Cyrillic ...); "en" for Latin text and by default.
  std::string language = "en";
};

// True when `body` looks like HTML markup (a doctype, <html>, <body>, or
// several paragraph/div/br tags).
bool LooksLikeHtml(std::string_view body);

// Cleans plain text. `known_title` (may be empty) is a title already known
// from elsewhere (HTML metadata): a header line equal to it is dropped and no
// other line is taken as the title.
//
// Rules, in the order they apply to each line:
//  - menus and share links ("Go to contents", "Suggest To A Friend:",
//    "Print | Share | Tweet", "Back to top", ...), breadcrumbs ("Home >
//    Topics > X": short parts joined by " > ", " » " or " › "), copyright
//    lines and lines written in another script than the body's dominant one
//    (ICU script of each letter) are dropped;
//  - a line that is a date (with an optional time), or starts with "Posted",
//    "Published", "Updated" or "Date:" followed by a date, is dropped; its date
//    becomes the publication date when it stands in the header area (before
//    the first sentence-like body line, within the first 8 non-blank lines) or
//    is a Posted/Published line. Dates inside the prose are never used;
//  - lines holding an e-mail address with at most 10 words (reporter lines,
//    "By X (x@y.com)") are dropped, and so are short "By Name" bylines in
//    the header area;
//  - the title is the first header line that does not end like a sentence,
//    has at most 25 words and 200 bytes and at least two words (a one-word
//    header line before it is a section label and is dropped). A date in
//    parentheses at its end is taken as the publication date.
// Lines inside one paragraph are joined with a space when the text separates
// paragraphs with blank lines; otherwise each line is a paragraph.
ParsedArticle ParseText(std::string_view text, std::string_view known_title = {});

// Parses HTML with gumbo: title from og:title, the first <h1> or <title>
// (without a " | Site" suffix); date from article:published_time,
// og:published_time, itemprop=datePublished, DC.date, date, pubdate meta
// tags or <time datetime>; source from og:site_name; language from
// <html lang>. The body text comes from the largest <article>, else <main>,
// else <body>, without script, style, nav, header, footer, aside, form,
// noscript and elements whose class or id names a menu, nav, breadcrumb,
// share, social, footer, comment or related block; block elements break
// paragraphs. The text then goes through ParseText.
ParsedArticle ParseHtml(std::string_view html);

// What a caller sends with an article (mirrors dossier.ingest.v1.IngestRequest).
struct ArticleRequest {
  std::string body;
  ContentType content_type = ContentType::kGuess;
  std::string url;
  std::string source;
  std::string published;
  std::string language;
  std::string title;
};

// Validates and parses a request. Metadata given by the caller (title,
// published, source, language) wins over what the text says; an empty source
// falls back to the page's og:site_name, then to the URL's host (without
// "www."). INVALID_ARGUMENT, with a message saying what to fix, for: an empty
// or white-space-only body, a body over `max_body_bytes`, invalid UTF-8, an
// unparseable `published`, a language that is not two letters, and a body
// with nothing left after cleaning.
absl::StatusOr<ParsedArticle> BuildArticle(const ArticleRequest& request, size_t max_body_bytes);

// The host of an http(s) URL without "www." and port, or "" if none.
std::string HostOfUrl(std::string_view url);

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_ARTICLE_PARSER_H_
