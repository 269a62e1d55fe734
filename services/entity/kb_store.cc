#include "services/entity/kb_store.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "libs/common/postgres.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"

namespace dossier::entity {

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  return s;
}

// Splits a TSV file into rows of fields; the header maps `columns` to field
// positions. Lines that are empty are skipped.
class Tsv {
 public:
  static absl::StatusOr<Tsv> Parse(const std::string& path, std::string content,
                                   const std::vector<std::string>& columns) {
    Tsv tsv;
    tsv.content_ = std::move(content);
    std::string_view all(tsv.content_);
    bool header = true;
    size_t pos = 0;
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      std::vector<std::string_view> fields;
      size_t start = 0;
      while (true) {
        size_t tab = line.find('\t', start);
        if (tab == std::string_view::npos) {
          fields.push_back(line.substr(start));
          break;
        }
        fields.push_back(line.substr(start, tab - start));
        start = tab + 1;
      }
      if (header) {
        header = false;
        for (const std::string& c : columns) {
          int found = -1;
          for (size_t k = 0; k < fields.size(); ++k) {
            if (Trim(fields[k]) == c) found = static_cast<int>(k);
          }
          if (found < 0) {
            return absl::InvalidArgumentError(absl::StrCat(path, ": the header has no column '", c,
                                                           "' (expected a header line naming the columns)"));
          }
          tsv.positions_.push_back(found);
        }
        continue;
      }
      std::vector<std::string_view> row(columns.size());
      for (size_t c = 0; c < columns.size(); ++c) {
        const int p = tsv.positions_[c];
        row[c] = p < static_cast<int>(fields.size()) ? fields[p] : std::string_view();
      }
      tsv.rows_.push_back(std::move(row));
    }
    return tsv;
  }
  const std::vector<std::vector<std::string_view>>& rows() const { return rows_; }

 private:
  std::string content_;
  std::vector<int> positions_;
  std::vector<std::vector<std::string_view>> rows_;
};

}  // namespace

absl::StatusOr<std::string> ShippedKbVersion(const std::string& kb_dir) {
  const std::string entities = kb_dir + "/entities.tsv";
  if (!FileExists(entities)) {
    return absl::NotFoundError(absl::StrCat("no knowledge base at ", kb_dir,
                                            ": expected entities.tsv, aliases.tsv and roles.tsv there "
                                            "(build them with tools/kb_build.py or pass --kb_dir)"));
  }
  if (FileExists(kb_dir + "/VERSION")) {
    ASSIGN_OR_RETURN(std::string v, ReadFile(kb_dir + "/VERSION"));
    std::string trimmed(Trim(v));
    if (!trimmed.empty()) return trimmed;
  }
  uint64_t h = 0;
  for (const char* f : {"/entities.tsv", "/aliases.tsv", "/roles.tsv"}) {
    if (!FileExists(kb_dir + f)) continue;
    ASSIGN_OR_RETURN(std::string content, ReadFile(kb_dir + f));
    h = h * 31 + Fnv1a64(content);
  }
  return "sha-fnv:" + Hex64(h);
}

absl::StatusOr<KbData> ReadShippedKb(const std::string& kb_dir) {
  ASSIGN_OR_RETURN(std::string version, ShippedKbVersion(kb_dir));
  for (const char* f : {"/aliases.tsv", "/roles.tsv"}) {
    if (!FileExists(kb_dir + f)) {
      return absl::NotFoundError(
          absl::StrCat("knowledge base at ", kb_dir, " lacks ", f + 1, " (build it with tools/kb_build.py)"));
    }
  }
  KbData data;
  data.version = std::move(version);
  ASSIGN_OR_RETURN(std::string ec, ReadFile(kb_dir + "/entities.tsv"));
  ASSIGN_OR_RETURN(Tsv entities, Tsv::Parse(kb_dir + "/entities.tsv", std::move(ec),
                                            {"id", "type", "kind", "name", "provenance", "attributes"}));
  absl::flat_hash_map<std::string, size_t> by_id;
  data.entities.reserve(entities.rows().size());
  for (const auto& row : entities.rows()) {
    if (row[0].empty() || by_id.contains(absl::string_view(row[0].data(), row[0].size()))) continue;
    KbEntity e;
    e.id = std::string(row[0]);
    e.type = EntityTypeFromName(row[1]);
    e.kind = std::string(row[2]);
    e.name = std::string(row[3]);
    e.provenance = std::string(row[4]);
    e.attributes = std::string(row[5]);
    e.origin = Origin::kKb;
    if (e.type == EntityType::kUnspecified || e.type == EntityType::kDate) e.type = EntityType::kMisc;
    if (e.name.empty()) continue;
    by_id.emplace(e.id, data.entities.size());
    data.entities.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(std::string ac, ReadFile(kb_dir + "/aliases.tsv"));
  ASSIGN_OR_RETURN(Tsv aliases,
                   Tsv::Parse(kb_dir + "/aliases.tsv", std::move(ac), {"entity_id", "alias", "alias_kind"}));
  for (const auto& row : aliases.rows()) {
    auto it = by_id.find(absl::string_view(row[0].data(), row[0].size()));
    if (it == by_id.end() || Trim(row[1]).empty()) continue;
    data.entities[it->second].aliases.push_back(
        KbAlias{std::string(Trim(row[1])), row[2].empty() ? "name" : std::string(row[2]), Origin::kKb});
  }
  ASSIGN_OR_RETURN(std::string rc, ReadFile(kb_dir + "/roles.tsv"));
  ASSIGN_OR_RETURN(Tsv roles, Tsv::Parse(kb_dir + "/roles.tsv", std::move(rc),
                                         {"entity_id", "code", "label", "start", "end"}));
  for (const auto& row : roles.rows()) {
    auto it = by_id.find(absl::string_view(row[0].data(), row[0].size()));
    if (it == by_id.end() || row[1].empty()) continue;
    data.entities[it->second].roles.push_back(
        KbRole{std::string(row[1]), std::string(row[2]), ParseIsoDate(row[3]), ParseIsoDate(row[4])});
  }
  return data;
}

std::string GuessAliasKind(std::string_view alias) {
  int letters = 0;
  for (char c : alias) {
    if (c >= 'a' && c <= 'z') return "name";
    if (c == ' ') return "name";
    if (c >= 'A' && c <= 'Z') ++letters;
  }
  return (letters >= 2 && alias.size() <= 10) ? "acronym" : "name";
}

absl::StatusOr<std::unique_ptr<KbStore>> OpenKbStore(const std::string& db, int pool_size) {
  if (pg::IsPostgresUrl(db)) return OpenPgKbStore(db, pool_size);
  return OpenSqliteKbStore(db);
}

}  // namespace dossier::entity
