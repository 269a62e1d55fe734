#ifndef DOSSIER_SERVICES_ENTITY_ENTITY_SERVICE_H_
#define DOSSIER_SERVICES_ENTITY_ENTITY_SERVICE_H_

#include <cstddef>

#include "dossier/entity/v1/entity.grpc.pb.h"
#include "services/entity/knowledge_base.h"

// dossier.entity.v1.EntityService: validates requests, converts protos to
// domain types and back (byte offsets to code points), and calls
// KnowledgeBase. Thread-safe; `kb` must outlive the service.

namespace dossier::entity {

class EntityServiceImpl final : public dossier::entity::v1::EntityService::Service {
 public:
  struct Options {
    // Largest text Annotate accepts, in bytes (--max_text_bytes).
    size_t max_text_bytes = 1 << 20;
  };

  EntityServiceImpl(KnowledgeBase* kb, Options options) : kb_(kb), options_(options) {}

  grpc::Status Annotate(grpc::ServerContext* context, const v1::AnnotateRequest* request,
                        v1::AnnotateResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         common::v1::Entity* response) override;
  grpc::Status ResolveName(grpc::ServerContext* context, const v1::ResolveNameRequest* request,
                           v1::ResolveNameResponse* response) override;
  grpc::Status SearchEntities(grpc::ServerContext* context, const v1::SearchEntitiesRequest* request,
                              v1::SearchEntitiesResponse* response) override;
  grpc::Status AddAlias(grpc::ServerContext* context, const v1::AddAliasRequest* request,
                        common::v1::Entity* response) override;
  grpc::Status MergeEntities(grpc::ServerContext* context, const v1::MergeEntitiesRequest* request,
                             common::v1::Entity* response) override;

 private:
  KnowledgeBase* kb_;
  Options options_;
};

// Copies a domain entity into its proto.
void ToProto(const KbEntity& entity, common::v1::Entity* out);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_ENTITY_SERVICE_H_
