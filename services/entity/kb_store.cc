#include "services/entity/kb_store.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "services/entity/name_text.h"

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

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS entities(
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  provenance TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliases(
  entity_id TEXT NOT NULL,
  alias TEXT NOT NULL,
  kind TEXT NOT NULL,
  norm TEXT NOT NULL,
  origin TEXT NOT NULL,
  PRIMARY KEY(entity_id, alias, kind, origin));
CREATE INDEX IF NOT EXISTS aliases_norm ON aliases(norm);
CREATE TABLE IF NOT EXISTS roles(
  entity_id TEXT NOT NULL,
  code TEXT NOT NULL,
  label TEXT NOT NULL,
  start TEXT NOT NULL,
  end_ TEXT NOT NULL,
  origin TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS roles_entity ON roles(entity_id);
CREATE TABLE IF NOT EXISTS redirects(
  from_id TEXT PRIMARY KEY,
  to_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
)sql";

std::string GuessAliasKind(std::string_view alias) {
  int letters = 0;
  for (char c : alias) {
    if (c >= 'a' && c <= 'z') return "name";
    if (c == ' ') return "name";
    if (c >= 'A' && c <= 'Z') ++letters;
  }
  return (letters >= 2 && alias.size() <= 10) ? "acronym" : "name";
}

KbEntity EntityFromRow(const sqlite::Statement& st) {
  KbEntity e;
  e.id = st.Text(0);
  e.type = EntityTypeFromName(st.Text(1));
  e.kind = st.Text(2);
  e.name = st.Text(3);
  e.provenance = st.Text(4);
  e.attributes = st.Text(5);
  e.origin = OriginFromName(st.Text(6));
  return e;
}

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

absl::StatusOr<std::unique_ptr<KbStore>> KbStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Db> db, sqlite::Db::Open(path, /*synchronous_full=*/false));
  std::unique_ptr<KbStore> store(new KbStore(std::move(db)));
  RETURN_IF_ERROR(store->Init());
  return store;
}

absl::Status KbStore::Init() { return db_->Exec(kSchema); }

absl::StatusOr<std::string> KbStore::StoredKbVersion() {
  ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare("SELECT value FROM meta WHERE key='kb_version'"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Text(0) : std::string();
}

absl::StatusOr<KbStore::SyncResult> KbStore::SyncShipped(const std::string& kb_dir) {
  SyncResult result;
  ASSIGN_OR_RETURN(result.version, ShippedKbVersion(kb_dir));
  ASSIGN_OR_RETURN(std::string stored, StoredKbVersion());
  if (stored == result.version) return result;
  ASSIGN_OR_RETURN(KbData data, ReadShippedKb(kb_dir));
  RETURN_IF_ERROR(ReplaceShipped(data));
  result.reloaded = true;
  result.entities = static_cast<int>(data.entities.size());
  for (const KbEntity& e : data.entities) {
    result.aliases += static_cast<int>(e.aliases.size());
    result.roles += static_cast<int>(e.roles.size());
  }
  return result;
}

absl::Status KbStore::ReplaceShipped(const KbData& data) {
  sqlite::Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.status());
  RETURN_IF_ERROR(
      db_->Exec("DELETE FROM entities WHERE origin='kb'; DELETE FROM aliases WHERE origin='kb'; "
                "DELETE FROM roles WHERE origin='kb';"));
  ASSIGN_OR_RETURN(
      sqlite::Statement ins_entity,
      db_->Prepare("INSERT OR IGNORE INTO entities(id,type,kind,name,provenance,attributes,origin) "
                   "VALUES(?,?,?,?,?,?,'kb')"));
  ASSIGN_OR_RETURN(
      sqlite::Statement ins_alias,
      db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) VALUES(?,?,?,?,'kb')"));
  ASSIGN_OR_RETURN(
      sqlite::Statement ins_role,
      db_->Prepare("INSERT INTO roles(entity_id,code,label,start,end_,origin) VALUES(?,?,?,?,?,'kb')"));
  for (const KbEntity& e : data.entities) {
    ins_entity.Bind(1, e.id)
        .Bind(2, std::string_view(EntityTypeName(e.type)))
        .Bind(3, e.kind)
        .Bind(4, e.name);
    ins_entity.Bind(5, e.provenance).Bind(6, e.attributes);
    RETURN_IF_ERROR(ins_entity.Run());
    RETURN_IF_ERROR(ins_entity.Reset());
    ins_alias.Bind(1, e.id).Bind(2, e.name).Bind(3, std::string_view("name")).Bind(4, FoldName(e.name));
    RETURN_IF_ERROR(ins_alias.Run());
    RETURN_IF_ERROR(ins_alias.Reset());
    for (const KbAlias& a : e.aliases) {
      ins_alias.Bind(1, e.id).Bind(2, a.alias).Bind(3, a.kind).Bind(4, FoldName(a.alias));
      RETURN_IF_ERROR(ins_alias.Run());
      RETURN_IF_ERROR(ins_alias.Reset());
    }
    for (const KbRole& r : e.roles) {
      ins_role.Bind(1, e.id)
          .Bind(2, r.code)
          .Bind(3, r.label)
          .Bind(4, FormatIsoDate(r.start))
          .Bind(5, FormatIsoDate(r.end));
      RETURN_IF_ERROR(ins_role.Run());
      RETURN_IF_ERROR(ins_role.Reset());
    }
  }
  ASSIGN_OR_RETURN(sqlite::Statement meta,
                   db_->Prepare("INSERT OR REPLACE INTO meta(key,value) VALUES('kb_version',?)"));
  meta.Bind(1, data.version);
  RETURN_IF_ERROR(meta.Run());
  return tx.Commit();
}

