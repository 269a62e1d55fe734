#include "services/entity/knowledge_base.h"

#include <algorithm>
#include <chrono>

#include "absl/container/flat_hash_map.h"
#include "libs/common/status_macros.h"
#include "services/entity/lexicon.h"
#include "services/entity/name_text.h"
#include "services/entity/tokenizer.h"
#include "spdlog/spdlog.h"

namespace dossier::entity {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

float ReasonScore(AliasKind kind) {
  switch (kind) {
    case AliasKind::kName:
      return 1.0f;
    case AliasKind::kTitleName:
      return 0.95f;
    case AliasKind::kAcronym:
      return 0.95f;
    case AliasKind::kSpelling:
      return 0.9f;
    case AliasKind::kDemonym:
    case AliasKind::kAdjective:
      return 0.85f;
    case AliasKind::kCode:
      return 0.8f;
  }
  return 0.5f;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(const std::string& db_path,
                                                                   const std::string& kb_dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<KbStore> store, OpenSqliteKbStore(db_path));
  return Open(std::move(store), kb_dir, Options{});
}

absl::StatusOr<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(std::unique_ptr<KbStore> store,
                                                                   const std::string& kb_dir,
                                                                   const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(KbStore::SyncResult sync, store->SyncShipped(kb_dir));
  std::unique_ptr<KnowledgeBase> kb(new KnowledgeBase(std::move(store)));
  kb->stats_.reloaded = sync.reloaded;
  kb->stats_.version = sync.version;
  kb->stats_.store_seconds = SecondsSince(start);
  const auto index_start = std::chrono::steady_clock::now();
  {
    absl::MutexLock curation(&kb->curation_mu_);
    RETURN_IF_ERROR(kb->Rebuild());
  }
  kb->stats_.index_seconds = SecondsSince(index_start);
  kb->stats_.entities = kb->Snapshot()->size();
  if (options.poll_interval > absl::ZeroDuration()) {
    kb->poller_ = std::thread([kb = kb.get(), interval = options.poll_interval] { kb->PollLoop(interval); });
  }
  return kb;
}

KnowledgeBase::~KnowledgeBase() {
  stop_polling_.Notify();
  if (poller_.joinable()) poller_.join();
}

void KnowledgeBase::PollLoop(absl::Duration interval) {
  bool failing = false;
  while (!stop_polling_.WaitForNotificationWithTimeout(interval)) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<bool> rebuilt = Refresh();
    if (!rebuilt.ok()) {
      // Once per outage, not once per poll.
      if (!failing)
        spdlog::warn("cannot check the knowledge base for changes: {}", rebuilt.status().ToString());
      failing = true;
      continue;
    }
    if (failing) spdlog::info("checking the knowledge base for changes works again");
    failing = false;
    if (*rebuilt) {
      spdlog::info("knowledge base changed in the store: index rebuilt ({} entities) in {:.3f}s",
                   Snapshot()->size(), SecondsSince(start));
    }
  }
}

absl::StatusOr<bool> KnowledgeBase::Refresh() {
  absl::MutexLock curation(&curation_mu_);
  ASSIGN_OR_RETURN(int64_t version, store_->ChangeVersion());
  if (version == index_change_version_) return false;
  RETURN_IF_ERROR(Rebuild());
  return true;
}

std::shared_ptr<const KbIndex> KnowledgeBase::Snapshot() const {
  absl::MutexLock lock(&index_mu_);
  return index_;
}

absl::Status KnowledgeBase::Rebuild() {
  ASSIGN_OR_RETURN(KbData data, store_->LoadSnapshot());
  const int64_t change_version = data.change_version;
  std::shared_ptr<const KbIndex> index = KbIndex::Build(std::move(data));
  index_change_version_ = change_version;
  absl::MutexLock lock(&index_mu_);
  index_ = std::move(index);
  return absl::OkStatus();
}

absl::StatusOr<Annotation> KnowledgeBase::Annotate(std::string_view text, const AnnotateOptions& options) {
  std::shared_ptr<const KbIndex> index = Snapshot();
  AnnotateOptions with_model = options;
  if (with_model.ner == nullptr) with_model.ner = ner_.get();
  Annotation annotation = entity::Annotate(*index, text, with_model);
  RETURN_IF_ERROR(PersistNew(annotation));
  return annotation;
}

