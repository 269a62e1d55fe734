#include "services/ingest/article_parser.h"

#include <gumbo.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/common/text.h"

namespace dossier::ingest {
namespace {

constexpr int kHeaderLines = 8;  // non-blank lines in which header dates are looked for
constexpr int kMaxTitleWords = 25;
constexpr size_t kMaxTitleBytes = 200;
constexpr int kMaxEmailLineWords = 10;

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Space-like code points that become a plain space, and invisible ones that
// are dropped.
bool IsSpaceLike(UChar32 c) {
  return c == '\t' || c == 0x00A0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0x1680;
}
bool IsInvisible(UChar32 c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD ||
         (c < 0x20 && c != '\n') || c == 0x7F;
}

// Splits text into lines with white space normalized: \r\n and \r become
// \n, space-like characters a space, invisible ones dropped, runs of spaces
// collapsed and each line trimmed. Invalid UTF-8 bytes are dropped.
std::vector<std::string> NormalizedLines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) continue;
    if (c == '\r') {
      out.push_back('\n');
      if (i < length && s[i] == '\n') ++i;
    } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
      out.push_back('\n');
    } else if (IsSpaceLike(c)) {
      out.push_back(' ');
    } else if (IsInvisible(c)) {
      continue;
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  std::string collapsed = CollapseSpaces(out);
  std::vector<std::string> lines = absl::StrSplit(collapsed, '\n');
  return lines;
}

// ---------------------------------------------------------------------------
// Scripts.

// Scripts of letters, with Japanese kana counted as Han (they share lines).
int ScriptGroup(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &err);
  if (U_FAILURE(err)) return -1;
  if (script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) return USCRIPT_HAN;
  if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED || script == USCRIPT_UNKNOWN) return -1;
  return script;
}

struct ScriptCounts {
  std::map<int, int> letters;  // script group -> letter count
  int total = 0;
  bool kana = false;
};

void CountScripts(std::string_view line, ScriptCounts* counts) {
  const auto* s = reinterpret_cast<const uint8_t*>(line.data());
  const int32_t length = static_cast<int32_t>(line.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0 || !u_isalpha(c)) continue;
    const int group = ScriptGroup(c);
    if (group < 0) continue;
    ++counts->letters[group];
    ++counts->total;
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &err);
    if (script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) counts->kana = true;
  }
}

// The script of most letters when it has at least 60% of them, else -1.
int DominantScript(const ScriptCounts& counts) {
  int best = -1;
  int best_count = 0;
  for (const auto& [script, count] : counts.letters) {
    if (count > best_count) {
      best = script;
      best_count = count;
    }
  }
  if (counts.total == 0 || best_count * 10 < counts.total * 6) return -1;
  return best;
}

std::string LanguageOfScript(int script, bool kana) {
  switch (script) {
    case USCRIPT_HANGUL:
      return "ko";
    case USCRIPT_HAN:
      return kana ? "ja" : "zh";
    case USCRIPT_CYRILLIC:
      return "ru";
    case USCRIPT_ARABIC:
      return "ar";
    case USCRIPT_HEBREW:
      return "he";
    case USCRIPT_GREEK:
      return "el";
    case USCRIPT_THAI:
      return "th";
    case USCRIPT_DEVANAGARI:
      return "hi";
    default:
      return "en";
  }
}

// True when the line has letters and fewer than a quarter are in `dominant`.
bool IsInOtherScript(std::string_view line, int dominant) {
  if (dominant < 0) return false;
  ScriptCounts counts;
  CountScripts(line, &counts);
  if (counts.total == 0) return false;
  auto it = counts.letters.find(dominant);
  const int in_dominant = it == counts.letters.end() ? 0 : it->second;
  return in_dominant * 4 < counts.total;
}

// ---------------------------------------------------------------------------
// Line classification.

std::vector<std::string> Words(std::string_view line) {
  return absl::StrSplit(AV(line), ' ', absl::SkipEmpty());
}

