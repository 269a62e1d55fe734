#ifndef DOSSIER_LIBS_COMMON_SERVER_SECURITY_H_
#define DOSSIER_LIBS_COMMON_SERVER_SECURITY_H_

#include <grpcpp/security/server_credentials.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dossier {

// How a server protects itself. Everything empty (the default): plaintext,
// no token.
struct ServerSecurity {
  // PEM certificate chain and private key of the server: both set means TLS.
  std::string cert_chain_pem;
  std::string private_key_pem;
  // PEM of a CA (needs TLS): clients must present a certificate signed by it
  // (mutual TLS); connections without one fail the handshake.
  std::string client_ca_pem;
  // When set, every call except grpc.health.v1.Health/* must carry
  // "authorization: Bearer <auth_token>", or it fails with UNAUTHENTICATED.
  std::string auth_token;

  bool tls() const { return !cert_chain_pem.empty(); }
};

// Paths and values as the flags give them (--tls_cert, --tls_key,
// --tls_client_ca, --auth_token, --auth_token_file).
struct ServerSecurityFlags {
  std::string tls_cert, tls_key, tls_client_ca, auth_token, auth_token_file;
};

// Reads the files. INVALID_ARGUMENT naming the flag when a file is missing,
// unreadable or not PEM, when only one of --tls_cert and --tls_key is set,
// when --tls_client_ca is set without them, or for a bad token (see
// LoadAuthToken).
absl::StatusOr<ServerSecurity> LoadServerSecurity(const ServerSecurityFlags& flags);

// Called for every call rejected for its token, with the method path
// ("/package.Service/Method"); used to count it.
using RejectedCallObserver = std::function<void(std::string_view method_path)>;

// Server credentials for `security`: TLS or plaintext, and, with a token,
// a check of the "authorization" metadata of every call before any handler
// (or interceptor) sees it. The check is an auth metadata processor run by
// gRPC's server auth filter, which gRPC runs for plaintext ports too, so
// reflection is protected like everything else; grpc.health.v1.Health is
// exempt so probes need no token. The token metadata is consumed: handlers
// do not see it.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const ServerSecurity& security,
                                                               RejectedCallObserver on_rejected = nullptr);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_SERVER_SECURITY_H_
