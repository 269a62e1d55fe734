#ifndef DOSSIER_LIBS_COMMON_TEXT_H_
#define DOSSIER_LIBS_COMMON_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dossier {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or
// truncated sequences). On false, `*bad_offset` (if given) is the byte offset
// of the first bad sequence.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

// NFKC case-folded form with runs of white space collapsed to one space and
// trimmed: the key under which texts and names are compared.
std::string NormalizeForMatch(std::string_view text);

// Collapses runs of white space (not newlines) to one space and trims each line.
std::string CollapseSpaces(std::string_view text);

// Stable 64-bit FNV-1a hash: the same on every machine and run.
uint64_t Fnv1a64(std::string_view data);

// 16 lower-case hex digits.
std::string Hex64(uint64_t value);

// Maps UTF-8 byte offsets of one text to code point offsets. Build once per
// text; each lookup is O(log n).
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view text);
  // The code point offset of byte offset `byte` (clamped to the text).
  int ToCodePoint(size_t byte) const;
  // The byte offset of code point offset `cp` (clamped to the text).
  size_t ToByte(int cp) const;
  int size() const { return static_cast<int>(starts_.size()); }

 private:
  std::vector<uint32_t> starts_;  // byte offset where each code point starts
  size_t bytes_;
};

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_TEXT_H_
