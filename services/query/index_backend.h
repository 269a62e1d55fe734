#ifndef DOSSIER_SERVICES_QUERY_INDEX_BACKEND_H_
#define DOSSIER_SERVICES_QUERY_INDEX_BACKEND_H_

// The storage side of IndexStore (internal to the query service): IndexStore
// validates requests, prepares the rows Index writes, keeps the caches and
// shapes results; an IndexBackend only stores and reads rows, in SQLite
// (sqlite_index_backend) or PostgreSQL (pg_index_backend).

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dossier/common/v1/common.pb.h"
#include "services/query/dates.h"
#include "services/query/index_store.h"
#include "services/query/query_parser.h"

namespace dossier::query {

inline EntityType ToEntityType(int64_t value) {
  return common::v1::EntityType_IsValid(static_cast<int>(value)) ? static_cast<EntityType>(value)
                                                                 : common::v1::ENTITY_TYPE_UNSPECIFIED;
}

// ---- What Index writes ----

// What one document adds to the derived counters (entity_aliases,
// cooccurrence). Computed from the document alone, so the contribution of a
// replaced version is recomputed from its stored copy and subtracted exactly.
struct Contributions {
  std::map<std::string, int> entity_mentions;                         // entity -> mentions
  std::map<std::string, std::set<int>> entity_sentences;              // entity -> sentences
  std::map<std::pair<std::string, std::string>, int> aliases;         // (entity, text) -> mentions
  std::map<std::pair<std::string, std::string>, int> pair_sentences;  // ordered pair -> shared sentences
};
Contributions ComputeContributions(const common::v1::Document& doc);

// The change of the derived counters when a document's version `before`
// (nullptr: none) is replaced by `after`, in key order (so concurrent
// writers lock counter rows in the same order). Unchanged keys are left out.
struct CounterDelta {
  std::map<std::pair<std::string, std::string>, int> aliases;  // (entity, text) -> mentions
  std::map<std::string, int> entity_documents;                  // entity -> documents
  struct Pair {
    int documents = 0;
    int sentences = 0;
  };
  std::map<std::pair<std::string, std::string>, Pair> pairs;  // (entity, other) -> change
};
CounterDelta DiffContributions(const Contributions* before, const Contributions& after);

// The stored copy of a document (serialized without its body, plus the body)
// as a Document. DATA_LOSS when it does not parse.
absl::StatusOr<common::v1::Document> ParseStoredDocument(const std::string& id, const std::string& blob,
                                                         const std::string& body);

struct MentionRow {
  int ordinal = 0;
  std::string entity_id;  // "" for dates
  int type = 0;
  std::string text;
  int begin = 0;
  int end = 0;
  int sentence = -1;  // -1 when the document has no sentences
  PartialDate date;
};

struct EntityRow {
  std::string id;
  std::string name;
  int type = 0;
  std::string kind;  // "" keeps a kind already stored
};

struct SentenceRow {
  int sentence = 0;
  int begin = 0;
  int end = 0;
  std::string text;
  PartialDate date;
  int date_key = 0;  // SortKey(date)
  int date_lo = 0;   // EarliestKey / LatestKey; 0 (NULL) when the year is unknown
  int date_hi = 0;
  bool date_from_text = false;
};

struct EntitySentenceRow {
  std::string entity_id;
  int sentence = 0;
  int date_key = 0;
};

// ---- Events ----

// Keys of event_actors rows: an actor's entity id, or a prefix of its actor
// code of 3, 6, 9... characters (CAMEO codes are built of three-character
// parts: "CHN" + "GOV"), so an entity or code-prefix filter reads one index
// range in list order.
inline constexpr int kActorKeyEntity = 0;
inline constexpr int kActorKeyCode = 1;
// Kind 2: the two entity ids of an event (PairKey), so the events between
// two entities are one index range too.
inline constexpr int kActorKeyPair = 2;

// The key of an unordered pair of entities: the smaller id, 0x1f, the other.
inline std::string PairKey(const std::string& a, const std::string& b) {
  return a < b ? a + '\x1f' + b : b + '\x1f' + a;
}
inline constexpr int kUndatedOrderBase = 100000000;

// The list order of an event date: SortKey for dates with a year; after
// every such date, kUndatedOrderBase + SortKey for the others.
inline int EventOrderKey(int date_key) { return date_key >= 10000 ? date_key : kUndatedOrderBase + date_key; }

// What filters and orders an event: the columns of its events row.
struct EventAttributes {
  std::string source_entity;
  std::string target_entity;
  std::string source_code;  // upper case
  std::string target_code;
  std::string code;       // "042"
  std::string root_code;  // "04"
  int quad_class = 0;
  int date_key = 0;
  int date_lo = 0;  // EarliestKey / LatestKey; 0 when the year is unknown
  int date_hi = 0;
  int order_key = 0;
  // (kind, key) of its event_actors rows, distinct.
  std::set<std::pair<int, std::string>> actor_keys;
};
// The attributes of a (validated) event.
EventAttributes EventAttributesOf(const common::v1::Event& event);

struct EventMentionRow {
  int sentence = 0;
  std::string evidence;
  int begin = 0;
  int end = 0;
  std::string trigger;
  double confidence = 0;
  PartialDate date;
  bool date_from_text = false;
};

// One event as one document reports it.
struct EventRow {
  std::string id;
  EventAttributes attributes;
  // The highest confidence of its mentions in this document.
  double confidence = 0;
  // The event without mentions and counts, serialized; the event as the
  // first document reporting it says is what ListEvents returns.
  std::string blob;
  // One per sentence, in sentence order.
  std::vector<EventMentionRow> mentions;
};

// The ids of the events of a stored document.
std::set<std::string> EventIdsOf(const common::v1::Document& doc);

// The sides on which actor key (kind, key) stands in an event with these
// attributes: bit 1 the source, bit 2 the target; for a pair key, the sides
// of its smaller entity id.
int ActorSides(const EventAttributes& attributes, int kind, const std::string& key);

// The event_actors keys of an event with these actors.
std::set<std::pair<int, std::string>> ActorKeys(const std::string& source_entity, const std::string& target_entity,
                                                const std::string& source_code, const std::string& target_code);

// The storage operations WriteEvents needs, on one write transaction.
// Errors: the backend's (the transaction is then abandoned).
class EventWriteOps {
 public:
  virtual ~EventWriteOps() = default;

