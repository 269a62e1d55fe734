#include "libs/common/client.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/common/security.h"

namespace dossier {

absl::StatusOr<ClientSecurity> LoadClientSecurity(const ClientSecurityFlags& flags) {
  ClientSecurity security;
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    return absl::InvalidArgumentError(
        flags.tls_cert.empty() ? "--tls_key is set but --tls_cert is not: a client certificate needs both"
                               : "--tls_cert is set but --tls_key is not: a client certificate needs both");
  }
  if (flags.tls_ca.empty()) {
    if (!flags.tls_cert.empty()) {
      return absl::InvalidArgumentError(
          "--tls_cert needs --tls_ca (client certificates are only sent over TLS)");
    }
    if (!flags.tls_server_name.empty()) {
      return absl::InvalidArgumentError("--tls_server_name needs --tls_ca (it is the name checked over TLS)");
    }
  } else {
    absl::StatusOr<std::string> ca = ReadPemFile("tls_ca", flags.tls_ca);
    if (!ca.ok()) return ca.status();
    security.root_certs_pem = *std::move(ca);
    if (!flags.tls_cert.empty()) {
      if (absl::Status read = ReadKeyPair(flags.tls_cert, flags.tls_key, &security.cert_chain_pem,
                                             &security.private_key_pem);
          !read.ok()) {
        return read;
      }
    }
    security.server_name = flags.tls_server_name;
  }
  absl::StatusOr<std::string> token = LoadAuthToken(flags.auth_token, flags.auth_token_file);
  if (!token.ok()) return token.status();
  security.auth_token = *std::move(token);
  return security;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const ClientSecurity& security) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  // Spread calls over every address the name resolves to: with a headless
  // Kubernetes Service ("dns:///dossier-entity-pods:50052") that is every
  // replica; with one address it changes nothing.
  args.SetLoadBalancingPolicyName("round_robin");
  if (!security.tls()) return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = security.root_certs_pem;
  ssl.pem_cert_chain = security.cert_chain_pem;
  ssl.pem_private_key = security.private_key_pem;
  if (!security.server_name.empty()) args.SetSslTargetNameOverride(security.server_name);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

void PrepareContext(grpc::ClientContext* context, std::chrono::milliseconds timeout,
                    const std::string& auth_token) {
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!auth_token.empty()) context->AddMetadata(kAuthorizationKey, absl::StrCat(kBearerPrefix, auth_token));
}

IngestClient::IngestClient(const std::string& address, std::chrono::milliseconds timeout,
                           const ClientSecurity& security)
    : stub_(ingest::v1::IngestService::NewStub(MakeChannel(address, security))),
      timeout_(timeout),
      auth_token_(security.auth_token) {}
EntityClient::EntityClient(const std::string& address, std::chrono::milliseconds timeout,
                           const ClientSecurity& security)
    : stub_(entity::v1::EntityService::NewStub(MakeChannel(address, security))),
      timeout_(timeout),
      auth_token_(security.auth_token) {}
QueryClient::QueryClient(const std::string& address, std::chrono::milliseconds timeout,
                         const ClientSecurity& security)
    : stub_(query::v1::QueryService::NewStub(MakeChannel(address, security))),
      timeout_(timeout),
      auth_token_(security.auth_token) {}

absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service,
                                 std::chrono::milliseconds timeout, const ClientSecurity& security) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(address, security));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  auto response =
      CallUnary(stub.get(), &grpc::health::v1::Health::Stub::Check, request, timeout, security.auth_token);
  if (!response.ok()) return response.status();
  return response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace dossier
