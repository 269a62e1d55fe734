// dossier-entity: the entity service (knowledge base, annotation, curation).

#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "libs/common/flags.h"
#include "libs/common/server.h"
#include "services/entity/entity_service.h"
#include "services/entity/knowledge_base.h"
#include "spdlog/spdlog.h"

#ifndef DOSSIER_DEFAULT_KB_DIR
#define DOSSIER_DEFAULT_KB_DIR "data/kb"
#endif

ABSL_FLAG(int, port, 50052, "Port to listen on (0 picks a free one)");
ABSL_FLAG(std::string, data_dir, ".dossier", "Directory for entity.db (created if missing)");
ABSL_FLAG(std::string, kb_dir, DOSSIER_DEFAULT_KB_DIR,
          "Shipped knowledge base: entities.tsv, aliases.tsv, roles.tsv, VERSION");
ABSL_FLAG(int64_t, max_text_bytes, 1 << 20, "Largest text Annotate accepts, in bytes");

int main(int argc, char** argv) {
  dossier::BlockTerminationSignals();
  dossier::ParseFlagsWithEnv(argc, argv,
                             "dossier-entity: finds and resolves entities and dates in text.\n"
                             "Usage: dossier-entity [--port=50052] [--data_dir=.dossier] [--kb_dir=DIR]");
  dossier::InitServiceLogging("entity");

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (::mkdir(data_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    spdlog::critical("cannot create --data_dir {}", data_dir);
    return 1;
  }
  const int64_t max_text_bytes = absl::GetFlag(FLAGS_max_text_bytes);
  if (max_text_bytes <= 0) {
    spdlog::critical("--max_text_bytes must be positive, got {}", max_text_bytes);
    return 2;
  }
  const std::string kb_dir = absl::GetFlag(FLAGS_kb_dir);
  auto kb = dossier::entity::KnowledgeBase::Open(data_dir + "/entity.db", kb_dir);
  if (!kb.ok()) {
    spdlog::critical("cannot load the knowledge base (--kb_dir={}): {}", kb_dir,
                     std::string(kb.status().message()));
    return 1;
  }
  const auto& stats = (*kb)->load_stats();
  spdlog::info("knowledge base {} ({}): {} entities; store {:.3f}s{}, index {:.3f}s", kb_dir, stats.version,
               stats.entities, stats.store_seconds, stats.reloaded ? " (reloaded)" : "", stats.index_seconds);

  dossier::entity::EntityServiceImpl::Options options;
  options.max_text_bytes = static_cast<size_t>(max_text_bytes);
  dossier::entity::EntityServiceImpl service(kb->get(), options);
  absl::Status st = dossier::RunServer(dossier::ServerOptionsFromFlags(absl::GetFlag(FLAGS_port)), {&service},
                                       {"dossier.entity.v1.EntityService"});
  if (!st.ok()) {
    spdlog::critical("{}", std::string(st.message()));
    return 1;
  }
  return 0;
}
