#ifndef DOSSIER_SERVICES_ENTITY_KB_STORE_H_
#define DOSSIER_SERVICES_ENTITY_KB_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/common/sqlite.h"
#include "services/entity/kb_types.h"

// The knowledge-base store: SQLite at <data_dir>/entity.db.
//
// Tables: entities, aliases, roles (each row marked with its origin: 'kb' for
// the shipped knowledge base, 'extracted' for entities created from
// documents, 'curated' for AddAlias/MergeEntities), redirects (merged id ->
// target) and meta (kb_version). Refreshing the shipped KB replaces only the
// 'kb' rows, so extracted entities and curation survive a new KB version.
//
// Not thread-safe: the owner (KnowledgeBase) serializes calls.

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
  // Opens (creating if needed) the database at `path` (":memory:" works).
  static absl::StatusOr<std::unique_ptr<KbStore>> Open(const std::string& path);

  struct SyncResult {
    bool reloaded = false;
    std::string version;
    int entities = 0;
    int aliases = 0;
    int roles = 0;
  };
  // Loads the shipped KB into the store when its version differs from the
  // stored one (or the store is new), in one transaction; does nothing when
  // the version is unchanged.
  absl::StatusOr<SyncResult> SyncShipped(const std::string& kb_dir);
  // Replaces the 'kb' rows with `data` (used by SyncShipped and tests).
  absl::Status ReplaceShipped(const KbData& data);

  // Everything the in-memory index needs: KB and curated entities with their
  // aliases and roles, extracted entities that curation refers to, and the
  // redirects.
  absl::StatusOr<KbData> LoadSnapshot();

  // The id `id` resolves to (its merge target, or itself). NOT_FOUND when
  // there is no such entity.
  absl::StatusOr<std::string> ResolveId(const std::string& id);
  // One entity with all its aliases and roles, following redirects.
  // NOT_FOUND "no entity with id X".
  absl::StatusOr<KbEntity> GetEntity(const std::string& id);

  // Adds a curated alias (kind "acronym" for short all-capital aliases,
  // else "name") to the entity `id` resolves to; returns that id.
  absl::StatusOr<std::string> AddAlias(const std::string& id, const std::string& alias);
  // Merges `sources` into `target`: their names, aliases and roles are copied
  // to the target as curated rows and each source id redirects to it
  // (earlier redirects to a source are re-pointed). Returns the target id.
  absl::StatusOr<std::string> Merge(const std::string& target, const std::vector<std::string>& sources);

  // Stores entities created from documents (origin 'extracted'); existing
  // ids are left alone.
  absl::Status InsertExtracted(const std::vector<KbEntity>& entities);

  // Entities (not merged away) with a name or alias whose folded form starts
  // with `folded_prefix`, of `type` unless kUnspecified, ordered by name then
  // id; rows [offset, offset+limit). Aliases and roles are filled.
  absl::StatusOr<std::vector<KbEntity>> Search(const std::string& folded_prefix, EntityType type, int offset,
                                               int limit);
  // Ids of entities with an alias whose folded form is `folded`.
  absl::StatusOr<std::vector<std::string>> FindByAlias(const std::string& folded);

  absl::StatusOr<std::string> StoredKbVersion();

 private:
  explicit KbStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  absl::Status Init();
  absl::Status FillAliasesAndRoles(KbEntity* entity);

  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_KB_STORE_H_