// Lower-cases and strips decoration around a menu entry: bullets, arrows,
// colons, pipes.
std::string MenuKey(std::string_view s) {
  std::string key = absl::AsciiStrToLower(AV(TrimView(s)));
  const auto is_decoration = [](char c) {
    return c == ':' || c == '|' || c == '>' || c == '<' || c == '-' || c == '*' || c == '[' || c == ']' ||
           c == '(' || c == ')' || c == '.' || IsAsciiSpace(c);
  };
  // Strip ASCII decoration, plus a few UTF-8 arrows/bullets at either end.
  static const std::array<std::string, 5> kUtf8Decorations = {"\xC2\xBB", "\xC2\xAB", "\xE2\x80\xA2",
                                                              "\xC2\xB7", "\xE2\x80\xBA"};
  bool changed = true;
  while (changed && !key.empty()) {
    changed = false;
    while (!key.empty() && is_decoration(key.front())) key.erase(0, 1), changed = true;
    while (!key.empty() && is_decoration(key.back())) key.pop_back(), changed = true;
    for (const std::string& d : kUtf8Decorations) {
      if (absl::StartsWith(key, d)) key.erase(0, d.size()), changed = true;
      if (absl::EndsWith(key, d)) key.erase(key.size() - d.size()), changed = true;
    }
  }
  return key;
}

bool IsMenuPhrase(const std::string& key) {
  static const char* const kPhrases[] = {"suggest to a friend",
                                         "go to contents",
                                         "in this series",
                                         "web link",
                                         "web links",
                                         "print",
                                         "share",
                                         "tweet",
                                         "back to top",
                                         "top",
                                         "to top",
                                         "email",
                                         "e-mail",
                                         "mail",
                                         "email this",
                                         "e-mail this",
                                         "print this",
                                         "print this page",
                                         "print this article",
                                         "email this article",
                                         "e-mail this article",
                                         "send to a friend",
                                         "send to friend",
                                         "share this",
                                         "share this article",
                                         "share this story",
                                         "share on facebook",
                                         "share on twitter",
                                         "related articles",
                                         "related stories",
                                         "related news",
                                         "related",
                                         "more",
                                         "read more",
                                         "more news",
                                         "comments",
                                         "comment",
                                         "advertisement",
                                         "skip to content",
                                         "skip to main content",
                                         "home",
                                         "menu",
                                         "facebook",
                                         "twitter",
                                         "linkedin",
                                         "whatsapp",
                                         "reddit",
                                         "weibo",
                                         "wechat",
                                         "subscribe",
                                         "sign in",
                                         "log in",
                                         "login",
                                         "sign up",
                                         "close",
                                         "font size",
                                         "text size",
                                         "a a a",
                                         "previous",
                                         "next",
                                         "previous article",
                                         "next article",
                                         "copy link",
                                         "like",
                                         "recommend",
                                         "pin it",
                                         "bookmark",
                                         "save",
                                         "print version",
                                         "printer-friendly version",
                                         "printable version",
                                         "list",
                                         "go back",
                                         "back",
                                         "search",
                                         "rss"};
  for (const char* phrase : kPhrases) {
    if (key == phrase) return true;
  }
  return false;
}

// "Go to contents", "Suggest To A Friend:", "Print | Share | Tweet",
// "Facebook Twitter Email".
bool IsMenuLine(std::string_view line) {
  const std::string key = MenuKey(line);
  if (key.empty()) return !line.empty();  // only decoration, e.g. "|" or "-----"
  if (IsMenuPhrase(key)) return true;
  for (absl::string_view separator : {"|", "\xE2\x80\xA2", "\xC2\xB7", " / "}) {
    std::vector<std::string> parts = absl::StrSplit(key, separator, absl::SkipWhitespace());
    if (parts.size() < 2) continue;
    if (std::all_of(parts.begin(), parts.end(),
                    [](const std::string& p) { return IsMenuPhrase(MenuKey(p)); })) {
      return true;
    }
  }
  std::vector<std::string> words = Words(key);
  return words.size() >= 2 && words.size() <= 8 &&
         std::all_of(words.begin(), words.end(),
                     [](const std::string& w) { return IsMenuPhrase(MenuKey(w)); });
}

