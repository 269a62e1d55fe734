#ifndef DOSSIER_SERVICES_INGEST_INGEST_SERVICE_H_
#define DOSSIER_SERVICES_INGEST_INGEST_SERVICE_H_

#include <cstddef>

#include "absl/time/time.h"
#include "dossier/ingest/v1/ingest.grpc.pb.h"
#include "services/ingest/document_store.h"
#include "services/ingest/pipeline.h"

namespace dossier::ingest {

struct IngestServiceOptions {
  // Largest accepted body (--max_body_bytes).
  size_t max_body_bytes = 1 << 20;
  // How long Ingest with wait_for_indexing waits when the call has no deadline.
  absl::Duration default_wait = absl::Seconds(30);
  // With a deadline, Ingest stops waiting this long before it, so the answer
  // arrives in time.
  absl::Duration deadline_margin = absl::Milliseconds(500);
  // Documents per transaction in IngestStream.
  int stream_batch_size = 256;
};

// dossier.ingest.v1.IngestService: converts requests to domain calls
// (BuildArticle, DocumentStore, Pipeline) and results back to protos.
// Every document is durable before its answer. Thread-safe. `store` and
// `pipeline` must outlive the service.
//
// IngestStream stores documents in transactions of up to
// `stream_batch_size` while it reads, answers one IngestResult per
// document in order, and ignores wait_for_indexing.
class IngestServiceImpl final : public ingest::v1::IngestService::Service {
 public:
  IngestServiceImpl(DocumentStore* store, Pipeline* pipeline, IngestServiceOptions options);

  grpc::Status Ingest(grpc::ServerContext* context, const ingest::v1::IngestRequest* request,
                      ingest::v1::IngestResponse* response) override;
  grpc::Status IngestStream(grpc::ServerContext* context,
                            grpc::ServerReader<ingest::v1::IngestRequest>* reader,
                            ingest::v1::IngestStreamResponse* response) override;
  grpc::Status GetDocument(grpc::ServerContext* context, const ingest::v1::GetDocumentRequest* request,
                           common::v1::Document* response) override;
  grpc::Status ListDocuments(grpc::ServerContext* context, const ingest::v1::ListDocumentsRequest* request,
                             ingest::v1::ListDocumentsResponse* response) override;
  grpc::Status Reprocess(grpc::ServerContext* context, const ingest::v1::ReprocessRequest* request,
                         ingest::v1::ReprocessResponse* response) override;

 private:
  // Validates and parses one request into a document to store.
  absl::StatusOr<NewDocument> Prepare(const ingest::v1::IngestRequest& request) const;
  void LogStored(const InsertResult& result) const;

  DocumentStore* const store_;
  Pipeline* const pipeline_;
  const IngestServiceOptions options_;
};

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_INGEST_SERVICE_H_
