#ifndef DOSSIER_SERVICES_ENTITY_TEST_PATHS_H_
#define DOSSIER_SERVICES_ENTITY_TEST_PATHS_H_

#include <cstdlib>
#include <string>

// Test-only: where the repository is (env DOSSIER_SOURCE_DIR, else the
// source directory the test was built from, which dossier_test() passes as
// DOSSIER_TEST_SOURCE_DIR).

namespace dossier::entity {

inline std::string SourceDir() {
  if (const char* env = std::getenv("DOSSIER_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
#ifdef DOSSIER_TEST_SOURCE_DIR
  return DOSSIER_TEST_SOURCE_DIR;
#else
  return ".";
#endif
}

inline std::string FixtureKbDir() { return SourceDir() + "/services/entity/testdata/kb"; }

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_TEST_PATHS_H_
