#include "tools/events/eval_lib.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/entity/events/event_coder.h"
#include "services/entity/pos/pos_tagger.h"
#include "services/entity/tokenizer.h"

namespace dossier::tools::events {
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [name, c] : kEntities) {
        if (s.compare(i, name.size(), name) == 0) {
          out.push_back(c);
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

// Attributes of a tag's text: key="value", key = "value", key='value'.
std::map<std::string, std::string> Attributes(std::string_view s) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    size_t k = i;
    while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '_')) ++k;
    std::string key(s.substr(i, k - i));
    while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    if (k >= s.size() || s[k] != '=') {
      i = k;
      continue;
    }
    ++k;
    while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    if (k >= s.size() || (s[k] != '"' && s[k] != '\'')) {
      i = k;
      continue;
    }
    const char quote = s[k];
    size_t end = s.find(quote, k + 1);
    if (end == std::string_view::npos) break;
    out[key] = Unescape(s.substr(k + 1, end - k - 1));
    i = end + 1;
  }
  return out;
}

std::string StripComments(std::string_view xml) {
  std::string out;
  size_t i = 0;
  while (i < xml.size()) {
    size_t open = xml.find("<!--", i);
    if (open == std::string_view::npos) {
      out.append(xml.substr(i));
      break;
    }
    out.append(xml.substr(i, open - i));
    size_t close = xml.find("-->", open + 4);
    if (close == std::string_view::npos) break;
    i = close + 3;
  }
  return out;
}

bool Scorable(const std::string& code) { return !code.empty() && code != "---" && code[0] != '"'; }

}  // namespace

RecordScore ScoreRecord(const std::vector<EventTriple>& expected, const std::vector<EventTriple>& extracted) {
  RecordScore s;
  s.expected = static_cast<int>(expected.size());
  s.extracted = static_cast<int>(extracted.size());
  std::vector<bool> taken(expected.size(), false);
  std::vector<bool> right(extracted.size(), false);
  for (size_t e = 0; e < extracted.size(); ++e) {
    for (size_t x = 0; x < expected.size(); ++x) {
      if (!taken[x] && expected[x] == extracted[e]) {
        taken[x] = true;
        right[e] = true;
        ++s.right;
        break;
      }
    }
  }
  s.found = s.right;
  std::vector<bool> code_taken = taken;
  for (size_t e = 0; e < extracted.size(); ++e) {
    if (right[e]) continue;
    s.wrong.push_back(static_cast<int>(e));
    for (size_t x = 0; x < expected.size(); ++x) {
      if (!code_taken[x] && expected[x].code == extracted[e].code) {
        code_taken[x] = true;
        ++s.code_only;
        break;
      }
    }
  }
  for (size_t x = 0; x < expected.size(); ++x) {
    if (!taken[x]) s.missed.push_back(static_cast<int>(x));
  }
  return s;
}

void Tally::Add(const RecordScore& s) {
  ++records;
  expected += s.expected;
  found += s.found;
  extracted += s.extracted;
  right += s.right;
  code_only += s.code_only;
}

std::string FormatTally(const Tally& t) {
  return absl::StrFormat("recall %d/%d = %.1f%%, precision %d/%d = %.1f%% (code right, actors wrong: %d)",
                         t.found, t.expected, t.Recall(), t.right, t.extracted, t.Precision(), t.code_only);
}

