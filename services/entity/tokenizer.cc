#include "services/entity/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>

#include "libs/common/text.h"
#include "services/entity/name_text.h"

namespace dossier::entity {

namespace {

enum class CharClass { kSpace, kWord, kApostrophe, kHyphen, kPeriod, kOther };

struct Decoded {
  UChar32 cp;
  int length;
};

Decoded DecodeAt(std::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {c, 1};
  int32_t idx = static_cast<int32_t>(i);
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), idx, static_cast<int32_t>(text.size()), cp);
  if (cp < 0) return {0xFFFD, idx - static_cast<int32_t>(i)};
  return {cp, idx - static_cast<int32_t>(i)};
}

CharClass Classify(UChar32 cp) {
  if (cp < 0x80) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
      return CharClass::kSpace;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
      return CharClass::kWord;
    if (cp == '\'') return CharClass::kApostrophe;
    if (cp == '-') return CharClass::kHyphen;
    if (cp == '.') return CharClass::kPeriod;
    return CharClass::kOther;
  }
  if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
      cp == 0xFEFF || cp == 0x2028 || cp == 0x2029) {
    return CharClass::kSpace;
  }
  if (cp == 0x2019 || cp == 0x02BC) return CharClass::kApostrophe;
  if (cp == 0x2010 || cp == 0x2011) return CharClass::kHyphen;
  if (u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK || u_charType(cp) == U_COMBINING_SPACING_MARK) {
    return CharClass::kWord;
  }
  return CharClass::kOther;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Words whose following period belongs to them (lower case).
bool IsAbbreviation(std::string_view lower) {
  static constexpr std::array<std::string_view, 62> kAbbrev = {
      "mr",  "mrs",  "ms",   "dr",  "prof",   "st",   "gen", "col",  "lt",    "sgt",  "capt",
      "maj", "sen",  "rep",  "gov", "jr",     "sr",   "inc", "ltd",  "corp",  "co",   "vs",
      "etc", "jan",  "feb",  "mar", "apr",    "jun",  "jul", "aug",  "sep",   "sept", "oct",
      "nov", "dec",  "mon",  "tue", "tues",   "wed",  "thu", "thur", "thurs", "fri",  "sat",
      "mt",  "ft",   "dept", "est", "approx", "govt", "adm", "cmdr", "rev",   "hon",  "messrs",
      "mme", "mlle", "brig", "cpl", "pvt",    "gens", "esq"};
  for (std::string_view a : kAbbrev) {
    if (a == lower) return true;
  }
  return false;
}

bool IsUpper(UChar32 cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return u_isupper(cp) || u_istitle(cp);
}
bool IsLower(UChar32 cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return u_islower(cp);
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {
    out_.tokens.reserve(text.size() / 4 + 8);
    out_.norm_buffer.reserve(text.size() + 16);
  }

  TokenizedText Run() {
    size_t i = 0;
    int newlines = 0;
    bool space = false;
    while (i < text_.size()) {
      Decoded d = DecodeAt(text_, i);
      CharClass cls = Classify(d.cp);
      if (cls == CharClass::kSpace) {
        if (d.cp == '\n' || d.cp == 0x2028 || d.cp == 0x2029) ++newlines;
        space = true;
        i += d.length;
        continue;
      }
      uint16_t flags = 0;
      if (space) flags |= kTokSpaceBefore;
      if (newlines >= 1) flags |= kTokNewlineBefore;
      if (newlines >= 2) flags |= kTokParagraphBefore;
      newlines = 0;
      space = false;
      if (cls == CharClass::kWord) {
        i = ScanWord(i, flags);
      } else if (cls == CharClass::kApostrophe && IsPossessiveAt(i + d.length)) {
        // "'s" clitic.
        const size_t end = i + d.length + 1;
        Emit(i, end, flags | kTokPunct);
        i = end;
      } else {
        Emit(i, i + d.length, flags | kTokPunct);
        i += d.length;
      }
    }
    return std::move(out_);
  }

 private:
  // True when text_[pos] is "s"/"S" followed by a non-word character.
  bool IsPossessiveAt(size_t pos) const {
    if (pos >= text_.size() || (text_[pos] != 's' && text_[pos] != 'S')) return false;
    if (pos + 1 >= text_.size()) return true;
    return Classify(DecodeAt(text_, pos + 1).cp) != CharClass::kWord;
  }

  size_t ScanWord(size_t start, uint16_t flags) {
    size_t j = start;
    const bool digit_start = IsAsciiDigit(text_[start]);
    while (j < text_.size()) {
      Decoded d = DecodeAt(text_, j);
      CharClass cls = Classify(d.cp);
      if (cls == CharClass::kWord) {
        j += d.length;
        continue;
      }
      // Inner separators of numbers: "2,000", "3.5".
      if (digit_start && (d.cp == ',' || d.cp == '.') && j > start && IsAsciiDigit(text_[j - 1]) &&
          j + 1 < text_.size() && IsAsciiDigit(text_[j + 1])) {
        j += 1;
        continue;
      }
      // Inner apostrophes ("O'Neill", "Xi'an") but not the possessive.
      if (cls == CharClass::kApostrophe && !digit_start && j + d.length < text_.size() &&
          !IsPossessiveAt(j + d.length) && Classify(DecodeAt(text_, j + d.length).cp) == CharClass::kWord &&
          j > start) {
        j += d.length;
        continue;
      }
      break;
    }
    // Abbreviations keep their period.
    if (j < text_.size() && text_[j] == '.' && !digit_start) {
      const size_t len = j - start;
      if (len == 1 && IsAsciiLetter(text_[start])) {
        // Initial or dotted acronym: "V.", "U.S.", "D.P.R.K.", "a.m."
        size_t k = j + 1;
        while (k + 1 < text_.size() && IsAsciiLetter(text_[k]) && text_[k + 1] == '.') k += 2;
        if (k > j + 1 || (text_[start] >= 'A' && text_[start] <= 'Z')) {
          j = k;
          flags |= kTokAbbreviation;
        }
      } else if (len <= 6) {
        std::string lower;
        for (size_t k = start; k < j; ++k) {
          char c = text_[k];
          lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
        }
        bool abbrev = IsAbbreviation(lower);
        if (!abbrev && lower == "no") {
          size_t k = j + 1;
          while (k < text_.size() && text_[k] == ' ') ++k;
          abbrev = k < text_.size() && IsAsciiDigit(text_[k]);
        }
        if (abbrev) {
          j += 1;
          flags |= kTokAbbreviation;
        }
      }
    }
    flags |= kTokWord;
    if (digit_start) flags |= kTokDigit;
    // Case flags.
    int letters = 0;
    bool any_lower = false;
    bool first_letter_seen = false;
    for (size_t k = start; k < j;) {
      Decoded d = DecodeAt(text_, k);
      k += d.length;
      if (d.cp < 0x80 ? IsAsciiLetter(static_cast<char>(d.cp)) : u_isalpha(d.cp)) {
        ++letters;
        if (!first_letter_seen) {
          first_letter_seen = true;
          if (IsUpper(d.cp) && !digit_start) flags |= kTokCapitalized;
        }
        if (IsLower(d.cp)) any_lower = true;
      }
    }
    if (any_lower) flags |= kTokHasLower;
    if (letters >= 2 && !any_lower && (flags & kTokCapitalized)) flags |= kTokAllCaps;
    Emit(start, j, flags);
    return j;
  }

  void Emit(size_t begin, size_t end, uint16_t flags) {
    Token t;
    t.begin = static_cast<uint32_t>(begin);
    t.end = static_cast<uint32_t>(end);
    t.flags = flags;
    t.norm_begin = static_cast<uint32_t>(out_.norm_buffer.size());
    AppendFoldedToken(text_.substr(begin, end - begin), &out_.norm_buffer);
    t.norm_len = static_cast<uint32_t>(out_.norm_buffer.size() - t.norm_begin);
    t.hash = TokenHash(std::string_view(out_.norm_buffer).substr(t.norm_begin, t.norm_len));
    out_.tokens.push_back(t);
  }

  std::string_view text_;
  TokenizedText out_;
};

