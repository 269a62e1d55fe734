#ifndef DOSSIER_LIBS_COMMON_CLIENT_H_
#define DOSSIER_LIBS_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dossier/entity/v1/entity.grpc.pb.h"
#include "dossier/ingest/v1/ingest.grpc.pb.h"
#include "dossier/query/v1/query.grpc.pb.h"
#include "libs/common/grpc_status.h"

namespace dossier {

// How a client reaches servers. Everything empty (the default): plaintext,
// no token.
struct ClientSecurity {
  // PEM of the CA(s) that signed the servers' certificates; set: TLS, and
  // the server must present a certificate it signed for the address's host
  // (or for `server_name`).
  std::string root_certs_pem;
  // Client certificate chain and key presented to servers that require one
  // (mutual TLS); both or neither; only with TLS.
  std::string cert_chain_pem;
  std::string private_key_pem;
  // Overrides the name expected in the server's certificate (for example
  // when calling through a port-forward to localhost).
  std::string server_name;
  // Sent as "authorization: Bearer <auth_token>" with every call.
  std::string auth_token;

  bool tls() const { return !root_certs_pem.empty(); }
};

// Paths and values as flags give them: --tls_ca, --tls_cert, --tls_key,
// --tls_server_name, --auth_token, --auth_token_file.
struct ClientSecurityFlags {
  std::string tls_ca, tls_cert, tls_key, tls_server_name, auth_token, auth_token_file;
};

// Reads the files. INVALID_ARGUMENT naming the flag when a file is missing,
// unreadable or not PEM, when only one of --tls_cert and --tls_key is set,
// when --tls_cert or --tls_server_name is set without --tls_ca, or for a bad
// token (see LoadAuthToken in libs/common/security.h).
absl::StatusOr<ClientSecurity> LoadClientSecurity(const ClientSecurityFlags& flags);

// A channel to `address` ("host:port") with Dossier's message size limit,
// over TLS when `security` says so. The token is not part of the channel:
// PrepareContext adds it to each call.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const ClientSecurity& security = {});

// Sets up a call: deadline `timeout` from now and, when `auth_token` is set,
// the "authorization: Bearer <auth_token>" metadata (per call rather than as
// call credentials, which gRPC refuses to send over plaintext). Every call
// Dossier makes goes through here: CallUnary and the streaming calls.
void PrepareContext(grpc::ClientContext* context, std::chrono::milliseconds timeout,
                    const std::string& auth_token = "");

// Calls a unary method with a deadline `timeout` from now (and the token, if
// any); the gRPC status comes back as an absl::Status with the same code and
// message.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, std::chrono::milliseconds timeout, const std::string& auth_token = "") {
  grpc::ClientContext context;
  PrepareContext(&context, timeout, auth_token);
  Response response;
  grpc::Status status = (stub->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Typed clients over the generated stubs, each call with a deadline and the
// token of `security`. They are thread-safe (gRPC stubs are) and cheap to
// copy around by pointer.
class IngestClient {
 public:
  explicit IngestClient(const std::string& address,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30),
                        const ClientSecurity& security = {});
  using Stub = ingest::v1::IngestService::Stub;
  absl::StatusOr<ingest::v1::IngestResponse> Ingest(const ingest::v1::IngestRequest& r) {
    return CallUnary(stub_.get(), &Stub::Ingest, r, timeout_, auth_token_);
  }
  absl::StatusOr<common::v1::Document> GetDocument(const ingest::v1::GetDocumentRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetDocument, r, timeout_, auth_token_);
  }
  absl::StatusOr<ingest::v1::ListDocumentsResponse> ListDocuments(const ingest::v1::ListDocumentsRequest& r) {
    return CallUnary(stub_.get(), &Stub::ListDocuments, r, timeout_, auth_token_);
  }
  absl::StatusOr<ingest::v1::ReprocessResponse> Reprocess(const ingest::v1::ReprocessRequest& r) {
    return CallUnary(stub_.get(), &Stub::Reprocess, r, timeout_, auth_token_);
  }
  // For calls the wrappers do not cover (IngestStream): set up every context
  // with PrepareContext.
  Stub* stub() { return stub_.get(); }
  std::chrono::milliseconds timeout() const { return timeout_; }
  void PrepareContext(grpc::ClientContext* context) const {
    dossier::PrepareContext(context, timeout_, auth_token_);
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
  std::string auth_token_;
};

class EntityClient {
 public:
  explicit EntityClient(const std::string& address,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30),
                        const ClientSecurity& security = {});
  using Stub = entity::v1::EntityService::Stub;
  absl::StatusOr<entity::v1::AnnotateResponse> Annotate(const entity::v1::AnnotateRequest& r) {
    return CallUnary(stub_.get(), &Stub::Annotate, r, timeout_, auth_token_);
  }
  absl::StatusOr<common::v1::Entity> GetEntity(const entity::v1::GetEntityRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetEntity, r, timeout_, auth_token_);
  }
  absl::StatusOr<entity::v1::ResolveNameResponse> ResolveName(const entity::v1::ResolveNameRequest& r) {
    return CallUnary(stub_.get(), &Stub::ResolveName, r, timeout_, auth_token_);
  }
  absl::StatusOr<entity::v1::SearchEntitiesResponse> SearchEntities(
      const entity::v1::SearchEntitiesRequest& r) {
    return CallUnary(stub_.get(), &Stub::SearchEntities, r, timeout_, auth_token_);
  }
  absl::StatusOr<common::v1::Entity> AddAlias(const entity::v1::AddAliasRequest& r) {
    return CallUnary(stub_.get(), &Stub::AddAlias, r, timeout_, auth_token_);
  }
  absl::StatusOr<common::v1::Entity> MergeEntities(const entity::v1::MergeEntitiesRequest& r) {
    return CallUnary(stub_.get(), &Stub::MergeEntities, r, timeout_, auth_token_);
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
  std::string auth_token_;
};