absl::StatusOr<KbData> KbStore::LoadSnapshot() {
  KbData data;
  ASSIGN_OR_RETURN(data.version, StoredKbVersion());
  absl::flat_hash_map<std::string, size_t> by_id;
  {
    ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare("SELECT id,type,kind,name,provenance,attributes,origin FROM entities "
                     "WHERE origin!='extracted' "
                     "OR id IN (SELECT entity_id FROM aliases WHERE origin='curated') "
                     "OR id IN (SELECT to_id FROM redirects) OR id IN (SELECT from_id FROM redirects) "
                     "ORDER BY rowid"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      KbEntity e = EntityFromRow(st);
      by_id.emplace(e.id, data.entities.size());
      data.entities.push_back(std::move(e));
    }
  }
  {
    ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare(
            "SELECT entity_id,alias,kind,origin FROM aliases WHERE origin!='extracted' ORDER BY rowid"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto it = by_id.find(st.Text(0));
      if (it == by_id.end()) continue;
      KbEntity& e = data.entities[it->second];
      std::string alias = st.Text(1);
      std::string kind = st.Text(2);
      // The preferred name is implicit.
      if (kind == "name" && alias == e.name) continue;
      e.aliases.push_back(KbAlias{std::move(alias), std::move(kind), OriginFromName(st.Text(3))});
    }
  }
  {
    ASSIGN_OR_RETURN(sqlite::Statement st,
                     db_->Prepare("SELECT entity_id,code,label,start,end_ FROM roles ORDER BY rowid"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto it = by_id.find(st.Text(0));
      if (it == by_id.end()) continue;
      data.entities[it->second].roles.push_back(
          KbRole{st.Text(1), st.Text(2), ParseIsoDate(st.Text(3)), ParseIsoDate(st.Text(4))});
    }
  }
  {
    ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare("SELECT from_id,to_id FROM redirects"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      data.redirects.emplace_back(st.Text(0), st.Text(1));
    }
  }
  return data;
}

absl::StatusOr<std::string> KbStore::ResolveId(const std::string& id) {
  std::string current = id;
  {
    ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare("SELECT to_id FROM redirects WHERE from_id=?"));
    st.Bind(1, current);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) current = st.Text(0);
  }
  ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare("SELECT 1 FROM entities WHERE id=?"));
  st.Bind(1, current);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no entity with id ", id));
  return current;
}

