// dossier-query: the query service (search, entity profiles, timelines).

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/flags/flag.h"
#include "libs/common/flags.h"
#include "libs/common/metrics.h"
#include "libs/common/postgres.h"
#include "libs/common/server.h"
#include "services/query/index_store.h"
#include "services/query/query_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, port, 50053, "Port to listen on (0: pick a free one)");
ABSL_FLAG(std::string, data_dir, ".dossier",
          "Directory of the service's data; the index is <data_dir>/query.db");
ABSL_FLAG(int, reader_connections, 4, "SQLite read connections: how many reads run at once");
ABSL_FLAG(std::string, db, "",
          "Where the index lives: empty for SQLite in --data_dir, or a PostgreSQL URL "
          "(postgresql://user:password@host:5432/database; tables prefixed query_, shared by replicas)");
ABSL_FLAG(int, db_pool_size, 0, "PostgreSQL connections (with --db); 0: --reader_connections + 2");
ABSL_FLAG(
    int, search_cache_entries, 64,
    "Ranked match lists of recent searches kept for next pages and repeats (cleared on every Index); 0: off");

int main(int argc, char** argv) {
  dossier::BlockTerminationSignals();
  dossier::ParseFlagsWithEnv(
      argc, argv,
      "dossier-query: the Dossier read model (search, entity profiles, related "
      "entities, timelines).\nUsage: dossier-query [--port=50053] [--data_dir=.dossier | "
      "--db=postgresql://...]");
  dossier::InitServiceLogging("query");
  const dossier::ServerOptions server_options =
      dossier::ServerOptionsFromFlags("query", absl::GetFlag(FLAGS_port), /*default_metrics_port=*/9153);

  const std::string db = absl::GetFlag(FLAGS_db);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (db.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
      spdlog::critical("cannot create --data_dir {}: {}", data_dir, ec.message());
      return 1;
    }
  }
  dossier::query::IndexStoreOptions options;
  options.reader_connections = absl::GetFlag(FLAGS_reader_connections);
  options.search_cache_entries = absl::GetFlag(FLAGS_search_cache_entries);
  options.postgres_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  const std::string db_path = (std::filesystem::path(data_dir) / "query.db").string();
  const std::string db_name = db.empty() ? db_path : dossier::pg::RedactUrl(db);
  auto store = dossier::query::IndexStore::OpenFromFlag(db, db_path, options);
  if (!store.ok()) {
    spdlog::critical("cannot open the index {}: {}", db_name, store.status().ToString());
    return 1;
  }
  spdlog::info("index {} open", db_name);

  dossier::query::QueryServiceImpl service(store->get());
  dossier::metrics::DefaultRegistry().AddCallback(
      "dossier_index_documents", "Documents in the search index", dossier::metrics::MetricType::kGauge, {},
      dossier::metrics::CacheFor(std::chrono::seconds(1), [index = store->get()] {
        absl::StatusOr<int64_t> count = index->DocumentCount();
        if (!count.ok()) return std::vector<dossier::metrics::Sample>{};
        return std::vector<dossier::metrics::Sample>{{{}, static_cast<double>(*count)}};
      }));
  absl::Status status = dossier::RunServer(server_options, {&service}, {"dossier.query.v1.QueryService"});
  if (!status.ok()) {
    spdlog::critical("{}", status.ToString());
    return 1;
  }
  return 0;
}
