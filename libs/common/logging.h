#ifndef DOSSIER_LIBS_COMMON_LOGGING_H_
#define DOSSIER_LIBS_COMMON_LOGGING_H_

#include <string>

#include "absl/status/status.h"

namespace dossier {

// Configures spdlog's default logger for a service: `format` is "text"
// (human-readable, to stderr) or "json" (one JSON object per line, for
// clusters); `level` is trace, debug, info, warn, error or off.
// INVALID_ARGUMENT for an unknown format or level.
absl::Status SetupLogging(const std::string& service, const std::string& format, const std::string& level);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_LOGGING_H_