// "Home > Topics > China Opposes Terrorism": short parts joined by > » ›.
bool IsBreadcrumb(std::string_view line) {
  if (line.size() > 250) return false;
  std::string normalized(line);
  for (absl::string_view sep : {" \xC2\xBB ", " \xE2\x80\xBA ", " >> "}) {
    normalized = absl::StrReplaceAll(normalized, {{sep, " > "}});
  }
  if (!absl::StrContains(normalized, " > ")) return false;
  if (!normalized.empty() && normalized.back() == '.') return false;
  std::vector<std::string> parts = absl::StrSplit(normalized, " > ");
  if (parts.size() < 2) return false;
  for (const std::string& part : parts) {
    const std::string trimmed(TrimView(part));
    if (trimmed.empty() || trimmed.size() > 80 || Words(trimmed).size() > 8) return false;
  }
  return true;
}

bool IsCopyrightLine(std::string_view line) {
  const std::string lower = absl::AsciiStrToLower(AV(line));
  if (line.size() > 300) return false;
  return absl::StartsWith(lower, "\xC2\xA9") || absl::StartsWith(lower, "(c) ") ||
         absl::StartsWith(lower, "copyright") || absl::StrContains(lower, "all rights reserved");
}

bool IsEmailChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}

// True when `line` contains something shaped like local@domain.tld.
bool ContainsEmail(std::string_view line) {
  for (size_t at = line.find('@'); at != std::string_view::npos; at = line.find('@', at + 1)) {
    size_t left = at;
    while (left > 0 && IsEmailChar(line[left - 1])) --left;
    size_t right = at + 1;
    while (right < line.size() && IsEmailChar(line[right])) ++right;
    std::string_view domain = line.substr(at + 1, right - at - 1);
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    const size_t dot = domain.rfind('.');
    if (left < at && dot != std::string_view::npos && dot > 0 && dot + 2 <= domain.size()) return true;
  }
  return false;
}

bool IsEmailLine(std::string_view line) {
  return ContainsEmail(line) && Words(line).size() <= static_cast<size_t>(kMaxEmailLineWords);
}

// "By Kim Min-ji", "BY JOHN SMITH, Staff Reporter" (no sentence ending).
bool IsByline(std::string_view line) {
  if (!(absl::StartsWith(AV(line), "By ") || absl::StartsWith(AV(line), "BY ") ||
        absl::StartsWith(AV(line), "Written by ") || absl::StartsWith(AV(line), "Reporter:") ||
        absl::StartsWith(AV(line), "Author:"))) {
    return false;
  }
  if (Words(line).size() > 7) return false;
  const char last = line.back();
  return last != '.' && last != '!' && last != '?';
}

// The last character that is not a closing quote or bracket.
char LastMeaningfulChar(std::string_view line) {
  static const std::array<std::string, 4> kClosers = {"\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB",
                                                      "\xE3\x80\x8D"};
  while (!line.empty()) {
    const char c = line.back();
    if (c == '"' || c == '\'' || c == ')') {
      line.remove_suffix(1);
      continue;
    }
    bool removed = false;
    for (const std::string& closer : kClosers) {
      if (absl::EndsWith(AV(line), closer)) {
        line.remove_suffix(closer.size());
        removed = true;
        break;
      }
    }
    if (!removed) return c;
  }
  return '\0';
}

bool EndsLikeSentence(std::string_view line) {
  if (absl::EndsWith(AV(line), "\xE3\x80\x82")) return true;  // 。
  const char c = LastMeaningfulChar(line);
  return c == '.' || c == ':' || c == ';' || c == ',';
}

// Splits a trailing "(19/09/2001)" off a headline.
std::string_view SplitTitleDate(std::string_view line, std::optional<PartialDate>* date) {
  line = TrimView(line);
  if (line.empty() || line.back() != ')') return line;
  const size_t open = line.rfind('(');
  if (open == std::string_view::npos) return line;
  std::optional<PartialDate> parsed = ParseDate(line.substr(open));
  if (!parsed) return line;
  *date = parsed;
  return TrimView(line.substr(0, open));
}

bool IsHeadlineLike(std::string_view line) {
  return !EndsLikeSentence(line) && line.size() <= kMaxTitleBytes &&
         Words(line).size() <= static_cast<size_t>(kMaxTitleWords);
}

