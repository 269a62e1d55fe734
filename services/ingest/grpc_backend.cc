#include "services/ingest/grpc_backend.h"

namespace dossier::ingest {

GrpcPipelineBackend::GrpcPipelineBackend(const std::string& entity_addr, const std::string& query_addr,
                                         std::chrono::milliseconds call_timeout,
                                         const ClientSecurity& security)
    : entity_(entity_addr, call_timeout, security), query_(query_addr, call_timeout, security) {}

absl::StatusOr<common::v1::Document> GrpcPipelineBackend::Annotate(const common::v1::Document& document) {
  entity::v1::AnnotateRequest request;
  request.set_text(document.body());
  request.set_title(document.title());
  *request.mutable_published() = document.published();
  request.set_language(document.language());
  request.set_document_id(document.id());
  absl::StatusOr<entity::v1::AnnotateResponse> response = entity_.Annotate(request);
  if (!response.ok()) return response.status();
  common::v1::Document annotation;
  *annotation.mutable_sentences() = std::move(*response->mutable_sentences());
  *annotation.mutable_mentions() = std::move(*response->mutable_mentions());
  *annotation.mutable_entities() = std::move(*response->mutable_entities());
  *annotation.mutable_events() = std::move(*response->mutable_events());
  return annotation;
}

absl::Status GrpcPipelineBackend::Index(const common::v1::Document& document) {
  query::v1::IndexRequest request;
  *request.mutable_document() = document;
  return query_.Index(request).status();
}

}  // namespace dossier::ingest
