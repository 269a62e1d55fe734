#include "services/query/query_parser.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/text.h"

namespace dossier::query {
namespace {

// One lexical item of the query.
struct Token {
  enum class Kind { kTerm, kOr };
  Kind kind = Kind::kTerm;
  std::string text;      // the word or phrase content (terms)
  bool negated = false;  // leading -
  bool prefix = false;   // trailing * (words only)
  bool phrase = false;   // was quoted
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("query: ", std::string(message)));
}

absl::StatusOr<std::vector<Token>> Lex(std::string_view query) {
  std::vector<Token> tokens;
  size_t pos = 0;
  while (pos < query.size()) {
    if (IsSpace(query[pos])) {
      ++pos;
      continue;
    }
    Token token;
    if (query[pos] == '-' && pos + 1 < query.size() && !IsSpace(query[pos + 1])) {
      token.negated = true;
      ++pos;
    }
    if (query[pos] == '"') {
      const size_t close = query.find('"', pos + 1);
      if (close == std::string_view::npos) {
        return Invalid(absl::StrCat("unbalanced quote at character ", pos + 1,
                                    ": close the phrase with \" or remove the quote"));
      }
      token.phrase = true;
      token.text = std::string(query.substr(pos + 1, close - pos - 1));
      bool blank = true;
      for (char c : token.text) blank = blank && IsSpace(c);
      if (blank) return Invalid("empty quoted phrase \"\": put words between the quotes or remove them");
      pos = close + 1;
    } else {
      size_t end = pos;
      while (end < query.size() && !IsSpace(query[end]) && query[end] != '"') ++end;
      token.text = std::string(query.substr(pos, end - pos));
      pos = end;
      if (token.text == "OR" && !token.negated) {
        token.kind = Token::Kind::kOr;
      } else {
        while (token.text.size() > 1 && token.text.back() == '*') {
          token.text.pop_back();
          token.prefix = true;
        }
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string TermExpression(const QueryTerm& token) {
  std::string quoted = QuoteFts5(token.text);
  return token.prefix ? absl::StrCat(quoted, " *") : quoted;
}

}  // namespace

std::string QuoteFts5(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool HasTokenCharacter(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) continue;
    const int8_t type = u_charType(c);
    switch (type) {
      case U_UPPERCASE_LETTER:
      case U_LOWERCASE_LETTER:
      case U_TITLECASE_LETTER:
      case U_MODIFIER_LETTER:
      case U_OTHER_LETTER:
      case U_DECIMAL_DIGIT_NUMBER:
      case U_LETTER_NUMBER:
      case U_OTHER_NUMBER:
      case U_PRIVATE_USE_CHAR:
        return true;
      default:
        break;
    }
  }
  return false;
}

absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query) {
  size_t bad_offset = 0;
  if (!IsValidUtf8(query, &bad_offset)) {
    return Invalid(absl::StrCat("not valid UTF-8 (byte ", bad_offset, ")"));
  }
  if (query.size() > kMaxQueryBytes) {
    return Invalid(absl::StrCat("too long (", query.size(), " bytes; at most ", kMaxQueryBytes, ")"));
  }
  auto lexed = Lex(query);
  if (!lexed.ok()) return lexed.status();
  const std::vector<Token>& tokens = *lexed;

  // Syntax: TERM (OR TERM)* ... ; OR only between two terms, neither excluded.
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != Token::Kind::kOr) continue;
    if (i == 0) return Invalid("OR at the start: OR must stand between two terms (a OR b)");
    if (i + 1 == tokens.size()) return Invalid("OR at the end: OR must stand between two terms (a OR b)");
    if (tokens[i + 1].kind == Token::Kind::kOr) return Invalid("OR twice in a row: write a OR b");
    if (tokens[i - 1].negated || tokens[i + 1].negated) {
      return Invalid("an excluded term (-word) cannot be part of an OR: write (a OR b) -c as a OR b -c");
    }
  }

  // Groups of alternatives; terms without token characters are dropped.
  std::vector<std::vector<QueryTerm>> groups;
  std::vector<QueryTerm> excluded;
  int term_count = 0;
  bool continue_group = false;
  for (const Token& token : tokens) {
    if (token.kind == Token::Kind::kOr) {
      continue_group = true;
      continue;
    }
    const bool joins_previous = continue_group;
    continue_group = false;
    if (!HasTokenCharacter(token.text)) {
      // Keep the OR structure: a dropped alternative leaves the others.
      if (!joins_previous && !token.negated) groups.emplace_back();
      continue;
    }
    if (++term_count > kMaxQueryTerms) {
      return Invalid(absl::StrCat("too many terms (at most ", kMaxQueryTerms, ")"));
    }
    QueryTerm term{token.text, token.prefix, token.phrase};
    if (token.negated) {
      excluded.push_back(std::move(term));
    } else if (joins_previous && !groups.empty()) {
      groups.back().push_back(std::move(term));
    } else {
      groups.push_back({std::move(term)});
    }
  }

  ParsedQuery parsed;
  parsed.term_count = term_count;
  std::vector<std::string> required;
  for (auto& alternatives : groups) {
    if (alternatives.empty()) continue;
    std::vector<std::string> expressions;
    for (const QueryTerm& term : alternatives) expressions.push_back(TermExpression(term));
    if (expressions.size() == 1) {
      required.push_back(expressions[0]);
    } else {
      required.push_back(absl::StrCat("(", absl::StrJoin(expressions, " OR "), ")"));
    }
    parsed.required.push_back(std::move(alternatives));
  }
  if (required.empty() && !excluded.empty()) {
    return Invalid("the query only excludes terms (-word): add at least one word or phrase to search for");
  }
  if (required.empty()) return parsed;
  parsed.fts_expression = absl::StrJoin(required, " AND ");
  if (!excluded.empty()) {
    std::vector<std::string> expressions;
    for (const QueryTerm& term : excluded) expressions.push_back(TermExpression(term));
    parsed.fts_expression =
        absl::StrCat("(", parsed.fts_expression, ") NOT (", absl::StrJoin(expressions, " OR "), ")");
    parsed.excluded = std::move(excluded);
  }
  return parsed;
}

}  // namespace dossier::query
