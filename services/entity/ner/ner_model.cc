#include "services/entity/ner/ner_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "services/entity/ner/model_io.h"

namespace dossier::entity::ner {
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

constexpr char kMagic[8] = {'D', 'O', 'S', 'S', 'N', 'E', 'R', '1'};
constexpr uint32_t kFormatVersion = 1;


constexpr uint64_t kPhraseSeed = 0x2545f4914f6cdd1dull;

// Token flags.
constexpr uint8_t kCapInitial = 1, kAllCaps = 2, kHasLower = 4, kHasDigit = 8, kHasAlpha = 16, kNoAlnum = 32;

inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

uint8_t TokenFlags(std::string_view t) {
  uint8_t f = 0;
  int upper = 0;
  bool alnum = false;
  for (char c : t) {
    if (IsUpper(c)) {
      ++upper;
      f |= kHasAlpha;
      alnum = true;
    } else if (IsLower(c)) {
      f |= kHasLower | kHasAlpha;
      alnum = true;
    } else if (IsDigit(c)) {
      f |= kHasDigit;
      alnum = true;
    } else if (static_cast<uint8_t>(c) >= 0x80) {
      f |= kHasAlpha;  // treat non-ASCII as letters
      alnum = true;
    }
  }
  if (!t.empty() && IsUpper(t[0])) f |= kCapInitial;
  if (upper > 0 && !(f & kHasLower)) f |= kAllCaps;
  if (!alnum) f |= kNoAlnum;
  return f;
}

inline char ShapeClass(char c) {
  if (IsUpper(c)) return 'X';
  if (IsLower(c)) return 'x';
  if (IsDigit(c)) return 'd';
  if (static_cast<uint8_t>(c) >= 0xc0) return 'u';
  if (static_cast<uint8_t>(c) >= 0x80) return 0;  // UTF-8 continuation byte
  return c;
}

// Long shape: classes with runs capped at 4; short shape: runs collapsed.
void Shapes(std::string_view t, uint64_t* long_shape, uint64_t* short_shape) {
  uint64_t hl = kFnvOffset, hs = kFnvOffset ^ 77;
  char prev = 0;
  int run = 0;
  for (char c : t) {
    char k = ShapeClass(c);
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

bool IsHeadline(std::span<const uint8_t> flags) {
  int letters = 0;
  for (uint8_t f : flags) {
    if (f & kHasLower) return false;
    if (f & kHasAlpha) ++letters;
  }
  return letters > 0;
}

// allowed[prev + 1][tag]: BILOU constraints; prev = -1 is the sentence start.
struct Constraints {
  std::array<std::array<bool, kNumTags>, kNumTags + 1> allowed{};
  std::array<bool, kNumTags> can_end{};
  Constraints() {
    for (int p = -1; p < kNumTags; ++p) {
      bool inside = p > 0 && ((p - 1) % 4 == 0 || (p - 1) % 4 == 1);  // after B or I
      int ptype = p > 0 ? (p - 1) / 4 : -1;
      for (int t = 0; t < kNumTags; ++t) {
        int pos = t > 0 ? (t - 1) % 4 : -1;  // 0 B, 1 I, 2 L, 3 U
        int type = t > 0 ? (t - 1) / 4 : -1;
        bool ok;
        if (inside) {
          ok = type == ptype && (pos == 1 || pos == 2);
        } else {
          ok = t == 0 || pos == 0 || pos == 3;
        }
        allowed[p + 1][t] = ok;
      }
    }
    for (int t = 0; t < kNumTags; ++t) can_end[t] = t == 0 || (t - 1) % 4 >= 2;
  }
};
const Constraints& GetConstraints() {
  static const Constraints* c = new Constraints();
  return *c;
}

void PutHashMap(std::string* out, const absl::flat_hash_map<uint64_t, uint8_t>& m) {
  std::vector<std::pair<uint64_t, uint8_t>> sorted(m.begin(), m.end());
  std::sort(sorted.begin(), sorted.end());
  Put<uint32_t>(out, static_cast<uint32_t>(sorted.size()));
  for (const auto& [k, v] : sorted) {
    Put(out, k);
    Put(out, v);
  }
}
bool GetHashMap(Reader* r, absl::flat_hash_map<uint64_t, uint8_t>* m) {
  uint32_t n;
  if (!r->Get(&n)) return false;
  m->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t k;
    uint8_t v;
    if (!r->Get(&k) || !r->Get(&v)) return false;
    (*m)[k] = v;
  }
  return true;
}

std::vector<std::string_view> SplitTabs(std::string_view line);

// Calls `row` with the columns of each line of a TSV file after its header;
// INVALID_ARGUMENT naming `file` for a line with fewer than `min_columns`.
template <typename Fn>
absl::Status ForEachRow(std::string_view text, std::string_view file, size_t min_columns, Fn&& row) {
  bool header = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (header || line.empty()) {
      header = false;
      continue;
    }
    std::vector<std::string_view> cols = SplitTabs(line);
    if (cols.size() < min_columns) {
      return absl::InvalidArgumentError(std::string(file) + ": malformed line");
    }
    row(cols);
  }
  return absl::OkStatus();
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    if (tab == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return out;
    }
    out.push_back(line.substr(pos, tab - pos));
    pos = tab + 1;
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

// ---------------------------------------------------------------------------
// Gazetteer

void Gazetteer::AddName(std::string_view name, uint8_t categories) {
  uint64_t tokens[kMaxTokens];
  int n = 0;
  size_t pos = 0;
  while (pos < name.size()) {
    while (pos < name.size() && name[pos] == ' ') ++pos;
    size_t end = name.find(' ', pos);
    if (end == std::string_view::npos) end = name.size();
    if (end > pos) {
      if (n == kMaxTokens) return;  // too long to be useful
      tokens[n++] = HashLower(name.substr(pos, end - pos));
    }
    pos = end;
  }
  if (n == 0) return;
  uint64_t h = kPhraseSeed;
  for (int i = 0; i < n; ++i) {
    h = Combine(h, tokens[i]);
    phrases_[h] |= (i + 1 == n) ? categories : kPrefixBit;
  }
  words_[tokens[0]] |= categories;
  words_[tokens[n - 1]] |= static_cast<uint8_t>(categories << 4);
}

absl::StatusOr<Gazetteer> Gazetteer::LoadKb(const std::string& kb_dir) {
  absl::StatusOr<std::string> entities = ReadFile(kb_dir + "/entities.tsv");
  if (!entities.ok()) return entities.status();
  absl::StatusOr<std::string> aliases = ReadFile(kb_dir + "/aliases.tsv");
  if (!aliases.ok()) return aliases.status();
  absl::flat_hash_map<std::string, uint8_t> type_of;
  absl::Status read = ForEachRow(*entities, "entities.tsv", 4, [&](const std::vector<std::string_view>& cols) {
    const uint8_t cat = cols[1] == "PERSON"         ? kPerson
                        : cols[1] == "LOCATION"     ? kLocation
                        : cols[1] == "ORGANIZATION" ? kOrganization
                                                    : 0;
    type_of[std::string(cols[0])] = cat;
  });
  if (!read.ok()) return read;
  Gazetteer g;
  read = ForEachRow(*aliases, "aliases.tsv", 3, [&](const std::vector<std::string_view>& cols) {
    auto it = type_of.find(std::string(cols[0]));
    if (it == type_of.end() || it->second == 0) return;
    const uint8_t cat = (cols[2] == "demonym" || cols[2] == "adjective") ? kDemonym : it->second;
    g.AddName(cols[1], cat);
  });
  if (!read.ok()) return read;
  return g;
}

void Gazetteer::Match(std::span<const uint64_t> lower, uint8_t* out, uint8_t* word_out) const {
  const int n = static_cast<int>(lower.size());
  for (int i = 0; i < n; ++i) {
    out[i] = 0;
    auto w = words_.find(lower[i]);
    word_out[i] = w == words_.end() ? 0 : w->second;
  }
  if (phrases_.empty()) return;
  int i = 0;
  while (i < n) {
    uint64_t h = kPhraseSeed;
    int best_len = 0;
    uint8_t best_cat = 0;
    for (int len = 1; len <= kMaxTokens && i + len <= n; ++len) {
      h = Combine(h, lower[i + len - 1]);
      auto it = phrases_.find(h);
      if (it == phrases_.end()) break;
      if (it->second & 0x0f) {
        best_len = len;
        best_cat = it->second & 0x0f;
      }
      if (!(it->second & kPrefixBit)) break;
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    if (best_len == 1) {
      out[i] = best_cat | (4 << 4);
    } else {
      for (int k = 0; k < best_len; ++k) {
        uint8_t pos = k == 0 ? 1 : (k + 1 == best_len ? 3 : 2);
        out[i + k] = best_cat | static_cast<uint8_t>(pos << 4);
      }
    }
    i += best_len;
  }
}

// ---------------------------------------------------------------------------
// Document context

void DocumentContext::AddSentence(std::span<const std::string_view> tokens) {
  uint8_t flags_buf[512];
  const size_t n = std::min<size_t>(tokens.size(), sizeof flags_buf);
  for (size_t i = 0; i < n; ++i) flags_buf[i] = TokenFlags(tokens[i]);
  if (IsHeadline(std::span<const uint8_t>(flags_buf, n))) return;
  for (size_t i = 1; i < n; ++i) {
    uint8_t f = flags_buf[i];
    if (!(f & kHasAlpha)) continue;
    uint8_t bit = (f & kAllCaps) ? 4 : (f & kCapInitial) ? 1 : (!(f & kCapInitial) && (f & kHasLower)) ? 2 : 0;
    if (bit) seen_[HashLower(tokens[i])] |= bit;
  }
}

// ---------------------------------------------------------------------------
// Features

void ExtractFeatures(std::span<const std::string_view> tokens, const Gazetteer& gazetteer, const DocumentContext* doc,
                     int hash_bits, NerWorkspace* ws) {
  const int n = static_cast<int>(tokens.size());
  ws->word.resize(n);
  ws->lower.resize(n);
  ws->long_shape.resize(n);
  ws->short_shape.resize(n);
  ws->flags.resize(n);
  ws->gaz.resize(n);
  ws->gaz_word.resize(n);
  ws->doc.resize(n);
  ws->features.resize(static_cast<size_t>(n) * kMaxFeatures);
  ws->num_features.resize(n);
  for (int i = 0; i < n; ++i) {
    std::string_view t = tokens[i];
    ws->word[i] = HashExact(t);
    ws->lower[i] = HashLower(t);
    Shapes(t, &ws->long_shape[i], &ws->short_shape[i]);
    ws->flags[i] = TokenFlags(t);
  }
  gazetteer.Match(ws->lower, ws->gaz.data(), ws->gaz_word.data());
  if (doc == nullptr) {
    ws->own_document.Clear();
    ws->own_document.AddSentence(tokens);
    doc = &ws->own_document;
  }
  for (int i = 0; i < n; ++i) ws->doc[i] = doc->Lookup(ws->lower[i]);
  const bool headline = IsHeadline(ws->flags);
  const int shift = 64 - hash_bits;

  auto lower_at = [&](int j) { return j < 0 || j >= n ? kBoundary + static_cast<uint64_t>(j < 0) : ws->lower[j]; };
  auto shape_at = [&](int j) {
    return j < 0 || j >= n ? kBoundary + 7 + static_cast<uint64_t>(j < 0) : ws->short_shape[j];
  };
  auto gaz_at = [&](int j) -> uint64_t { return j < 0 || j >= n ? 0xff : ws->gaz[j]; };

  for (int i = 0; i < n; ++i) {
    uint32_t* f = &ws->features[static_cast<size_t>(i) * kMaxFeatures];
    int k = 0;
    auto add = [&](uint64_t templ, uint64_t value) {
      f[k++] = static_cast<uint32_t>(Mix(templ * kGolden ^ value) >> shift);
    };
    const uint64_t lower = ws->lower[i];
    const uint64_t sshape = ws->short_shape[i];
    const uint8_t flags = ws->flags[i];
    const uint64_t cap = flags & (kCapInitial | kAllCaps | kHasLower);
    const uint64_t position = (i == 0 ? 1 : 0) | (headline ? 2 : 0);
    add(0, 0);  // bias
    add(1, ws->word[i]);
    add(2, lower);
    add(3, ws->long_shape[i]);
    add(4, sshape);
    // Prefixes and suffixes (bytes, lower-cased), up to 4.
    std::string_view t = tokens[i];
    {
      uint64_t h = kFnvOffset;
      for (size_t p = 0; p < 4 && p < t.size(); ++p) {
        h = (h ^ static_cast<uint8_t>(LowerAscii(t[p]))) * kFnvPrime;
        add(5 + p, h);
      }
      h = kFnvOffset;
      for (size_t p = 0; p < 4 && p < t.size(); ++p) {
        h = (h ^ static_cast<uint8_t>(LowerAscii(t[t.size() - 1 - p]))) * kFnvPrime;
        add(9 + p, h);
      }
    }
    // Neighbours.
    add(13, lower_at(i - 1));
    add(14, lower_at(i + 1));
    add(15, lower_at(i - 2));
    add(16, lower_at(i + 2));
    add(17, shape_at(i - 1));
    add(18, shape_at(i + 1));
    add(19, shape_at(i - 2));
    add(20, shape_at(i + 2));
    add(21, Combine(lower_at(i - 1), lower));
    add(22, Combine(lower, lower_at(i + 1)));
    add(23, Combine(shape_at(i - 1), sshape, shape_at(i + 1)));
    add(24, Combine(lower_at(i - 1), sshape));
    add(25, Combine(sshape, lower_at(i + 1)));
    add(26, Combine(lower_at(i - 1), lower_at(i + 1)));
    add(27, Combine(shape_at(i - 2), shape_at(i - 1), sshape));
    add(28, Combine(sshape, shape_at(i + 1), shape_at(i + 2)));
    // Capitalisation in context.
    add(29, Combine(position, sshape));
    add(30, Combine(position, ws->long_shape[i]));
    if (headline) add(31, lower);
    if (i == 0) add(32, lower);
    // Knowledge-base name lists.
    const uint8_t g = ws->gaz[i];
    if (g != 0) {
      add(33, g);
      add(34, Combine(g, cap));
      for (int c = 0; c < Gazetteer::kNumCategories; ++c) {
        if (g & (1 << c)) add(35, Combine(g >> 4, c, cap));
      }
    }
    add(36, Combine(gaz_at(i - 1), g));
    add(37, Combine(g, gaz_at(i + 1)));
    if (ws->gaz_word[i] != 0) {
      add(38, ws->gaz_word[i]);
      add(39, Combine(ws->gaz_word[i], cap));
    }
    add(40, Combine(i > 0 ? ws->gaz_word[i - 1] : 0xff, ws->gaz_word[i], i + 1 < n ? ws->gaz_word[i + 1] : 0xff));
    // Document-level evidence.
    add(41, Combine(ws->doc[i], position, cap));
    add(42, Combine(ws->doc[i], g));
    // Short words, digits, punctuation.
    add(43, Combine(std::min<size_t>(t.size(), 8), flags));
    ws->num_features[i] = static_cast<uint16_t>(k);
  }
}

// ---------------------------------------------------------------------------
// Viterbi

void ViterbiDecode(int n, const float* transitions, NerWorkspace* ws, uint8_t* tags_out) {
  if (n == 0) return;
  const Constraints& c = GetConstraints();
  constexpr float kNeg = -std::numeric_limits<float>::infinity();
  ws->viterbi.resize(static_cast<size_t>(n) * kNumTags);
  ws->back.resize(static_cast<size_t>(n) * kNumTags);
  float* v = ws->viterbi.data();
  const float* s = ws->scores.data();
  for (int t = 0; t < kNumTags; ++t) v[t] = c.allowed[0][t] ? transitions[t] + s[t] : kNeg;
  for (int i = 1; i < n; ++i) {
    const float* pv = v + static_cast<size_t>(i - 1) * kNumTags;
    float* cv = v + static_cast<size_t>(i) * kNumTags;
    uint8_t* bp = ws->back.data() + static_cast<size_t>(i) * kNumTags;
    const float* si = s + static_cast<size_t>(i) * kNumTags;
    for (int t = 0; t < kNumTags; ++t) {
      float best = kNeg;
      int arg = 0;
      for (int p = 0; p < kNumTags; ++p) {
        if (!c.allowed[p + 1][t]) continue;
        float x = pv[p] + transitions[(p + 1) * kNumTags + t];
        if (x > best) {
          best = x;
          arg = p;
        }
      }
      cv[t] = best + si[t];
      bp[t] = static_cast<uint8_t>(arg);
    }
  }
  const float* last = v + static_cast<size_t>(n - 1) * kNumTags;
  float best = kNeg;
  int arg = 0;
  for (int t = 0; t < kNumTags; ++t) {
    if (c.can_end[t] && last[t] > best) {
      best = last[t];
      arg = t;
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    tags_out[i] = static_cast<uint8_t>(arg);
    if (i > 0) arg = ws->back[static_cast<size_t>(i) * kNumTags + arg];
  }
}

// ---------------------------------------------------------------------------
// Tags and spans

std::vector<Span> SpansFromBilou(std::span<const uint8_t> tags) {
  std::vector<Span> spans;
  const int n = static_cast<int>(tags.size());
  bool open = false;  // the last span can still grow (after B or I)
  for (int i = 0; i < n; ++i) {
    int t = tags[i];
    if (t == 0) {
      open = false;
      continue;
    }
    int pos = (t - 1) % 4, type = (t - 1) / 4;
    bool continues = (pos == 1 || pos == 2) && open && spans.back().type == kEntityTypeNames[type];
    if (continues) {
      spans.back().end = i + 1;
    } else {
      spans.push_back({i, i + 1, kEntityTypeNames[type]});
    }
    open = pos == 0 || pos == 1;
  }
  return spans;
}

std::vector<uint8_t> BilouFromSpans(const std::vector<Span>& spans, int n) {
  std::vector<uint8_t> tags(n, 0);
  for (const Span& s : spans) {
    int type = -1;
    for (int t = 0; t < kNumEntityTypes; ++t) {
      if (s.type == kEntityTypeNames[t]) type = t;
    }
    if (type < 0 || s.begin < 0 || s.end > n || s.begin >= s.end) continue;
    if (s.end - s.begin == 1) {
      tags[s.begin] = static_cast<uint8_t>(4 + 4 * type);
    } else {
      for (int i = s.begin; i < s.end; ++i) {
        int pos = i == s.begin ? 0 : (i + 1 == s.end ? 2 : 1);
        tags[i] = static_cast<uint8_t>(1 + pos + 4 * type);
      }
    }
  }
  return tags;
}

std::string BilouTagName(uint8_t tag) {
  if (tag == 0) return "O";
  static constexpr char kPos[4] = {'B', 'I', 'L', 'U'};
  return std::string(1, kPos[(tag - 1) % 4]) + "-" + kEntityTypeNames[(tag - 1) / 4];
}

// ---------------------------------------------------------------------------
// NerModel

NerModel NerModel::FromDense(int hash_bits, Gazetteer gazetteer, std::span<const float> weights,
                             std::span<const float> transitions, float prune) {
  NerModel m;
  m.hash_bits_ = hash_bits;
  m.gazetteer_ = std::move(gazetteer);
  m.transitions_.assign(transitions.begin(), transitions.end());
  float max_abs = 0;
  for (float w : weights) max_abs = std::max(max_abs, std::fabs(w));
  m.scale_ = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  const size_t buckets = size_t{1} << hash_bits;
  m.bucket_row_.assign(buckets, kNoRow);
  for (size_t b = 0; b < buckets; ++b) {
    const float* row = &weights[b * kNumTags];
    bool any = false;
    float q[kNumTags];
    for (int t = 0; t < kNumTags; ++t) {
      float w = std::fabs(row[t]) < prune ? 0.0f : row[t];
      q[t] = std::nearbyint(w / m.scale_) * m.scale_;
      any |= q[t] != 0;
    }
    if (!any) continue;
    m.bucket_row_[b] = static_cast<uint32_t>(m.row_bucket_.size());
    m.row_bucket_.push_back(static_cast<uint32_t>(b));
    m.rows_.insert(m.rows_.end(), q, q + kNumTags);
  }
  return m;
}

std::string NerModel::Serialize() const {
  std::string out;
  out.append(kMagic, sizeof kMagic);
  Put<uint32_t>(&out, kFormatVersion);
  Put<uint32_t>(&out, static_cast<uint32_t>(hash_bits_));
  Put<uint32_t>(&out, kNumTags);
  PutHashMap(&out, gazetteer_.phrases());
  PutHashMap(&out, gazetteer_.words());
  for (float t : transitions_) Put(&out, t);
  Put(&out, scale_);
  Put<uint32_t>(&out, static_cast<uint32_t>(row_bucket_.size()));
  uint32_t prev = 0;
  for (size_t r = 0; r < row_bucket_.size(); ++r) {
    PutVarint(&out, row_bucket_[r] - prev);
    prev = row_bucket_[r];
    const float* row = &rows_[r * kNumTags];
    uint32_t mask = 0;
    int16_t q[kNumTags];
    for (int t = 0; t < kNumTags; ++t) {
      q[t] = static_cast<int16_t>(std::nearbyint(row[t] / scale_));
      if (q[t] != 0) mask |= 1u << t;
    }
    PutVarint(&out, mask);
    for (int t = 0; t < kNumTags; ++t) {
      if (q[t] != 0) Put(&out, q[t]);
    }
  }
  return out;
}

absl::Status NerModel::Save(const std::string& path) const {
  std::string bytes = Serialize();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError("cannot write " + path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::UnavailableError("error writing " + path);
  return absl::OkStatus();
}

absl::StatusOr<NerModel> NerModel::Load(const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return Parse(*bytes);
}

absl::StatusOr<NerModel> NerModel::Parse(std::string_view bytes) {
  auto corrupt = [] { return absl::DataLossError("NER model: truncated or corrupt file"); };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return absl::InvalidArgumentError("NER model: not a Dossier NER model file");
  }
  Reader r(bytes.substr(sizeof kMagic));
  uint32_t version, hash_bits, num_tags;
  if (!r.Get(&version) || !r.Get(&hash_bits) || !r.Get(&num_tags)) return corrupt();
  if (version != kFormatVersion) return absl::InvalidArgumentError("NER model: unsupported format version");
  if (num_tags != kNumTags || hash_bits < 8 || hash_bits > 28) return corrupt();
  NerModel m;
  m.hash_bits_ = static_cast<int>(hash_bits);
  if (!GetHashMap(&r, &m.gazetteer_.mutable_phrases()) || !GetHashMap(&r, &m.gazetteer_.mutable_words())) {
    return corrupt();
  }
  m.transitions_.resize((kNumTags + 1) * kNumTags);
  for (float& t : m.transitions_) {
    if (!r.Get(&t)) return corrupt();
  }
  uint32_t rows;
  if (!r.Get(&m.scale_) || !r.Get(&rows)) return corrupt();
  const size_t buckets = size_t{1} << hash_bits;
  if (rows > buckets) return corrupt();  // before allocating for them
  m.bucket_row_.assign(buckets, kNoRow);
  m.row_bucket_.resize(rows);
  m.rows_.assign(static_cast<size_t>(rows) * kNumTags, 0.0f);
  uint64_t bucket = 0;
  for (uint32_t row = 0; row < rows; ++row) {
    uint64_t delta, mask;
    if (!r.GetVarint(&delta) || !r.GetVarint(&mask)) return corrupt();
    bucket += delta;
    if (bucket >= buckets || (row > 0 && delta == 0)) return corrupt();
    m.bucket_row_[bucket] = row;
    m.row_bucket_[row] = static_cast<uint32_t>(bucket);
    for (int t = 0; t < kNumTags; ++t) {
      if (!(mask & (1u << t))) continue;
      int16_t q;
      if (!r.Get(&q)) return corrupt();
      m.rows_[static_cast<size_t>(row) * kNumTags + t] = static_cast<float>(q) * m.scale_;
    }
  }
  if (!r.empty()) return corrupt();
  return m;
}

void NerModel::Tag(std::span<const std::string_view> tokens, const DocumentContext* doc, NerWorkspace* ws,
                   std::vector<uint8_t>* tags) const {
  const int n = static_cast<int>(tokens.size());
  tags->resize(n);
  if (n == 0) return;
  ExtractFeatures(tokens, gazetteer_, doc, hash_bits_, ws);
  ws->scores.assign(static_cast<size_t>(n) * kNumTags, 0.0f);
  for (int i = 0; i < n; ++i) {
    float acc[kNumTags] = {};
    const uint32_t* f = &ws->features[static_cast<size_t>(i) * kMaxFeatures];
    const int nf = ws->num_features[i];
    for (int k = 0; k < nf; ++k) {
      uint32_t row = bucket_row_[f[k]];
      if (row == kNoRow) continue;
      const float* w = &rows_[static_cast<size_t>(row) * kNumTags];
      for (int t = 0; t < kNumTags; ++t) acc[t] += w[t];
    }
    std::memcpy(&ws->scores[static_cast<size_t>(i) * kNumTags], acc, sizeof acc);
  }
  ViterbiDecode(n, transitions_.data(), ws, tags->data());
}

std::vector<std::vector<Span>> NerModel::TagDocument(const std::vector<std::vector<std::string_view>>& sentences,
                                                     NerWorkspace* ws) const {
  DocumentContext doc;
  for (const auto& s : sentences) doc.AddSentence(s);
  std::vector<std::vector<Span>> out;
  out.reserve(sentences.size());
  std::vector<uint8_t> tags;
  for (const auto& s : sentences) {
    Tag(s, &doc, ws, &tags);
    out.push_back(SpansFromBilou(tags));
  }
  return out;
}

}  // namespace dossier::entity::ner
