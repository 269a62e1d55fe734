#ifndef DOSSIER_SERVICES_ENTITY_KB_STORE_H_
#define DOSSIER_SERVICES_ENTITY_KB_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/entity/kb_types.h"

// The knowledge-base store, behind one interface with two implementations:
// SQLite (<data_dir>/entity.db, the default) and PostgreSQL (tables prefixed
// entity_, shared by every replica of the service).
//
// Tables: entities, aliases, roles (each row marked with its origin: 'kb' for
// the shipped knowledge base, 'extracted' for entities created from
// documents, 'curated' for AddAlias/MergeEntities), redirects (merged id ->
// target) and meta (kb_version, change_version). Refreshing the shipped KB
// replaces only the 'kb' rows, so extracted entities and curation survive a
// new KB version. The schema is a list of versioned migrations applied when
// the store opens.
//
// change_version counts the changes that alter the in-memory index
// (SyncShipped reloads, AddAlias, Merge); it is bumped in the same
// transaction as the change, so replicas that poll it know when to rebuild.
//
// Thread-safe: SQLite serializes calls on its one connection, PostgreSQL
// runs them on a pool of connections.

namespace dossier::entity {

// Reads the shipped knowledge base from `kb_dir` (entities.tsv, aliases.tsv,
// roles.tsv, VERSION). NOT_FOUND when the directory or a file is missing;
// INVALID_ARGUMENT when a header lacks a required column.
absl::StatusOr<KbData> ReadShippedKb(const std::string& kb_dir);
// The version of the shipped KB: the trimmed VERSION file, or a hash of the
// TSV files when there is none. NOT_FOUND when entities.tsv is missing.
absl::StatusOr<std::string> ShippedKbVersion(const std::string& kb_dir);

class KbStore {
 public:
  virtual ~KbStore() = default;

  struct SyncResult {
    bool reloaded = false;
    std::string version;
    int entities = 0;
    int aliases = 0;
    int roles = 0;
  };
  // Loads the shipped KB into the store when its version differs from the
  // stored one (or the store is new), in one transaction; does nothing when
  // the version is unchanged. When several processes sync one database at
  // once, one loads and the others wait for it and report reloaded=false.
  virtual absl::StatusOr<SyncResult> SyncShipped(const std::string& kb_dir) = 0;
  // Replaces the 'kb' rows with `data` and records data.version (used by
  // SyncShipped and tests).
  virtual absl::Status ReplaceShipped(const KbData& data) = 0;

  // Everything the in-memory index needs: KB and curated entities with their
  // aliases and roles, extracted entities that curation refers to, and the
  // redirects; change_version is read before the rest.
  virtual absl::StatusOr<KbData> LoadSnapshot() = 0;

  // The id `id` resolves to (its merge target, or itself). NOT_FOUND when
  // there is no such entity.
  virtual absl::StatusOr<std::string> ResolveId(const std::string& id) = 0;
  // One entity with all its aliases and roles, following redirects.
  // NOT_FOUND "no entity with id X".
  virtual absl::StatusOr<KbEntity> GetEntity(const std::string& id) = 0;

  // Adds a curated alias (kind "acronym" for short all-capital aliases,
  // else "name") to the entity `id` resolves to; returns that id.
  virtual absl::StatusOr<std::string> AddAlias(const std::string& id, const std::string& alias) = 0;
  // Merges `sources` into `target`: their names, aliases and roles are copied
  // to the target as curated rows and each source id redirects to it
  // (earlier redirects to a source are re-pointed). Returns the target id.
  virtual absl::StatusOr<std::string> Merge(const std::string& target,
                                            const std::vector<std::string>& sources) = 0;

  // Stores entities created from documents (origin 'extracted'); existing
  // ids are left alone, so replicas may insert the same entity at once.
  virtual absl::Status InsertExtracted(const std::vector<KbEntity>& entities) = 0;

  // Entities (not merged away) with a name or alias whose folded form starts
  // with `folded_prefix`, of `type` unless kUnspecified, ordered by name
  // (ASCII case-insensitive) then id; rows [offset, offset+limit). Aliases
  // and roles are filled.
  virtual absl::StatusOr<std::vector<KbEntity>> Search(const std::string& folded_prefix, EntityType type,
                                                       int offset, int limit) = 0;
  // Ids of entities (not merged away) with an alias whose folded form is
  // `folded`; at most 200.
  virtual absl::StatusOr<std::vector<std::string>> FindByAlias(const std::string& folded) = 0;

  // The stored shipped-KB version ("" before the first load).
  virtual absl::StatusOr<std::string> StoredKbVersion() = 0;
  // The change counter (0 before any change).
  virtual absl::StatusOr<int64_t> ChangeVersion() = 0;
};

// The SQLite store at `path` (created if needed; ":memory:" works).
absl::StatusOr<std::unique_ptr<KbStore>> OpenSqliteKbStore(const std::string& path);

// The PostgreSQL store at `url` with at most `pool_size` connections; the
// schema is migrated first. UNAVAILABLE when the server cannot be reached.
absl::StatusOr<std::unique_ptr<KbStore>> OpenPgKbStore(const std::string& url, int pool_size);

// What --db selects: a postgresql:// (or postgres://) URL opens PostgreSQL,
// anything else is taken as a SQLite path.
absl::StatusOr<std::unique_ptr<KbStore>> OpenKbStore(const std::string& db, int pool_size);

// For the store implementations: the alias kind AddAlias records.
std::string GuessAliasKind(std::string_view alias);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_KB_STORE_H_
