// dossier-entity: the entity service (knowledge base, annotation, curation).

#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "libs/common/flags.h"
#include "libs/common/metrics.h"
#include "libs/common/postgres.h"
#include "libs/common/server.h"
#include "services/entity/entity_service.h"
#include "services/entity/knowledge_base.h"
#include "services/entity/ner/ner_model.h"
#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

#ifndef DOSSIER_ENTITY_CAMEO_DIR
#define DOSSIER_ENTITY_CAMEO_DIR "data/cameo"
#endif
#ifndef DOSSIER_ENTITY_POS_MODEL
#define DOSSIER_ENTITY_POS_MODEL "data/models/pos-en.model"
#endif
#ifndef DOSSIER_DEFAULT_KB_DIR
#define DOSSIER_DEFAULT_KB_DIR "data/kb"
#endif

ABSL_FLAG(int, port, 50052, "Port to listen on (0 picks a free one)");
ABSL_FLAG(std::string, data_dir, ".dossier", "Directory for entity.db (created if missing)");
ABSL_FLAG(std::string, kb_dir, DOSSIER_DEFAULT_KB_DIR,
          "Shipped knowledge base: entities.tsv, aliases.tsv, roles.tsv, VERSION");
ABSL_FLAG(int64_t, max_text_bytes, 1 << 20, "Largest text Annotate accepts, in bytes");
ABSL_FLAG(std::string, db, "",
          "Knowledge-base store: empty for SQLite at --data_dir/entity.db, or a PostgreSQL URL "
          "(postgresql://user:password@host:port/database) that replicas share");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections per process (with --db=postgresql://...)");
ABSL_FLAG(std::string, ner_model, DOSSIER_DEFAULT_NER_MODEL,
          "Named-entity model (data/models/ner-en.model, made by tools/ner/ner-train); empty: rules and "
          "knowledge base only");
ABSL_FLAG(std::string, cameo_dir, DOSSIER_ENTITY_CAMEO_DIR,
          "Event coding dictionaries (CAMEO.2.0.txt, Phoenix.discards.txt, cameo_codes.tsv); empty: no events");
ABSL_FLAG(std::string, pos_model, DOSSIER_ENTITY_POS_MODEL,
          "Part-of-speech model the event coder reads sentences with (data/models/pos-en.model, made by "
          "pos-train)");
ABSL_FLAG(int, kb_poll_interval_ms, 1000,
          "How often to check the store for knowledge-base changes made by other replicas (AddAlias, "
          "MergeEntities, a new shipped KB) and rebuild the index; 0 disables (always off on SQLite, which "
          "one process owns)");

int main(int argc, char** argv) {
  dossier::BlockTerminationSignals();
  dossier::ParseFlagsWithEnv(argc, argv,
                             "dossier-entity: finds and resolves entities and dates in text.\n"
                             "Usage: dossier-entity [--port=50052] [--data_dir=.dossier | "
                             "--db=postgresql://...] [--kb_dir=DIR]");
  dossier::InitServiceLogging("entity");
  const dossier::ServerOptions server_options =
      dossier::ServerOptionsFromFlags("entity", absl::GetFlag(FLAGS_port), /*default_metrics_port=*/9152);

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  // Only the SQLite store lives in --data_dir.
  if (absl::GetFlag(FLAGS_db).empty() && ::mkdir(data_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    spdlog::critical("cannot create --data_dir {}", data_dir);
    return 1;
  }
  const int64_t max_text_bytes = absl::GetFlag(FLAGS_max_text_bytes);
  if (max_text_bytes <= 0) {
    spdlog::critical("--max_text_bytes must be positive, got {}", max_text_bytes);
    return 2;
  }
  const std::string db_flag = absl::GetFlag(FLAGS_db);
  if (!db_flag.empty() && !dossier::pg::IsPostgresUrl(db_flag)) {
    spdlog::critical("--db must be empty (SQLite at --data_dir/entity.db) or a postgresql:// URL, got {}",
                     dossier::pg::RedactUrl(db_flag));
    return 2;
  }
  const int db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  if (db_pool_size < 1) {
    spdlog::critical("--db_pool_size must be at least 1, got {}", db_pool_size);
    return 2;
  }
  const int kb_poll_interval_ms = absl::GetFlag(FLAGS_kb_poll_interval_ms);
  if (kb_poll_interval_ms < 0) {
    spdlog::critical("--kb_poll_interval_ms must be 0 (off) or positive, got {}", kb_poll_interval_ms);
    return 2;
  }
  const std::string db = db_flag.empty() ? data_dir + "/entity.db" : db_flag;
  auto store = dossier::entity::OpenKbStore(db, db_pool_size);
  if (!store.ok()) {
    spdlog::critical("cannot open the knowledge-base store {}: {}", dossier::pg::RedactUrl(db),
                     std::string(store.status().message()));
    return 1;
  }
  const std::string kb_dir = absl::GetFlag(FLAGS_kb_dir);
  dossier::entity::KnowledgeBase::Options kb_options;
  // Only a shared PostgreSQL store has other replicas to hear from.
  kb_options.poll_interval = db_flag.empty() ? absl::ZeroDuration() : absl::Milliseconds(kb_poll_interval_ms);
  auto kb = dossier::entity::KnowledgeBase::Open(*std::move(store), kb_dir, kb_options);
  if (!kb.ok()) {
    spdlog::critical("cannot load the knowledge base (--kb_dir={}): {}", kb_dir,
                     std::string(kb.status().message()));
    return 1;
  }
  const auto& stats = (*kb)->load_stats();
  spdlog::info("knowledge base {} ({}) in {}: {} entities; store {:.3f}s{}, index {:.3f}s", kb_dir,
               stats.version, dossier::pg::RedactUrl(db), stats.entities, stats.store_seconds,
               stats.reloaded ? " (reloaded)" : "", stats.index_seconds);

  if (const std::string path = absl::GetFlag(FLAGS_ner_model); !path.empty()) {
    const absl::Time start = absl::Now();
    auto model = dossier::entity::ner::NerModel::Load(path);
    if (!model.ok()) {
      spdlog::critical("cannot load the named-entity model (--ner_model={}): {}", path,
                       std::string(model.status().message()));
      return 1;
    }
    spdlog::info("named-entity model {} in {:.3f}s: {} weight rows", path,
                 absl::ToDoubleSeconds(absl::Now() - start), model->num_rows());
    (*kb)->SetNerModel(std::make_shared<const dossier::entity::ner::NerModel>(*std::move(model)));
  } else {
    spdlog::info("no named-entity model (--ner_model is empty): rules and knowledge base only");
  }

  if (const std::string cameo_dir = absl::GetFlag(FLAGS_cameo_dir); !cameo_dir.empty()) {
    const absl::Time start = absl::Now();
    const std::string pos_model = absl::GetFlag(FLAGS_pos_model);
    auto models = dossier::entity::events::EventModels::Load(cameo_dir, pos_model);
    if (!models.ok()) {
      spdlog::critical("cannot load the event coder (--cameo_dir={}, --pos_model={}): {}", cameo_dir, pos_model,
                       std::string(models.status().message()));
      return 1;
    }
    spdlog::info("event coder from {} and {} in {:.3f}s", cameo_dir, pos_model,
                 absl::ToDoubleSeconds(absl::Now() - start));
    (*kb)->SetEventModels(std::shared_ptr<const dossier::entity::events::EventModels>(*std::move(models)));
  } else {
    spdlog::info("no event coder (--cameo_dir is empty): Annotate returns no events");
  }

  dossier::entity::EntityServiceImpl::Options options;
  options.max_text_bytes = static_cast<size_t>(max_text_bytes);
  dossier::entity::EntityServiceImpl service(kb->get(), options);
  dossier::metrics::DefaultRegistry().AddCallback(
      "dossier_kb_entities", "Entities in the knowledge base, including ids merged into others",
      dossier::metrics::MetricType::kGauge, {}, [knowledge_base = kb->get()] {
        return std::vector<dossier::metrics::Sample>{
            {{}, static_cast<double>(knowledge_base->Snapshot()->size())}};
      });
  absl::Status st = dossier::RunServer(server_options, {&service}, {"dossier.entity.v1.EntityService"});
  if (!st.ok()) {
    spdlog::critical("{}", std::string(st.message()));
    return 1;
  }
  return 0;
}
