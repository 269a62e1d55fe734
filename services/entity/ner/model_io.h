#ifndef DOSSIER_SERVICES_ENTITY_NER_MODEL_IO_H_
#define DOSSIER_SERVICES_ENTITY_NER_MODEL_IO_H_

// What the trained models (the named-entity model, ner_model.h, and the
// part-of-speech tagger, pos/pos_tagger.h) share: the feature hashes and the
// binary writing and reading of their model files. Changing any of it
// changes the models' features or files: retrain and re-measure both.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dossier::entity::model_io {

inline constexpr uint64_t kFnvOffset = 1469598103934665603ull;
inline constexpr uint64_t kFnvPrime = 1099511628211ull;
inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;
// Stands for a token before/after the sentence.
inline constexpr uint64_t kBoundary = 0x5bd1e9955bd1e995ull;

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}
inline uint64_t Combine(uint64_t a, uint64_t b) { return Mix(a * kGolden + b + 0x632be59bd9b4e019ull); }
inline uint64_t Combine(uint64_t a, uint64_t b, uint64_t c) { return Combine(Combine(a, b), c); }

inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Hashes of a token as written and lower-cased (ASCII letters only).
inline uint64_t HashExact(std::string_view s) {
  uint64_t h = kFnvOffset ^ 0x1234;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * kFnvPrime;
  return Mix(h);
}
inline uint64_t HashLower(std::string_view s) {
  uint64_t h = kFnvOffset;
  for (char c : s) h = (h ^ static_cast<uint8_t>(LowerAscii(c))) * kFnvPrime;
  return Mix(h);
}

// Binary writing (little-endian hosts).
template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Binary reading; every Get returns false (and reads nothing more) when the
// bytes run out, so truncated files are errors, not crashes.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  bool Get(T* v) {
    if (b_.size() < sizeof(T)) return false;
    std::memcpy(v, b_.data(), sizeof(T));
    b_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetVarint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t byte;
      if (!Get(&byte)) return false;
      *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool GetBytes(size_t n, std::string_view* out) {
    if (b_.size() < n) return false;
    *out = b_.substr(0, n);
    b_.remove_prefix(n);
    return true;
  }
  bool empty() const { return b_.empty(); }

 private:
  std::string_view b_;
};

}  // namespace dossier::entity::model_io

#endif  // DOSSIER_SERVICES_ENTITY_NER_MODEL_IO_H_
