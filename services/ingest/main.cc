// dossier-ingest: takes articles, cleans and stores them, and drives them
// through annotation (entity service) and indexing (query service).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "libs/common/flags.h"
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
      "Usage: dossier-ingest [--port=50051] [--data_dir=.dossier] [--entity_addr=...] "
      "[--query_addr=...]");
  dossier::InitServiceLogging("ingest");

  const int workers = absl::GetFlag(FLAGS_workers);
  const int64_t max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  const int call_timeout_ms = absl::GetFlag(FLAGS_call_timeout_ms);
  const int retry_max_backoff_ms = absl::GetFlag(FLAGS_retry_max_backoff_ms);
  if (workers < 1 || workers > 256) Fatal("--workers must be between 1 and 256");
  if (max_body_bytes < 1) Fatal("--max_body_bytes must be positive");
  if (call_timeout_ms < 1) Fatal("--call_timeout_ms must be positive");
  if (retry_max_backoff_ms < 1) Fatal("--retry_max_backoff_ms must be positive");

  const std::filesystem::path data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) Fatal("cannot create --data_dir " + data_dir.string() + ": " + ec.message());
  const std::string db_path = (data_dir / "ingest.db").string();
  auto store = dossier::ingest::DocumentStore::Open(db_path);
  if (!store.ok()) {
    Fatal("cannot open the document store " + db_path + ": " + std::string(store.status().message()) +
          " (check --data_dir and its permissions)");
  }
  spdlog::info("document store {}", db_path);

  dossier::ingest::GrpcPipelineBackend backend(absl::GetFlag(FLAGS_entity_addr),
                                               absl::GetFlag(FLAGS_query_addr),
                                               std::chrono::milliseconds(call_timeout_ms));
  dossier::ingest::PipelineOptions pipeline_options;
  pipeline_options.workers = workers;
  pipeline_options.max_backoff = absl::Milliseconds(retry_max_backoff_ms);
  pipeline_options.initial_backoff = std::min(pipeline_options.initial_backoff, pipeline_options.max_backoff);
  dossier::ingest::Pipeline pipeline(store->get(), &backend, pipeline_options);
  spdlog::info("entity service at {}, query service at {}", absl::GetFlag(FLAGS_entity_addr),
               absl::GetFlag(FLAGS_query_addr));
  pipeline.Start();

  dossier::ingest::IngestServiceOptions service_options;
  service_options.max_body_bytes = static_cast<size_t>(max_body_bytes);
  dossier::ingest::IngestServiceImpl service(store->get(), &pipeline, service_options);

  absl::Status status =
      dossier::RunServer(dossier::ServerOptionsFromFlags(absl::GetFlag(FLAGS_port)), {&service},
                         {"dossier.ingest.v1.IngestService"}, [&pipeline] { pipeline.Stop(); });
  pipeline.Stop();
  if (!status.ok()) Fatal(std::string(status.message()));
  return 0;
}
