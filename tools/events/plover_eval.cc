#include "tools/events/plover_eval.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/entity/annotator.h"
#include "services/entity/events/document_events.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"
#include "services/entity/ner/ner_model.h"
#include "tools/events/eval_lib.h"

namespace dossier::tools::events {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string Field(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

// The codes and words of the actors listed under `key`.
void Actors(const Struct& s, const std::string& key, std::vector<std::string>* codes,
            std::vector<std::string>* texts) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kListValue) return;
  for (const Value& v : it->second.list_value().values()) {
    if (v.kind_case() != Value::kStructValue) continue;
    std::string code = Field(v.struct_value(), "code");
    if (code.empty()) continue;
    codes->push_back(NormalizeGoldCode(absl::AsciiStrToUpper(code)));
    texts->push_back(Field(v.struct_value(), "actorText"));
  }
}

bool CodeIn(const std::string& actor_code, const std::vector<std::string>& codes) {
  if (actor_code.size() < 3) return false;
  const std::string country = actor_code.substr(0, 3);
  for (const std::string& c : codes) {
    if (c.substr(0, 3) == country) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<PloverRecord>> ParsePloverGsr(std::string_view json) {
  google::protobuf::ListValue list;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &list);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("PLOVER GSR file is not a JSON array: ", status.ToString()));
  }
  std::vector<PloverRecord> out;
  for (const Value& v : list.values()) {
    if (v.kind_case() != Value::kStructValue) continue;
    const Struct& s = v.struct_value();
    PloverRecord r;
    r.id = Field(s, "id");
    r.text = Field(s, "text");
    r.event = absl::AsciiStrToUpper(Field(s, "event"));
    if (r.text.empty() || r.event.empty() || r.event == "DOCUMENT") continue;
    r.event_text = Field(s, "eventText");
    Actors(s, "source", &r.sources, &r.source_texts);
    Actors(s, "target", &r.targets, &r.target_texts);
    out.push_back(std::move(r));
  }
  return out;
}

std::map<std::string, std::string> ParseCameoToPlover(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon < 2 || colon > 4) continue;
    const std::string code = line.substr(0, colon);
    bool digits = true;
    for (char c : code) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits) continue;
    std::string rest = line.substr(colon + 1);
    const size_t end = rest.find_first_of(",#");
    std::string type(absl::StripAsciiWhitespace(rest.substr(0, end)));
    if (!type.empty()) out[code] = absl::AsciiStrToUpper(type);
  }
  return out;
}

std::string PloverType(const std::map<std::string, std::string>& table, const std::string& cameo_code) {
  for (size_t n = cameo_code.size(); n >= 2; --n) {
    auto it = table.find(cameo_code.substr(0, n));
    if (it != table.end()) return it->second;
  }
  return "";
}

std::string GsrType(const std::map<std::string, std::string>& table, const std::string& cameo_code) {
  const std::string root = cameo_code.substr(0, 2);
  if (root == "09") return "INVESTIGATE";
  if (root == "10") return "DEMAND";
  if (root == "11") return "DISAPPROVE";
  if (root == "19" || root == "20") return "FIGHT";
  return PloverType(table, cameo_code);
}

std::string NormalizeGoldCode(const std::string& code) {
  static const std::map<std::string, std::string> kIso = {{"JAP", "JPN"}, {"ITL", "ITA"}, {"VTN", "VNM"}};
  auto it = kIso.find(code.substr(0, 3));
  return it == kIso.end() ? code : it->second + code.substr(3);
}

bool Matches(const PloverRecord& record, const ScoredEvent& event) {
  if (event.plover != record.event) return false;
  if (!CodeIn(event.source_code, record.sources)) return false;
  return record.targets.empty() || CodeIn(event.target_code, record.targets);
}

}  // namespace dossier::tools::events

// ---- The run: the entity service's path on every sentence ----

namespace dossier::tools::events {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) absl::StrAppend(&out, out.empty() ? "" : "+", s);
  return out.empty() ? "-" : out;
}

// How one gold actor fares in the annotation: found with a right code, found
// with a wrong one (`code` says which), or not found.
struct SideCheck {
  enum { kRight, kWrongCode, kMissing } state = kMissing;
  std::string code;
};

