#ifndef DOSSIER_SERVICES_QUERY_INDEX_STORE_H_
#define DOSSIER_SERVICES_QUERY_INDEX_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// The order of search hits (values as in dossier.query.v1.SearchSort).
enum class SearchSort {
  // Relevance for searches with text, newest first without.
  kDefault = 0,
  // Best match first. Without text (every score 0) the same as kNewest.
  kRelevance = 1,
  // Newest publication date first; documents without a year last.
  kNewest = 2,
  // Oldest publication date first; documents without a year last.
  kOldest = 3,
};

// What search facets count (values as in dossier.query.v1.FacetField).
enum class FacetField {
  kUnspecified = 0,
  // Entities mentioned: value the entity id, label its name.
  kEntity = 1,
  // Entity types mentioned: "PERSON", "ORGANIZATION", "LOCATION", "DATE", "MISC".
  kEntityType = 2,
  // The document's source (documents without one are not counted).
  kSource = 3,
  // Publication month "YYYY-MM" (documents without year and month are not counted).
  kMonth = 4,
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
  SearchSort sort = SearchSort::kDefault;
  // Only documents whose source is exactly one of these (at most 100).
  std::vector<std::string> sources;
  // Facets to count over all matching documents, in this order (at most 4,
  // each once); kUnspecified is INVALID_ARGUMENT.
  std::vector<FacetField> facets;
  // Values per facet, most frequent first (ties by value); 0: default 10;
  // at most 100; negative is INVALID_ARGUMENT.
  int facet_limit = 0;
};

struct FacetValue {
  std::string value;
  // The entity's name for kEntity; else the value.
  std::string label;
  // Matching documents with this value.
  int count = 0;
};

struct Facet {
  FacetField field = FacetField::kUnspecified;
  std::vector<FacetValue> values;
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
  // One per requested facet, in the order requested.
  std::vector<Facet> facets;
};

