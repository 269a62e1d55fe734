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

// A channel to `address` ("host:port") with Dossier's message size limit.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Calls a unary method with a deadline `timeout` from now; the gRPC status
// comes back as an absl::Status with the same code and message.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(Stub* stub,
                                   grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                                Response*),
                                   const Request& request, std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  Response response;
  grpc::Status status = (stub->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Typed clients over the generated stubs, each call with a deadline. They
// are thread-safe (gRPC stubs are) and cheap to copy around by pointer.
class IngestClient {
 public:
  explicit IngestClient(const std::string& address,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));
  using Stub = ingest::v1::IngestService::Stub;
  absl::StatusOr<ingest::v1::IngestResponse> Ingest(const ingest::v1::IngestRequest& r) {
    return CallUnary(stub_.get(), &Stub::Ingest, r, timeout_);
  }
  absl::StatusOr<common::v1::Document> GetDocument(const ingest::v1::GetDocumentRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetDocument, r, timeout_);
  }
  absl::StatusOr<ingest::v1::ListDocumentsResponse> ListDocuments(const ingest::v1::ListDocumentsRequest& r) {
    return CallUnary(stub_.get(), &Stub::ListDocuments, r, timeout_);
  }
  absl::StatusOr<ingest::v1::ReprocessResponse> Reprocess(const ingest::v1::ReprocessRequest& r) {
    return CallUnary(stub_.get(), &Stub::Reprocess, r, timeout_);
  }
  Stub* stub() { return stub_.get(); }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

class EntityClient {
 public:
  explicit EntityClient(const std::string& address,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));
  using Stub = entity::v1::EntityService::Stub;
  absl::StatusOr<entity::v1::AnnotateResponse> Annotate(const entity::v1::AnnotateRequest& r) {
    return CallUnary(stub_.get(), &Stub::Annotate, r, timeout_);
  }
  absl::StatusOr<common::v1::Entity> GetEntity(const entity::v1::GetEntityRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetEntity, r, timeout_);
  }
  absl::StatusOr<entity::v1::ResolveNameResponse> ResolveName(const entity::v1::ResolveNameRequest& r) {
    return CallUnary(stub_.get(), &Stub::ResolveName, r, timeout_);
  }
  absl::StatusOr<entity::v1::SearchEntitiesResponse> SearchEntities(
      const entity::v1::SearchEntitiesRequest& r) {
    return CallUnary(stub_.get(), &Stub::SearchEntities, r, timeout_);
  }
  absl::StatusOr<common::v1::Entity> AddAlias(const entity::v1::AddAliasRequest& r) {
    return CallUnary(stub_.get(), &Stub::AddAlias, r, timeout_);
  }
  absl::StatusOr<common::v1::Entity> MergeEntities(const entity::v1::MergeEntitiesRequest& r) {
    return CallUnary(stub_.get(), &Stub::MergeEntities, r, timeout_);
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

class QueryClient {
 public:
  explicit QueryClient(const std::string& address,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  using Stub = query::v1::QueryService::Stub;
  absl::StatusOr<query::v1::IndexResponse> Index(const query::v1::IndexRequest& r) {
    return CallUnary(stub_.get(), &Stub::Index, r, timeout_);
  }
  absl::StatusOr<query::v1::SearchResponse> Search(const query::v1::SearchRequest& r) {
    return CallUnary(stub_.get(), &Stub::Search, r, timeout_);
  }
  absl::StatusOr<query::v1::EntityProfile> GetEntityProfile(const query::v1::GetEntityProfileRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetEntityProfile, r, timeout_);
  }
  absl::StatusOr<query::v1::RelatedResponse> Related(const query::v1::RelatedRequest& r) {
    return CallUnary(stub_.get(), &Stub::Related, r, timeout_);
  }
  absl::StatusOr<query::v1::TimelineResponse> Timeline(const query::v1::TimelineRequest& r) {
    return CallUnary(stub_.get(), &Stub::Timeline, r, timeout_);
  }
  absl::StatusOr<common::v1::Document> GetDocument(const query::v1::GetDocumentRequest& r) {
    return CallUnary(stub_.get(), &Stub::GetDocument, r, timeout_);
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

// Asks the standard health service of the server at `address` whether
// `service` ("" for the whole server) is SERVING.
absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_CLIENT_H_
