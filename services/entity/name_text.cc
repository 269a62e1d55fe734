#include "services/entity/name_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <vector>

namespace dossier::entity {

namespace {

// Folds one non-ASCII code point sequence: NFKD, drop combining marks, case
// fold. Returns UTF-8.
void FoldNonAscii(std::string_view text, std::string* out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  if (U_FAILURE(status)) {
    out->append(text);
    return;
  }
  icu::UnicodeString decomposed = nfkd->normalize(source, status);
  if (U_FAILURE(status)) {
    out->append(text);
    return;
  }
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    // Typographic apostrophes and hyphens to ASCII.
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB || c == 0x00B4 || c == 0x0060) c = '\'';
    if (c == 0x2010 || c == 0x2011) c = '-';
    stripped.append(static_cast<UChar32>(u_foldCase(c, U_FOLD_CASE_DEFAULT)));
  }
  std::string utf8;
  stripped.toUTF8String(utf8);
  // Special letters without a decomposition.
  for (size_t i = 0; i < utf8.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == 0xC3 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0xB8) {  // ø
      out->push_back('o');
      ++i;
    } else if (c == 0xC5 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0x82) {  // ł
      out->push_back('l');
      ++i;
    } else if (c == 0xC3 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0x9F) {  // ß
      out->append("ss");
      ++i;
    } else if (c == 0xC4 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0xB1) {  // ı
      out->push_back('i');
      ++i;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

void AppendFoldedToken(std::string_view token, std::string* out) {
  size_t i = 0;
  while (i < token.size()) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x80) {
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c));
      ++i;
      continue;
    }
    size_t j = i;
    while (j < token.size() && static_cast<unsigned char>(token[j]) >= 0x80) ++j;
    FoldNonAscii(token.substr(i, j - i), out);
    i = j;
  }
}

std::string FoldName(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && !IsSpace(text[j])) ++j;
    if (j > i) {
      if (!out.empty()) out.push_back(' ');
      AppendFoldedToken(text.substr(i, j - i), &out);
    }
    i = j;
  }
  // Non-ASCII white space (NBSP) may have survived folding as "\xc2\xa0"-like
  // sequences only if not decomposed; NFKD maps NBSP to a space already.
  return out;
}

std::string Slugify(std::string_view text) {
  const std::string folded = FoldName(text);
  std::string out;
  out.reserve(folded.size());
  bool pending_dash = false;
  for (char ch : folded) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\'') continue;
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (pending_dash && !out.empty()) out.push_back('-');
      pending_dash = false;
      out.push_back(static_cast<char>(c));
    } else {
      pending_dash = true;
    }
  }
  return out;
}

std::string MatchKey(std::string_view text) {
  const std::string folded = FoldName(text);
  std::string out;
  out.reserve(folded.size());
  for (char ch : folded) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) out.push_back(ch);
  }
  return out;
}

int DamerauLevenshtein(std::string_view a, std::string_view b, int max_distance) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  if (n == 0) return m;
  if (m == 0) return n;
  // Three rolling rows; small strings so stack-sized vectors are fine.
  thread_local std::vector<int> prev2, prev, cur;
  prev2.assign(m + 1, 0);
  prev.resize(m + 1);
  cur.resize(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_distance) return max_distance + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], max_distance + 1);
}

}  // namespace dossier::entity