struct RelatedEntity {
  std::string entity_id;
  std::string name;
  EntityType type = common::v1::ENTITY_TYPE_UNSPECIFIED;
  // Documents / sentences mentioning both entities.
  int document_count = 0;
  int sentence_count = 0;
  // log2(N * document_count / (documents of one * documents of the other)),
  // N the indexed documents.
  double pmi = 0;
  // sentence_count + 0.25 * document_count.
  double score = 0;
  // Distinct events with the requested entity as source and this one as
  // target, and the reverse.
  int events_as_source = 0;
  int events_as_target = 0;
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

// How Related ranks (values as in dossier.query.v1.RelatedOrder). Ties
// are broken by shared documents, then shared sentences, then entity id.
enum class RelatedOrder {
  kDefault = 0,
  // Most shared documents (the default).
  kDocuments = 1,
  // Highest score (sentence_count + 0.25 * document_count).
  kScore = 2,
  // Highest PMI.
  kPmi = 3,
  // Most events between the two, either direction.
  kEvents = 4,
};

struct RelatedQuery {
  std::string entity_id;
  // ENTITY_TYPE_UNSPECIFIED: any type.
  EntityType type = common::v1::ENTITY_TYPE_UNSPECIFIED;
  // 0: default 20; at most 200.
  int page_size = 0;
  std::string page_token;
  RelatedOrder order = RelatedOrder::kDefault;
  // Only entities sharing at least this many documents; 0: 1; negative is
  // INVALID_ARGUMENT.
  int min_documents = 0;
};

struct RelatedPage {
  std::vector<RelatedEntity> related;
  std::string next_page_token;
};

// Which items a timeline lists (values as in dossier.query.v1.TimelineKind).
enum class TimelineKind {
  // Events and sentences.
  kDefault = 0,
  kAll = 1,
  kEvents = 2,
  kMentions = 3,
};

struct TimelineQuery {
  // 1 to 10 entity ids; a sentence item must mention all of them, an event
  // item must have all of them as actors (so with more than two entities
  // there are no event items).
  std::vector<std::string> entity_ids;
  // Bounds on the items' dates (same semantics as SearchQuery). Undated
  // items are not filtered.
  PartialDate date_from;
  PartialDate date_to;
  // 0: default 50; at most 500.
  int page_size = 0;
  std::string page_token;
  // At most this many sentence items (the first sentences) per document
  // and date, so one long article does not flood the timeline; 0 for no
  // limit. Events are not capped.
  int max_items_per_document_date = 3;
  TimelineKind kind = TimelineKind::kDefault;
};

struct TimelineItem {
  // Sentences: a date the sentence names (first DATE mention of the
  // sentence with a year, else the first one with a month), else the
  // publication date. Events: the event's date.
  PartialDate date;
  bool date_from_text = false;
  // Events: the document of the first mention.
  std::string document_id;
  std::string title;
  // The sentence; for events the evidence of the first mention.
  std::string text;
  // Set for event items (with at most 5 mentions; num_mentions counts all).
  std::optional<common::v1::Event> event;
};

// Consecutive items of TimelinePage::items with one date: items[begin, end).
struct TimelineDay {
  PartialDate date;
  int begin = 0;
  int end = 0;
};

struct TimelinePage {
  // Items whose date has a year, ordered by SortKey(date) (so 2001-09 comes
  // before 2001-09-01); on one date events first (by event id), then
  // sentences by document (in the order documents were first indexed) and
  // sentence; paginated.
  std::vector<TimelineItem> items;
  // Items whose date has no year, in document order (as above; an event
  // counts as its first mention's document, before that document's
  // sentences); only on the first page, at most page_size of them.
  std::vector<TimelineItem> undated;
  std::string next_page_token;
  // `items` grouped by identical date, in order.
  std::vector<TimelineDay> days;
};

// Event filters (see dossier.query.v1.ListEventsRequest).
struct EventQuery {
  // An entity id (contains ':') or an actor code prefix ("CHN" matches CHN,
  // CHNGOV...; compared in upper case); "" for any actor.
  std::string actor;
  // 0 or 1: either side; 2: `actor` is the source; 3: the target. A side
  // needs an actor.
  int side = 0;
  // A second actor (same forms; needs `actor`): events between the two,
  // on opposite sides as `side` says, either direction when it is 0 or 1.
  std::string other_actor;
  // 2 to 4 digits: CAMEO code prefix ("04", "042", "0421"); "" for any.
  std::string cameo_prefix;
  // 1-4, 0 for any.
  int quad_class = 0;
  // Event date bounds (as in SearchQuery); events without a year never
  // match an active range.
  PartialDate date_from;
  PartialDate date_to;
  // Only events mentioned in this document.
  std::string document_id;
  // 0: default 50; at most 500. Ignored by ExportEvents.
  int page_size = 0;
  std::string page_token;
};

struct EventPage {
  // Oldest first (by SortKey of the date), events without a year last, then
  // by id. Each with num_mentions, num_documents, the highest confidence,
  // the first mention's evidence and span, and at most kMaxEventMentions
  // mentions in document and sentence order. A page ends early (with a
  // token) when it would pass 3 MiB.
  std::vector<common::v1::Event> events;
  int total_size = 0;
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
// Mentions returned per event by ListEvents, ExportEvents and Timeline.
inline constexpr int kMaxEventMentions = 20;
inline constexpr int kMaxSearchSources = 100;

// Checks everything Index needs of a document: a non-empty id of at most 256
// bytes, UTF-8 title and body, a valid publication date, sentence spans in
// the body, and for each mention a span in the body, a known non-
// UNSPECIFIED type, a sentence index in range (0 when there are no
// sentences) and a valid date; each listed entity an id and a known type;
// each event an id, a CAMEO code of 2-4 digits (and a matching root code),
// QuadClass 0-4, Goldstein -10..10, confidence 0..1, actor codes of
// letters, digits, '-' or '_', valid dates, and at least one mention whose
// document is this one (or empty), sentence in range and span in the body.
// INVALID_ARGUMENT naming the offending field.
absl::Status ValidateDocument(const common::v1::Document& document);

class IndexBackend;
class IndexReader;
struct DocFilterInfos;
struct DocEntities;
struct EventFilter;

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
  // the query has no text) unless `sort` says otherwise; facets counted over
  // every match (cached per index generation, so later pages do not
  // recount). INVALID_ARGUMENT for a malformed query, a bad filter, sort,
  // facet or page token, or nothing to search for (no text, no filter).
  absl::StatusOr<SearchPage> Search(const SearchQuery& query);

