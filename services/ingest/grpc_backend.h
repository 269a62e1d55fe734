#ifndef DOSSIER_SERVICES_INGEST_GRPC_BACKEND_H_
#define DOSSIER_SERVICES_INGEST_GRPC_BACKEND_H_

#include <chrono>
#include <string>

#include "libs/common/client.h"
#include "services/ingest/pipeline.h"

namespace dossier::ingest {

// PipelineBackend over gRPC: Annotate goes to the entity service, Index to
// the query service, each call with deadline `call_timeout`
// (--call_timeout_ms) and the TLS and token of `security` (--tls_ca,
// --auth_token...). Channels connect lazily, so a service that is down
// gives UNAVAILABLE (retried by the pipeline), not a start-up failure.
// Thread-safe.
class GrpcPipelineBackend : public PipelineBackend {
 public:
  GrpcPipelineBackend(const std::string& entity_addr, const std::string& query_addr,
                      std::chrono::milliseconds call_timeout, const ClientSecurity& security = {});

  absl::StatusOr<common::v1::Document> Annotate(const common::v1::Document& document) override;
  absl::Status Index(const common::v1::Document& document) override;

 private:
  EntityClient entity_;
  QueryClient query_;
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_GRPC_BACKEND_H_
