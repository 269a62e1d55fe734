// The PostgreSQL knowledge-base store (see kb_store.h). Tables are prefixed
// entity_ because one database may hold every service's tables.
//
// Text that is compared or ordered (ids, names, folded aliases) uses the "C"
// collation, so prefixes, ordering and equality are bytewise as in SQLite.
// `seq` columns keep insertion order, which SQLite has as rowid.

#include <algorithm>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "libs/common/migration.h"
#include "libs/common/postgres.h"
#include "libs/common/status_macros.h"
#include "services/entity/kb_store.h"
#include "services/entity/name_text.h"

namespace dossier::entity {

namespace {

// Never edit a released migration; append a new one.
constexpr Migration kMigrations[] = {
    {1, "knowledge-base tables", R"sql(
CREATE TABLE entity_entities(
  seq BIGSERIAL NOT NULL,
  id TEXT COLLATE "C" PRIMARY KEY,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  provenance TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL);
CREATE TABLE entity_aliases(
  seq BIGSERIAL NOT NULL,
  entity_id TEXT COLLATE "C" NOT NULL,
  alias TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  norm TEXT COLLATE "C" NOT NULL,
  origin TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY(entity_id, alias, kind, origin));
CREATE INDEX entity_aliases_norm ON entity_aliases(norm);
CREATE TABLE entity_roles(
  seq BIGSERIAL NOT NULL,
  entity_id TEXT COLLATE "C" NOT NULL,
  code TEXT NOT NULL,
  label TEXT NOT NULL,
  start TEXT NOT NULL,
  end_ TEXT NOT NULL,
  origin TEXT NOT NULL);
CREATE INDEX entity_roles_entity ON entity_roles(entity_id);
CREATE TABLE entity_redirects(
  from_id TEXT COLLATE "C" PRIMARY KEY,
  to_id TEXT COLLATE "C" NOT NULL);
CREATE INDEX entity_redirects_to ON entity_redirects(to_id);
-- kb_version: the shipped KB loaded (its row is what SyncShipped locks);
-- change_version: bumped by every change the in-memory index depends on.
CREATE TABLE entity_meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
INSERT INTO entity_meta(key, value) VALUES ('kb_version', ''), ('change_version', '0');
)sql"},
};

// Bumping first also serializes curation across replicas: the row stays
// locked until the transaction ends.
constexpr char kBumpChangeVersion[] =
    "UPDATE entity_meta SET value = (value::bigint + 1)::text WHERE key = 'change_version'";

constexpr char kEntityColumns[] = "id,type,kind,name,provenance,attributes,origin";

KbEntity EntityFromRow(const pqxx::row& row) {
  KbEntity e;
  e.id = row[0].as<std::string>();
  e.type = EntityTypeFromName(row[1].as<std::string>());
  e.kind = row[2].as<std::string>();
  e.name = row[3].as<std::string>();
  e.provenance = row[4].as<std::string>();
  e.attributes = row[5].as<std::string>();
  e.origin = OriginFromName(row[6].as<std::string>());
  return e;
}

// LIKE pattern matching strings that start with `prefix`.
std::string LikePrefix(std::string_view prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

class PgKbStore final : public KbStore {
 public:
  explicit PgKbStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}

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
  // Replaces the 'kb' rows inside `txn` (which holds the kb_version row
  // lock); when `unless_version` and the stored version already equals
  // data.version, changes nothing and returns false.
  static absl::StatusOr<bool> LoadShipped(pqxx::work& txn, const KbData& data, bool unless_version);
  static absl::StatusOr<std::string> ResolveIdIn(pqxx::work& txn, const std::string& id);
  static absl::Status FillAliasesAndRoles(pqxx::work& txn, KbEntity* e);

  std::unique_ptr<pg::Pool> pool_;
};

absl::StatusOr<std::string> PgKbStore::StoredKbVersion() {
  return pool_->Transact(
      "reading the knowledge-base version", [](pqxx::work& txn) -> absl::StatusOr<std::string> {
        pqxx::result r = txn.exec("SELECT value FROM entity_meta WHERE key = 'kb_version'");
        return r.empty() ? std::string() : r[0][0].as<std::string>();
      });
}

absl::StatusOr<int64_t> PgKbStore::ChangeVersion() {
  return pool_->Transact(
      "reading the knowledge-base change version", [](pqxx::work& txn) -> absl::StatusOr<int64_t> {
        pqxx::result r = txn.exec("SELECT value::bigint FROM entity_meta WHERE key = 'change_version'");
        return r.empty() ? int64_t{0} : r[0][0].as<int64_t>();
      });
}

absl::StatusOr<KbStore::SyncResult> PgKbStore::SyncShipped(const std::string& kb_dir) {
  SyncResult result;
  ASSIGN_OR_RETURN(result.version, ShippedKbVersion(kb_dir));
  ASSIGN_OR_RETURN(std::string stored, StoredKbVersion());
  if (stored == result.version) return result;
  ASSIGN_OR_RETURN(KbData data, ReadShippedKb(kb_dir));
  ASSIGN_OR_RETURN(result.reloaded,
                   pool_->Transact("loading the shipped knowledge base", [&](pqxx::work& txn) {
                     return LoadShipped(txn, data, /*unless_version=*/true);
                   }));
  if (!result.reloaded) return result;
  result.entities = static_cast<int>(data.entities.size());
  for (const KbEntity& e : data.entities) {
    result.aliases += static_cast<int>(e.aliases.size());
    result.roles += static_cast<int>(e.roles.size());
  }
  return result;
}

absl::Status PgKbStore::ReplaceShipped(const KbData& data) {
  return pool_
      ->Transact("loading the shipped knowledge base",
                 [&](pqxx::work& txn) { return LoadShipped(txn, data, /*unless_version=*/false); })
      .status();
}

absl::StatusOr<bool> PgKbStore::LoadShipped(pqxx::work& txn, const KbData& data, bool unless_version) {
  // Replicas starting together queue on this row lock; the ones that get it
  // after the first see the new version and stop.
  pqxx::result locked = txn.exec("SELECT value FROM entity_meta WHERE key = 'kb_version' FOR UPDATE");
  if (unless_version && !locked.empty() && locked[0][0].as<std::string>() == data.version) return false;

  // COPY into temporary tables, then INSERT ... SELECT: as fast as COPY,
  // while conflicts with rows of other origins are skipped as in SQLite.
  txn.exec(
      "CREATE TEMP TABLE kb_load_entities(ord INT, id TEXT, type TEXT, kind TEXT, name TEXT, provenance "
      "TEXT, "
      "attributes TEXT) ON COMMIT DROP;"
      "CREATE TEMP TABLE kb_load_aliases(ord INT, entity_id TEXT, alias TEXT, kind TEXT, norm TEXT) "
      "ON COMMIT DROP;"
      "CREATE TEMP TABLE kb_load_roles(ord INT, entity_id TEXT, code TEXT, label TEXT, start TEXT, end_ "
      "TEXT) "
      "ON COMMIT DROP;");
  {
    pqxx::stream_to out(
        txn, "kb_load_entities",
        std::vector<std::string>{"ord", "id", "type", "kind", "name", "provenance", "attributes"});
    int ord = 0;
    for (const KbEntity& e : data.entities) {
      out << std::make_tuple(ord++, e.id, std::string(EntityTypeName(e.type)), e.kind, e.name, e.provenance,
                             e.attributes);
    }
    out.complete();
  }
  {
    pqxx::stream_to out(txn, "kb_load_aliases",
                        std::vector<std::string>{"ord", "entity_id", "alias", "kind", "norm"});
    int ord = 0;
    for (const KbEntity& e : data.entities) {
      out << std::make_tuple(ord++, e.id, e.name, std::string("name"), FoldName(e.name));
      for (const KbAlias& a : e.aliases)
        out << std::make_tuple(ord++, e.id, a.alias, a.kind, FoldName(a.alias));
    }
    out.complete();
  }
  {
    pqxx::stream_to out(txn, "kb_load_roles",
                        std::vector<std::string>{"ord", "entity_id", "code", "label", "start", "end_"});
    int ord = 0;
    for (const KbEntity& e : data.entities) {
      for (const KbRole& r : e.roles) {
        out << std::make_tuple(ord++, e.id, r.code, r.label, FormatIsoDate(r.start), FormatIsoDate(r.end));
      }
    }
    out.complete();
  }
  txn.exec(
      "DELETE FROM entity_entities WHERE origin = 'kb';"
      "DELETE FROM entity_aliases WHERE origin = 'kb';"
      "DELETE FROM entity_roles WHERE origin = 'kb';"
      "INSERT INTO entity_entities(id,type,kind,name,provenance,attributes,origin) "
      "  SELECT id,type,kind,name,provenance,attributes,'kb' FROM kb_load_entities ORDER BY ord "
      "  ON CONFLICT DO NOTHING;"
      "INSERT INTO entity_aliases(entity_id,alias,kind,norm,origin) "
      "  SELECT entity_id,alias,kind,norm,'kb' FROM kb_load_aliases ORDER BY ord "
      "  ON CONFLICT DO NOTHING;"
      "INSERT INTO entity_roles(entity_id,code,label,start,end_,origin) "
      "  SELECT entity_id,code,label,start,end_,'kb' FROM kb_load_roles ORDER BY ord;"
      "DROP TABLE kb_load_entities, kb_load_aliases, kb_load_roles;");
  txn.exec_params("UPDATE entity_meta SET value = $1 WHERE key = 'kb_version'", data.version);
  txn.exec(kBumpChangeVersion);
  return true;
}

absl::StatusOr<KbData> PgKbStore::LoadSnapshot() {
  return pool_->Transact("loading the knowledge base", [](pqxx::work& txn) -> absl::StatusOr<KbData> {
    KbData data;
    // Everything below comes from one snapshot of the database.
    txn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (const pqxx::row& row : txn.exec("SELECT key, value FROM entity_meta")) {
      const std::string key = row[0].as<std::string>();
      if (key == "kb_version") data.version = row[1].as<std::string>();
      if (key == "change_version") data.change_version = std::stoll(row[1].as<std::string>());
    }
    absl::flat_hash_map<std::string, size_t> by_id;
    for (const pqxx::row& row :
         txn.exec(absl::StrCat("SELECT ", kEntityColumns,
                               " FROM entity_entities "
                               "WHERE origin <> 'extracted' "
                               "OR id IN (SELECT entity_id FROM entity_aliases WHERE origin = 'curated') "
                               "OR id IN (SELECT to_id FROM entity_redirects) "
                               "OR id IN (SELECT from_id FROM entity_redirects) "
                               "ORDER BY seq"))) {
      KbEntity e = EntityFromRow(row);
      by_id.emplace(e.id, data.entities.size());
      data.entities.push_back(std::move(e));
    }
    for (const pqxx::row& row : txn.exec("SELECT entity_id, alias, kind, origin FROM entity_aliases "
                                         "WHERE origin <> 'extracted' ORDER BY seq")) {
      auto it = by_id.find(row[0].c_str());
      if (it == by_id.end()) continue;
      KbEntity& e = data.entities[it->second];
      std::string alias = row[1].as<std::string>();
      std::string kind = row[2].as<std::string>();
      // The preferred name is implicit.
      if (kind == "name" && alias == e.name) continue;
      e.aliases.push_back(
          KbAlias{std::move(alias), std::move(kind), OriginFromName(row[3].as<std::string>())});
    }
    for (const pqxx::row& row :
         txn.exec("SELECT entity_id, code, label, start, end_ FROM entity_roles ORDER BY seq")) {
      auto it = by_id.find(row[0].c_str());
      if (it == by_id.end()) continue;
      data.entities[it->second].roles.push_back(KbRole{row[1].as<std::string>(), row[2].as<std::string>(),
                                                       ParseIsoDate(row[3].c_str()),
                                                       ParseIsoDate(row[4].c_str())});
    }
    for (const pqxx::row& row : txn.exec("SELECT from_id, to_id FROM entity_redirects")) {
      data.redirects.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    }
    return data;
  });
}

absl::StatusOr<std::string> PgKbStore::ResolveIdIn(pqxx::work& txn, const std::string& id) {
  pqxx::result r = txn.exec_params(
      "SELECT e.id FROM entity_entities e "
      "WHERE e.id = COALESCE((SELECT to_id FROM entity_redirects WHERE from_id = $1), $1)",
      id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("no entity with id ", id));
  return r[0][0].as<std::string>();
}

absl::StatusOr<std::string> PgKbStore::ResolveId(const std::string& id) {
  return pool_->Transact("resolving an entity id", [&](pqxx::work& txn) { return ResolveIdIn(txn, id); });
}

absl::Status PgKbStore::FillAliasesAndRoles(pqxx::work& txn, KbEntity* e) {
  for (const pqxx::row& row : txn.exec_params(
           "SELECT alias, kind, origin FROM entity_aliases WHERE entity_id = $1 ORDER BY "
           "CASE kind WHEN 'name' THEN 0 WHEN 'acronym' THEN 1 WHEN 'spelling' THEN 2 "
           "WHEN 'demonym' THEN 3 WHEN 'adjective' THEN 4 WHEN 'title_name' THEN 5 ELSE 6 END, seq",
           e->id)) {
    std::string alias = row[0].as<std::string>();
    if (alias == e->name) continue;
    bool dup = false;
    for (const KbAlias& a : e->aliases) {
      if (a.alias == alias) {
        dup = true;
        break;
      }
    }
    if (!dup) {
      e->aliases.push_back(
          KbAlias{std::move(alias), row[1].as<std::string>(), OriginFromName(row[2].as<std::string>())});
    }
  }
  for (const pqxx::row& row : txn.exec_params(
           "SELECT code, label, start, end_ FROM entity_roles WHERE entity_id = $1 ORDER BY seq", e->id)) {
    e->roles.push_back(KbRole{row[0].as<std::string>(), row[1].as<std::string>(),
                              ParseIsoDate(row[2].c_str()), ParseIsoDate(row[3].c_str())});
  }
  return absl::OkStatus();
}

absl::StatusOr<KbEntity> PgKbStore::GetEntity(const std::string& id) {
  return pool_->Transact("reading an entity", [&](pqxx::work& txn) -> absl::StatusOr<KbEntity> {
    ASSIGN_OR_RETURN(std::string resolved, ResolveIdIn(txn, id));
    pqxx::result r = txn.exec_params(
        absl::StrCat("SELECT ", kEntityColumns, " FROM entity_entities WHERE id = $1"), resolved);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("no entity with id ", id));
    KbEntity e = EntityFromRow(r[0]);
    RETURN_IF_ERROR(FillAliasesAndRoles(txn, &e));
    return e;
  });
}

absl::StatusOr<std::string> PgKbStore::AddAlias(const std::string& id, const std::string& alias) {
  return pool_->Transact("adding an alias", [&](pqxx::work& txn) -> absl::StatusOr<std::string> {
    txn.exec(kBumpChangeVersion);
    ASSIGN_OR_RETURN(std::string resolved, ResolveIdIn(txn, id));
    txn.exec_params(
        "INSERT INTO entity_aliases(entity_id, alias, kind, norm, origin) VALUES ($1, $2, $3, $4, 'curated') "
        "ON CONFLICT DO NOTHING",
        resolved, alias, GuessAliasKind(alias), FoldName(alias));
    return resolved;
  });
}

absl::StatusOr<std::string> PgKbStore::Merge(const std::string& target,
                                             const std::vector<std::string>& sources) {
  return pool_->Transact("merging entities", [&](pqxx::work& txn) -> absl::StatusOr<std::string> {
    // Locks the counter row first: merges from different replicas run one
    // after the other, each resolving ids after the previous one committed.
    txn.exec(kBumpChangeVersion);
    ASSIGN_OR_RETURN(std::string resolved_target, ResolveIdIn(txn, target));
    std::vector<std::string> resolved_sources;
    for (const std::string& s : sources) {
      ASSIGN_OR_RETURN(std::string r, ResolveIdIn(txn, s));
      resolved_sources.push_back(r);
    }
    for (size_t k = 0; k < sources.size(); ++k) {
      const std::string& source = resolved_sources[k];
      if (source == resolved_target) continue;
      pqxx::result name = txn.exec_params("SELECT name FROM entity_entities WHERE id = $1", source);
      const std::string source_name = name.empty() ? std::string() : name[0][0].as<std::string>();
      txn.exec_params(
          "INSERT INTO entity_aliases(entity_id, alias, kind, norm, origin) "
          "SELECT $1, alias, kind, norm, 'curated' FROM entity_aliases WHERE entity_id = $2 ORDER BY seq "
          "ON CONFLICT DO NOTHING",
          resolved_target, source);
      txn.exec_params(
          "INSERT INTO entity_aliases(entity_id, alias, kind, norm, origin) "
          "SELECT $1, name, 'name', $3, 'curated' FROM entity_entities WHERE id = $2 "
          "ON CONFLICT DO NOTHING",
          resolved_target, source, FoldName(source_name));
      txn.exec_params(
          "INSERT INTO entity_roles(entity_id, code, label, start, end_, origin) "
          "SELECT $1, code, label, start, end_, 'curated' FROM entity_roles r WHERE r.entity_id = $2 "
          "AND NOT EXISTS (SELECT 1 FROM entity_roles r2 WHERE r2.entity_id = $1 AND r2.code = r.code "
          "AND r2.start = r.start AND r2.end_ = r.end_) ORDER BY seq",
          resolved_target, source);
      txn.exec_params("UPDATE entity_redirects SET to_id = $1 WHERE to_id = $2", resolved_target, source);
      const char* redirect =
          "INSERT INTO entity_redirects(from_id, to_id) VALUES ($1, $2) "
          "ON CONFLICT (from_id) DO UPDATE SET to_id = EXCLUDED.to_id";
      txn.exec_params(redirect, source, resolved_target);
      // Ids the caller gave that were already merged elsewhere follow too.
      if (sources[k] != source) txn.exec_params(redirect, sources[k], resolved_target);
    }
    return resolved_target;
  });
}

absl::Status PgKbStore::InsertExtracted(const std::vector<KbEntity>& entities) {
  if (entities.empty()) return absl::OkStatus();
  // Always the same order, so that replicas inserting overlapping sets wait
  // for each other instead of deadlocking.
  std::vector<const KbEntity*> sorted;
  for (const KbEntity& e : entities) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const KbEntity* a, const KbEntity* b) { return a->id < b->id; });
  return pool_->Transact("storing extracted entities", [&](pqxx::work& txn) -> absl::Status {
    for (const KbEntity* e : sorted) {
      txn.exec_params(
          "INSERT INTO entity_entities(id, type, kind, name, provenance, attributes, origin) "
          "VALUES ($1, $2, $3, $4, 'extracted', '', 'extracted') ON CONFLICT DO NOTHING",
          e->id, std::string(EntityTypeName(e->type)), e->kind, e->name);
      txn.exec_params(
          "INSERT INTO entity_aliases(entity_id, alias, kind, norm, origin) "
          "VALUES ($1, $2, 'name', $3, 'extracted') ON CONFLICT DO NOTHING",
          e->id, e->name, FoldName(e->name));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<KbEntity>> PgKbStore::Search(const std::string& folded_prefix, EntityType type,
                                                        int offset, int limit) {
  return pool_->Transact("searching entities", [&](pqxx::work& txn) -> absl::StatusOr<std::vector<KbEntity>> {
    std::vector<KbEntity> out;
    // lower() under the "C" collation folds ASCII only, like SQLite's NOCASE.
    for (const pqxx::row& row :
         txn.exec_params(absl::StrCat("SELECT ", kEntityColumns,
                                      " FROM entity_entities "
                                      "WHERE id IN (SELECT entity_id FROM entity_aliases WHERE norm LIKE $1) "
                                      "AND ($2 = '' OR type = $2) "
                                      "AND id NOT IN (SELECT from_id FROM entity_redirects) "
                                      "ORDER BY lower(name), id LIMIT $3 OFFSET $4"),
                         LikePrefix(folded_prefix), std::string(EntityTypeName(type)), limit, offset)) {
      out.push_back(EntityFromRow(row));
    }
    for (KbEntity& e : out) RETURN_IF_ERROR(FillAliasesAndRoles(txn, &e));
    return out;
  });
}

absl::StatusOr<std::vector<std::string>> PgKbStore::FindByAlias(const std::string& folded) {
  return pool_->Transact(
      "finding entities by alias", [&](pqxx::work& txn) -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const pqxx::row& row :
             txn.exec_params("SELECT DISTINCT a.entity_id FROM entity_aliases a WHERE a.norm = $1 "
                             "AND a.entity_id NOT IN (SELECT from_id FROM entity_redirects) LIMIT 200",
                             folded)) {
          out.push_back(row[0].as<std::string>());
        }
        return out;
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<KbStore>> OpenPgKbStore(const std::string& url, int pool_size) {
  ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool, pg::Pool::Open(url, pool_size));
  RETURN_IF_ERROR(pg::Migrate(pool.get(), "entity", kMigrations));
  return std::unique_ptr<KbStore>(new PgKbStore(std::move(pool)));
}

}  // namespace dossier::entity