SideCheck CheckSide(const entity::KbIndex& kb, const PloverRecord& r, const entity::Annotation& annotation,
                    const std::vector<std::string>& codes, const std::vector<std::string>& texts) {
  SideCheck out;
  for (const std::string& words : texts) {
    size_t at = r.text.find(words);
    size_t len = words.size();
    if (at == std::string::npos) {
      // "Palestinian ... residential areas": the last word.
      const size_t space = words.find_last_of(' ');
      const std::string last = space == std::string::npos ? words : words.substr(space + 1);
      at = last.empty() ? std::string::npos : r.text.find(last);
      len = last.size();
    }
    if (at == std::string::npos) continue;
    for (const entity::AnnotatedMention& m : annotation.mentions) {
      if (m.entity_id.empty() || m.end <= at || m.begin >= at + len) continue;
      if (m.type != entity::EntityType::kPerson && m.type != entity::EntityType::kOrganization &&
          m.type != entity::EntityType::kLocation) {
        continue;
      }
      const int k = kb.Find(m.entity_id);
      const std::string code = k >= 0 ? entity::events::ActorCode(kb.entity(k), entity::DateParts{2000, 1, 1}) : "";
      if (CodeIn(code, codes)) {
        out.state = SideCheck::kRight;
        return out;
      }
      out.state = SideCheck::kWrongCode;
      out.code = absl::StrCat(m.text, "=", code.empty() ? "?" : code);
    }
  }
  return out;
}

// Why a record's event was missed, most basic cause first.
std::string MissClass(const entity::KbIndex& kb, const entity::events::EventCoder& coder,
                      const std::map<std::string, std::string>& to_plover, const PloverRecord& r,
                      const entity::Annotation& annotation, const std::vector<ScoredEvent>& events,
                      std::string* detail) {
  const SideCheck source = CheckSide(kb, r, annotation, r.sources, r.source_texts);
  const SideCheck target = r.targets.empty() ? SideCheck{SideCheck::kRight, ""}
                                             : CheckSide(kb, r, annotation, r.targets, r.target_texts);
  if (source.state == SideCheck::kMissing) return "no source actor found";
  if (target.state == SideCheck::kMissing) return "no target actor found";
  if (source.state == SideCheck::kWrongCode) {
    *detail = source.code;
    return "source actor code wrong";
  }
  if (target.state == SideCheck::kWrongCode) {
    *detail = target.code;
    return "target actor code wrong";
  }
  bool type_right = false, other = false;
  for (const ScoredEvent& e : events) (e.plover == r.event ? type_right : other) = true;
  if (type_right) return "right type, wrong actors or direction";
  // The dictionary's own codes for the words of the action.
  const entity::events::VerbDictionary& dict = coder.dictionary();
  bool listed = false, family = false;
  for (absl::string_view w : absl::StrSplit(r.event_text, ' ', absl::SkipEmpty())) {
    const int id = dict.WordId(absl::AsciiStrToLower(w));
    if (id < 0) continue;
    for (int f : dict.FormsWithWord(id)) {
      listed = true;
      const entity::events::VerbEntry& verb = dict.verbs()[dict.forms()[f].verb];
      const entity::events::EventCode& code =
          verb.code.forward.empty() ? dict.blocks()[verb.block].code : verb.code;
      if (!code.forward.empty() && GsrType(to_plover, code.forward) == r.event) family = true;
    }
  }
  if (other) return "wrong code family";
  if (!listed) return "verb not in dictionary";
  if (!family) return "dictionary verb of another family";
  return "verb in dictionary, no event (roles)";
}

}  // namespace

