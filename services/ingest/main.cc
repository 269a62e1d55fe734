// dossier-ingest: takes articles, cleans and stores them, and drives them
// through annotation (entity service) and indexing (query service).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "libs/common/client_flags.h"
#include "libs/common/flags.h"
#include "libs/common/metrics.h"
#include "libs/common/server.h"
#include "services/ingest/document_store.h"
#include "services/ingest/grpc_backend.h"
#include "services/ingest/ingest_service.h"
#include "services/ingest/pipeline.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, port, 50051, "Port to serve dossier.ingest.v1.IngestService on (0: pick a free one)");
ABSL_FLAG(std::string, data_dir, ".dossier",
          "Directory of the document store (ingest.db); created if missing");
ABSL_FLAG(std::string, entity_addr, "localhost:50052", "Address of the entity service (Annotate)");
ABSL_FLAG(std::string, query_addr, "localhost:50053", "Address of the query service (Index)");
ABSL_FLAG(int, workers, 4, "Pipeline worker threads");
ABSL_FLAG(int64_t, max_body_bytes, 1048576, "Largest accepted document body, in bytes");
ABSL_FLAG(int, call_timeout_ms, 10000, "Deadline of each Annotate and Index call, in milliseconds");
ABSL_FLAG(int, retry_max_backoff_ms, 5000,
          "Longest wait between retries of a document while entity or query is unavailable, in milliseconds");
ABSL_FLAG(std::string, db, "",
          "Document store: empty for SQLite in --data_dir (ingest.db), or a PostgreSQL URL "
          "(postgresql://user:password@host:5432/dossier) that replicas share");
ABSL_FLAG(int, db_pool_size, 0, "PostgreSQL connections per process (0: --workers + 4)");
ABSL_FLAG(int, claim_lease_ms, 60000,
          "How long a worker's claim on a document lasts, in milliseconds; when a replica dies, its documents "
          "wait this long before another replica takes them over. At least 2 x --call_timeout_ms + 1000");

namespace {

[[noreturn]] void Fatal(const std::string& message) {
  spdlog::critical("{}", message);
  std::fprintf(stderr, "dossier-ingest: %s\n", message.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  dossier::BlockTerminationSignals();
  dossier::ParseFlagsWithEnv(
      argc, argv,
      "dossier-ingest: stores articles and drives them through annotation and indexing.\n"
      "Usage: dossier-ingest [--port=50051] [--data_dir=.dossier | --db=postgresql://...] [--entity_addr=...] "
      "[--query_addr=...]");
  dossier::InitServiceLogging("ingest");
  const dossier::ServerOptions server_options =
      dossier::ServerOptionsFromFlags("ingest", absl::GetFlag(FLAGS_port), /*default_metrics_port=*/9151);
  const dossier::ClientSecurity client_security = dossier::ClientSecurityFromFlags();

  const int workers = absl::GetFlag(FLAGS_workers);
  const int64_t max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  const int call_timeout_ms = absl::GetFlag(FLAGS_call_timeout_ms);
  const int retry_max_backoff_ms = absl::GetFlag(FLAGS_retry_max_backoff_ms);
  if (workers < 1 || workers > 256) Fatal("--workers must be between 1 and 256");
  if (max_body_bytes < 1) Fatal("--max_body_bytes must be positive");
  if (call_timeout_ms < 1) Fatal("--call_timeout_ms must be positive");
  if (retry_max_backoff_ms < 1) Fatal("--retry_max_backoff_ms must be positive");
  const int claim_lease_ms = absl::GetFlag(FLAGS_claim_lease_ms);
  // A claim must outlast one Annotate and one Index call, plus store round trips.
  const int64_t min_claim_lease_ms = 2 * static_cast<int64_t>(call_timeout_ms) + 1000;
  if (claim_lease_ms < min_claim_lease_ms) {
    Fatal("--claim_lease_ms=" + std::to_string(claim_lease_ms) + " is too short for --call_timeout_ms=" +
          std::to_string(call_timeout_ms) + ": a claim must outlast an Annotate and an Index call, so it must be at "
          "least 2 x --call_timeout_ms + 1000 = " + std::to_string(min_claim_lease_ms));
  }
  const int db_pool_size = absl::GetFlag(FLAGS_db_pool_size) == 0 ? workers + 4 : absl::GetFlag(FLAGS_db_pool_size);
  if (db_pool_size < 1 || db_pool_size > 1000) Fatal("--db_pool_size must be between 1 and 1000 (0: --workers + 4)");

  auto store = dossier::ingest::OpenDocumentStore(absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_data_dir), db_pool_size);
  if (!store.ok()) {
    Fatal("cannot open the document store: " + std::string(store.status().message()) +
          (absl::GetFlag(FLAGS_db).empty() ? " (check --data_dir and its permissions)" : " (check --db)"));
  }
  spdlog::info("document store: {}", (*store)->Description());

  dossier::ingest::GrpcPipelineBackend backend(absl::GetFlag(FLAGS_entity_addr),
                                               absl::GetFlag(FLAGS_query_addr),
                                               std::chrono::milliseconds(call_timeout_ms), client_security);
  dossier::ingest::PipelineOptions pipeline_options;
  pipeline_options.workers = workers;
  pipeline_options.max_backoff = absl::Milliseconds(retry_max_backoff_ms);
  pipeline_options.initial_backoff = std::min(pipeline_options.initial_backoff, pipeline_options.max_backoff);
  pipeline_options.claim_lease = absl::Milliseconds(claim_lease_ms);
  dossier::ingest::Pipeline pipeline(store->get(), &backend, pipeline_options);
  spdlog::info("entity service at {}, query service at {}", absl::GetFlag(FLAGS_entity_addr),
               absl::GetFlag(FLAGS_query_addr));
  pipeline.Start();

  dossier::ingest::IngestServiceOptions service_options;
  service_options.max_body_bytes = static_cast<size_t>(max_body_bytes);
  dossier::ingest::IngestServiceImpl service(store->get(), &pipeline, service_options);
  dossier::metrics::DefaultRegistry().AddCallback(
      "dossier_pipeline_documents", "Documents in the document store, by pipeline state",
      dossier::metrics::MetricType::kGauge, {"state"},
      dossier::metrics::CacheFor(std::chrono::seconds(1), [documents = store->get()] {
        std::vector<dossier::metrics::Sample> samples;
        absl::StatusOr<std::map<dossier::ingest::DocState, int64_t>> counts = documents->CountByState();
        if (!counts.ok()) return samples;
        for (auto state : {dossier::ingest::DocState::kReceived, dossier::ingest::DocState::kAnnotated,
                           dossier::ingest::DocState::kIndexed, dossier::ingest::DocState::kFailed}) {
          auto it = counts->find(state);
          samples.push_back({{dossier::ingest::DocStateName(state)},
                             it == counts->end() ? 0.0 : static_cast<double>(it->second)});
        }
        return samples;
      }));

  absl::Status status = dossier::RunServer(server_options, {&service}, {"dossier.ingest.v1.IngestService"},
                                           [&pipeline] { pipeline.Stop(); });
  pipeline.Stop();
  if (!status.ok()) Fatal(std::string(status.message()));
  return 0;
}
