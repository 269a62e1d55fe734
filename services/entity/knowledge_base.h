#ifndef DOSSIER_SERVICES_ENTITY_KNOWLEDGE_BASE_H_
#define DOSSIER_SERVICES_ENTITY_KNOWLEDGE_BASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/entity/annotator.h"
#include "services/entity/events/document_events.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"

// The entity service's domain facade: the persistent store, the current
// in-memory index and the operations of the API in plain types.
//
// Thread-safe. Annotate and ResolveName read an immutable index snapshot
// (std::shared_ptr<const KbIndex>) and never wait for curation; AddAlias and
// MergeEntities write the store, build a new index and swap it in.
//
// Several processes may share one store (replicas on one PostgreSQL
// database). Curation made through another process reaches this one when
// Refresh() sees the store's change counter move: a background thread calls
// it every Options::poll_interval, and rebuilds the index only then.

namespace dossier::entity {

struct NameCandidate {
  KbEntity entity;
  float score = 0;
  LinkReason reason = LinkReason::kUnspecified;
  std::string matched_alias;
};

class KnowledgeBase {
 public:
  struct LoadStats {
    bool reloaded = false;  // the shipped KB was (re)loaded into the store
    std::string version;
    int entities = 0;  // entities in the index
    double store_seconds = 0;
    double index_seconds = 0;
  };

  struct Options {
    // How often to look for changes other processes made to the store
    // (Refresh); zero or less: never (the default).
    absl::Duration poll_interval = absl::ZeroDuration();
  };

  // Takes `store`, refreshes it from the shipped KB in `kb_dir` when that has
  // a new VERSION (one process loads it when several start together), builds
  // the index and starts polling. NOT_FOUND when `kb_dir` has no knowledge
  // base; store errors as the store reports them.
  static absl::StatusOr<std::unique_ptr<KnowledgeBase>> Open(std::unique_ptr<KbStore> store,
                                                             const std::string& kb_dir,
                                                             const Options& options);
  // The same over the SQLite store at `db_path` (":memory:" for tests),
  // without polling.
  static absl::StatusOr<std::unique_ptr<KnowledgeBase>> Open(const std::string& db_path,
                                                             const std::string& kb_dir);
  // Stops the polling thread.
  ~KnowledgeBase();
  KnowledgeBase(const KnowledgeBase&) = delete;
  KnowledgeBase& operator=(const KnowledgeBase&) = delete;

  // Figures from Open. `entities` is the count then; Snapshot()->size() is
  // the current one.
  const LoadStats& load_stats() const { return stats_; }
  std::shared_ptr<const KbIndex> Snapshot() const;

  // Rebuilds the index when the store's change counter differs from the one
  // the index was built at (another process curated or reloaded the KB).
  // Returns whether it rebuilt. Called by the polling thread; public for
  // tests and for callers that want a change visible now.
  absl::StatusOr<bool> Refresh();

  // Annotates a text and persists the entities it created, so GetEntity and
  // SearchEntities find them. Uses the named-entity model set with
  // SetNerModel unless `options` names one.
  absl::StatusOr<Annotation> Annotate(std::string_view text, const AnnotateOptions& options);

  // The named-entity model every Annotate uses (null: rules only). Set once
  // at start-up, before serving.
  void SetNerModel(std::shared_ptr<const ner::NerModel> model) { ner_ = std::move(model); }

  // The event coder every ExtractEvents uses (null: no events). Set once
  // before serving.
  void SetEventModels(std::shared_ptr<const events::EventModels> models) { event_models_ = std::move(models); }
  bool has_event_models() const { return event_models_ != nullptr; }

  // The CAMEO events of an annotated text (`annotation` from Annotate on the
  // same text), dated by the text or else `published`. Empty without event
  // models.
  std::vector<events::DocumentEvent> ExtractEvents(std::string_view text, const Annotation& annotation,
                                                   const DateParts& published);

  // NOT_FOUND "no entity with id X"; a merged id gives its target.
  absl::StatusOr<KbEntity> GetEntity(const std::string& id);

  // Ranked candidates for a name. `type` kUnspecified means any; when `as_of`
  // is known, people with a role active then rank first. At most `limit`.
  absl::StatusOr<std::vector<NameCandidate>> ResolveName(const std::string& name, EntityType type,
                                                         const DateParts& as_of, int limit);

  // Entities with a name or alias starting with `prefix` (case-insensitive),
  // ordered by name; rows [offset, offset + limit).
  absl::StatusOr<std::vector<KbEntity>> Search(const std::string& prefix, EntityType type, int offset,
                                               int limit);

  // Curation. NOT_FOUND for unknown ids. The index is rebuilt before they
  // return, so the next Annotate sees the change.
  absl::StatusOr<KbEntity> AddAlias(const std::string& id, const std::string& alias);
  absl::StatusOr<KbEntity> Merge(const std::string& target, const std::vector<std::string>& sources);

 private:
  explicit KnowledgeBase(std::unique_ptr<KbStore> store) : store_(std::move(store)) {}
  // Reloads the snapshot from the store and swaps in a new index.
  absl::Status Rebuild() ABSL_EXCLUSIVE_LOCKS_REQUIRED(curation_mu_);
  absl::Status PersistNew(const Annotation& annotation);
  KbEntity FromIndex(const KbIndex& index, uint32_t i) const;
  void PollLoop(absl::Duration interval);

  absl::Mutex curation_mu_;  // one curation or rebuild (write + rebuild) at a time
  int64_t index_change_version_ ABSL_GUARDED_BY(curation_mu_) = -1;
  mutable absl::Mutex index_mu_;
  std::shared_ptr<const KbIndex> index_ ABSL_GUARDED_BY(index_mu_);
  const std::unique_ptr<KbStore> store_;  // thread-safe itself
  absl::Mutex extracted_mu_;
  absl::flat_hash_set<std::string> known_extracted_ ABSL_GUARDED_BY(extracted_mu_);
  LoadStats stats_;
  std::shared_ptr<const ner::NerModel> ner_;
  std::shared_ptr<const events::EventModels> event_models_;
  absl::Notification stop_polling_;
  std::thread poller_;
};

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_KNOWLEDGE_BASE_H_
