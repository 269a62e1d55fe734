#ifndef DOSSIER_LIBS_COMMON_MIGRATION_H_
#define DOSSIER_LIBS_COMMON_MIGRATION_H_

#include <set>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dossier {

// One schema change of a store. Versions start at 1 and never change once
// released; a new change gets a new version. Each store keeps one list per
// backend (sqlite::Migrate, pg::Migrate apply them).
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements
};

// The migrations a database with `applied` versions of `component` still
// needs, in version order; FAILED_PRECONDITION when the database has a
// newer version than `migrations` knows (an older binary against a newer
// schema). Shared by sqlite::Migrate and pg::Migrate.
absl::StatusOr<std::vector<const Migration*>> PendingMigrations(std::string_view component,
                                                                const std::set<int>& applied,
                                                                absl::Span<const Migration> migrations);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_MIGRATION_H_
