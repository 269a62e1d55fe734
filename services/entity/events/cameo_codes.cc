#include "services/entity/events/cameo_codes.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dossier::entity::events {
namespace {

bool IsCode(std::string_view s) {
  if (s.size() < 2 || s.size() > 4) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string DefaultCameoDir() {
  if (const char* env = std::getenv("DOSSIER_CAMEO_DIR"); env != nullptr && *env != '\0') return env;
#ifdef DOSSIER_DEFAULT_CAMEO_DIR
  return DOSSIER_DEFAULT_CAMEO_DIR;
#else
  return "data/cameo";
#endif
}

absl::StatusOr<CameoCodes> CameoCodes::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read CAMEO code table ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

absl::StatusOr<CameoCodes> CameoCodes::Default() { return Load(DefaultCameoDir() + "/cameo_codes.tsv"); }

absl::StatusOr<CameoCodes> CameoCodes::Parse(std::string_view text, std::string_view name_view) {
  const std::string name(name_view);
  CameoCodes out;
  int col_code = -1, col_label = -1, col_quad = -1, col_goldstein = -1;
  bool have_header = false;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (!have_header) {
      for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
        if (fields[i] == "code") col_code = i;
        if (fields[i] == "label") col_label = i;
        if (fields[i] == "quad_class") col_quad = i;
        if (fields[i] == "goldstein") col_goldstein = i;
      }
      if (col_code < 0 || col_label < 0 || col_quad < 0 || col_goldstein < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ":", line_no, ": header needs the columns code, label, quad_class, goldstein"));
      }
      have_header = true;
      continue;
    }
    const int needed = std::max({col_code, col_label, col_quad, col_goldstein}) + 1;
    if (static_cast<int>(fields.size()) < needed) {
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": expected ", needed, " fields"));
    }
    CameoCode c;
    c.code = std::string(fields[col_code]);
    if (!IsCode(c.code)) {
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": bad CAMEO code '", c.code, "'"));
    }
    c.label = std::string(fields[col_label]);
    c.root = c.code.substr(0, 2);
    if (!absl::SimpleAtoi(fields[col_quad], &c.quad_class) || c.quad_class < 1 || c.quad_class > 4) {
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": bad quad_class"));
    }
    if (!absl::SimpleAtod(fields[col_goldstein], &c.goldstein) || c.goldstein < -10 || c.goldstein > 10) {
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_no, ": bad goldstein"));
    }
    out.codes_[c.code] = std::move(c);
  }
  if (!have_header) return absl::InvalidArgumentError(absl::StrCat(name, ": no header line"));
  return out;
}

const CameoCode* CameoCodes::Find(std::string_view code) const {
  if (!IsCode(code)) return nullptr;
  for (size_t n = code.size(); n >= 3; --n) {
    auto it = codes_.find(std::string(code.substr(0, n)));
    if (it != codes_.end()) return &it->second;
  }
  if (code.size() == 2) {
    auto it = codes_.find(std::string(code));
    if (it != codes_.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace dossier::entity::events