absl::StatusOr<PloverEvalResult> RunPloverEval(const PloverEvalOptions& options) {
  auto json = ReadFile(options.gsr_dir + "/PLOVER_GSR_CAMEO.json");
  if (!json.ok()) return json.status();
  auto records = ParsePloverGsr(*json);
  if (!records.ok()) return records.status();
  auto map_text = ReadFile(options.gsr_dir + "/CAMEO2PLOVER-2021.txt");
  if (!map_text.ok()) return map_text.status();
  const std::map<std::string, std::string> to_plover = ParseCameoToPlover(*map_text);

  auto kb_data = entity::ReadShippedKb(options.kb_dir);
  if (!kb_data.ok()) return kb_data.status();
  std::shared_ptr<const entity::KbIndex> kb = entity::KbIndex::Build(*std::move(kb_data));
  std::optional<entity::ner::NerModel> ner;
  if (!options.ner_model.empty()) {
    auto loaded = entity::ner::NerModel::Load(options.ner_model);
    if (!loaded.ok()) return loaded.status();
    ner = *std::move(loaded);
  }
  auto models = entity::events::EventModels::Load(options.cameo_dir, options.pos_model);
  if (!models.ok()) return models.status();

  PloverEvalResult result;
  const auto start = std::chrono::steady_clock::now();
  entity::AnnotateOptions annotate;
  annotate.published = entity::DateParts{2000, 1, 1};  // every record's date
  annotate.ner = ner ? &*ner : nullptr;
  for (const PloverRecord& r : *records) {
    ++result.records;
    ++result.expected;
    auto& [type_found, type_expected] = result.by_type[r.event];
    ++type_expected;
    const entity::Annotation annotation = entity::Annotate(*kb, r.text, annotate);
    const std::vector<entity::events::DocumentEvent> events =
        entity::events::ExtractEvents(*kb, r.text, annotation, annotate.published, (*models)->resources());
    bool found = false;
    std::vector<ScoredEvent> all;
    for (const entity::events::DocumentEvent& e : events) {
      ScoredEvent scored{e.source.code, e.target.code, GsrType(to_plover, e.code)};
      all.push_back(scored);
      ++result.extracted;
      const bool right = Matches(r, scored);
      if (scored.plover == r.event) ++result.type_right;
      if (right) {
        ++result.right;
        found = true;
      } else if (options.verbose) {
        std::printf("WRONG %s: got %s %s %s (%s) [%s -> %s]; want %s %s %s\n", r.id.c_str(),
                    scored.source_code.c_str(), e.code.c_str(), scored.target_code.c_str(), scored.plover.c_str(),
                    e.source.text.c_str(), e.target.text.c_str(), Join(r.sources).c_str(), r.event.c_str(),
                    Join(r.targets).c_str());
      }
    }
    if (found) {
      ++result.found;
      ++type_found;
    } else {
      std::string detail;
      const std::string why = MissClass(*kb, (*models)->coder, to_plover, r, annotation, all, &detail);
      ++result.misses[why];
      if (options.verbose) {
        std::printf("MISS %s [%s%s%s]: want %s %s %s | %s\n", r.id.c_str(), why.c_str(), detail.empty() ? "" : ": ",
                    detail.c_str(), Join(r.sources).c_str(), r.event.c_str(), Join(r.targets).c_str(),
                    r.text.c_str());
      }
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void PrintPloverEval(const PloverEvalResult& r) {
  auto pct = [](int a, int b) { return b == 0 ? 0.0 : 100.0 * a / b; };
  std::printf("PLOVER gold standard (%d sentences, whole entity-service path, %.2f s)\n", r.records, r.seconds);
  std::printf("  recall:    %d of %d expected events found with right source, target and type: %.1f%%\n", r.found,
              r.expected, pct(r.found, r.expected));
  std::printf("  precision: %d of %d extracted events right: %.1f%%\n", r.right, r.extracted,
              pct(r.right, r.extracted));
  std::printf("  (extracted events of the right PLOVER type, actors aside: %d, %.1f%%)\n", r.type_right,
              pct(r.type_right, r.extracted));
  std::printf("  by type (found/expected):");
  for (const auto& [type, counts] : r.by_type) std::printf(" %s %d/%d", type.c_str(), counts.first, counts.second);
  std::printf("\n");
  std::vector<std::pair<int, std::string>> misses;
  for (const auto& [why, count] : r.misses) misses.emplace_back(-count, why);
  std::sort(misses.begin(), misses.end());
  std::printf("  misses by cause:\n");
  for (const auto& [count, why] : misses) std::printf("    %4d  %s\n", -count, why.c_str());
}

}  // namespace dossier::tools::events
