#ifndef DOSSIER_SERVICES_QUERY_INDEX_BACKEND_H_
#define DOSSIER_SERVICES_QUERY_INDEX_BACKEND_H_

// The storage side of IndexStore (internal to the query service): IndexStore
// validates requests, prepares the rows Index writes, keeps the caches and
// shapes results; an IndexBackend only stores and reads rows, in SQLite
// (sqlite_index_backend) or PostgreSQL (pg_index_backend).

#include <cstdint>
#include <functional>
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
  bool active() const { return !entity_ids.empty() || type_mask != 0 || range.active; }
};

// What filtered searches check per match when filtering in memory. Dates:
// EarliestKey/LatestKey, 0 when the year is unknown.
struct DocFilterInfo {
  int32_t published_lo = 0;
  int32_t published_hi = 0;
  int64_t type_mask = 0;
};
using DocFilterInfoMap = absl::flat_hash_map<int64_t, DocFilterInfo>;

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
  virtual absl::StatusOr<DocFilterInfoMap> LoadDocFilterInfos() = 0;
  // The rows of `docs` (unknown keys left out), in that order; the snippet
  // highlights `text` when it is not empty.
  virtual absl::StatusOr<std::vector<HitRow>> Hits(const std::vector<int64_t>& docs,
                                                   const ParsedQuery& text) = 0;

  virtual absl::StatusOr<EntityDocStats> EntityStats(const std::string& entity_id) = 0;
  virtual absl::StatusOr<bool> EntityIsMentioned(const std::string& entity_id) = 0;
  virtual absl::StatusOr<int64_t> EntityDocumentCount(const std::string& entity_id) = 0;
  // Name and type of a known entity; nullopt when unknown.
  virtual absl::StatusOr<std::optional<std::pair<std::string, EntityType>>> EntityNameType(
      const std::string& entity_id) = 0;
  // Alias texts, most mentioned first, then by text.
  virtual absl::StatusOr<std::vector<std::string>> Aliases(const std::string& entity_id, int limit) = 0;
  // Co-occurring entities: most shared documents, then sentences, then id;
  // `type` ENTITY_TYPE_UNSPECIFIED for all types.
  virtual absl::StatusOr<std::vector<RelatedEntity>> Related(const std::string& entity_id, EntityType type,
                                                             int limit, int64_t offset) = 0;

  // Streams the sentences that mention `driver` and every one of `others`
  // with date_key in [lo, hi], in (date_key, doc, sentence) order, until
  // `visit` returns false.
  virtual absl::Status ScanTimeline(const std::string& driver, const std::vector<std::string>& others, int lo,
                                    int hi, const std::function<bool(const TimelineRef&)>& visit) = 0;
  // The items of `refs` (missing ones left out), in that order.
  virtual absl::StatusOr<std::vector<TimelineItem>> TimelineItems(const std::vector<TimelineRef>& refs) = 0;

  // The stored (blob, body) of a document; nullopt when unknown.
  virtual absl::StatusOr<std::optional<std::pair<std::string, std::string>>> StoredDocument(
      const std::string& document_id) = 0;
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
