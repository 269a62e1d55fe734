#include "services/entity/pos/pos_tagger.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "services/entity/ner/model_io.h"

namespace dossier::entity::pos {
namespace {

using model_io::Combine;
using model_io::HashExact;
using model_io::HashLower;
using model_io::kBoundary;
using model_io::kFnvOffset;
using model_io::kFnvPrime;
using model_io::kGolden;
using model_io::LowerAscii;
using model_io::Mix;
using model_io::Put;
using model_io::PutVarint;
using model_io::Reader;

constexpr char kMagic[8] = {'D', 'O', 'S', 'S', 'P', 'O', 'S', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr int kSymTag = 30;  // history tag of "#", which CoNLL-2003 never has
static_assert(kModelTags[kSymTag] == "SYM" && kModelTags[kQuoteTag] == "''");
static_assert(kNumTags <= 64, "row masks are 64-bit");

inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

uint64_t HashLowerSuffix(std::string_view s, size_t len) {
  return HashLower(s.substr(s.size() - std::min(len, s.size()))) ^ 0x77;
}

inline char ShapeClass(char c) {
  if (IsUpper(c)) return 'X';
  if (IsLower(c)) return 'x';
  if (IsDigit(c)) return 'd';
  if (static_cast<uint8_t>(c) >= 0xc0) return 'u';
  if (static_cast<uint8_t>(c) >= 0x80) return 0;  // UTF-8 continuation byte
  return c;
}

// Long shape: character classes with runs capped at 4 ("Xxxxx", "dd,ddd");
// short shape: runs collapsed ("Xx", "d,d").
void Shapes(std::string_view t, uint64_t* long_shape, uint64_t* short_shape) {
  uint64_t hl = kFnvOffset, hs = kFnvOffset ^ 77;
  char prev = 0;
  int run = 0;
  for (char c : t) {
    const char k = ShapeClass(c);
    if (k == 0) continue;
    if (k == prev) {
      ++run;
    } else {
      run = 1;
      hs = (hs ^ static_cast<uint8_t>(k)) * kFnvPrime;
    }
    if (run <= 4) hl = (hl ^ static_cast<uint8_t>(k)) * kFnvPrime;
    prev = k;
  }
  *long_shape = Mix(hl);
  *short_shape = Mix(hs);
}

struct WholeToken {
  std::string_view token;
  std::string_view normalized;
  int8_t forced;
};
constexpr WholeToken kWholeTokens[] = {
    {"\xE2\x80\x9C", "\"", kForcedOpening},  // “
    {"\xE2\x80\x9E", "\"", kForcedOpening},  // „
    {"\xC2\xAB", "\"", kForcedOpening},      // «
    {"\xE2\x80\xB9", "\"", kForcedOpening},  // ‹
    {"\xE2\x80\x98", "\"", kForcedOpening},  // ‘
    {"``", "\"", kForcedOpening},            // Penn Treebank style input
    {"`", "\"", kForcedOpening},
    {"\xE2\x80\x9D", "\"", kForcedClosing},  // ”
    {"\xC2\xBB", "\"", kForcedClosing},      // »
    {"\xE2\x80\xBA", "\"", kForcedClosing},  // ›
    {"''", "\"", kForcedClosing},
    {"\"", "\"", kForcedStraight},
    {"#", "#", kForcedHash},
};

// Characters replaced inside tokens.
struct Replacement {
  std::string_view from;
  std::string_view to;
};
constexpr Replacement kReplacements[] = {
    {"\xE2\x80\x99", "'"},    // ’
    {"\xCA\xBC", "'"},        // ʼ
    {"\xE2\x80\x94", "--"},   // —
    {"\xE2\x80\x95", "--"},   // ―
    {"\xE2\x80\x93", "-"},    // –
    {"\xE2\x88\x92", "-"},    // −
    {"\xE2\x80\x90", "-"},    // ‐
    {"\xE2\x80\x91", "-"},    // ‑
    {"\xE2\x80\xA6", "..."},  // …
    {"\xE2\x82\xAC", "$"},    // €
    {"\xC2\xA3", "$"},        // £
    {"\xC2\xA5", "$"},        // ¥
    {"\xE2\x80\x9C", "\""},   // “ ” inside a token (not split off by the tokenizer)
    {"\xE2\x80\x9D", "\""},
};

// Appends the normalised form of `token` to `scratch` when it differs from
// the token; returns the output tag forced by the token (or kNotForced).
// *changed tells whether scratch received the form.
int8_t Normalize(std::string_view token, std::string* scratch, bool* changed) {
  *changed = false;
  for (const WholeToken& w : kWholeTokens) {
    if (token == w.token) {
      if (w.normalized != token) {
        scratch->append(w.normalized);
        *changed = true;
      }
      return w.forced;
    }
  }
  bool special = false;
  for (char c : token) special |= static_cast<uint8_t>(c) >= 0x80;
  if (!special) return kNotForced;
  const size_t start = scratch->size();
  size_t i = 0;
  bool replaced = false;
  while (i < token.size()) {
    bool matched = false;
    if (static_cast<uint8_t>(token[i]) >= 0x80) {
      for (const Replacement& r : kReplacements) {
        if (token.substr(i, r.from.size()) == r.from) {
          scratch->append(r.to);
          i += r.from.size();
          matched = replaced = true;
          break;
        }
      }
    }
    if (!matched) scratch->push_back(token[i++]);
  }
  if (!replaced) {
    scratch->resize(start);
    return kNotForced;
  }
  *changed = true;
  return kNotForced;
}

// How a sentence is cased, which tells how much capitalisation means.
enum SentenceCase : uint64_t { kMixedCase = 0, kAllCaps = 1, kTitleCase = 2, kNoCaps = 3 };

SentenceCase CaseOf(std::span<const std::string_view> tokens) {
  int words = 0, capitalised = 0, lower_initial = 0, long_lower_initial = 0;
  bool any_lower = false, any_upper = false;
  for (std::string_view t : tokens) {
    if (t.empty()) continue;
    for (char c : t) {
      any_lower |= IsLower(c);
      any_upper |= IsUpper(c);
    }
    if (IsUpper(t[0])) {
      ++words;
      ++capitalised;
    } else if (IsLower(t[0])) {
      ++words;
      ++lower_initial;
      long_lower_initial += t.size() > 4;
    }
  }
  if (any_upper && !any_lower) return kAllCaps;
  if (any_lower && !any_upper) return kNoCaps;
  // Title case: nearly every word capitalised, the rest short function words.
  if (words >= 3 && long_lower_initial == 0 && capitalised >= 2 * lower_initial + 2) return kTitleCase;
  return kMixedCase;
}


absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("POS model: cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError("POS model: error reading " + path);
  return buffer.str();
}

constexpr uint32_t kUnchanged = 0xffffffffu;

inline uint32_t Bucket(uint64_t templ, uint64_t value, int shift) {
  return static_cast<uint32_t>(Mix(templ * kGolden ^ value) >> shift);
}

}  // namespace

int TagId(std::string_view name) {
  if (name == "\"" || name == "``") return kQuoteTag;
  if (const size_t bar = name.find('|'); bar != std::string_view::npos) name = name.substr(0, bar);
  for (int t = 0; t < kNumTags; ++t) {
    if (kModelTags[t] == name) return t;
  }
  return -1;
}

uint64_t WordKey(std::string_view normalized) { return HashExact(normalized); }

int ForcedModelTag(int8_t forced) {
  if (forced == kNotForced) return -1;
  return forced == kForcedHash ? kSymTag : kQuoteTag;
}

// ---------------------------------------------------------------------------
// Features

void NormalizeTokens(std::span<const std::string_view> tokens, PosWorkspace* ws) {
  const int n = static_cast<int>(tokens.size());
  ws->norm.resize(n);
  ws->forced.resize(n);
  // Normalised forms that differ from the token go to scratch; views are
  // taken once it has stopped growing.
  ws->scratch.clear();
  ws->norm_range.resize(n);
  bool any_changed = false;
  for (int i = 0; i < n; ++i) {
    const size_t before = ws->scratch.size();
    bool changed;
    ws->forced[i] = Normalize(tokens[i], &ws->scratch, &changed);
    ws->norm_range[i] =
        changed ? std::pair<uint32_t, uint32_t>(static_cast<uint32_t>(before),
                                                static_cast<uint32_t>(ws->scratch.size() - before))
                : std::pair<uint32_t, uint32_t>(kUnchanged, 0);
    any_changed |= changed;
  }
  for (int i = 0; i < n; ++i) {
    const auto [offset, length] = ws->norm_range[i];
    ws->norm[i] = !any_changed || offset == kUnchanged ? tokens[i]
                                                       : std::string_view(ws->scratch).substr(offset, length);
  }
}

void ExtractStaticFeatures(std::span<const std::string_view> tokens, int hash_bits, const Lexicon& lexicon,
                           PosWorkspace* ws) {
  const int n = static_cast<int>(tokens.size());
  NormalizeTokens(tokens, ws);
  ws->lower.resize(n);
  ws->suffix3.resize(n);
  ws->shape.resize(n);
  ws->long_shape.resize(n);
  ws->word_class.resize(n);
  ws->features.resize(static_cast<size_t>(n) * kMaxFeatures);
  ws->num_features.resize(n);
  const std::span<const std::string_view> norm(ws->norm);
  const uint64_t sentence_case = CaseOf(norm);
  std::vector<uint64_t>& lower = ws->lower;
  std::vector<uint64_t>& suffix3 = ws->suffix3;
  for (int i = 0; i < n; ++i) {
    const std::string_view t = norm[i];
    lower[i] = HashLower(t);
    suffix3[i] = HashLowerSuffix(t, 3);
    Shapes(t, &ws->long_shape[i], &ws->shape[i]);
    uint8_t word_class = 0;
    if (ws->forced[i] != kNotForced) {
      word_class = static_cast<uint8_t>(ForcedModelTag(ws->forced[i]) + 1) | kUnambiguous;
    } else if (!lexicon.empty()) {
      auto it = lexicon.find(WordKey(t));
      if (it != lexicon.end()) word_class = it->second;
    }
    ws->word_class[i] = word_class;
  }
  const int shift = 64 - hash_bits;
  auto lower_at = [&](int j) {
    return j < 0 || j >= n ? kBoundary + static_cast<uint64_t>(j < 0) : lower[j];
  };
  auto suffix_at = [&](int j) {
    return j < 0 || j >= n ? kBoundary + 3 + static_cast<uint64_t>(j < 0) : suffix3[j];
  };
  auto shape_at = [&](int j) {
    return j < 0 || j >= n ? kBoundary + 5 + static_cast<uint64_t>(j < 0) : ws->shape[j];
  };
  auto class_at = [&](int j) -> uint64_t { return j < 0 || j >= n ? 0x7f : ws->word_class[j] & 0x7f; };
  for (int i = 0; i < n; ++i) {
    uint32_t* f = &ws->features[static_cast<size_t>(i) * kMaxFeatures];
    int k = 0;
    auto add = [&](uint64_t templ, uint64_t value) { f[k++] = Bucket(templ, value, shift); };
    const std::string_view t = norm[i];
    const uint64_t low = lower[i];
    add(0, 0);  // bias
    add(1, HashExact(t));
    add(2, low);
    {
      uint64_t h = kFnvOffset;
      for (size_t p = 0; p < 4 && p < t.size(); ++p) {
        h = (h ^ static_cast<uint8_t>(LowerAscii(t[p]))) * kFnvPrime;
        add(3 + p, h);
      }
      h = kFnvOffset;
      for (size_t p = 0; p < 4 && p < t.size(); ++p) {
        h = (h ^ static_cast<uint8_t>(LowerAscii(t[t.size() - 1 - p]))) * kFnvPrime;
        add(7 + p, h);
      }
    }
    const uint64_t short_shape = ws->shape[i];
    add(11, ws->long_shape[i]);
    // Capitalisation means less at the start of a sentence and in headlines.
    add(12, Combine((i == 0 ? 1 : 0) | sentence_case << 1, short_shape));
    add(13, lower_at(i - 1));
    add(14, lower_at(i + 1));
    add(15, lower_at(i - 2));
    add(16, lower_at(i + 2));
    add(17, suffix_at(i - 1));
    add(18, suffix_at(i + 1));
    add(19, Combine(lower_at(i - 1), low));
    add(20, Combine(low, lower_at(i + 1)));
    add(21, Combine(shape_at(i - 1), short_shape, shape_at(i + 1)));
    if (sentence_case != kMixedCase) add(22, Combine(sentence_case, low));
    // The most frequent tags of the next words ("held" before a noun: VBD; before "in": VBN).
    add(23, Combine(class_at(i + 1), class_at(i + 2)));
    add(24, Combine(low, class_at(i + 1)));
    ws->num_features[i] = static_cast<uint8_t>(k);
  }
}

void DynamicFeatures(uint64_t lower, uint8_t next_class, const TagHistory& history, int hash_bits,
                     uint32_t* out) {
  const int shift = 64 - hash_bits;
  const uint64_t t1 = static_cast<uint64_t>(history.prev + 1), t2 = static_cast<uint64_t>(history.prev2 + 1);
  out[0] = Bucket(30, t1, shift);
  out[1] = Bucket(31, t2, shift);
  out[2] = Bucket(32, t1 * 64 + t2, shift);
  out[3] = Bucket(33, Combine(t1, lower), shift);
  out[4] = Bucket(34, Combine(t1, next_class & 0x7f), shift);
}

// ---------------------------------------------------------------------------
// PosTagger

PosTagger PosTagger::FromDense(int hash_bits, std::span<const float> weights, const Lexicon& lexicon,
                               float prune) {
  PosTagger m;
  m.hash_bits_ = hash_bits;
  m.lexicon_ = lexicon;
  float max_abs = 0;
  for (float w : weights) max_abs = std::max(max_abs, std::fabs(w));
  m.scale_ = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  const size_t buckets = size_t{1} << hash_bits;
  m.bucket_begin_.assign(buckets + 1, 0);
  for (size_t b = 0; b < buckets; ++b) {
    m.bucket_begin_[b] = static_cast<uint32_t>(m.entries_.size());
    const float* row = &weights[b * kNumTags];
    for (int t = 0; t < kNumTags; ++t) {
      if (std::fabs(row[t]) < prune) continue;
      const auto q = static_cast<int16_t>(std::nearbyint(row[t] / m.scale_));
      if (q == 0) continue;
      m.entries_.push_back(static_cast<uint32_t>(t) << 16 | static_cast<uint16_t>(q));
    }
  }
  m.bucket_begin_[buckets] = static_cast<uint32_t>(m.entries_.size());
  return m;
}

std::string PosTagger::Serialize() const {
  std::string out;
  out.append(kMagic, sizeof kMagic);
  Put<uint32_t>(&out, kFormatVersion);
  Put<uint32_t>(&out, static_cast<uint32_t>(hash_bits_));
  Put<uint32_t>(&out, kNumTags);
  for (std::string_view tag : kModelTags) {
    Put<uint8_t>(&out, static_cast<uint8_t>(tag.size()));
    out.append(tag);
  }
  std::vector<std::pair<uint64_t, uint8_t>> lexicon(lexicon_.begin(), lexicon_.end());
  std::sort(lexicon.begin(), lexicon.end());
  Put<uint32_t>(&out, static_cast<uint32_t>(lexicon.size()));
  for (const auto& [key, tag] : lexicon) {
    Put(&out, key);
    Put(&out, tag);
  }
  Put(&out, scale_);
  const size_t buckets = bucket_begin_.empty() ? 0 : bucket_begin_.size() - 1;
  uint32_t rows = 0;
  for (size_t b = 0; b < buckets; ++b) rows += bucket_begin_[b + 1] > bucket_begin_[b];
  Put<uint32_t>(&out, rows);
  size_t prev = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const uint32_t begin = bucket_begin_[b], end = bucket_begin_[b + 1];
    if (begin == end) continue;
    PutVarint(&out, b - prev);
    prev = b;
    uint64_t mask = 0;
    for (uint32_t e = begin; e < end; ++e) mask |= uint64_t{1} << (entries_[e] >> 16);
    PutVarint(&out, mask);
    for (uint32_t e = begin; e < end; ++e) Put(&out, static_cast<int16_t>(entries_[e] & 0xffff));
  }
  return out;
}

absl::Status PosTagger::Save(const std::string& path) const {
  const std::string bytes = Serialize();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError("POS model: cannot write " + path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::UnavailableError("POS model: error writing " + path);
  return absl::OkStatus();
}

absl::StatusOr<PosTagger> PosTagger::Load(const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<PosTagger> tagger = Parse(*bytes);
  if (!tagger.ok()) {
    return absl::Status(tagger.status().code(), std::string(tagger.status().message()) + ": " + path);
  }
  return tagger;
}

absl::StatusOr<PosTagger> PosTagger::Parse(std::string_view bytes) {
  auto corrupt = [](std::string_view what) {
    return absl::DataLossError("POS model: truncated or corrupt file (" + std::string(what) + ")");
  };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return absl::DataLossError("POS model: not a Dossier POS model file");
  }
  Reader r(bytes.substr(sizeof kMagic));
  uint32_t version, hash_bits, num_tags;
  if (!r.Get(&version) || !r.Get(&hash_bits) || !r.Get(&num_tags)) return corrupt("header");
  if (version != kFormatVersion) {
    return absl::DataLossError("POS model: unsupported format version " + std::to_string(version));
  }
  if (hash_bits < 8 || hash_bits > 24) return corrupt("hash bits");
  if (num_tags != kNumTags) return absl::DataLossError("POS model: trained for another tag set");
  for (std::string_view tag : kModelTags) {
    uint8_t len;
    std::string_view name;
    if (!r.Get(&len) || !r.GetBytes(len, &name)) return corrupt("tag names");
    if (name != tag) return absl::DataLossError("POS model: trained for another tag set");
  }
  PosTagger m;
  m.hash_bits_ = static_cast<int>(hash_bits);
  uint32_t lexicon_size;
  if (!r.Get(&lexicon_size)) return corrupt("lexicon");
  if (lexicon_size > bytes.size() / 9) return corrupt("lexicon size");  // before allocating
  m.lexicon_.reserve(lexicon_size);
  for (uint32_t i = 0; i < lexicon_size; ++i) {
    uint64_t key;
    uint8_t entry;
    if (!r.Get(&key) || !r.Get(&entry)) return corrupt("lexicon");
    const int tag = (entry & 0x3f) - 1;
    if (tag < 0 || tag >= kNumTags || (entry & 0x40) != 0) return corrupt("lexicon tag");
    m.lexicon_[key] = entry;
  }
  uint32_t rows;
  if (!r.Get(&m.scale_) || !r.Get(&rows)) return corrupt("weights header");
  if (!std::isfinite(m.scale_) || m.scale_ <= 0) return corrupt("scale");
  const size_t buckets = size_t{1} << hash_bits;
  if (rows > buckets || rows > bytes.size() / 2) return corrupt("row count");  // before allocating
  m.bucket_begin_.assign(buckets + 1, 0);
  size_t next_bucket = 0;  // buckets before this have their begin set
  uint64_t bucket = 0;
  for (uint32_t row = 0; row < rows; ++row) {
    uint64_t delta, mask;
    if (!r.GetVarint(&delta) || !r.GetVarint(&mask)) return corrupt("weights");
    if (row > 0 && delta == 0) return corrupt("bucket order");
    bucket += delta;
    if (bucket >= buckets || mask == 0 || (kNumTags < 64 && (mask >> kNumTags) != 0))
      return corrupt("weights");
    for (; next_bucket <= bucket; ++next_bucket) {
      m.bucket_begin_[next_bucket] = static_cast<uint32_t>(m.entries_.size());
    }
    for (int t = 0; t < kNumTags; ++t) {
      if (!(mask & (uint64_t{1} << t))) continue;
      int16_t q;
      if (!r.Get(&q)) return corrupt("weights");
      m.entries_.push_back(static_cast<uint32_t>(t) << 16 | static_cast<uint16_t>(q));
    }
  }
  for (; next_bucket <= buckets; ++next_bucket)
    m.bucket_begin_[next_bucket] = static_cast<uint32_t>(m.entries_.size());
  if (!r.empty()) return corrupt("trailing bytes");
  return m;
}

void PosTagger::TagIds(std::span<const std::string_view> tokens, PosWorkspace* ws) const {
  const int n = static_cast<int>(tokens.size());
  ws->ids.resize(n);
  if (n == 0) return;
  ExtractStaticFeatures(tokens, hash_bits_, lexicon_, ws);
  TagHistory history;
  for (int i = 0; i < n; ++i) {
    int best = -1;
    if (ws->forced[i] != kNotForced) {
      best = ForcedModelTag(ws->forced[i]);
    } else if (ws->word_class[i] & kUnambiguous) {
      best = (ws->word_class[i] & 0x3f) - 1;
    }
    if (best < 0) {
      int32_t acc[kNumTags] = {};
      uint32_t* f = &ws->features[static_cast<size_t>(i) * kMaxFeatures];
      DynamicFeatures(ws->lower[i], NextClass(*ws, i), history, hash_bits_, f + ws->num_features[i]);
      const int num = ws->num_features[i] + kDynamicFeatures;
      for (int k = 0; k < num; ++k) {
        const uint32_t* e = entries_.data() + bucket_begin_[f[k]];
        const uint32_t* end = entries_.data() + bucket_begin_[f[k] + 1];
        for (; e < end; ++e) acc[*e >> 16] += static_cast<int16_t>(*e & 0xffff);
      }
      best = 0;
      for (int t = 1; t < kNumTags; ++t) {
        if (acc[t] > acc[best]) best = t;
      }
    }
    ws->ids[i] = static_cast<uint8_t>(best);
    history.Push(best);
  }
}

void PosTagger::Tag(std::span<const std::string_view> tokens, PosWorkspace* ws,
                    std::vector<std::string_view>* tags) const {
  const int n = static_cast<int>(tokens.size());
  tags->resize(n);
  if (n == 0) return;
  TagIds(tokens, ws);
  int straight_quotes = 0;
  for (int i = 0; i < n; ++i) {
    const int id = ws->ids[i];
    const int8_t forced = ws->forced[i];
    if (forced == kForcedOpening) {
      (*tags)[i] = kOpeningQuoteTag;
    } else if (forced == kForcedClosing) {
      (*tags)[i] = kModelTags[kQuoteTag];
    } else if (forced == kForcedHash) {
      (*tags)[i] = "#";
    } else if (forced == kForcedStraight) {
      // A straight double quote opens when it is the first of a pair, unless
      // it ends the sentence.
      const bool opening = i == 0 || (straight_quotes % 2 == 0 && i + 1 < n);
      ++straight_quotes;
      (*tags)[i] = opening ? kOpeningQuoteTag : kModelTags[kQuoteTag];
    } else {
      (*tags)[i] = kModelTags[id];
    }
  }
}

std::vector<std::string_view> PosTagger::Tag(std::span<const std::string_view> tokens) const {
  PosWorkspace ws;
  std::vector<std::string_view> tags;
  Tag(tokens, &ws, &tags);
  return tags;
}

}  // namespace dossier::entity::pos
