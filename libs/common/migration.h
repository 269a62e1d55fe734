#ifndef DOSSIER_LIBS_COMMON_MIGRATION_H_
#define DOSSIER_LIBS_COMMON_MIGRATION_H_

#include <string_view>

namespace dossier {

// One schema change of a store. Versions start at 1 and never change once
// released; a new change gets a new version. Each store keeps one list per
// backend (sqlite::Migrate, pg::Migrate apply them).
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements
};

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_MIGRATION_H_