bool IsTerminal(std::string_view norm) {
  return norm == "." || norm == "!" || norm == "?" || norm == "\xE2\x80\xA6";
}

bool IsClosing(std::string_view norm) {
  return norm == "\"" || norm == "'" || norm == ")" || norm == "]" || norm == "\xE2\x80\x9D" ||
         norm == "\xE2\x80\x99" || norm == "\xC2\xBB";
}

bool IsOpening(std::string_view norm) {
  return norm == "\"" || norm == "'" || norm == "(" || norm == "[" || norm == "\xE2\x80\x9C" ||
         norm == "\xE2\x80\x98" || norm == "\xC2\xAB";
}

bool IsMonthWord(std::string_view norm) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (std::string_view m : kMonths) {
    if (m == norm) return true;
  }
  return false;
}

}  // namespace

uint64_t TokenHash(std::string_view folded) { return Fnv1a64(folded); }

TokenizedText Tokenize(std::string_view text) { return Tokenizer(text).Run(); }

std::vector<Sentence> SplitSentences(const TokenizedText& tt, std::string_view text) {
  std::vector<Sentence> out;
  const int n = tt.size();
  if (n == 0) return out;
  int start = 0;
  auto close = [&](int end) {
    if (end <= start) return;
    Sentence s;
    s.token_begin = start;
    s.token_end = end;
    s.begin = tt.tokens[start].begin;
    s.end = tt.tokens[end - 1].end;
    out.push_back(s);
    start = end;
  };
  for (int i = 1; i < n; ++i) {
    const Token& t = tt.tokens[i];
    bool boundary = false;
    if (t.Has(kTokParagraphBefore)) {
      boundary = true;
    } else if (t.Has(kTokNewlineBefore)) {
      // A line break ends the sentence unless a lower-case word continues a
      // line that did not end in sentence punctuation.
      const bool continues = t.word() && t.Has(kTokHasLower) && !t.capitalized() && !t.Has(kTokDigit) &&
                             !IsTerminal(tt.norm(i - 1));
      boundary = !continues;
    } else if (t.Has(kTokSpaceBefore)) {
      int k = i - 1;
      while (k > start && IsClosing(tt.norm(k)) && !tt.tokens[k].Has(kTokSpaceBefore)) --k;
      if (IsTerminal(tt.norm(k)) && k > start) {
        const bool capital = t.capitalized();
        bool digit = t.Has(kTokDigit);
        if (digit && k > 0 && IsMonthWord(tt.norm(k - 1))) digit = false;  // "July. 18"
        const bool opening = IsOpening(tt.norm(i));
        boundary = capital || digit || opening;
      }
    }
    if (boundary) close(i);
  }
  close(n);
  (void)text;
  return out;
}

}  // namespace dossier::entity