bool HasLetter(std::string_view line) {
  const auto* s = reinterpret_cast<const uint8_t*>(line.data());
  const int32_t length = static_cast<int32_t>(line.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c >= 0 && u_isalpha(c)) return true;
  }
  return false;
}

enum class DateLineKind { kNone, kBare, kPosted, kUpdated };

// A line that is a date, or "Posted July. 18, 2002 22:21," and the like.
DateLineKind ClassifyDateLine(std::string_view line, PartialDate* date) {
  if (std::optional<PartialDate> d = ParseDate(line)) {
    *date = *d;
    return DateLineKind::kBare;
  }
  struct Prefix {
    const char* text;
    DateLineKind kind;
  };
  static constexpr std::array<Prefix, 9> kPrefixes = {{{"first published", DateLineKind::kPosted},
                                                       {"published", DateLineKind::kPosted},
                                                       {"posted", DateLineKind::kPosted},
                                                       {"released", DateLineKind::kPosted},
                                                       {"date", DateLineKind::kPosted},
                                                       {"dateline", DateLineKind::kPosted},
                                                       {"last updated", DateLineKind::kUpdated},
                                                       {"last modified", DateLineKind::kUpdated},
                                                       {"updated", DateLineKind::kUpdated}}};
  const std::string lower = absl::AsciiStrToLower(AV(line));
  for (const Prefix& prefix : kPrefixes) {
    if (!absl::StartsWith(lower, prefix.text)) continue;
    std::string_view rest = line.substr(std::string_view(prefix.text).size());
    if (!rest.empty() && absl::ascii_isalpha(static_cast<unsigned char>(rest.front())))
      continue;  // "Postedx"
    rest = TrimView(rest);
    if (!rest.empty() && (rest.front() == ':' || rest.front() == '-')) rest = TrimView(rest.substr(1));
    if (absl::StartsWith(absl::AsciiStrToLower(AV(rest.substr(0, 3))), "on "))
      rest = TrimView(rest.substr(3));
    size_t consumed = 0;
    std::optional<PartialDate> d = ParseDatePrefix(rest, &consumed);
    if (!d) continue;
    // Whatever follows the date must be short (a time, a zone, "| Source").
    if (rest.size() - consumed > 60) continue;
    *date = *d;
    return prefix.kind;
  }
  return DateLineKind::kNone;
}

// ---------------------------------------------------------------------------
// HTML.

const char* Attr(const GumboElement& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
  return attr ? attr->value : nullptr;
}

std::string AttrLower(const GumboElement& element, const char* name) {
  const char* value = Attr(element, name);
  return value ? absl::AsciiStrToLower(value) : std::string();
}

constexpr int kMaxDepth = 400;

void AppendPlainText(const GumboNode* node, std::string* out, int depth) {
  if (depth > kMaxDepth) return;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
      node->type == GUMBO_NODE_WHITESPACE) {
    out->append(node->v.text.text);
    out->push_back(' ');
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  const GumboElement& element = node->v.element;
  if (element.tag == GUMBO_TAG_SCRIPT || element.tag == GUMBO_TAG_STYLE) return;
  for (unsigned i = 0; i < element.children.length; ++i) {
    AppendPlainText(static_cast<const GumboNode*>(element.children.data[i]), out, depth + 1);
  }
}

std::string NodeText(const GumboNode* node) {
  std::string text;
  AppendPlainText(node, &text, 0);
  std::vector<std::string> lines = NormalizedLines(text);
  return std::string(TrimView(absl::StrJoin(lines, " ")));
}

// Class or id parts that name page furniture rather than article text.
bool IsFurnitureName(const std::string& value) {
  static const char* const kPrefixes[] = {"menu",   "nav",     "breadcrumb", "share",   "sharing", "social",
                                          "footer", "comment", "related",    "sidebar", "cookie"};
  for (absl::string_view token : absl::StrSplit(value, absl::ByAnyChar(" \t\n-_"), absl::SkipEmpty())) {
    for (const char* prefix : kPrefixes) {
      if (!absl::StartsWith(token, prefix)) continue;
      if (absl::StartsWith(token, "commentary")) continue;  // opinion pieces are articles
      return true;
    }
  }
  return false;
}