std::vector<events::DocumentEvent> KnowledgeBase::ExtractEvents(std::string_view text,
                                                                const Annotation& annotation,
                                                                const DateParts& published) {
  if (event_models_ == nullptr) return {};
  std::shared_ptr<const KbIndex> index = Snapshot();
  return events::ExtractEvents(*index, text, annotation, published, event_models_->resources());
}

absl::Status KnowledgeBase::PersistNew(const Annotation& annotation) {
  std::vector<KbEntity> fresh;
  {
    absl::MutexLock lock(&extracted_mu_);
    for (const AnnotatedEntity& e : annotation.entities) {
      if (!e.is_new || known_extracted_.contains(e.id)) continue;
      KbEntity k;
      k.id = e.id;
      k.name = e.name;
      k.type = e.type;
      k.kind = e.kind;
      k.provenance = "extracted";
      k.origin = Origin::kExtracted;
      fresh.push_back(std::move(k));
    }
  }
  if (fresh.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(store_->InsertExtracted(fresh));
  absl::MutexLock lock(&extracted_mu_);
  for (const KbEntity& e : fresh) known_extracted_.insert(e.id);
  return absl::OkStatus();
}

absl::StatusOr<KbEntity> KnowledgeBase::GetEntity(const std::string& id) { return store_->GetEntity(id); }

KbEntity KnowledgeBase::FromIndex(const KbIndex& index, uint32_t i) const {
  const IndexedEntity& e = index.entity(i);
  KbEntity out;
  out.id = e.id;
  out.name = e.name;
  out.type = e.type;
  out.kind = e.kind;
  out.provenance = e.provenance;
  out.attributes = e.attributes;
  out.origin = e.origin;
  out.roles = e.roles;
  for (const KbAlias& a : e.aliases) {
    if (a.alias == e.name) continue;
    bool dup = false;
    for (const KbAlias& b : out.aliases) dup = dup || b.alias == a.alias;
    if (!dup) out.aliases.push_back(a);
  }
  return out;
}

absl::StatusOr<std::vector<NameCandidate>> KnowledgeBase::ResolveName(const std::string& name,
                                                                      EntityType type, const DateParts& as_of,
                                                                      int limit) {
  std::shared_ptr<const KbIndex> index = Snapshot();
  const std::string folded = FoldName(name);
  struct Scored {
    float score;
    LinkReason reason;
    std::string alias;
  };
  absl::flat_hash_map<uint32_t, Scored> found;
  auto offer = [&](uint32_t e, float score, LinkReason reason, std::string alias) {
    auto it = found.find(e);
    if (it == found.end()) {
      found.emplace(e, Scored{score, reason, std::move(alias)});
    } else if (score > it->second.score) {
      it->second = Scored{score, reason, std::move(alias)};
    }
  };
  auto alias_of = [&](uint32_t e) {
    const IndexedEntity& ent = index->entity(e);
    if (FoldName(ent.name) == folded) return ent.name;
    for (const KbAlias& a : ent.aliases) {
      if (FoldName(a.alias) == folded) return a.alias;
    }
    return name;
  };

  // Exact aliases of every kind.
  TokenizedText tt = Tokenize(name);
  if (tt.size() > 0) {
    uint64_t h = KbIndex::kPhraseSeed;
    for (const Token& t : tt.tokens) h = KbIndex::ExtendPhraseHash(h, t.hash);
    bool is_prefix = false;
    if (const Phrase* p = index->LookupPhrase(h, &is_prefix)) {
      for (const AliasHit& hit : p->hits) {
        offer(hit.entity, ReasonScore(hit.kind) * (0.9f + 0.1f * index->entity(hit.entity).prominence),
              LinkReasonForAlias(hit.kind), alias_of(hit.entity));
      }
    }
  }
  // "<title> <surname>" and bare surnames: people by name token.
  std::vector<int> words;
  for (int k = 0; k < tt.size(); ++k) {
    if (tt.tokens[k].word()) words.push_back(k);
  }
  std::string title;
  std::string_view surname;
  if (words.size() == 1) {
    surname = tt.norm(words[0]);
  } else if (words.size() == 2 && IsPersonTitle(tt.norm(words[0]))) {
    title = std::string(tt.norm(words[0]));
    surname = tt.norm(words[1]);
  }
  if (!surname.empty()) {
    if (!title.empty()) {
      if (const auto* titled = index->PersonsByTitle(title, surname)) {
        for (uint32_t e : *titled) offer(e, 0.85f, LinkReason::kRole, index->entity(e).name);
      }
    }
    if (const auto* people = index->PersonsByToken(surname)) {
      for (const auto& pt : *people) {
        const float fit = RoleFit(index->entity(pt.entity), as_of, "");
        const float score = (pt.position & 2 ? 0.6f : 0.5f) + (fit > 0 ? 0.2f : 0.0f);
        offer(pt.entity, score, LinkReason::kRole, index->entity(pt.entity).name);
      }
    }
  }
  // Misspellings.
  {
    const std::string key = MatchKey(name);
    int budget = key.size() >= 12 ? 3 : key.size() >= 8 ? 2 : key.size() >= 5 ? 1 : 0;
    budget = std::min<int>(budget, static_cast<int>(key.size()) / 4);
    for (const KbIndex::FuzzyHit& f : index->Fuzzy(key, budget, type)) {
      if (f.distance == 0) continue;
      const float score = std::max(0.3f, 0.8f - 0.15f * static_cast<float>(f.distance));
      offer(f.entity, score, LinkReason::kFuzzy, f.alias);
    }
  }

  std::vector<NameCandidate> out;
  for (const auto& [e, s] : found) {
    const IndexedEntity& ent = index->entity(e);
    if (type != EntityType::kUnspecified && ent.type != type) continue;
    NameCandidate c;
    c.entity = FromIndex(*index, e);
    c.score = std::min(1.0f, s.score);
    c.reason = s.reason;
    c.matched_alias = s.alias;
    out.push_back(std::move(c));
  }
  // Entities created from documents live only in the store.
  {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->FindByAlias(folded));
    for (const std::string& id : ids) {
      if (index->Find(id) >= 0) continue;
      absl::StatusOr<KbEntity> e = store_->GetEntity(id);
      if (!e.ok() || (type != EntityType::kUnspecified && e->type != type)) continue;
      bool dup = false;
      for (const NameCandidate& c : out) dup = dup || c.entity.id == e->id;
      if (dup) continue;
      NameCandidate c;
      c.entity = std::move(*e);
      c.score = 0.9f;
      c.reason = LinkReason::kExactAlias;
      c.matched_alias = name;
      out.push_back(std::move(c));
    }
  }
  auto active = [&](const NameCandidate& c) {
    if (!as_of.known() || c.entity.type != EntityType::kPerson) return false;
    for (const KbRole& r : c.entity.roles) {
      if ((r.start.year != 0 || r.end.year != 0) && RoleActiveOn(r, as_of)) return true;
    }
    return false;
  };
  std::vector<size_t> order(out.size());
  std::vector<char> is_active(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    order[i] = i;
    is_active[i] = active(out[i]);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (is_active[a] != is_active[b]) return is_active[a] > is_active[b];
    if (out[a].score != out[b].score) return out[a].score > out[b].score;
    return out[a].entity.id < out[b].entity.id;
  });
  std::vector<NameCandidate> ranked;
  for (size_t i = 0; i < order.size() && static_cast<int>(ranked.size()) < limit; ++i) {
    ranked.push_back(std::move(out[order[i]]));
  }
  return ranked;
}

absl::StatusOr<std::vector<KbEntity>> KnowledgeBase::Search(const std::string& prefix, EntityType type,
                                                            int offset, int limit) {
  return store_->Search(FoldName(prefix), type, offset, limit);
}

absl::StatusOr<KbEntity> KnowledgeBase::AddAlias(const std::string& id, const std::string& alias) {
  absl::MutexLock curation(&curation_mu_);
  ASSIGN_OR_RETURN(std::string resolved, store_->AddAlias(id, alias));
  RETURN_IF_ERROR(Rebuild());
  return store_->GetEntity(resolved);
}

absl::StatusOr<KbEntity> KnowledgeBase::Merge(const std::string& target,
                                              const std::vector<std::string>& sources) {
  absl::MutexLock curation(&curation_mu_);
  ASSIGN_OR_RETURN(std::string resolved, store_->Merge(target, sources));
  RETURN_IF_ERROR(Rebuild());
  return store_->GetEntity(resolved);
}

}  // namespace dossier::entity