absl::StatusOr<std::vector<PetrRecord>> ParsePetrRecords(std::string_view xml_in) {
  const std::string xml = StripComments(xml_in);
  std::vector<PetrRecord> out;
  size_t pos = 0;
  while ((pos = xml.find("<Sentence ", pos)) != std::string::npos) {
    const size_t tag_end = xml.find('>', pos);
    const size_t close = xml.find("</Sentence>", pos);
    if (tag_end == std::string::npos || close == std::string::npos || close < tag_end) {
      return absl::InvalidArgumentError(absl::StrCat("unterminated <Sentence> at byte ", pos));
    }
    const std::map<std::string, std::string> attrs =
        Attributes(std::string_view(xml).substr(pos + 10, tag_end - pos - 10));
    const std::string_view body = std::string_view(xml).substr(tag_end + 1, close - tag_end - 1);
    pos = close + 11;
    PetrRecord r;
    if (auto it = attrs.find("id"); it != attrs.end()) r.id = it->second;
    if (auto it = attrs.find("category"); it != attrs.end()) r.category = it->second;
    if (auto it = attrs.find("date"); it != attrs.end()) r.date = ParsePetrDate(it->second);
    const size_t text_begin = body.find("<Text>");
    const size_t text_end = body.find("</Text>");
    if (text_begin == std::string_view::npos || text_end == std::string_view::npos || text_end < text_begin) {
      return absl::InvalidArgumentError(absl::StrCat("record ", r.id, " has no <Text>"));
    }
    std::string text = Unescape(body.substr(text_begin + 6, text_end - text_begin - 6));
    // One line of text.
    std::string flat;
    for (char c : text) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      if (c == ' ' && (flat.empty() || flat.back() == ' ')) continue;
      flat.push_back(c);
    }
    while (!flat.empty() && flat.back() == ' ') flat.pop_back();
    r.text = std::move(flat);
    size_t ev = 0;
    while ((ev = body.find("<EventCoding", ev)) != std::string_view::npos) {
      const size_t ev_end = body.find('>', ev);
      if (ev_end == std::string_view::npos) break;
      std::map<std::string, std::string> a = Attributes(body.substr(ev + 12, ev_end - ev - 12));
      ev = ev_end + 1;
      if (auto it = a.find("error"); it != a.end()) r.error = it->second;
      auto src = a.find("sourcecode"), tgt = a.find("targetcode"), code = a.find("eventcode");
      if (src == a.end() || tgt == a.end() || code == a.end()) continue;
      if (!Scorable(src->second) || !Scorable(tgt->second)) {
        ++r.unscored_events;
        continue;
      }
      r.expected.push_back(EventTriple{src->second, tgt->second, code->second});
    }
    out.push_back(std::move(r));
  }
  if (out.empty()) return absl::InvalidArgumentError("no <Sentence> records");
  return out;
}

bool PetrRecordScored(const PetrRecord& record) {
  return record.error != "dateline" && record.error != "bad_input_parse";
}

