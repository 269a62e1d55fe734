#include "libs/common/client_flags.h"

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "libs/common/server.h"

// Defined here rather than in server.cc so that only services that call
// others (ingest) have them.
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA certificate(s): call other services over TLS and verify their certificates against them "
          "(presenting --tls_cert/--tls_key as the client certificate)");
ABSL_FLAG(std::string, tls_server_name, "",
          "With --tls_ca: the name expected in the other services' certificates instead of the host of "
          "their address");

ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, auth_token);
ABSL_DECLARE_FLAG(std::string, auth_token_file);

namespace dossier {

ClientSecurity ClientSecurityFromFlags() {
  ClientSecurityFlags flags;
  flags.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  flags.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  // The server certificate doubles as the client certificate, but only over TLS.
  if (!flags.tls_ca.empty()) {
    flags.tls_cert = absl::GetFlag(FLAGS_tls_cert);
    flags.tls_key = absl::GetFlag(FLAGS_tls_key);
  }
  flags.auth_token = absl::GetFlag(FLAGS_auth_token);
  flags.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
  absl::StatusOr<ClientSecurity> security = LoadClientSecurity(flags);
  if (!security.ok()) ConfigurationError(std::string(security.status().message()));
  return *std::move(security);
}

}  // namespace dossier
