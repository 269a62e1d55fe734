#ifndef DOSSIER_SERVICES_QUERY_INDEX_STORE_H_
#define DOSSIER_SERVICES_QUERY_INDEX_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "dossier/common/v1/common.pb.h"
#include "services/query/dates.h"

namespace dossier::query {

using EntityType = common::v1::EntityType;

// ---- Results and queries (plain structs; the service maps them to protos) ----

struct IndexResult {
  // True the first time a document id is indexed; false when it replaced an
  // earlier version.
  bool created = false;
  int mention_count = 0;
  int entity_count = 0;
};

struct SearchQuery {
  // The query language of ParseQuery; may be empty when a filter is given.
  std::string text;
  // Only documents that mention every one of these entities (at most 20).
  std::vector<std::string> entity_ids;
  // Only documents with at least one mention of each of these types.
  std::vector<EntityType> entity_types;
  // Publication date bounds (inclusive; see MakeDateRange). A document whose
  // date is partial matches when it may fall in the range; a document
  // without a year never matches an active range.
  PartialDate date_from;
  PartialDate date_to;
  // 0: default 10; at most 100; negative is INVALID_ARGUMENT.
  int page_size = 0;
  std::string page_token;
};

struct SearchHit {
  std::string document_id;
  std::string title;
  PartialDate published;
  std::string source;
  // A passage of the body with matched words between [ and ]; for searches
  // without text, the beginning of the body.
  std::string snippet;
  // Higher is better (SQLite: negated FTS5 bm25; PostgreSQL: ts_rank; the
  // title weighted kTitleWeight times the body); 0 for searches without
  // text. Scores of the two backends are not comparable. Equal scores (and equal dates,
  // without text) list the most recently first-indexed document first.
  double score = 0;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  int total_size = 0;
  std::string next_page_token;
};

struct RelatedEntity {
  std::string entity_id;
  std::string name;
  EntityType type = common::v1::ENTITY_TYPE_UNSPECIFIED;
  int document_count = 0;
  int sentence_count = 0;
};

struct EntityProfile {
  std::string entity_id;
  std::string name;
  EntityType type = common::v1::ENTITY_TYPE_UNSPECIFIED;
  // Distinct mention texts, most frequent first (ties by text); at most
  // kMaxAliases.
  std::vector<std::string> aliases;
  int mention_count = 0;
  int document_count = 0;
  // Earliest / latest publication date (with a known year) of a document
  // mentioning the entity, compared by SortKey; empty when none is known.
  PartialDate first_seen;
  PartialDate last_seen;
  std::vector<RelatedEntity> related;
};

struct RelatedQuery {
  std::string entity_id;
  // ENTITY_TYPE_UNSPECIFIED: any type.
  EntityType type = common::v1::ENTITY_TYPE_UNSPECIFIED;
  // 0: default 20; at most 200.
  int page_size = 0;
  std::string page_token;
};

struct RelatedPage {
  std::vector<RelatedEntity> related;
  std::string next_page_token;
};

struct TimelineQuery {
  // 1 to 10 entity ids; an item's sentence must mention all of them.
  std::vector<std::string> entity_ids;
  // Bounds on the items' dates (same semantics as SearchQuery). Undated
  // items are not filtered.
  PartialDate date_from;
  PartialDate date_to;
  // 0: default 50; at most 500.
  int page_size = 0;
  std::string page_token;
  // At most this many items (the first sentences) per document and date, so
  // one long article does not flood the timeline; 0 for no limit.
  int max_items_per_document_date = 3;
};

struct TimelineItem {
  // A date the sentence names (first DATE mention of the sentence with a
  // year, else the first one with a month), else the publication date.
  PartialDate date;
  bool date_from_text = false;
  std::string document_id;
  std::string title;
  std::string text;
};

struct TimelinePage {
  // Items whose date has a year, ordered by SortKey(date) (so 2001-09 comes
  // before 2001-09-01), then document (in the order documents were first
  // indexed), then sentence; paginated.
  std::vector<TimelineItem> items;
  // Items whose date has no year, in document order (as above) and sentence
  // order; only on the first page, at most page_size of them.
  std::vector<TimelineItem> undated;
  std::string next_page_token;
};

struct IndexStoreOptions {
  // SQLite read connections; that many reads run concurrently. At least 1.
  int reader_connections = 4;
  // Ranked match lists of this many recent searches are kept until the next
  // Index (on PostgreSQL: the next Index of any replica), so the next pages
  // and repeated searches skip ranking; 0: none.
  int search_cache_entries = 64;
  // PostgreSQL connections (reads and writes share them); 0: reader_connections + 2.
  int postgres_pool_size = 0;
};

// Title weight relative to the body in ranking.
inline constexpr double kTitleWeight = 4.0;
inline constexpr int kMaxAliases = 50;
inline constexpr int kMaxFilterEntities = 20;
inline constexpr int kMaxTimelineEntities = 10;

// Checks everything Index needs of a document: a non-empty id of at most 256
// bytes, UTF-8 title and body, a valid publication date, sentence spans in
// the body, and for each mention a span in the body, a known non-
// UNSPECIFIED type, a sentence index in range (0 when there are no
// sentences) and a valid date; each listed entity an id and a known type.
// INVALID_ARGUMENT naming the offending field.
absl::Status ValidateDocument(const common::v1::Document& document);

class IndexBackend;
class IndexReader;
struct DocFilterInfo;

// The read model of the query service: annotated documents with a full-text
// index, per-entity document and sentence lists, alias counts and
// co-occurrence counts kept up to date on every Index. Stored in SQLite
// (FTS5; one process per file) or PostgreSQL (tsvector + GIN; any number of
// replicas may share one database, each seeing the others' Index calls).
//
// Thread-safe. On SQLite, writes (Index) are serialized on one connection;
// reads use a pool of `reader_connections` connections and run concurrently
// with each other and with a write (WAL). On PostgreSQL reads and writes share
// a pool of `postgres_pool_size` connections. Every read sees one consistent
// snapshot.
class IndexStore {
 public:
  // Opens or creates the SQLite database file at `path`. INVALID_ARGUMENT for
  // ":memory:" (readers need their own connections to the file), UNAVAILABLE
  // when it cannot be opened, FAILED_PRECONDITION when it was made by a newer
  // schema version, INTERNAL when the schema cannot be created.
  static absl::StatusOr<std::unique_ptr<IndexStore>> Open(const std::string& path,
                                                          const IndexStoreOptions& options = {});
  // Connects to the PostgreSQL database at `url` (postgresql://...) and
  // applies the query schema's migrations (tables prefixed query_), which is
  // safe while other replicas start too. UNAVAILABLE when the server cannot be
  // reached, FAILED_PRECONDITION when the schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<IndexStore>> OpenPostgres(const std::string& url,
                                                                  const IndexStoreOptions& options = {});
  // The store a --db flag names: "" for SQLite at `sqlite_path`, a
  // postgresql:// (or postgres://) URL for PostgreSQL. INVALID_ARGUMENT for
  // anything else.
  static absl::StatusOr<std::unique_ptr<IndexStore>> OpenFromFlag(const std::string& db,
                                                                  const std::string& sqlite_path,
                                                                  const IndexStoreOptions& options = {});
  ~IndexStore();

