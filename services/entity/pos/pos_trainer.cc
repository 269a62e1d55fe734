#include "services/entity/pos/pos_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/container/flat_hash_map.h"

namespace dossier::entity::pos {
namespace {

constexpr int kHyphenTag = kNumTags - 1;
static_assert(kModelTags[kHyphenTag] == "HYPH");

bool IsClitic(std::string_view t) {
  static constexpr std::string_view kClitics[] = {"n't", "N'T", "'ll", "'LL", "'re", "'RE", "'ve",
                                                  "'VE", "'m",  "'M",  "'d",  "'D",  "'s",  "'S"};
  return std::find(std::begin(kClitics), std::end(kClitics), t) != std::end(kClitics);
}

// The tag of punctuation split off the start or end of a token ("8." -> "8"
// "."), or -1 to keep the token's tag (hyphens and "&" inside a compound get
// HYPH and the compound's tag).
int StandaloneTag(std::string_view piece) {
  static constexpr std::pair<std::string_view, std::string_view> kTags[] = {
      {".", "."}, {"?", "."}, {"!", "."}, {",", ","}, {":", ":"}, {";", ":"},  {"-", ":"},   {"--", ":"},
      {"(", "("}, {"[", "("}, {")", ")"}, {"]", ")"}, {"$", "$"}, {"%", "NN"}, {"\"", "''"}, {"'", "''"}};
  for (const auto& [text, tag] : kTags) {
    if (piece == text) return TagId(tag);
  }
  return -1;
}

std::vector<std::string_view> SplitColumns(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > pos) out.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<PosSentence>> ParsePosConll(std::string_view text) {
  std::vector<PosSentence> out;
  PosSentence current;
  auto flush = [&] {
    if (!current.tokens.empty()) out.push_back(std::move(current));
    current = PosSentence();
  };
  int line_number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string_view> cols = SplitColumns(line);
    if (cols.empty()) {
      flush();
      continue;
    }
    if (cols[0] == "-DOCSTART-") {
      flush();
      continue;
    }
    if (cols.size() < 2) {
      return absl::InvalidArgumentError("line " + std::to_string(line_number) +
                                        ": expected \"token POS ...\"");
    }
    const int tag = TagId(cols[1]);
    if (tag < 0) {
      return absl::InvalidArgumentError("line " + std::to_string(line_number) + ": unknown POS tag \"" +
                                        std::string(cols[1]) + "\"");
    }
    current.tokens.emplace_back(cols[0]);
    current.tags.push_back(static_cast<uint8_t>(tag));
  }
  flush();
  return out;
}

absl::StatusOr<std::vector<PosSentence>> ReadPosConllFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<std::vector<PosSentence>> sentences = ParsePosConll(buffer.str());
  if (!sentences.ok()) {
    return absl::InvalidArgumentError(path + ": " + std::string(sentences.status().message()));
  }
  return sentences;
}

PosSentence Retokenize(const PosSentence& sentence, const SpanTokenizer& tokenize) {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> original;  // byte range of each token in text
  for (size_t i = 0; i < sentence.tokens.size(); ++i) {
    if (i > 0 && !IsClitic(sentence.tokens[i])) text.push_back(' ');
    original.emplace_back(static_cast<uint32_t>(text.size()),
                          static_cast<uint32_t>(text.size() + sentence.tokens[i].size()));
    text += sentence.tokens[i];
  }
  PosSentence out;
  size_t k = 0;
  for (const auto& [begin, end] : tokenize(text)) {
    while (k < original.size() && original[k].second <= begin) ++k;
    if (k == original.size() || end <= begin) break;
    const std::string_view piece = std::string_view(text).substr(begin, end - begin);
    const bool whole = original[k].first >= begin && original[k].second <= end;
    uint8_t tag = sentence.tags[k];
    if (!whole) {
      const bool edge = begin == original[k].first || end == original[k].second;
      const int standalone = edge ? StandaloneTag(piece) : -1;
      if (standalone >= 0) {
        tag = static_cast<uint8_t>(standalone);
      } else if (piece == "-") {
        tag = kHyphenTag;
      }
    }
    out.tokens.emplace_back(piece);
    out.tags.push_back(tag);
  }
  return out;
}

