// The SQLite knowledge-base store (see kb_store.h).

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/migration.h"
#include "libs/common/sqlite.h"
#include "libs/common/status_macros.h"
#include "services/entity/kb_store.h"
#include "services/entity/name_text.h"

namespace dossier::entity {

namespace {

// Never edit a released migration; append a new one.
constexpr Migration kMigrations[] = {
    {1, "knowledge-base tables",
     // IF NOT EXISTS: databases created before migrations existed adopt this.
     R"sql(
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
)sql"},
};

constexpr char kBumpChangeVersion[] =
    "INSERT INTO meta(key,value) VALUES('change_version','1') "
    "ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER)+1";

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

class SqliteKbStore final : public KbStore {
 public:
  explicit SqliteKbStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}

  absl::StatusOr<SyncResult> SyncShipped(const std::string& kb_dir) override;
  absl::Status ReplaceShipped(const KbData& data) override;
  absl::StatusOr<KbData> LoadSnapshot() override;
  absl::StatusOr<std::string> ResolveId(const std::string& id) override;
  absl::StatusOr<KbEntity> GetEntity(const std::string& id) override;
  absl::StatusOr<std::string> AddAlias(const std::string& id, const std::string& alias) override;
  absl::StatusOr<std::string> Merge(const std::string& target,
                                    const std::vector<std::string>& sources) override;
  absl::Status InsertExtracted(const std::vector<KbEntity>& entities) override;
  absl::StatusOr<std::vector<KbEntity>> Search(const std::string& folded_prefix, EntityType type, int offset,
                                               int limit) override;
  absl::StatusOr<std::vector<std::string>> FindByAlias(const std::string& folded) override;
  absl::StatusOr<std::string> StoredKbVersion() override;
  absl::StatusOr<int64_t> ChangeVersion() override;

