#include "libs/common/server_security.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/security.h"

namespace dossier {
namespace {

std::string_view View(const grpc_slice& slice) {
  return std::string_view(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                          GRPC_SLICE_LENGTH(slice));
}

constexpr std::string_view kHealthPrefix = "/grpc.health.v1.Health/";

struct TokenCheck {
  std::string token;
  RejectedCallObserver on_rejected;
};

// grpc_auth_metadata_processor.process: runs on gRPC's thread for each new
// call, before the call reaches the server; cheap and non-blocking, so it
// answers at once.
void ProcessAuthMetadata(void* state, grpc_auth_context* /*context*/, const grpc_metadata* md, size_t num_md,
                         grpc_process_auth_metadata_done_cb done, void* user_data) {
  const TokenCheck& check = **static_cast<std::shared_ptr<const TokenCheck>*>(state);
  std::string_view path;
  const grpc_metadata* authorization = nullptr;
  for (size_t i = 0; i < num_md; ++i) {
    const std::string_view key = View(md[i].key);
    if (key == ":path") {
      path = View(md[i].value);
    } else if (key == kAuthorizationKey && authorization == nullptr) {
      authorization = &md[i];
    }
  }
  const size_t consumed = authorization != nullptr ? 1 : 0;
  // Health checks need no token: Kubernetes probes and load balancers do not
  // have it.
  if (path.substr(0, kHealthPrefix.size()) == kHealthPrefix) {
    done(user_data, authorization, consumed, nullptr, 0, GRPC_STATUS_OK, nullptr);
    return;
  }
  std::optional<std::string_view> value;
  if (authorization != nullptr) value = View(authorization->value);
  const absl::Status status = CheckBearerToken(value, check.token);
  if (status.ok()) {
    done(user_data, authorization, consumed, nullptr, 0, GRPC_STATUS_OK, nullptr);
    return;
  }
  if (check.on_rejected) check.on_rejected(path);
  const std::string message(status.message());
  done(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_UNAUTHENTICATED, message.c_str());
}

void DestroyTokenCheck(void* state) { delete static_cast<std::shared_ptr<const TokenCheck>*>(state); }

// Server credentials built on gRPC core, so one auth metadata processor
// serves TLS and plaintext ports alike (grpc::InsecureServerCredentials()
// refuses a processor in gRPC 1.51, though core's insecure credentials run
// it).
class DossierServerCredentials final : public grpc::ServerCredentials {
 public:
  DossierServerCredentials(ServerSecurity security, RejectedCallObserver on_rejected)
      : security_(std::move(security)) {
    if (!security_.auth_token.empty()) {
      auto check = std::make_shared<TokenCheck>();
      check->token = security_.auth_token;
      check->on_rejected = std::move(on_rejected);
      check_ = std::move(check);
    }
  }

  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>& /*processor*/) override {
    // These credentials install their own processor (the token check).
    std::abort();
  }

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    grpc_server_credentials* creds = nullptr;
    if (security_.tls()) {
      grpc_ssl_pem_key_cert_pair pair = {security_.private_key_pem.c_str(), security_.cert_chain_pem.c_str()};
      const bool mutual = !security_.client_ca_pem.empty();
      creds = grpc_ssl_server_credentials_create_ex(
          mutual ? security_.client_ca_pem.c_str() : nullptr, &pair, 1,
          mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                 : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
          nullptr);
    } else {
      creds = grpc_insecure_server_credentials_create();
    }
    if (creds == nullptr) return 0;
    if (check_) {
      grpc_auth_metadata_processor processor = {&ProcessAuthMetadata, &DestroyTokenCheck,
                                                new std::shared_ptr<const TokenCheck>(check_)};
      grpc_server_credentials_set_auth_metadata_processor(creds, processor);
    }
    const int port = grpc_server_add_http2_port(server, addr.c_str(), creds);
    grpc_server_credentials_release(creds);
    return port;
  }

  const ServerSecurity security_;
  std::shared_ptr<const TokenCheck> check_;
};

}  // namespace

absl::StatusOr<ServerSecurity> LoadServerSecurity(const ServerSecurityFlags& flags) {
  ServerSecurity security;
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    return absl::InvalidArgumentError(flags.tls_cert.empty()
                                          ? "--tls_key is set but --tls_cert is not: TLS needs both"
                                          : "--tls_cert is set but --tls_key is not: TLS needs both");
  }
  if (!flags.tls_client_ca.empty() && flags.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca needs TLS: set --tls_cert and --tls_key too (client certificates are only checked "
        "over TLS)");
  }
  if (!flags.tls_cert.empty()) {
    if (absl::Status read = ReadKeyPair(flags.tls_cert, flags.tls_key, &security.cert_chain_pem,
                                           &security.private_key_pem);
        !read.ok()) {
      return read;
    }
  }
  if (!flags.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadPemFile("tls_client_ca", flags.tls_client_ca);
    if (!ca.ok()) return ca.status();
    security.client_ca_pem = *std::move(ca);
  }
  absl::StatusOr<std::string> token = LoadAuthToken(flags.auth_token, flags.auth_token_file);
  if (!token.ok()) return token.status();
  security.auth_token = *std::move(token);
  return security;
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const ServerSecurity& security,
                                                               RejectedCallObserver on_rejected) {
  return std::make_shared<DossierServerCredentials>(security, std::move(on_rejected));
}

}  // namespace dossier
