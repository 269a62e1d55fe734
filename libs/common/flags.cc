#include "libs/common/flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"

namespace dossier {

std::string FlagEnvName(const std::string& flag_name) {
  return "DOSSIER_" + absl::AsciiStrToUpper(flag_name);
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, const char* usage) {
  static const bool usage_set = (absl::SetProgramUsageMessage(usage), true);
  (void)usage_set;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string env_name = FlagEnvName(std::string(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "invalid value for %s: %s\n", env_name.c_str(), error.c_str());
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace dossier