class QueryClient {
 public:
  explicit QueryClient(const std::string& address,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       const ClientSecurity& security = {});
  using Stub = query::v1::QueryService::Stub;
  absl::StatusOr<query::v1::IndexResponse> Index(const query::v1::IndexRequest& r) {
    return CallUnary(stub_.get(), &Stub::Index, r, timeout_, auth_token_);
  }
  absl::StatusOr<query::v1::SearchResponse> Search(const query::v1::SearchRequest& r) {
    return CallUnary(stub_.get(), &Stub::Search, r, timeout_, auth_token_);
  }
  absl::StatusOr<query::v1::EntityProfile> GetEntityProfile(const query::v1::GetEntityProfileRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetEntityProfile, r, timeout_, auth_token_);
  }
  absl::StatusOr<query::v1::RelatedResponse> Related(const query::v1::RelatedRequest& r) {
    return CallUnary(stub_.get(), &Stub::Related, r, timeout_, auth_token_);
  }
  absl::StatusOr<query::v1::TimelineResponse> Timeline(const query::v1::TimelineRequest& r) {
    return CallUnary(stub_.get(), &Stub::Timeline, r, timeout_, auth_token_);
  }
  absl::StatusOr<common::v1::Document> GetDocument(const query::v1::GetDocumentRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetDocument, r, timeout_, auth_token_);
  }
  absl::StatusOr<query::v1::ListEventsResponse> ListEvents(const query::v1::ListEventsRequest& r) {
    return CallUnary(stub_.get(), &Stub::ListEvents, r, timeout_, auth_token_);
  }
  Stub* stub() { return stub_.get(); }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
  std::string auth_token_;
};

// Asks the standard health service of the server at `address` whether
// `service` ("" for the whole server) is SERVING. Health needs no token,
// but `security` decides TLS.
absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                 const ClientSecurity& security = {});

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_CLIENT_H_