  // NOT_FOUND when no indexed document mentions the entity; INVALID_ARGUMENT
  // for an empty id or a negative limit. `related_limit` 0: 10; at most 100.
  absl::StatusOr<EntityProfile> GetEntityProfile(const std::string& entity_id, int related_limit);

  // Entities sharing documents with one entity, ranked by `order` (default:
  // most shared documents first, then most shared sentences, then by id).
  // NOT_FOUND for an entity no document mentions; INVALID_ARGUMENT for bad
  // type, order, min_documents or paging.
  absl::StatusOr<RelatedPage> Related(const RelatedQuery& query);

  // Events between all requested entities and sentences mentioning all of
  // them, in date order. NOT_FOUND when a requested entity is mentioned by
  // no indexed document; INVALID_ARGUMENT for bad ids, dates, kind or paging.
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& query);

  // Events matching the filters, deduplicated across documents, paginated.
  // INVALID_ARGUMENT naming the field for a bad filter or page token.
  absl::StatusOr<EventPage> ListEvents(const EventQuery& query);

  // Every event ListEvents would list for `query` (paging ignored), in the
  // same order, passed to `emit` one by one; read in chunks (each chunk its
  // own snapshot), so memory stays bounded whatever the count. Stops with
  // CANCELLED when `emit` returns false. INVALID_ARGUMENT as ListEvents.
  absl::Status ExportEvents(const EventQuery& query, const std::function<bool(const common::v1::Event&)>& emit);

  // The stored document. NOT_FOUND for an unknown id.
  absl::StatusOr<common::v1::Document> GetDocument(const std::string& document_id);

  absl::StatusOr<int64_t> DocumentCount();

 private:
  using Matches = std::vector<std::pair<int64_t, double>>;

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

  // Every document's filter and facet columns as the reader's snapshot (of
  // `generation`) sees them, for filtering, sorting and counting matches in
  // memory; loaded by one scan (one reader at a time; the others wait for
  // it) and reused while the generation is unchanged.
  absl::StatusOr<std::shared_ptr<const DocFilterInfos>> LoadDocFilterInfos(IndexReader& reader,
                                                                           uint64_t generation);
  // Every document's entities (for entity facets), likewise.
  absl::StatusOr<std::shared_ptr<const DocEntities>> LoadDocEntities(IndexReader& reader, uint64_t generation);

  // Facets of `matches` (the matches of search `key`), cached per
  // generation.
  absl::StatusOr<std::vector<Facet>> CountFacets(IndexReader& reader, uint64_t generation, const std::string& key,
                                                 const Matches& matches, const std::vector<FacetField>& fields,
                                                 int limit);

  // Count of events matching `filter` (described by `key`), cached per
  // generation.
  absl::StatusOr<int64_t> CountEvents(IndexReader& reader, uint64_t generation, const std::string& key,
                                      const EventFilter& filter);

  std::unique_ptr<IndexBackend> backend_;
  IndexStoreOptions options_;
  absl::Mutex doc_info_load_mu_;  // held while loading; taken before doc_info_mu_
  absl::Mutex doc_info_mu_;
  uint64_t doc_info_generation_ ABSL_GUARDED_BY(doc_info_mu_) = 0;
  std::shared_ptr<const DocFilterInfos> doc_info_ ABSL_GUARDED_BY(doc_info_mu_);
  uint64_t doc_entities_generation_ ABSL_GUARDED_BY(doc_info_mu_) = 0;
  std::shared_ptr<const DocEntities> doc_entities_ ABSL_GUARDED_BY(doc_info_mu_);
  // Small results (facets, event counts) of the newest generation seen.
  struct SmallCache {
    uint64_t generation = 0;
    absl::flat_hash_map<std::string, std::shared_ptr<const std::vector<FacetValue>>> facets;
    absl::flat_hash_map<std::string, int64_t> counts;
  };
  absl::Mutex small_cache_mu_;
  SmallCache small_cache_ ABSL_GUARDED_BY(small_cache_mu_);
  absl::Mutex cache_mu_;
  uint64_t cache_generation_ ABSL_GUARDED_BY(cache_mu_) = 0;
  absl::flat_hash_map<std::string, CachedMatches> cache_ ABSL_GUARDED_BY(cache_mu_);
  uint64_t cache_clock_ ABSL_GUARDED_BY(cache_mu_) = 0;
};

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_INDEX_STORE_H_
