#include "libs/common/migration.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace dossier {

absl::StatusOr<std::vector<const Migration*>> PendingMigrations(std::string_view component,
                                                                const std::set<int>& applied,
                                                                absl::Span<const Migration> migrations) {
  int newest = 0;
  for (const Migration& m : migrations) newest = std::max(newest, m.version);
  if (!applied.empty() && *applied.rbegin() > newest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database's ", std::string(component), " schema is at version ", *applied.rbegin(),
        ", newer than this binary knows (", newest, "): run a newer Dossier release against this database"));
  }
  std::vector<const Migration*> pending;
  for (const Migration& m : migrations) {
    if (!applied.contains(m.version)) pending.push_back(&m);
  }
  std::sort(pending.begin(), pending.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  return pending;
}

}  // namespace dossier
