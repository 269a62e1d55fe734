// dossier-query: the query service (search, entity profiles, timelines).

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/flags/flag.h"
#include "libs/common/flags.h"
#include "libs/common/server.h"
#include "services/query/index_store.h"
#include "services/query/query_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, port, 50053, "Port to listen on (0: pick a free one)");
ABSL_FLAG(std::string, data_dir, ".dossier",
          "Directory of the service's data; the index is <data_dir>/query.db");
ABSL_FLAG(int, reader_connections, 4, "SQLite read connections: how many reads run at once");
ABSL_FLAG(
    int, search_cache_entries, 64,
    "Ranked match lists of recent searches kept for next pages and repeats (cleared on every Index); 0: off");

int main(int argc, char** argv) {
  dossier::BlockTerminationSignals();
  dossier::ParseFlagsWithEnv(
      argc, argv,
      "dossier-query: the Dossier read model (search, entity profiles, related "
      "entities, timelines).\nUsage: dossier-query [--port=50053] [--data_dir=.dossier]");
  dossier::InitServiceLogging("query");

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    spdlog::critical("cannot create --data_dir {}: {}", data_dir, ec.message());
    return 1;
  }
  dossier::query::IndexStoreOptions options;
  options.reader_connections = absl::GetFlag(FLAGS_reader_connections);
  options.search_cache_entries = absl::GetFlag(FLAGS_search_cache_entries);
  const std::string db_path = (std::filesystem::path(data_dir) / "query.db").string();
  auto store = dossier::query::IndexStore::Open(db_path, options);
  if (!store.ok()) {
    spdlog::critical("cannot open the index {}: {}", db_path, store.status().ToString());
    return 1;
  }
  spdlog::info("index {} open", db_path);

  dossier::query::QueryServiceImpl service(store->get());
  absl::Status status = dossier::RunServer(dossier::ServerOptionsFromFlags(absl::GetFlag(FLAGS_port)),
                                           {&service}, {"dossier.query.v1.QueryService"});
  if (!status.ok()) {
    spdlog::critical("{}", status.ToString());
    return 1;
  }
  return 0;
}