  struct Stored {
    int64_t key = 0;
    int64_t first_doc = 0;
    EventAttributes attributes;  // actor_keys filled in
  };
  struct Aggregate {
    int64_t documents = 0;
    int64_t mentions = 0;
    double confidence = 0;
    int64_t first_doc = 0;
  };

  // The events row of `id`, locked until commit where the backend has row
  // locks; nullopt when there is none.
  virtual absl::StatusOr<std::optional<Stored>> Find(const std::string& id) = 0;
  // Creates the events row of `row` as reported by `doc` alone (counts of
  // this report only); nullopt when another writer created it meanwhile.
  virtual absl::StatusOr<std::optional<int64_t>> Create(const EventRow& row, int64_t doc) = 0;
  virtual absl::Status AddReports(int64_t key, int64_t doc, const EventRow& row) = 0;
  virtual absl::Status RemoveReports(int64_t key, int64_t doc) = 0;
  // Adds one document with `mentions` mentions to the counts.
  virtual absl::Status AddCounts(int64_t key, int mentions, double confidence) = 0;
  virtual absl::Status SetCounts(int64_t key, const Aggregate& aggregate) = 0;
  // The counts over every document reporting the event.
  virtual absl::StatusOr<Aggregate> Recount(int64_t key) = 0;
  // The event as `doc` reported it (EventRow::blob).
  virtual absl::StatusOr<std::string> ReportBlob(int64_t key, int64_t doc) = 0;
  virtual absl::Status SetAttributes(int64_t key, const EventAttributes& attributes, int64_t first_doc) = 0;
  virtual absl::Status Delete(int64_t key) = 0;
  // The event_actors rows of `attributes.actor_keys`.
  virtual absl::Status AddActorKeys(int64_t key, const std::string& id, const EventAttributes& attributes) = 0;
  virtual absl::Status RemoveActorKeys(const std::string& id, int order_key,
                                       const std::set<std::pair<int, std::string>>& keys) = 0;
  // Adds `delta` to the event count of (source, target), dropping it at 0.
  virtual absl::Status AdjustPair(const std::string& source, const std::string& target, int delta) = 0;
};

// Replaces the reports of document `doc` (whose previous version reported
// `old_ids`) by `events`, keeping every event's counts, attributes (from
// its first document), actor keys and pair counts exact. Events are
// visited in id order (the lock order on PostgreSQL).
absl::Status WriteEvents(EventWriteOps& ops, int64_t doc, const std::vector<EventRow>& events,
                         const std::set<std::string>& old_ids);

// Everything Index stores for one document version, computed by IndexStore.
struct IndexRecord {
  std::string id;
  std::string title;
  std::string body;
  std::string url;
  std::string source;
  std::string language;
  std::string external_id;
  std::string received_time;
  PartialDate published;
  int published_key = 0;
  int published_lo = 0;  // 0 (NULL) when the year is unknown
  int published_hi = 0;
  int64_t type_mask = 0;
  int mention_count = 0;
  std::string document_blob;  // the Document without its body, serialized
  std::vector<MentionRow> mentions;
  std::vector<EntityRow> entities;  // sorted by id
  std::vector<EntitySentenceRow> entity_sentences;
  std::vector<SentenceRow> sentences;
  // By id; one per event id (mentions of duplicates merged).
  std::vector<EventRow> events;
  Contributions contributions;
};

// ---- What reads need ----

// Ranked (document key, score) lists; keys are the backend's document row ids,
// increasing in the order documents were first indexed.
using Matches = std::vector<std::pair<int64_t, double>>;

struct SearchFilter {
  std::set<std::string> entity_ids;
  int64_t type_mask = 0;  // documents with mentions of all these types
  DateRange range;
  std::set<std::string> sources;  // documents from one of these sources
  bool active() const { return !entity_ids.empty() || type_mask != 0 || range.active || !sources.empty(); }
};

// What searches check, sort and count per match in memory. Dates:
// EarliestKey/LatestKey, 0 when the year is unknown.
struct DocFilterInfo {
  int32_t published_lo = 0;
  int32_t published_hi = 0;
  int64_t type_mask = 0;
  int32_t published_key = 0;
  int32_t month = 0;   // year * 100 + month; 0 when either is unknown
  int32_t source = 0;  // index in DocFilterInfos::sources
  bool present = false;
};

// Whether document keys up to `max_key` for `count` documents are dense
// enough to index a vector by key (row ids count from 1, with few gaps).
inline bool DenseKeys(int64_t max_key, size_t count) {
  return max_key >= 0 && max_key <= 4 * static_cast<int64_t>(count) + 1024;
}

// Every document's filter columns, by document key: a vector indexed by key
// (keys are dense row ids), or a hash map if they are not.
class DocFilterInfos {
 public:
  // Adds a document while loading; Finish() once after the last.
  void Add(int64_t key, DocFilterInfo info) {
    info.present = true;
    loading_.emplace_back(key, info);
  }
  void Finish();
  const DocFilterInfo* Find(int64_t key) const {
    if (!sparse_.empty() || dense_.empty()) {
      auto it = sparse_.find(key);
      return it == sparse_.end() ? nullptr : &it->second;
    }
    if (key < 0 || key >= static_cast<int64_t>(dense_.size()) || !dense_[key].present) return nullptr;
    return &dense_[key];
  }