absl::Status KbStore::FillAliasesAndRoles(KbEntity* e) {
  {
    ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_->Prepare(
            "SELECT alias,kind,origin FROM aliases WHERE entity_id=? ORDER BY "
            "CASE kind WHEN 'name' THEN 0 WHEN 'acronym' THEN 1 WHEN 'spelling' THEN 2 "
            "WHEN 'demonym' THEN 3 WHEN 'adjective' THEN 4 WHEN 'title_name' THEN 5 ELSE 6 END, rowid"));
    st.Bind(1, e->id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      std::string alias = st.Text(0);
      if (alias == e->name) continue;
      bool dup = false;
      for (const KbAlias& a : e->aliases) {
        if (a.alias == alias) {
          dup = true;
          break;
        }
      }
      if (!dup) e->aliases.push_back(KbAlias{std::move(alias), st.Text(1), OriginFromName(st.Text(2))});
    }
  }
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("SELECT code,label,start,end_ FROM roles WHERE entity_id=? ORDER BY rowid"));
  st.Bind(1, e->id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    e->roles.push_back(KbRole{st.Text(0), st.Text(1), ParseIsoDate(st.Text(2)), ParseIsoDate(st.Text(3))});
  }
  return absl::OkStatus();
}

absl::StatusOr<KbEntity> KbStore::GetEntity(const std::string& id) {
  ASSIGN_OR_RETURN(std::string resolved, ResolveId(id));
  ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_->Prepare("SELECT id,type,kind,name,provenance,attributes,origin FROM entities WHERE id=?"));
  st.Bind(1, resolved);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no entity with id ", id));
  KbEntity e = EntityFromRow(st);
  RETURN_IF_ERROR(FillAliasesAndRoles(&e));
  return e;
}

absl::StatusOr<std::string> KbStore::AddAlias(const std::string& id, const std::string& alias) {
  ASSIGN_OR_RETURN(std::string resolved, ResolveId(id));
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) "
                                "VALUES(?,?,?,?,'curated')"));
  st.Bind(1, resolved).Bind(2, alias).Bind(3, GuessAliasKind(alias)).Bind(4, FoldName(alias));
  RETURN_IF_ERROR(st.Run());
  return resolved;
}

absl::StatusOr<std::string> KbStore::Merge(const std::string& target,
                                           const std::vector<std::string>& sources) {
  ASSIGN_OR_RETURN(std::string resolved_target, ResolveId(target));
  std::vector<std::string> resolved_sources;
  for (const std::string& s : sources) {
    ASSIGN_OR_RETURN(std::string r, ResolveId(s));
    resolved_sources.push_back(r);
  }
  sqlite::Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.status());
  ASSIGN_OR_RETURN(sqlite::Statement copy_aliases,
                   db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) "
                                "SELECT ?1,alias,kind,norm,'curated' FROM aliases WHERE entity_id=?2"));
  ASSIGN_OR_RETURN(sqlite::Statement copy_name,
                   db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) "
                                "SELECT ?1,name,'name',?3,'curated' FROM entities WHERE id=?2"));
  ASSIGN_OR_RETURN(
      sqlite::Statement copy_roles,
      db_->Prepare("INSERT INTO roles(entity_id,code,label,start,end_,origin) "
                   "SELECT ?1,code,label,start,end_,'curated' FROM roles WHERE entity_id=?2 "
                   "AND NOT EXISTS (SELECT 1 FROM roles r2 WHERE r2.entity_id=?1 AND r2.code=roles.code "
                   "AND r2.start=roles.start AND r2.end_=roles.end_)"));
  ASSIGN_OR_RETURN(sqlite::Statement name_of, db_->Prepare("SELECT name FROM entities WHERE id=?"));
  ASSIGN_OR_RETURN(sqlite::Statement redirect,
                   db_->Prepare("INSERT OR REPLACE INTO redirects(from_id,to_id) VALUES(?,?)"));
  ASSIGN_OR_RETURN(sqlite::Statement repoint, db_->Prepare("UPDATE redirects SET to_id=?1 WHERE to_id=?2"));
  for (size_t k = 0; k < sources.size(); ++k) {
    const std::string& source = resolved_sources[k];
    if (source == resolved_target) continue;
    name_of.Bind(1, source);
    ASSIGN_OR_RETURN(bool has_name, name_of.Step());
    const std::string name = has_name ? name_of.Text(0) : std::string();
    RETURN_IF_ERROR(name_of.Reset());
    copy_aliases.Bind(1, resolved_target).Bind(2, source);
    RETURN_IF_ERROR(copy_aliases.Run());
    RETURN_IF_ERROR(copy_aliases.Reset());
    copy_name.Bind(1, resolved_target).Bind(2, source).Bind(3, FoldName(name));
    RETURN_IF_ERROR(copy_name.Run());
    RETURN_IF_ERROR(copy_name.Reset());
    copy_roles.Bind(1, resolved_target).Bind(2, source);
    RETURN_IF_ERROR(copy_roles.Run());
    RETURN_IF_ERROR(copy_roles.Reset());
    repoint.Bind(1, resolved_target).Bind(2, source);
    RETURN_IF_ERROR(repoint.Run());
    RETURN_IF_ERROR(repoint.Reset());
    redirect.Bind(1, source).Bind(2, resolved_target);
    RETURN_IF_ERROR(redirect.Run());
    RETURN_IF_ERROR(redirect.Reset());
    // Ids the caller gave that were already merged elsewhere follow too.
    if (sources[k] != source) {
      redirect.Bind(1, sources[k]).Bind(2, resolved_target);
      RETURN_IF_ERROR(redirect.Run());
      RETURN_IF_ERROR(redirect.Reset());
    }
  }
  RETURN_IF_ERROR(tx.Commit());
  return resolved_target;
}

