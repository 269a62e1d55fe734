#include "tools/events/plover_eval.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/entity/annotator.h"
#include "services/entity/events/document_events.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"
#include "services/entity/ner/ner_model.h"

namespace dossier::tools::events {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string Field(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

std::vector<std::string> Actors(const Struct& s, const std::string& key) {
  std::vector<std::string> out;
  auto it = s.fields().find(key);
  if (it == s.fields().end() || it->second.kind_case() != Value::kListValue) return out;
  for (const Value& v : it->second.list_value().values()) {
    if (v.kind_case() != Value::kStructValue) continue;
    std::string code = Field(v.struct_value(), "code");
    if (!code.empty()) out.push_back(absl::AsciiStrToUpper(code));
  }
  return out;
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
    r.sources = Actors(s, "source");
    r.targets = Actors(s, "target");
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

bool Matches(const PloverRecord& record, const ScoredEvent& event) {
  if (event.plover != record.event) return false;
  if (!CodeIn(event.source_code, record.sources)) return false;
  return record.targets.empty() || CodeIn(event.target_code, record.targets);
}

}  // namespace dossier::tools::events

// ---- The run: the entity service's path on every sentence ----

namespace dossier::tools::events {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) absl::StrAppend(&out, out.empty() ? "" : "+", s);
  return out.empty() ? "-" : out;
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
    for (const entity::events::DocumentEvent& e : events) {
      ScoredEvent scored{e.source.code, e.target.code, PloverType(to_plover, e.code)};
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
    } else if (options.verbose) {
      std::printf("MISS %s: want %s %s %s | %s\n", r.id.c_str(), Join(r.sources).c_str(), r.event.c_str(),
                  Join(r.targets).c_str(), r.text.c_str());
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
}

}  // namespace dossier::tools::events