bool IsSkippedElement(const GumboElement& element) {
  switch (element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_MENU:
      return true;
    default:
      break;
  }
  if (Attr(element, "hidden") != nullptr) return true;
  if (AttrLower(element, "aria-hidden") == "true") return true;
  const std::string style = AttrLower(element, "style");
  if (absl::StrContains(absl::StrReplaceAll(style, {{" ", ""}}), "display:none")) return true;
  const std::string role = AttrLower(element, "role");
  if (role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary")
    return true;
  return IsFurnitureName(AttrLower(element, "class")) || IsFurnitureName(AttrLower(element, "id"));
}

bool IsBlockElement(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
      return true;
    default:
      return false;
  }
}

// Article text of `node`: paragraphs separated by blank lines.
void ExtractText(const GumboNode* node, std::string* out, int depth) {
  if (depth > kMaxDepth) return;
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE: {
      for (const char* p = node->v.text.text; *p; ++p) out->push_back(IsAsciiSpace(*p) ? ' ' : *p);
      return;
    }
    case GUMBO_NODE_ELEMENT:
      break;
    default:
      return;
  }
  const GumboElement& element = node->v.element;
  if (IsSkippedElement(element)) return;
  if (element.tag == GUMBO_TAG_BR) {
    out->push_back('\n');
    return;
  }
  const bool block = IsBlockElement(element.tag);
  if (block) out->append("\n\n");
  if (element.tag == GUMBO_TAG_TD || element.tag == GUMBO_TAG_TH) out->push_back(' ');
  for (unsigned i = 0; i < element.children.length; ++i) {
    ExtractText(static_cast<const GumboNode*>(element.children.data[i]), out, depth + 1);
  }
  if (block) out->append("\n\n");
}

struct HtmlFacts {
  std::string og_title;
  std::string title_tag;
  std::string h1;
  std::string site_name;
  std::string app_name;
  std::string lang;
  // Candidate dates by priority (lower first).
  std::vector<std::pair<int, std::string>> dates;
  std::vector<const GumboNode*> articles;
  const GumboNode* main = nullptr;
  const GumboNode* body = nullptr;
};

int MetaDatePriority(const std::string& key) {
  static const std::array<std::pair<const char*, int>, 15> kKeys = {{{"article:published_time", 1},
                                                                     {"og:published_time", 2},
                                                                     {"datepublished", 3},
                                                                     {"dc.date.issued", 4},
                                                                     {"dc.date", 4},
                                                                     {"dcterms.date", 4},
                                                                     {"dcterms.issued", 4},
                                                                     {"dcterms.created", 4},
                                                                     {"date", 5},
                                                                     {"pubdate", 5},
                                                                     {"publishdate", 5},
                                                                     {"publish-date", 5},
                                                                     {"publish_date", 5},
                                                                     {"parsely-pub-date", 5},
                                                                     {"sailthru.date", 5}}};
  for (const auto& [name, priority] : kKeys) {
    if (key == name) return priority;
  }
  return 0;
}

