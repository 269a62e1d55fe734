#include "libs/common/text.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>

namespace dossier {

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      if (bad_offset) *bad_offset = static_cast<size_t>(start);
      return false;
    }
  }
  return true;
}

std::string NormalizeForMatch(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  std::string folded;
  if (U_SUCCESS(status)) {
    icu::UnicodeString out = nfkc_cf->normalize(source, status);
    if (U_SUCCESS(status)) out.toUTF8String(folded);
  }
  if (!U_SUCCESS(status)) folded.assign(text);
  std::string result;
  result.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !result.empty();
      continue;
    }
    if (pending_space) result.push_back(' ');
    pending_space = false;
    result.push_back(c);
  }
  return result;
}

std::string CollapseSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t line_start = 0;
  bool pending_space = false;
  for (char c : text) {
    if (c == '\n') {
      out.push_back('\n');
      line_start = out.size();
      pending_space = false;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = out.size() > line_start;
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

uint64_t Fnv1a64(std::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex64(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

CodePointIndex::CodePointIndex(std::string_view text) : bytes_(text.size()) {
  starts_.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<uint8_t>(text[i]) & 0xC0) != 0x80) starts_.push_back(static_cast<uint32_t>(i));
  }
}

int CodePointIndex::ToCodePoint(size_t byte) const {
  if (byte >= bytes_) return static_cast<int>(starts_.size());
  // A byte inside a multi-byte sequence maps to the next code point.
  auto it = std::lower_bound(starts_.begin(), starts_.end(), static_cast<uint32_t>(byte));
  return static_cast<int>(it - starts_.begin());
}

size_t CodePointIndex::ToByte(int cp) const {
  if (cp <= 0) return 0;
  if (cp >= static_cast<int>(starts_.size())) return bytes_;
  return starts_[cp];
}

}  // namespace dossier