  std::vector<std::string> sources;  // distinct document sources

 private:
  std::vector<std::pair<int64_t, DocFilterInfo>> loading_;
  std::vector<DocFilterInfo> dense_;
  absl::flat_hash_map<int64_t, DocFilterInfo> sparse_;
};

// Every document's entities, each an index in `ids`; built by
// FillDocEntities.
class DocEntities {
 public:
  // The entity indexes of document `key` (empty when unknown).
  std::pair<const uint32_t*, const uint32_t*> Of(int64_t key) const {
    if (!sparse_.empty() || offsets_.empty()) {
      auto it = sparse_.find(key);
      if (it == sparse_.end()) return {nullptr, nullptr};
      return {refs_.data() + it->second.first, refs_.data() + it->second.second};
    }
    if (key < 0 || key + 1 >= static_cast<int64_t>(offsets_.size())) return {nullptr, nullptr};
    return {refs_.data() + offsets_[key], refs_.data() + offsets_[key + 1]};
  }

  std::vector<std::string> ids;

 private:
  friend void FillDocEntities(std::vector<std::pair<int64_t, uint32_t>> pairs, DocEntities* out);
  std::vector<uint32_t> refs_;
  std::vector<uint32_t> offsets_;  // dense: document key -> begin in refs_
  absl::flat_hash_map<int64_t, std::pair<uint32_t, uint32_t>> sparse_;
};

// Sets the parts of `out`.
inline void SetDate(common::v1::DateValue* out, int64_t year, int64_t month, int64_t day) {
  out->set_year(static_cast<int32_t>(year));
  out->set_month(static_cast<int32_t>(month));
  out->set_day(static_cast<int32_t>(day));
}

// Gives an event read back with its mentions the first mention's evidence
// and span.
void FinishEvent(common::v1::Event* event);

// Fills `out` (but its ids) from (document, entity index) pairs.
void FillDocEntities(std::vector<std::pair<int64_t, uint32_t>> pairs, DocEntities* out);

// An actor filter of ListEvents: an entity id, or an upper-case code prefix.
struct EventActorFilter {
  bool entity = false;
  std::string value;
};

// What ListEvents, ExportEvents and timelines select.
struct EventFilter {
  std::optional<EventActorFilter> actor;
  int side = 0;  // 0 either, 2 source, 3 target
  std::optional<EventActorFilter> other;
  std::string cameo_prefix;
  int quad_class = 0;
  DateRange range;
  std::string document_id;
  // Bounds on the order key (EventOrderKey), inclusive.
  int order_lo = 0;
  int order_hi = std::numeric_limits<int>::max();
};

// An event in list order: (order_key, id).
struct EventRef {
  int64_t event = 0;  // the backend's events row key
  int order_key = 0;
  std::string id;
  int64_t first_doc = 0;  // key of the first document reporting it
};

// An event as ListEvents returns it, and the title of its first document.
struct EventDetail {
  common::v1::Event event;
  std::string first_title;
};

// Co-occurring entities with what every order needs.
struct RelatedRow {
  RelatedEntity entity;
  int64_t other_documents = 0;  // documents mentioning the other entity
};

struct HitRow {
  int64_t doc = 0;
  std::string id;
  std::string title;
  std::string source;
  PartialDate published;
  // For text searches a highlighted passage ([ ] markers, … where the body
  // is cut); otherwise the first 600 bytes or so of the body.
  std::string text;
};

struct EntityDocStats {
  int64_t documents = 0;
  int64_t mentions = 0;
  int first_key = 0;  // smallest / largest published_key with a year; 0 when none
  int last_key = 0;
};

struct TimelineRef {
  int64_t doc = 0;
  int64_t sentence = 0;
  int date_key = 0;
};

// Reads of one consistent snapshot. Not thread-safe; lives inside
// IndexBackend::Read.
class IndexReader {
 public:
  virtual ~IndexReader() = default;

