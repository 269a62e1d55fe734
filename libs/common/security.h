#ifndef DOSSIER_LIBS_COMMON_SECURITY_H_
#define DOSSIER_LIBS_COMMON_SECURITY_H_

// The parts of TLS and bearer-token configuration that need no gRPC: reading
// PEM and token files named by flags (errors name the flag), and checking an
// "authorization" value against the token in constant time. Servers use them
// through libs/common/server_security.h, clients through
// libs/common/client.h.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dossier {

// The metadata key and scheme of the shared token: "authorization: Bearer <token>".
inline constexpr char kAuthorizationKey[] = "authorization";
inline constexpr char kBearerPrefix[] = "Bearer ";

// The contents of the PEM file `path` given by flag `flag` (e.g. "tls_cert").
// INVALID_ARGUMENT "--tls_cert=PATH: ..." when it cannot be read, is empty
// or holds no PEM block ("-----BEGIN ").
absl::StatusOr<std::string> ReadPemFile(const std::string& flag, const std::string& path);

// Reads --tls_cert and --tls_key (both PEM) into `cert_pem` and `key_pem`.
absl::Status ReadKeyPair(const std::string& cert_path, const std::string& key_path, std::string* cert_pem,
                         std::string* key_pem);

// The shared token from --auth_token (`token`) or --auth_token_file
// (`token_file`, whose surrounding whitespace and trailing newline are
// trimmed, as Kubernetes secrets are mounted). "" when neither is set.
// INVALID_ARGUMENT when both are set, the file cannot be read, the token is
// empty or it contains characters that cannot go in a header (only printable
// ASCII without spaces is allowed).
absl::StatusOr<std::string> LoadAuthToken(const std::string& token, const std::string& token_file);

// Compares without returning early on the first difference, so the time
// taken does not tell how much of a guess was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Checks the value of the "authorization" metadata (nullopt: absent) against
// `token`. OK, or UNAUTHENTICATED with a message that says what to send:
// "missing authorization metadata: send 'authorization: Bearer <token>'",
// "authorization metadata is not a bearer token: ..." or "invalid bearer token".
absl::Status CheckBearerToken(std::optional<std::string_view> authorization, std::string_view token);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_SECURITY_H_
