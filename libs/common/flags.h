#ifndef DOSSIER_LIBS_COMMON_FLAGS_H_
#define DOSSIER_LIBS_COMMON_FLAGS_H_

#include <string>
#include <vector>

namespace dossier {

// The environment variable that sets flag `name`: "DOSSIER_" + upper-case
// name, e.g. --entity_addr -> DOSSIER_ENTITY_ADDR.
std::string FlagEnvName(const std::string& flag_name);

// Parses the command line with Abseil flags after first applying every
// DOSSIER_<FLAG> environment variable; the command line wins over the
// environment. A bad value in the environment is fatal (exit 2) with a
// message naming the variable. Returns the positional arguments.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, const char* usage);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_FLAGS_H_