void CollectFacts(const GumboNode* node, HtmlFacts* facts, int depth) {
  if (depth > kMaxDepth || node->type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& element = node->v.element;
  switch (element.tag) {
    case GUMBO_TAG_HTML:
      facts->lang = AttrLower(element, "lang");
      break;
    case GUMBO_TAG_TITLE:
      if (facts->title_tag.empty()) facts->title_tag = NodeText(node);
      break;
    case GUMBO_TAG_H1:
      if (facts->h1.empty()) facts->h1 = NodeText(node);
      break;
    case GUMBO_TAG_ARTICLE:
      facts->articles.push_back(node);
      break;
    case GUMBO_TAG_MAIN:
      if (!facts->main) facts->main = node;
      break;
    case GUMBO_TAG_BODY:
      if (!facts->body) facts->body = node;
      break;
    case GUMBO_TAG_META: {
      std::string key = AttrLower(element, "property");
      if (key.empty()) key = AttrLower(element, "name");
      if (key.empty()) key = AttrLower(element, "itemprop");
      const char* content = Attr(element, "content");
      if (key.empty() || !content) break;
      if (key == "og:title" && facts->og_title.empty()) facts->og_title = content;
      if (key == "og:site_name" && facts->site_name.empty()) facts->site_name = content;
      if (key == "application-name" && facts->app_name.empty()) facts->app_name = content;
      if (int priority = MetaDatePriority(key)) facts->dates.emplace_back(priority, content);
      break;
    }
    case GUMBO_TAG_TIME: {
      const char* datetime = Attr(element, "datetime");
      const bool pub =
          Attr(element, "pubdate") != nullptr || AttrLower(element, "itemprop") == "datepublished";
      if (datetime) facts->dates.emplace_back(pub ? 6 : 7, datetime);
      break;
    }
    default:
      if (AttrLower(element, "itemprop") == "datepublished") {
        const char* value = Attr(element, "datetime");
        if (!value) value = Attr(element, "content");
        if (value) {
          facts->dates.emplace_back(3, value);
        } else {
          facts->dates.emplace_back(3, NodeText(node));
        }
      }
      break;
  }
  if (element.tag == GUMBO_TAG_SCRIPT || element.tag == GUMBO_TAG_STYLE) return;
  for (unsigned i = 0; i < element.children.length; ++i) {
    CollectFacts(static_cast<const GumboNode*>(element.children.data[i]), facts, depth + 1);
  }
}

// "Xi Calls Putin | Daily News" -> "Xi Calls Putin".
std::string StripSiteSuffix(const std::string& title, const std::string& site_name, bool only_site_name) {
  static const std::array<std::pair<const char*, bool>, 6> kSeparators = {{{" | ", true},
                                                                           {" :: ", true},
                                                                           {" \xC2\xB7 ", true},
                                                                           {" - ", false},
                                                                           {" \xE2\x80\x94 ", false},
                                                                           {" \xE2\x80\x93 ", false}}};
  size_t best = std::string::npos;
  size_t best_len = 0;
  bool strong = false;
  for (const auto& [sep, is_strong] : kSeparators) {
    const size_t at = title.rfind(sep);
    if (at != std::string::npos && (best == std::string::npos || at > best)) {
      best = at;
      best_len = std::string_view(sep).size();
      strong = is_strong;
    }
  }
  if (best == std::string::npos || best == 0) return title;
  const std::string head(TrimView(std::string_view(title).substr(0, best)));
  const std::string tail(TrimView(std::string_view(title).substr(best + best_len)));
  if (!site_name.empty() && NormalizeForMatch(tail) == NormalizeForMatch(site_name)) return head;
  if (only_site_name) return title;
  const size_t tail_words = Words(tail).size();
  const size_t head_words = Words(head).size();
  if (strong && tail_words <= 5) return head;
  if (!strong && tail_words <= 4 && head_words >= 3) return head;
  return title;
}

}  // namespace

bool LooksLikeHtml(std::string_view body) {
  std::string head = absl::AsciiStrToLower(AV(body.substr(0, 4096)));
  std::string_view trimmed = TrimView(head);
  if (absl::StartsWith(AV(trimmed), "\xEF\xBB\xBF")) trimmed.remove_prefix(3);
  if (absl::StartsWith(AV(trimmed), "<!doctype html") || absl::StartsWith(AV(trimmed), "<html")) return true;
  if (absl::StrContains(head, "<html") || absl::StrContains(head, "<body") ||
      absl::StrContains(head, "<head>")) {
    return true;
  }
  int tags = 0;
  for (absl::string_view tag : {"<p>", "<p ", "</p>", "<br", "<div", "</div>", "<article", "<h1", "<span"}) {
    size_t pos = 0;
    while ((pos = head.find(std::string(tag), pos)) != std::string::npos) {
      ++tags;
      pos += tag.size();
    }
  }
  return tags >= 2;
}

