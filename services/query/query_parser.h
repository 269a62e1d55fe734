#ifndef DOSSIER_SERVICES_QUERY_QUERY_PARSER_H_
#define DOSSIER_SERVICES_QUERY_QUERY_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dossier::query {

// One word or phrase of a query, as the user wrote it (unquoted).
struct QueryTerm {
  std::string text;
  bool prefix = false;  // trailing *: the last word is a prefix
  bool phrase = false;  // was quoted

  bool operator==(const QueryTerm&) const = default;
};

// A user's search query: its structure (for backends that compose their own
// query, such as PostgreSQL tsquery) and a safe SQLite FTS5 MATCH expression.
struct ParsedQuery {
  // The FTS5 expression; empty when the query has nothing to search for
  // (blank, or only punctuation). Every term in it is a quoted FTS5 string,
  // so no user text is ever read as FTS5 syntax.
  std::string fts_expression;
  // The same query as structure: every group of `required` must match (a
  // group matches when any of its terms does), no term of `excluded` may.
  // Empty groups are left out; both are empty when fts_expression is.
  std::vector<std::vector<QueryTerm>> required;
  std::vector<QueryTerm> excluded;
  // Number of terms (words and phrases, excluded ones included) kept.
  int term_count = 0;

  bool empty() const { return fts_expression.empty(); }
};

// Longest accepted query, in bytes, and most terms in one query.
inline constexpr size_t kMaxQueryBytes = 2048;
inline constexpr int kMaxQueryTerms = 32;

// Parses the query language of SearchRequest.query:
//   - words separated by spaces: all must match (`jiang putin`);
//   - "quoted phrases": the words in this order (`"phone conversation"`);
//   - OR between two terms: either may match (`russia OR china`; binds
//     tighter than the implicit AND: `a b OR c` is a AND (b OR c));
//   - a leading - excludes a word or phrase (`putin -terrorism`);
//   - a trailing * makes a word a prefix (`terror*`).
// Matching is case- and diacritic-insensitive (SQLite: the FTS5 unicode61
// tokenizer; PostgreSQL: the query_fts configuration, unaccent + simple).
// Terms that contain no letter or digit (a lone "-", "&") are dropped.
// INVALID_ARGUMENT, with a message saying how to fix it, for: invalid
// UTF-8, an unbalanced quote, an empty phrase, OR at the start or end or
// twice in a row, OR next to an excluded term, a query that only excludes,
// more than kMaxQueryBytes bytes or kMaxQueryTerms terms.
absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query);

// `text` as an FTS5 string literal: in double quotes, inner quotes doubled.
std::string QuoteFts5(std::string_view text);

// True when `text` contains a code point the FTS5 unicode61 tokenizer
// indexes (Unicode letters, numbers and private-use characters).
bool HasTokenCharacter(std::string_view text);

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_QUERY_PARSER_H_