 private:
  absl::StatusOr<std::string> StoredKbVersionLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<int64_t> ChangeVersionLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::string> ResolveIdLocked(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FillAliasesAndRoles(KbEntity* entity) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Replaces the 'kb' rows in one transaction; when `unless_version` is
  // set and the stored version already equals data.version inside that
  // transaction (another process loaded it meanwhile), changes nothing and
  // returns false.
  absl::StatusOr<bool> LoadShippedLocked(const KbData& data, bool unless_version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::Db> db_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::string> SqliteKbStore::StoredKbVersion() {
  absl::MutexLock lock(&mu_);
  return StoredKbVersionLocked();
}

absl::StatusOr<std::string> SqliteKbStore::StoredKbVersionLocked() {
  ASSIGN_OR_RETURN(sqlite::Statement st, db_->Prepare("SELECT value FROM meta WHERE key='kb_version'"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Text(0) : std::string();
}

absl::StatusOr<int64_t> SqliteKbStore::ChangeVersion() {
  absl::MutexLock lock(&mu_);
  return ChangeVersionLocked();
}

absl::StatusOr<int64_t> SqliteKbStore::ChangeVersionLocked() {
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key='change_version'"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

absl::StatusOr<KbStore::SyncResult> SqliteKbStore::SyncShipped(const std::string& kb_dir) {
  absl::MutexLock lock(&mu_);
  SyncResult result;
  ASSIGN_OR_RETURN(result.version, ShippedKbVersion(kb_dir));
  ASSIGN_OR_RETURN(std::string stored, StoredKbVersionLocked());
  if (stored == result.version) return result;
  ASSIGN_OR_RETURN(KbData data, ReadShippedKb(kb_dir));
  ASSIGN_OR_RETURN(result.reloaded, LoadShippedLocked(data, /*unless_version=*/true));
  if (!result.reloaded) return result;
  result.entities = static_cast<int>(data.entities.size());
  for (const KbEntity& e : data.entities) {
    result.aliases += static_cast<int>(e.aliases.size());
    result.roles += static_cast<int>(e.roles.size());
  }
  return result;
}

absl::Status SqliteKbStore::ReplaceShipped(const KbData& data) {
  absl::MutexLock lock(&mu_);
  return LoadShippedLocked(data, /*unless_version=*/false).status();
}

absl::StatusOr<bool> SqliteKbStore::LoadShippedLocked(const KbData& data, bool unless_version) {
  sqlite::Transaction tx(db_.get());  // BEGIN IMMEDIATE: other processes wait here
  RETURN_IF_ERROR(tx.status());
  if (unless_version) {
    ASSIGN_OR_RETURN(std::string stored, StoredKbVersionLocked());
    if (stored == data.version) return false;
  }
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
  RETURN_IF_ERROR(db_->Exec(kBumpChangeVersion));
  RETURN_IF_ERROR(tx.Commit());
  return true;
}

absl::StatusOr<KbData> SqliteKbStore::LoadSnapshot() {
  absl::MutexLock lock(&mu_);
  KbData data;
  ASSIGN_OR_RETURN(data.change_version, ChangeVersionLocked());
  ASSIGN_OR_RETURN(data.version, StoredKbVersionLocked());
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

absl::StatusOr<std::string> SqliteKbStore::ResolveId(const std::string& id) {
  absl::MutexLock lock(&mu_);
  return ResolveIdLocked(id);
}

absl::StatusOr<std::string> SqliteKbStore::ResolveIdLocked(const std::string& id) {
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

absl::Status SqliteKbStore::FillAliasesAndRoles(KbEntity* e) {
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

absl::StatusOr<KbEntity> SqliteKbStore::GetEntity(const std::string& id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::string resolved, ResolveIdLocked(id));
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

absl::StatusOr<std::string> SqliteKbStore::AddAlias(const std::string& id, const std::string& alias) {
  absl::MutexLock lock(&mu_);
  sqlite::Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.status());
  ASSIGN_OR_RETURN(std::string resolved, ResolveIdLocked(id));
  ASSIGN_OR_RETURN(sqlite::Statement st,
                   db_->Prepare("INSERT OR IGNORE INTO aliases(entity_id,alias,kind,norm,origin) "
                                "VALUES(?,?,?,?,'curated')"));
  st.Bind(1, resolved).Bind(2, alias).Bind(3, GuessAliasKind(alias)).Bind(4, FoldName(alias));
  RETURN_IF_ERROR(st.Run());
  RETURN_IF_ERROR(db_->Exec(kBumpChangeVersion));
  RETURN_IF_ERROR(tx.Commit());
  return resolved;
}

absl::StatusOr<std::string> SqliteKbStore::Merge(const std::string& target,
                                                 const std::vector<std::string>& sources) {
  absl::MutexLock lock(&mu_);
  // Resolving inside the write transaction keeps another process's merge
  // from slipping in between.
  sqlite::Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.status());
  ASSIGN_OR_RETURN(std::string resolved_target, ResolveIdLocked(target));
  std::vector<std::string> resolved_sources;
  for (const std::string& s : sources) {
    ASSIGN_OR_RETURN(std::string r, ResolveIdLocked(s));
    resolved_sources.push_back(r);
  }
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
  RETURN_IF_ERROR(db_->Exec(kBumpChangeVersion));
  RETURN_IF_ERROR(tx.Commit());
  return resolved_target;
}

absl::Status SqliteKbStore::InsertExtracted(const std::vector<KbEntity>& entities) {
  if (entities.empty()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
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

absl::StatusOr<std::vector<KbEntity>> SqliteKbStore::Search(const std::string& folded_prefix, EntityType type,
                                                            int offset, int limit) {
  absl::MutexLock lock(&mu_);
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

absl::StatusOr<std::vector<std::string>> SqliteKbStore::FindByAlias(const std::string& folded) {
  absl::MutexLock lock(&mu_);
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

}  // namespace

absl::StatusOr<std::unique_ptr<KbStore>> OpenSqliteKbStore(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Db> db, sqlite::Db::Open(path, /*synchronous_full=*/false));
  RETURN_IF_ERROR(sqlite::Migrate(db.get(), "entity", kMigrations));
  return std::unique_ptr<KbStore>(new SqliteKbStore(std::move(db)));
}

}  // namespace dossier::entity