ParsedArticle ParseText(std::string_view text, std::string_view known_title) {
  ParsedArticle article;
  std::vector<std::string> lines = NormalizedLines(text);

  ScriptCounts counts;
  for (const std::string& line : lines) CountScripts(line, &counts);
  const int dominant = DominantScript(counts);
  if (dominant >= 0) article.language = LanguageOfScript(dominant, counts.kana);

  const std::string known_key = known_title.empty() ? std::string() : NormalizeForMatch(known_title);
  bool title_found = false;
  bool in_header = true;
  int non_blank = 0;
  std::optional<PartialDate> header_date;   // bare date line or title date in the header area
  std::optional<PartialDate> posted_date;   // "Posted ..." / "Published ..." anywhere
  std::optional<PartialDate> updated_date;  // "Updated ..." in the header area

  struct Kept {
    std::string text;
    int block;
  };
  std::vector<Kept> kept;
  int block = 0;
  bool blank_between_body = false;  // paragraphs are separated by blank lines
  bool pending_blank = false;

  for (const std::string& raw : lines) {
    const std::string_view line = TrimView(raw);
    if (line.empty()) {
      ++block;
      pending_blank = true;
      continue;
    }
    ++non_blank;
    if (non_blank > kHeaderLines) in_header = false;

    if (IsMenuLine(line) || IsBreadcrumb(line) || IsCopyrightLine(line) || IsInOtherScript(line, dominant)) {
      ++block;
      continue;
    }
    PartialDate date;
    const DateLineKind date_kind = ClassifyDateLine(line, &date);
    if (date_kind != DateLineKind::kNone) {
      if (date_kind == DateLineKind::kPosted && !posted_date) posted_date = date;
      if (in_header && date_kind == DateLineKind::kBare && !header_date) header_date = date;
      if (in_header && date_kind == DateLineKind::kUpdated && !updated_date) updated_date = date;
      ++block;
      continue;
    }
    if (IsEmailLine(line) || (in_header && IsByline(line))) {
      ++block;
      continue;
    }
    if (in_header && !title_found) {
      std::optional<PartialDate> title_date;
      const std::string_view headline = SplitTitleDate(line, &title_date);
      if (!known_key.empty()) {
        if (NormalizeForMatch(line) == known_key || NormalizeForMatch(headline) == known_key) {
          title_found = true;
          if (title_date && !header_date) header_date = title_date;
          ++block;
          continue;
        }
      } else if (IsHeadlineLike(headline) && HasLetter(headline)) {
        if (Words(headline).size() < 2 && !title_date) {
          ++block;  // a one-word section label such as "Politics"
          continue;
        }
        article.title = std::string(headline);
        title_found = true;
        if (title_date && !header_date) header_date = title_date;
        ++block;
        continue;
      }
    }
    if (EndsLikeSentence(line) || !IsHeadlineLike(line)) in_header = false;
    if (pending_blank && !kept.empty()) blank_between_body = true;
    pending_blank = false;
    kept.push_back({std::string(line), block});
  }

  std::string body;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) {
      const bool same_paragraph = blank_between_body && kept[i].block == kept[i - 1].block;
      body.append(same_paragraph ? " " : "\n\n");
    }
    body.append(kept[i].text);
  }
  article.body = std::move(body);

  if (posted_date) {
    article.published = *posted_date;
  } else if (header_date) {
    article.published = *header_date;
  } else if (updated_date) {
    article.published = *updated_date;
  }
  article.published_found = article.published.known();
  return article;
}