  // Adds or replaces `document` (by id) and everything derived from it, in
  // one transaction. The stored copy has state DOCUMENT_STATE_INDEXED.
  // INVALID_ARGUMENT when ValidateDocument fails. Indexing the same document
  // concurrently (also from two replicas) is safe: one version wins whole.
  absl::StatusOr<IndexResult> Index(const common::v1::Document& document);

  // Full-text search with filters; best match first (or newest first when
  // the query has no text). INVALID_ARGUMENT for a malformed query, a bad
  // filter or page token, or nothing to search for (no text, no filter).
  absl::StatusOr<SearchPage> Search(const SearchQuery& query);

  // NOT_FOUND when no indexed document mentions the entity; INVALID_ARGUMENT
  // for an empty id or a negative limit. `related_limit` 0: 10; at most 100.
  absl::StatusOr<EntityProfile> GetEntityProfile(const std::string& entity_id, int related_limit);

  // Entities sharing documents with one entity: most shared documents first,
  // then most shared sentences, then by id. NOT_FOUND for an entity no
  // document mentions; INVALID_ARGUMENT for bad type or paging.
  absl::StatusOr<RelatedPage> Related(const RelatedQuery& query);

  // Sentences mentioning all requested entities, in date order. NOT_FOUND
  // when a requested entity is mentioned by no indexed document.
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& query);

  // The stored document. NOT_FOUND for an unknown id.
  absl::StatusOr<common::v1::Document> GetDocument(const std::string& document_id);

  absl::StatusOr<int64_t> DocumentCount();

 private:
  using Matches = std::vector<std::pair<int64_t, double>>;
  using DocFilterInfoMap = absl::flat_hash_map<int64_t, DocFilterInfo>;

  IndexStore(std::unique_ptr<IndexBackend> backend, const IndexStoreOptions& options);

  // Ranked (doc key, score) lists of recent searches by a description of the
  // search; only entries of the newest generation seen are kept, and an entry
  // serves readers whose snapshot has that generation (so it is exact, also
  // after other replicas indexed).
  struct CachedMatches {
    uint64_t last_used = 0;
    std::shared_ptr<const Matches> matches;
  };
  std::shared_ptr<const Matches> CachedSearch(const std::string& key, uint64_t generation);
  void CacheSearch(const std::string& key, uint64_t generation, std::shared_ptr<const Matches> matches);

  // Every document's filter columns as the reader's snapshot (of
  // `generation`) sees them, for filtering ranked matches in memory; loaded
  // by one scan and reused while the generation is unchanged.
  absl::StatusOr<std::shared_ptr<const DocFilterInfoMap>> DocFilterInfos(IndexReader& reader,
                                                                         uint64_t generation);

  std::unique_ptr<IndexBackend> backend_;
  IndexStoreOptions options_;
  absl::Mutex doc_info_mu_;
  uint64_t doc_info_generation_ ABSL_GUARDED_BY(doc_info_mu_) = 0;
  std::shared_ptr<const DocFilterInfoMap> doc_info_ ABSL_GUARDED_BY(doc_info_mu_);
  absl::Mutex cache_mu_;
  uint64_t cache_generation_ ABSL_GUARDED_BY(cache_mu_) = 0;
  absl::flat_hash_map<std::string, CachedMatches> cache_ ABSL_GUARDED_BY(cache_mu_);
  uint64_t cache_clock_ ABSL_GUARDED_BY(cache_mu_) = 0;
};

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_INDEX_STORE_H_