  // The number of Index transactions this snapshot contains: equal
  // generations mean equal contents, so caches are keyed by it.
  virtual absl::StatusOr<uint64_t> Generation() = 0;

  // Documents matching `text` (unless empty) and `filter`. With text:
  // any order, score higher is better; without: newest first
  // (published_key, then key, descending), score 0.
  virtual absl::StatusOr<Matches> Match(const ParsedQuery& text, const SearchFilter& filter) = 0;
  // Keys of the documents mentioning `entity_id`, ascending.
  virtual absl::StatusOr<std::vector<int64_t>> EntityDocuments(const std::string& entity_id) = 0;
  // Every document's filter columns.
  virtual absl::StatusOr<DocFilterInfos> LoadDocFilterInfos() = 0;
  // Every document's entities.
  virtual absl::StatusOr<DocEntities> LoadDocEntities() = 0;
  // The rows of `docs` (unknown keys left out), in that order; the snippet
  // highlights `text` when it is not empty.
  virtual absl::StatusOr<std::vector<HitRow>> Hits(const std::vector<int64_t>& docs,
                                                   const ParsedQuery& text) = 0;

  virtual absl::StatusOr<EntityDocStats> EntityStats(const std::string& entity_id) = 0;
  virtual absl::StatusOr<bool> EntityIsMentioned(const std::string& entity_id) = 0;
  // From the entity_stats counter.
  virtual absl::StatusOr<int64_t> EntityDocumentCount(const std::string& entity_id) = 0;
  // Name and type of a known entity; nullopt when unknown.
  virtual absl::StatusOr<std::optional<std::pair<std::string, EntityType>>> EntityNameType(
      const std::string& entity_id) = 0;
  // Names of the known ones of `entity_ids`.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, std::string>> EntityNames(
      const std::vector<std::string>& entity_ids) = 0;
  // Alias texts, most mentioned first, then by text.
  virtual absl::StatusOr<std::vector<std::string>> Aliases(const std::string& entity_id, int limit) = 0;
  // Co-occurring entities sharing at least `min_documents` documents, by
  // `order` (never kDefault) then most shared documents, sentences, then
  // id; `type` ENTITY_TYPE_UNSPECIFIED for all types. Leaves pmi and score
  // for the caller.
  virtual absl::StatusOr<std::vector<RelatedRow>> Related(const std::string& entity_id, EntityType type,
                                                          RelatedOrder order, int min_documents, int limit,
                                                          int64_t offset) = 0;