PosSentence Recase(const PosSentence& sentence, Casing casing) {
  static constexpr std::string_view kMinorWords[] = {"a",   "an",   "the", "and", "or",  "but",
                                                     "nor", "of",   "in",  "on",  "at",  "to",
                                                     "for", "from", "by",  "as",  "with"};
  PosSentence out = sentence;
  for (size_t i = 0; i < out.tokens.size(); ++i) {
    std::string& t = out.tokens[i];
    switch (casing) {
      case Casing::kLower:
        for (char& c : t) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        break;
      case Casing::kUpper:
        for (char& c : t) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        break;
      case Casing::kTitle: {
        const bool minor =
            i > 0 && std::find(std::begin(kMinorWords), std::end(kMinorWords), t) != std::end(kMinorWords);
        if (!minor && !t.empty() && t[0] >= 'a' && t[0] <= 'z') t[0] = static_cast<char>(t[0] - 32);
        break;
      }
    }
  }
  return out;
}

Lexicon BuildLexicon(const std::vector<PosSentence>& sentences, const TrainOptions& options) {
  absl::flat_hash_map<uint64_t, std::array<int32_t, kNumTags>> counts;
  PosWorkspace ws;
  std::vector<std::string_view> tokens;
  for (const PosSentence& s : sentences) {
    tokens.assign(s.tokens.begin(), s.tokens.end());
    NormalizeTokens(tokens, &ws);
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (ws.forced[i] == kNotForced) ++counts[WordKey(ws.norm[i])][s.tags[i]];
    }
  }
  Lexicon lexicon;
  for (const auto& [key, c] : counts) {
    int32_t total = 0;
    int best = 0;
    for (int t = 0; t < kNumTags; ++t) {
      total += c[t];
      if (c[t] > c[best]) best = t;
    }
    if (total < options.lexicon_min_count) continue;
    uint8_t entry = static_cast<uint8_t>(best + 1);
    if (total >= options.dictionary_min_count && c[best] >= options.dictionary_min_share * total) {
      entry |= kUnambiguous;
    }
    lexicon[key] = entry;
  }
  return lexicon;
}

PosTagger Train(const std::vector<PosSentence>& sentences, const TrainOptions& options) {
  const Lexicon lexicon = BuildLexicon(sentences, options);
  // Static features, lower-case hashes and word classes are fixed for a
  // sentence, so they are computed once.
  struct TrainSentence {
    size_t token_begin;  // into the per-token arrays
    int num_tokens;
  };
  std::vector<TrainSentence> train;
  std::vector<uint32_t> feature_begin{0};  // per token, into features
  std::vector<uint32_t> features;
  std::vector<uint8_t> gold, next_class;
  std::vector<uint64_t> lower;
  std::vector<int8_t> fixed;  // the tag of a token tagged without scoring (forced or unambiguous), else -1
  PosWorkspace ws;
  std::vector<std::string_view> tokens;
  for (const PosSentence& s : sentences) {
    tokens.assign(s.tokens.begin(), s.tokens.end());
    const int n = static_cast<int>(tokens.size());
    ExtractStaticFeatures(tokens, options.hash_bits, lexicon, &ws);
    train.push_back({gold.size(), n});
    for (int i = 0; i < n; ++i) {
      const uint32_t* f = &ws.features[static_cast<size_t>(i) * kMaxFeatures];
      features.insert(features.end(), f, f + ws.num_features[i]);
      feature_begin.push_back(static_cast<uint32_t>(features.size()));
      gold.push_back(s.tags[i]);
      lower.push_back(ws.lower[i]);
      next_class.push_back(NextClass(ws, i));
      int tag = ForcedModelTag(ws.forced[i]);
      if (tag < 0 && (ws.word_class[i] & kUnambiguous)) tag = (ws.word_class[i] & 0x3f) - 1;
      fixed.push_back(static_cast<int8_t>(tag));
    }
  }

  const size_t num_weights = (size_t{1} << options.hash_bits) * kNumTags;
  std::vector<float> w(num_weights, 0.0f);
  std::vector<double> u(num_weights, 0.0);  // sum of c * update, for averaging
  double c = 1;
  std::vector<float> avg;
  auto average = [&] {
    avg.resize(num_weights);
    for (size_t i = 0; i < num_weights; ++i) avg[i] = static_cast<float>(w[i] - u[i] / c);
  };

  std::mt19937_64 rng(options.seed);
  std::vector<uint32_t> order(train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  uint32_t dynamic[kDynamicFeatures];
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    // Fisher-Yates with our own index draws: the same on every platform.
    for (size_t i = order.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(rng() % i);
      std::swap(order[i - 1], order[j]);
    }
    for (uint32_t si : order) {
      const TrainSentence& s = train[si];
      TagHistory history;
      for (int i = 0; i < s.num_tokens; ++i) {
        const size_t token = s.token_begin + i;
        int predicted = fixed[token];
        if (predicted < 0) {
          DynamicFeatures(lower[token], next_class[token], history, options.hash_bits, dynamic);
          float scores[kNumTags] = {};
          auto add_row = [&](uint32_t bucket) {
            const float* row = &w[static_cast<size_t>(bucket) * kNumTags];
            for (int t = 0; t < kNumTags; ++t) scores[t] += row[t];
          };
          for (uint32_t f = feature_begin[token]; f < feature_begin[token + 1]; ++f) add_row(features[f]);
          for (uint32_t d : dynamic) add_row(d);
          predicted = 0;
          for (int t = 1; t < kNumTags; ++t) {
            if (scores[t] > scores[predicted]) predicted = t;
          }
          const int g = gold[token];
          if (predicted != g) {
            auto update = [&](uint32_t bucket) {
              const size_t base = static_cast<size_t>(bucket) * kNumTags;
              w[base + g] += 1;
              u[base + g] += c;
              w[base + predicted] -= 1;
              u[base + predicted] -= c;
            };
            for (uint32_t f = feature_begin[token]; f < feature_begin[token + 1]; ++f) update(features[f]);
            for (uint32_t d : dynamic) update(d);
          }
          c += 1;
        }
        history.Push(predicted);
      }
    }
    if (options.on_epoch) {
      average();
      options.on_epoch(epoch, PosTagger::FromDense(options.hash_bits, avg, lexicon, options.prune));
    }
  }
  average();
  w = {};
  u = {};
  return PosTagger::FromDense(options.hash_bits, avg, lexicon, options.prune);
}