absl::Status KbStore::InsertExtracted(const std::vector<KbEntity>& entities) {
  if (entities.empty()) return absl::OkStatus();
  sqlite::Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.status());
  ASSIGN_OR_RETURN(
      sqlite::Statement ins_entity,
      db_->Prepare("INSERT OR IGNORE INTO entities(id,type,kind,name,provenance,attributes,origin) "
                   "VALUES(?,?,?,?,'extracted','','extracted')"));
  ASSIGN_OR_RETURN(sqlite::Statement ins_alias,
                   db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) "
                                "VALUES(?,?,'name',?,'extracted')"));
  for (const KbEntity& e : entities) {
    ins_entity.Bind(1, e.id)
        .Bind(2, std::string_view(EntityTypeName(e.type)))
        .Bind(3, e.kind)
        .Bind(4, e.name);
    RETURN_IF_ERROR(ins_entity.Run());
    RETURN_IF_ERROR(ins_entity.Reset());
    ins_alias.Bind(1, e.id).Bind(2, e.name).Bind(3, FoldName(e.name));
    RETURN_IF_ERROR(ins_alias.Run());
    RETURN_IF_ERROR(ins_alias.Reset());
  }
  return tx.Commit();
}

absl::StatusOr<std::vector<KbEntity>> KbStore::Search(const std::string& folded_prefix, EntityType type,
                                                      int offset, int limit) {
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("SELECT id,type,kind,name,provenance,attributes,origin FROM entities "
                                "WHERE id IN (SELECT entity_id FROM aliases WHERE norm >= ?1 AND norm < ?2) "
                                "AND (?3 = '' OR type = ?3) "
                                "AND id NOT IN (SELECT from_id FROM redirects) "
                                "ORDER BY name COLLATE NOCASE, id LIMIT ?4 OFFSET ?5"));
  st.Bind(1, folded_prefix).Bind(2, folded_prefix + "\xff").Bind(3, std::string_view(EntityTypeName(type)));
  st.Bind(4, static_cast<int64_t>(limit)).Bind(5, static_cast<int64_t>(offset));
  std::vector<KbEntity> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(EntityFromRow(st));
  }
  for (KbEntity& e : out) RETURN_IF_ERROR(FillAliasesAndRoles(&e));
  return out;
}

absl::StatusOr<std::vector<std::string>> KbStore::FindByAlias(const std::string& folded) {
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("SELECT DISTINCT a.entity_id FROM aliases a WHERE a.norm=? "
                                "AND a.entity_id NOT IN (SELECT from_id FROM redirects) LIMIT 200"));
  st.Bind(1, folded);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(st.Text(0));
  }
  return out;
}

}  // namespace dossier::entity
