#ifndef DOSSIER_SERVICES_ENTITY_TOKENIZER_H_
#define DOSSIER_SERVICES_ENTITY_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Stage (a) of annotation: tokens with byte offsets and sentences.
//
// Words are runs of letters and digits. Hyphens between word characters are
// tokens of their own ("Sino-Russian" -> "Sino" "-" "Russian", joined), a
// possessive "'s" is split off ("Russia's" -> "Russia" "'s"), abbreviations
// keep their period ("Mr.", "U.S.", "Sept.", initials "V."), numbers keep
// inner separators ("2,000", "3.5") and ordinal suffixes ("18th"). Every other
// punctuation character is a token. Each token also has a folded
// (lower-case, diacritic-free) form used for matching.

namespace dossier::entity {

enum TokenFlag : uint16_t {
  kTokWord = 1 << 0,             // letters/digits (possibly with "." of an abbreviation)
  kTokCapitalized = 1 << 1,      // first letter upper case ("Putin", "SCO", "U.S.")
  kTokAllCaps = 1 << 2,          // two or more letters, none lower case ("SCO", "U.S.")
  kTokDigit = 1 << 3,            // starts with a digit
  kTokSpaceBefore = 1 << 4,      // white space between this and the previous token
  kTokNewlineBefore = 1 << 5,    // a line break before this token
  kTokParagraphBefore = 1 << 6,  // a blank line before this token
  kTokAbbreviation = 1 << 7,     // ends with the period of an abbreviation
  kTokPunct = 1 << 8,            // punctuation or symbol
  kTokHasLower = 1 << 9,         // has a lower-case letter
};

struct Token {
  uint32_t begin = 0;  // byte offsets in the text, [begin, end)
  uint32_t end = 0;
  uint32_t norm_begin = 0;  // folded form in TokenizedText::norm_buffer
  uint32_t norm_len = 0;
  uint64_t hash = 0;  // hash of the folded form
  uint16_t flags = 0;

  bool Has(uint16_t flag) const { return (flags & flag) != 0; }
  bool word() const { return Has(kTokWord); }
  bool capitalized() const { return Has(kTokCapitalized); }
};

// A sentence: tokens [token_begin, token_end) and bytes [begin, end).
struct Sentence {
  int token_begin = 0;
  int token_end = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
};

class TokenizedText {
 public:
  std::vector<Token> tokens;
  std::string norm_buffer;

  std::string_view norm(int i) const {
    const Token& t = tokens[i];
    return std::string_view(norm_buffer).substr(t.norm_begin, t.norm_len);
  }
  std::string_view text(int i, std::string_view source) const {
    const Token& t = tokens[i];
    return source.substr(t.begin, t.end - t.begin);
  }
  int size() const { return static_cast<int>(tokens.size()); }
};

// The hash used for Token::hash (and for KB alias tokens).
uint64_t TokenHash(std::string_view folded);

// Tokenizes `text` (valid UTF-8). Fast: no regexes, one pass.
TokenizedText Tokenize(std::string_view text);

// Splits into sentences at ".", "!", "?" (with closing quotes/brackets) that
// are followed by white space and a capital letter, digit, quote or bracket,
// at blank lines, and at line breaks that do not join a lower-case
// continuation. Abbreviation tokens ("Mr.") never end a sentence by
// themselves. Every token belongs to exactly one sentence.
std::vector<Sentence> SplitSentences(const TokenizedText& tokens, std::string_view text);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_TOKENIZER_H_