ParsedArticle ParseHtml(std::string_view html) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  HtmlFacts facts;
  CollectFacts(output->root, &facts, 0);

  const std::string site_name(TrimView(facts.site_name.empty() ? facts.app_name : facts.site_name));
  std::string title;
  if (!facts.og_title.empty()) {
    title = StripSiteSuffix(std::string(TrimView(facts.og_title)), site_name, /*only_site_name=*/true);
  } else if (!facts.h1.empty()) {
    title = facts.h1;
  } else if (!facts.title_tag.empty()) {
    title = StripSiteSuffix(facts.title_tag, site_name, /*only_site_name=*/false);
  }
  title = std::string(TrimView(absl::StrJoin(NormalizedLines(title), " ")));

  // Body text: the largest <article>, else <main>, else <body>.
  std::string text;
  for (const GumboNode* article : facts.articles) {
    std::string candidate;
    ExtractText(article, &candidate, 0);
    if (candidate.size() > text.size()) text = std::move(candidate);
  }
  if (TrimView(text).empty()) {
    text.clear();
    const GumboNode* root = facts.main ? facts.main : facts.body ? facts.body : output->root;
    ExtractText(root, &text, 0);
  }
  gumbo_destroy_output(&kGumboDefaultOptions, output);

  ParsedArticle article = ParseText(text, title);
  article.title = title.empty() ? article.title : title;
  article.source = site_name;

  std::stable_sort(facts.dates.begin(), facts.dates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [priority, value] : facts.dates) {
    if (std::optional<PartialDate> date = ParseDate(value)) {
      article.published = *date;
      article.published_found = true;
      break;
    }
  }
  if (facts.lang.size() >= 2 && absl::ascii_isalpha(static_cast<unsigned char>(facts.lang[0])) &&
      absl::ascii_isalpha(static_cast<unsigned char>(facts.lang[1])) &&
      (facts.lang.size() == 2 || facts.lang[2] == '-' || facts.lang[2] == '_')) {
    article.language = facts.lang.substr(0, 2);
  }
  return article;
}

std::string HostOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() != '[') {
    const size_t colon = authority.find(':');
    authority = authority.substr(0, colon);
  }
  std::string host = absl::AsciiStrToLower(AV(authority));
  if (absl::StartsWith(host, "www.")) host.erase(0, 4);
  return host;
}

absl::StatusOr<ParsedArticle> BuildArticle(const ArticleRequest& request, size_t max_body_bytes) {
  const std::string& body = request.body;
  if (TrimView(body).empty()) {
    return absl::InvalidArgumentError("document body is empty: send the article text or HTML in `body`");
  }
  if (body.size() > max_body_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("document body is ", body.size(),
                                                   " bytes, over the limit of ", max_body_bytes,
                                                   " bytes (--max_body_bytes); send a shorter article"));
  }
  size_t bad_offset = 0;
  if (!IsValidUtf8(body, &bad_offset)) {
    return absl::InvalidArgumentError(absl::StrCat("body is not valid UTF-8 (first bad byte at offset ",
                                                   bad_offset, "); convert it to UTF-8"));
  }
  std::optional<PartialDate> published;
  if (!TrimView(request.published).empty()) {
    absl::StatusOr<PartialDate> parsed = ParsePublishedDate(request.published);
    if (!parsed.ok()) return parsed.status();
    published = *parsed;
  }
  std::string language;
  if (!request.language.empty()) {
    const std::string& l = request.language;
    if (l.size() != 2 || !absl::ascii_isalpha(static_cast<unsigned char>(l[0])) ||
        !absl::ascii_isalpha(static_cast<unsigned char>(l[1]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("language \"", l, "\" is not an ISO 639-1 code: use two letters such as \"en\""));
    }
    language = absl::AsciiStrToLower(l);
  }
  if (request.content_type != ContentType::kGuess && request.content_type != ContentType::kText &&
      request.content_type != ContentType::kHtml) {
    return absl::InvalidArgumentError("content_type is not one of CONTENT_TYPE_UNSPECIFIED, TEXT or HTML");
  }

  const bool html = request.content_type == ContentType::kHtml ||
                    (request.content_type == ContentType::kGuess && LooksLikeHtml(body));
  ParsedArticle article = html ? ParseHtml(body) : ParseText(body);
  if (article.body.empty()) {
    // A text that is only a headline: keep it as the body rather than refuse it.
    article.body = article.title;
  }
  if (article.body.empty()) {
    return absl::InvalidArgumentError(
        "document body is empty after removing menus, share links, dates and other page furniture; send the "
        "article text");
  }
  const std::string title(TrimView(request.title));
  if (!title.empty()) article.title = title;
  if (published) {
    article.published = *published;
    article.published_found = published->known();
  }
  const std::string source(TrimView(request.source));
  if (!source.empty()) {
    article.source = source;
  } else if (article.source.empty()) {
    article.source = HostOfUrl(request.url);
  }
  if (!language.empty()) article.language = language;
  return article;
}

}  // namespace dossier::ingest
