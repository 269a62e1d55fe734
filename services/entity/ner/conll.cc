#include "services/entity/ner/conll.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/status/status.h"

namespace dossier::entity::ner {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Splits "B-PER" into prefix 'B' and type "PER"; "O" gives 'O'.
void SplitTag(const std::string& tag, char* prefix, std::string_view* type) {
  if (tag.empty() || tag == "O") {
    *prefix = 'O';
    *type = {};
    return;
  }
  if (tag.size() >= 2 && tag[1] == '-') {
    *prefix = tag[0];
    *type = std::string_view(tag).substr(2);
    return;
  }
  *prefix = 'I';
  *type = tag;
}

}  // namespace

absl::StatusOr<std::vector<ConllDocument>> ParseConll(std::string_view text) {
  std::vector<ConllDocument> docs;
  ConllSentence sentence;
  auto end_sentence = [&] {
    if (sentence.tokens.empty()) return;
    if (docs.empty()) docs.emplace_back();
    docs.back().sentences.push_back(std::move(sentence));
    sentence = ConllSentence();
  };
  size_t pos = 0;
  int line_number = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_number;
    if (line.empty()) {
      end_sentence();
      continue;
    }
    if (line.starts_with("-DOCSTART-")) {
      end_sentence();
      docs.emplace_back();
      continue;
    }
    size_t first_space = line.find_first_of(" \t");
    size_t last_space = line.find_last_of(" \t");
    if (first_space == std::string_view::npos) {
      return absl::InvalidArgumentError("CoNLL line " + std::to_string(line_number) +
                                        ": expected at least two columns");
    }
    sentence.tokens.emplace_back(line.substr(0, first_space));
    sentence.tags.emplace_back(line.substr(last_space + 1));
  }
  end_sentence();
  // Drop empty documents (e.g. a -DOCSTART- at the very end).
  std::vector<ConllDocument> out;
  out.reserve(docs.size());
  for (auto& d : docs) {
    if (!d.sentences.empty()) out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::vector<ConllDocument>> ReadConllFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConll(buffer.str());
}

std::vector<Span> SpansFromTags(const std::vector<std::string>& tags) {
  std::vector<Span> spans;
  char prev_prefix = 'O';
  std::string_view prev_type;
  for (int i = 0; i < static_cast<int>(tags.size()); ++i) {
    char prefix;
    std::string_view type;
    SplitTag(tags[i], &prefix, &type);
    bool starts = prefix == 'B' || prefix == 'S' || prefix == 'U' ||
                  (prefix != 'O' && (prev_prefix == 'O' || prev_type != type)) ||
                  (prefix != 'O' && (prev_prefix == 'E' || prev_prefix == 'L' || prev_prefix == 'S' ||
                                     prev_prefix == 'U'));
    if (prefix == 'O') {
      // nothing
    } else if (starts) {
      spans.push_back({i, i + 1, std::string(type)});
    } else {
      spans.back().end = i + 1;
    }
    prev_prefix = prefix;
    prev_type = type;
  }
  return spans;
}

std::vector<std::string> Iob1FromSpans(const std::vector<Span>& spans, int num_tokens) {
  std::vector<std::string> tags(num_tokens, "O");
  int prev_end = -1;
  std::string_view prev_type;
  for (const Span& span : spans) {
    for (int i = span.begin; i < span.end && i < num_tokens; ++i) {
      bool b = i == span.begin && prev_end == span.begin && prev_type == span.type;
      tags[i] = (b ? "B-" : "I-") + span.type;
    }
    prev_end = span.end;
    prev_type = span.type;
  }
  return tags;
}

std::vector<std::string> Iob2FromSpans(const std::vector<Span>& spans, int num_tokens) {
  std::vector<std::string> tags(num_tokens, "O");
  for (const Span& span : spans) {
    for (int i = span.begin; i < span.end && i < num_tokens; ++i) tags[i] = (i == span.begin ? "B-" : "I-") + span.type;
  }
  return tags;
}

TagScheme DetectScheme(const std::vector<ConllDocument>& documents) {
  for (const ConllDocument& d : documents) {
    for (const ConllSentence& s : d.sentences) {
      for (size_t i = 0; i < s.tags.size(); ++i) {
        if (!s.tags[i].starts_with("B-")) continue;
        std::string_view type = std::string_view(s.tags[i]).substr(2);
        bool after_same = i > 0 && s.tags[i - 1].size() > 2 && std::string_view(s.tags[i - 1]).substr(2) == type;
        if (!after_same) return TagScheme::kIob2;
      }
    }
  }
  return TagScheme::kIob1;
}

std::vector<std::string> TagsFromSpans(const std::vector<Span>& spans, int num_tokens, TagScheme scheme) {
  return scheme == TagScheme::kIob2 ? Iob2FromSpans(spans, num_tokens) : Iob1FromSpans(spans, num_tokens);
}

void ChunkEvaluator::Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  tokens_ += static_cast<int64_t>(gold.size());
  for (size_t i = 0; i < gold.size() && i < predicted.size(); ++i) {
    if (gold[i] == predicted[i]) ++correct_tags_;
  }
  AddSpans(SpansFromTags(gold), SpansFromTags(predicted));
}

void ChunkEvaluator::AddSpans(const std::vector<Span>& gold, const std::vector<Span>& predicted) {
  std::set<std::tuple<int, int, std::string>> gold_set;
  for (const Span& s : gold) {
    gold_set.emplace(s.begin, s.end, s.type);
    ++by_type_[s.type].gold;
    ++total_.gold;
  }
  for (const Span& s : predicted) {
    ++by_type_[s.type].predicted;
    ++total_.predicted;
    if (gold_set.count({s.begin, s.end, s.type}) > 0) {
      ++by_type_[s.type].correct;
      ++total_.correct;
    }
  }
}

ChunkScore ChunkEvaluator::Score(const TypeCounts& c) {
  ChunkScore s;
  s.precision = c.predicted > 0 ? 100.0 * static_cast<double>(c.correct) / static_cast<double>(c.predicted) : 0;
  s.recall = c.gold > 0 ? 100.0 * static_cast<double>(c.correct) / static_cast<double>(c.gold) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

ChunkScore ChunkEvaluator::ForType(const std::string& type) const {
  auto it = by_type_.find(type);
  return it == by_type_.end() ? ChunkScore() : Score(it->second);
}

std::string ChunkEvaluator::Report() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "processed %lld tokens with %lld phrases; found: %lld phrases; correct: %lld.\n",
                static_cast<long long>(tokens_), static_cast<long long>(total_.gold),
                static_cast<long long>(total_.predicted), static_cast<long long>(total_.correct));
  out += line;
  ChunkScore all = Overall();
  double accuracy = tokens_ > 0 ? 100.0 * static_cast<double>(correct_tags_) / static_cast<double>(tokens_) : 0;
  std::snprintf(line, sizeof line, "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", accuracy,
                all.precision, all.recall, all.f1);
  out += line;
  for (const auto& [type, counts] : by_type_) {
    ChunkScore s = Score(counts);
    std::snprintf(line, sizeof line, "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %lld\n", type.c_str(),
                  s.precision, s.recall, s.f1, static_cast<long long>(counts.predicted));
    out += line;
  }
  return out;
}

}  // namespace dossier::entity::ner