absl::StatusOr<PetrEvalResult> RunPetrEval(const PetrEvalOptions& options, FILE* out) {
  auto xml = ReadFile(options.records_path);
  if (!xml.ok()) return xml.status();
  auto records = ParsePetrRecords(*xml);
  if (!records.ok()) return records.status();
  const std::string dir = options.dict_dir + "/";
  auto actors = PetrActorDictionary::Load(dir + "PETR.Validate.actors.txt", dir + "PETR.Validate.agents.txt");
  if (!actors.ok()) return actors.status();
  auto coder =
      entity::events::EventCoder::Load(dir + "PETR.Validate.verbs.txt", dir + "PETR.Validate.discards.txt");
  if (!coder.ok()) return coder.status();
  auto tagger = entity::pos::PosTagger::Load(options.pos_model);
  if (!tagger.ok()) return tagger.status();
  std::optional<entity::events::EventCoder> shipped;
  if (!options.cameo_dir.empty()) {
    auto loaded = entity::events::EventCoder::LoadDir(options.cameo_dir);
    if (!loaded.ok()) return loaded.status();
    shipped = *std::move(loaded);
  }
  const int repeat = std::max(1, options.repeat);

  PetrEvalResult result;
  result.dictionary_warnings = coder->dictionary().warnings() + actors->warnings();
  const auto start = std::chrono::steady_clock::now();
  entity::pos::PosWorkspace workspace;
  std::vector<std::string_view> words;
  std::vector<std::string_view> tags;
  std::vector<std::string> lower;
  std::vector<entity::events::CoderToken> tokens;
  std::vector<entity::events::CoderActor> coder_actors;
  for (const PetrRecord& r : *records) {
    ++result.records;
    result.events_unscored += r.unscored_events;
    const bool scored = PetrRecordScored(r);
    if (!scored) ++result.records_unscored;
    const entity::TokenizedText tt = entity::Tokenize(r.text);
    words.clear();
    lower.clear();
    for (int i = 0; i < tt.size(); ++i) {
      words.push_back(tt.text(i, r.text));
      lower.emplace_back(tt.norm(i));
    }
    tagger->Tag(std::span<const std::string_view>(words.data(), words.size()), &workspace, &tags);
    const std::vector<PetrActorMention> mentions = actors->Find(lower, tags, r.date);
    tokens.clear();
    for (size_t i = 0; i < words.size(); ++i) tokens.push_back({words[i], tags[i]});
    coder_actors.clear();
    for (const PetrActorMention& m : mentions) coder_actors.push_back({m.begin, m.end});
    std::vector<entity::events::CodedEvent> events;
    auto coder_start = std::chrono::steady_clock::now();
    for (int k = 0; k < repeat; ++k) events = coder->Code(tokens, coder_actors);
    result.coder_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - coder_start).count() / repeat;
    ++result.sentences_coded;
    if (shipped) {
      coder_start = std::chrono::steady_clock::now();
      size_t n = 0;
      for (int k = 0; k < repeat; ++k) n = shipped->Code(tokens, coder_actors).size();
      result.shipped_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - coder_start).count() / repeat;
      result.shipped_events += static_cast<int>(n);
    }
    std::set<EventTriple> unique;
    for (const entity::events::CodedEvent& e : events) {
      for (const std::string& s : mentions[e.source].codes) {
        for (const std::string& t : mentions[e.target].codes) {
          if (s != t) unique.insert(EventTriple{s, t, e.code});
        }
      }
    }
    const std::vector<EventTriple> extracted(unique.begin(), unique.end());
    if (!scored) {
      result.extracted_unscored += static_cast<int>(extracted.size());
      continue;
    }
    const RecordScore score = ScoreRecord(r.expected, extracted);
    result.total.Add(score);
    result.by_category[r.category].Add(score);
    if (options.verbose && out != nullptr && (!score.missed.empty() || !score.wrong.empty())) {
      std::fprintf(out, "%s [%s] %s\n", r.id.c_str(), r.category.c_str(), r.text.c_str());
      std::string tagged;
      for (size_t i = 0; i < words.size(); ++i) {
        absl::StrAppend(&tagged, i ? " " : "", std::string(words[i]), "/", std::string(tags[i]));
      }
      std::fprintf(out, "  tags: %s\n", tagged.c_str());
      std::string actor_list;
      for (const PetrActorMention& m : mentions) {
        std::string codes;
        for (const std::string& c : m.codes) absl::StrAppend(&codes, codes.empty() ? "" : "/", c);
        std::string span;
        for (int i = m.begin; i < m.end; ++i)
          absl::StrAppend(&span, i > m.begin ? " " : "", std::string(words[i]));
        absl::StrAppend(&actor_list, " [", span, "=", codes, "]");
      }
      std::fprintf(out, "  actors:%s\n", actor_list.c_str());
      for (int x : score.missed) {
        const EventTriple& t = r.expected[x];
        std::fprintf(out, "  MISS  %s %s %s\n", t.source.c_str(), t.code.c_str(), t.target.c_str());
      }
      for (int e : score.wrong) {
        const EventTriple& t = extracted[e];
        std::fprintf(out, "  FALSE %s %s %s\n", t.source.c_str(), t.code.c_str(), t.target.c_str());
      }
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void PrintPetrEval(const PetrEvalResult& r, FILE* out) {
  std::fprintf(out, "PETRARCH2 unit tests: %d records, %d scored (%d dateline/bad-parse tests not scored)\n",
               r.records, r.total.records, r.records_unscored);
  std::fprintf(out, "  expected events: %d scored, %d not scored (a null side or an actor given as text)\n",
               r.total.expected, r.events_unscored);
  std::fprintf(out,
               "  recall:    %d of %d expected events found with right source, target and code: %.1f%%\n",
               r.total.found, r.total.expected, r.total.Recall());
  std::fprintf(out, "  precision: %d of %d extracted events right: %.1f%%\n", r.total.right,
               r.total.extracted, r.total.Precision());
  std::fprintf(out, "  code right, actors wrong: %d of the %d wrong events\n", r.total.code_only,
               r.total.extracted - r.total.right);
  const int all_expected = r.total.expected + r.events_unscored;
  const int all_extracted = r.total.extracted + r.extracted_unscored;
  std::fprintf(out,
               "  counting what is not scored as missed or false: recall %d/%d = %.1f%%, precision %d/%d = "
               "%.1f%%\n",
               r.total.found, all_expected, all_expected == 0 ? 0.0 : 100.0 * r.total.found / all_expected,
               r.total.right, all_extracted,
               all_extracted == 0 ? 0.0 : 100.0 * r.total.right / all_extracted);
  std::fprintf(out, "  by category:\n");
  for (const auto& [category, t] : r.by_category) {
    std::fprintf(out, "    %-10s %3d records  %s\n", category.c_str(), t.records, FormatTally(t).c_str());
  }
  const double n = std::max(1, r.sentences_coded);
  std::fprintf(out,
               "  coder: %.4f ms per sentence with the validation dictionary (%d sentences, coding only)\n",
               1000.0 * r.coder_seconds / n, r.sentences_coded);
  if (r.shipped_seconds > 0) {
    std::fprintf(out,
                 "  coder: %.4f ms per sentence with the shipped dictionaries (same sentences, %d events)\n",
                 1000.0 * r.shipped_seconds / n, r.shipped_events);
  }
  std::fprintf(out, "  whole run %.2f s\n", r.seconds);
}

}  // namespace dossier::tools::events