PosEvaluation Evaluate(const PosTagger& tagger, const std::vector<PosSentence>& sentences, int repeat) {
  PosEvaluation result;
  std::vector<std::vector<std::string_view>> views;
  views.reserve(sentences.size());
  for (const PosSentence& s : sentences) views.emplace_back(s.tokens.begin(), s.tokens.end());
  PosWorkspace ws;
  std::vector<std::string_view> tags;
  using Clock = std::chrono::steady_clock;
  for (int round = 0; round < std::max(repeat, 1); ++round) {
    for (size_t si = 0; si < sentences.size(); ++si) {
      const auto start = Clock::now();
      tagger.Tag(views[si], &ws, &tags);
      result.tag_seconds += std::chrono::duration<double>(Clock::now() - start).count();
      if (round > 0) continue;
      const PosSentence& s = sentences[si];
      for (size_t i = 0; i < s.tags.size(); ++i) {
        const int g = s.tags[i], p = ws.ids[i];
        ++result.tokens;
        ++result.gold_count[g];
        if (g == p) {
          ++result.correct;
          ++result.correct_count[g];
        } else {
          ++result.confusions[{g, p}];
        }
      }
    }
  }
  return result;
}

std::string PosEvaluation::Report(int top) const {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "accuracy: %.2f%% (%lld of %lld tokens)\n", accuracy(),
                static_cast<long long>(correct), static_cast<long long>(tokens));
  out += line;
  std::vector<std::pair<int64_t, std::pair<int, int>>> pairs;
  for (const auto& [tags, count] : confusions) pairs.push_back({count, tags});
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  out += "most frequent errors (gold -> predicted):\n";
  for (int i = 0; i < top && i < static_cast<int>(pairs.size()); ++i) {
    const auto& [count, tags] = pairs[i];
    std::snprintf(line, sizeof line, "  %-5s -> %-5s %6lld\n", std::string(kModelTags[tags.first]).c_str(),
                  std::string(kModelTags[tags.second]).c_str(), static_cast<long long>(count));
    out += line;
  }
  std::vector<std::pair<int64_t, int>> by_tag;
  for (int t = 0; t < kNumTags; ++t) {
    if (gold_count[t] > correct_count[t]) by_tag.push_back({gold_count[t] - correct_count[t], t});
  }
  std::stable_sort(by_tag.begin(), by_tag.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  out += "tags with the most errors (errors / gold tokens, accuracy):\n";
  for (int i = 0; i < top && i < static_cast<int>(by_tag.size()); ++i) {
    const auto [errors, t] = by_tag[i];
    std::snprintf(line, sizeof line, "  %-5s %6lld / %6lld  %6.2f%%\n", std::string(kModelTags[t]).c_str(),
                  static_cast<long long>(errors), static_cast<long long>(gold_count[t]),
                  100.0 * static_cast<double>(correct_count[t]) / static_cast<double>(gold_count[t]));
    out += line;
  }
  return out;
}

}  // namespace dossier::entity::pos
