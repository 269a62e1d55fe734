#ifndef DOSSIER_SERVICES_QUERY_QUERY_SERVICE_H_
#define DOSSIER_SERVICES_QUERY_QUERY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "dossier/query/v1/query.grpc.pb.h"
#include "services/query/index_store.h"

namespace dossier::query {

// The gRPC face of the query service: converts requests to IndexStore calls
// and results back to protos; every error is a canonical status with a
// message saying what to fix (the store does the validation). Thread-safe;
// does not own `store`, which must outlive it.
class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  explicit QueryServiceImpl(IndexStore* store) : store_(store) {}

  grpc::Status Index(grpc::ServerContext* context, const v1::IndexRequest* request,
                     v1::IndexResponse* response) override;
  grpc::Status Search(grpc::ServerContext* context, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override;
  grpc::Status GetEntityProfile(grpc::ServerContext* context, const v1::GetEntityProfileRequest* request,
                                v1::EntityProfile* response) override;
  grpc::Status Related(grpc::ServerContext* context, const v1::RelatedRequest* request,
                       v1::RelatedResponse* response) override;
  grpc::Status Timeline(grpc::ServerContext* context, const v1::TimelineRequest* request,
                        v1::TimelineResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           common::v1::Document* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;
  // Streams every match; stops with CANCELLED when the client cancels or
  // goes away.
  grpc::Status ExportEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                            grpc::ServerWriter<common::v1::Event>* writer) override;

 private:
  IndexStore* store_;
};

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_QUERY_SERVICE_H_