  // Streams the sentences that mention `driver` and every one of `others`
  // with date_key in [lo, hi], in (date_key, doc, sentence) order, until
  // `visit` returns false.
  virtual absl::Status ScanTimeline(const std::string& driver, const std::vector<std::string>& others, int lo,
                                    int hi, const std::function<bool(const TimelineRef&)>& visit) = 0;
  // The items of `refs` (missing ones left out), in that order.
  virtual absl::StatusOr<std::vector<TimelineItem>> TimelineItems(const std::vector<TimelineRef>& refs) = 0;

  // The number of events matching `filter`.
  virtual absl::StatusOr<int64_t> CountEvents(const EventFilter& filter) = 0;
  // Events matching `filter` in (order_key, id) order: those after `after`
  // (nullptr: from the first), skipping `offset`, at most `limit`.
  virtual absl::StatusOr<std::vector<EventRef>> ScanEvents(const EventFilter& filter, const EventRef* after,
                                                           int64_t offset, int limit) = 0;
  // The events of `events` (missing ones left out), in that order, each
  // with at most `max_mentions` mentions.
  virtual absl::StatusOr<std::vector<EventDetail>> Events(const std::vector<int64_t>& events,
                                                          int max_mentions) = 0;

  // The stored (blob, body) of a document; nullopt when unknown.
  virtual absl::StatusOr<std::optional<std::pair<std::string, std::string>>> StoredDocument(
      const std::string& document_id) = 0;
  // From the counter kept with the generation.
  virtual absl::StatusOr<int64_t> DocumentCount() = 0;
};

// A store of the read model. Thread-safe.
class IndexBackend {
 public:
  virtual ~IndexBackend() = default;

  // Adds or replaces the document (by id) and everything derived from it in
  // one transaction that also advances the generation. Returns true when the
  // id was new. Safe to call concurrently, also from other processes sharing
  // the database where the backend allows it.
  virtual absl::StatusOr<bool> Write(const IndexRecord& record) = 0;

  // Runs `fn` on one read snapshot. `fn` may run again (after a lost
  // connection), so it must reset whatever it fills.
  virtual absl::Status Read(const std::function<absl::Status(IndexReader&)>& fn) = 0;

  // True when text searches with filters should rank without filters
  // (cached and shared with unfiltered searches) and filter in memory with
  // EntityDocuments and LoadDocFilterInfos; false to let Match filter.
  virtual bool FilterTextMatchesInMemory() const = 0;
};

absl::StatusOr<std::unique_ptr<IndexBackend>> OpenSqliteIndexBackend(const std::string& path,
                                                                     const IndexStoreOptions& options);
absl::StatusOr<std::unique_ptr<IndexBackend>> OpenPostgresIndexBackend(const std::string& url,
                                                                       const IndexStoreOptions& options);

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_INDEX_BACKEND_H_
