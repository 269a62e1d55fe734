#include <algorithm>
#include <limits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "libs/common/migration.h"
#include "libs/common/sqlite.h"
#include "libs/common/status_macros.h"
#include "services/query/event_sql.h"
#include "services/query/index_backend.h"

// The SQLite backend of IndexStore: one file, FTS5 for text, one writer
// connection and a pool of read connections (WAL).

namespace dossier::query {
namespace {

// Binds an event's stored attributes to parameters ?2 (source entity) to ?12
// (order key), as the events INSERT and UPDATE name them.
sqlite::Statement& BindEventAttributes(sqlite::Statement& stmt, const EventAttributes& a) {
  return stmt.Bind(2, std::string_view(a.source_entity))
      .Bind(3, std::string_view(a.target_entity))
      .Bind(4, std::string_view(a.source_code))
      .Bind(5, std::string_view(a.target_code))
      .Bind(6, std::string_view(a.code))
      .Bind(7, std::string_view(a.root_code))
      .Bind(8, int64_t{a.quad_class})
      .Bind(9, int64_t{a.date_key})
      .Bind(10, int64_t{a.date_lo})
      .Bind(11, int64_t{a.date_hi})
      .Bind(12, int64_t{a.order_key});
}

constexpr int kSnippetTokens = 24;

// Migration 1: the schema as it was before versioned migrations (IF NOT
// EXISTS, so databases made then adopt it).
constexpr std::string_view kSchemaV1 = R"sql(
-- Document metadata: narrow rows, so filters and sorts scan little.
CREATE TABLE IF NOT EXISTS documents (
  doc_rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  published_key INTEGER NOT NULL,  -- SortKey: yyyymmdd, unknown parts 0
  published_lo INTEGER,            -- EarliestKey; NULL when the year is unknown
  published_hi INTEGER,            -- LatestKey; NULL when the year is unknown
  type_mask INTEGER NOT NULL,      -- bit (1 << EntityType) per mention type present
  published_year INTEGER NOT NULL,
  published_month INTEGER NOT NULL,
  published_day INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  title TEXT NOT NULL,
  source TEXT NOT NULL,
  url TEXT NOT NULL,
  language TEXT NOT NULL,
  external_id TEXT NOT NULL,
  received_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_date ON documents(published_key DESC, doc_rowid DESC);
-- The text (content table of docs_fts) and the annotated document, as a
-- serialized dossier.common.v1.Document without its body (body is here).
CREATE TABLE IF NOT EXISTS document_text (
  doc_rowid INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  document BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
  title, body, content='document_text', content_rowid='doc_rowid',
  tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS entities (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  kind TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (
  doc_rowid INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  entity_id TEXT NOT NULL,  -- '' for dates and unresolved mentions
  type INTEGER NOT NULL,
  text TEXT NOT NULL,
  begin INTEGER NOT NULL,
  end INTEGER NOT NULL,
  sentence INTEGER NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  PRIMARY KEY (doc_rowid, ordinal)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_docs (
  entity_id TEXT NOT NULL,
  doc_rowid INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  published_key INTEGER NOT NULL,
  PRIMARY KEY (entity_id, doc_rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_docs_by_doc ON entity_docs(doc_rowid);
CREATE INDEX IF NOT EXISTS entity_docs_by_date ON entity_docs(entity_id, published_key DESC, doc_rowid DESC);
-- Sentences mentioning each entity, with the sentence's timeline date
-- (SortKey) so a timeline streams in date order from an index.
CREATE TABLE IF NOT EXISTS entity_sentences (
  entity_id TEXT NOT NULL,
  doc_rowid INTEGER NOT NULL,
  sentence INTEGER NOT NULL,
  date_key INTEGER NOT NULL,
  PRIMARY KEY (entity_id, doc_rowid, sentence)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_sentences_by_doc ON entity_sentences(doc_rowid);
CREATE INDEX IF NOT EXISTS entity_sentences_by_date ON entity_sentences(entity_id, date_key, doc_rowid, sentence);
-- Sentences that mention at least one entity, with their timeline date.
CREATE TABLE IF NOT EXISTS sentences (
  doc_rowid INTEGER NOT NULL,
  sentence INTEGER NOT NULL,
  begin INTEGER NOT NULL,
  end INTEGER NOT NULL,
  text TEXT NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  date_key INTEGER NOT NULL,
  date_lo INTEGER,
  date_hi INTEGER,
  date_from_text INTEGER NOT NULL,
  PRIMARY KEY (doc_rowid, sentence)
) WITHOUT ROWID;
-- Derived counters, maintained by Index (added for a new version of a
-- document, subtracted for the version it replaces).
CREATE TABLE IF NOT EXISTS entity_aliases (
  entity_id TEXT NOT NULL,
  text TEXT NOT NULL,
  mention_count INTEGER NOT NULL,
  PRIMARY KEY (entity_id, text)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cooccurrence (
  entity_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  document_count INTEGER NOT NULL,
  sentence_count INTEGER NOT NULL,
  PRIMARY KEY (entity_id, other_id)
) WITHOUT ROWID;
)sql";

// Reads go through a shared memory map (up to 1 GiB of the file) plus a
// modest private page cache per connection.
constexpr std::string_view kConnectionPragmas =
    "PRAGMA cache_size=-16000; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY";

// Migration 3: events (one row per event, deduplicated across documents,
// with the reports of each document and sentence), per-entity document
// counts and the document count (for PMI), kept by Index. IF NOT EXISTS
// like migration 1, so an index that lost its migration records adopts it.
constexpr std::string_view kSchemaV3 = R"sql(
-- One row per event id; the attributes are those of the first document
-- (smallest doc_rowid) reporting it; the counts cover every report.
CREATE TABLE IF NOT EXISTS events (
  event_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source_entity TEXT NOT NULL,
  target_entity TEXT NOT NULL,
  source_code TEXT NOT NULL,
  target_code TEXT NOT NULL,
  code TEXT NOT NULL,
  root_code TEXT NOT NULL,
  quad_class INTEGER NOT NULL,
  date_key INTEGER NOT NULL,   -- SortKey of the event date
  date_lo INTEGER NOT NULL,    -- EarliestKey / LatestKey; 0 when the year is unknown
  date_hi INTEGER NOT NULL,
  order_key INTEGER NOT NULL,  -- list order: date_key, undated after every dated event
  num_mentions INTEGER NOT NULL,
  num_documents INTEGER NOT NULL,
  confidence REAL NOT NULL,
  first_doc INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_order ON events(order_key, id);
CREATE INDEX IF NOT EXISTS events_by_root ON events(root_code, order_key, id);
CREATE INDEX IF NOT EXISTS events_by_quad ON events(quad_class, order_key, id);
-- Actor filters in list order: kind 0 an entity id, kind 1 an actor code
-- prefix of 3, 6, 9... characters; with the event's side of the actor
-- (bit 1 source, bit 2 target), code, QuadClass and latest date, so actor
-- filters with these count without reading events.
CREATE TABLE IF NOT EXISTS event_actors (
  kind INTEGER NOT NULL,
  actor_key TEXT NOT NULL,
  order_key INTEGER NOT NULL,
  id TEXT NOT NULL,
  event_key INTEGER NOT NULL,
  sides INTEGER NOT NULL,
  code TEXT NOT NULL,
  quad_class INTEGER NOT NULL,
  date_hi INTEGER NOT NULL,
  PRIMARY KEY (kind, actor_key, order_key, id)
) WITHOUT ROWID;
-- The event as each document reports it (a dossier.common.v1.Event without
-- mentions), and its sentences.
CREATE TABLE IF NOT EXISTS event_docs (
  event_key INTEGER NOT NULL,
  doc_rowid INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  confidence REAL NOT NULL,
  event BLOB NOT NULL,
  PRIMARY KEY (event_key, doc_rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_docs_by_doc ON event_docs(doc_rowid);
CREATE TABLE IF NOT EXISTS event_mentions (
  event_key INTEGER NOT NULL,
  doc_rowid INTEGER NOT NULL,
  sentence INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  trigger_text TEXT NOT NULL,
  confidence REAL NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  date_from_text INTEGER NOT NULL,
  PRIMARY KEY (event_key, doc_rowid, sentence)
) WITHOUT ROWID;
-- Distinct events per (source, target) entity pair.
CREATE TABLE IF NOT EXISTS event_pairs (
  source_entity TEXT NOT NULL,
  target_entity TEXT NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (source_entity, target_entity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_stats (
  entity_id TEXT PRIMARY KEY,
  document_count INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR REPLACE INTO entity_stats(entity_id, document_count) SELECT entity_id, COUNT(*) FROM entity_docs GROUP BY entity_id;
ALTER TABLE generation ADD COLUMN documents INTEGER NOT NULL DEFAULT 0;
UPDATE generation SET documents = (SELECT COUNT(*) FROM documents);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchemaV1},
    // Counts committed Index transactions; readers read it in their snapshot
    // to key caches.
    {2, "generation counter",
     "CREATE TABLE IF NOT EXISTS generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);"
     "INSERT OR IGNORE INTO generation(id, value) VALUES (1, 0);"},
    {3, "events, entity and document counts", kSchemaV3},
};

struct Arg {
  bool is_text = false;
  int64_t number = 0;
  std::string text;
};
Arg Num(int64_t n) { return Arg{false, n, {}}; }
Arg Txt(std::string s) { return Arg{true, 0, std::move(s)}; }

void BindAll(sqlite::Statement& stmt, const std::vector<Arg>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (args[i].is_text) {
      stmt.Bind(index, std::string_view(args[i].text));
    } else {
      stmt.Bind(index, args[i].number);
    }
  }
}

void BindKey(sqlite::Statement& stmt, int index, int key) {
  if (key == 0) {
    stmt.BindNull(index);
  } else {
    stmt.Bind(index, int64_t{key});
  }
}

absl::Status ReadError(const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("search failed: ", status.message()));
}

// ---- Reads ----

absl::StatusOr<sqlite::Statement> PrepareBuiltOn(sqlite::Db* db, const BuiltSql& built) {
  ASSIGN_OR_RETURN(auto stmt, db->Prepare(built.sql));
  for (size_t i = 0; i < built.params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (built.params[i].is_text) {
      stmt.Bind(index, std::string_view(built.params[i].text));
    } else {
      stmt.Bind(index, built.params[i].number);
    }
  }
  return stmt;
}

class SqliteReader final : public IndexReader {
 public:
  explicit SqliteReader(sqlite::Db* db) : db_(db) {}

  absl::StatusOr<uint64_t> Generation() override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT value FROM generation WHERE id = 1"));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? static_cast<uint64_t>(stmt.Int(0)) : 0;
  }

  absl::StatusOr<Matches> Match(const ParsedQuery& text, const SearchFilter& filter) override {
    const bool needs_documents = filter.type_mask != 0 || filter.range.active || !filter.sources.empty();
    std::vector<Arg> args;
    std::string sql;
    std::string rowid_column;
    std::string order;
    auto entity_iter = filter.entity_ids.begin();
    if (!text.empty()) {
      rowid_column = "docs_fts.rowid";
      sql =
          absl::StrCat("SELECT docs_fts.rowid, bm25(docs_fts, ", kTitleWeight, ", 1.0) AS rank FROM docs_fts",
                       needs_documents ? " CROSS JOIN documents d ON d.doc_rowid = docs_fts.rowid" : "",
                       " WHERE docs_fts MATCH ?1");
      args.push_back(Txt(text.fts_expression));
      // Sorted by the caller: SQLite's sorter is slower on large match lists.
    } else if (entity_iter != filter.entity_ids.end()) {
      rowid_column = "e0.doc_rowid";
      sql = absl::StrCat("SELECT e0.doc_rowid, 0 AS rank FROM entity_docs e0",
                         needs_documents ? " CROSS JOIN documents d ON d.doc_rowid = e0.doc_rowid" : "",
                         " WHERE e0.entity_id = ?1");
      args.push_back(Txt(*entity_iter++));
      order = " ORDER BY e0.published_key DESC, e0.doc_rowid DESC";
    } else {
      rowid_column = "d.doc_rowid";
      sql = "SELECT d.doc_rowid, 0 AS rank FROM documents d WHERE 1";
      order = " ORDER BY d.published_key DESC, d.doc_rowid DESC";
    }
    for (; entity_iter != filter.entity_ids.end(); ++entity_iter) {
      args.push_back(Txt(*entity_iter));
      absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM entity_docs e WHERE e.entity_id = ?", args.size(),
                      " AND e.doc_rowid = ", rowid_column, ")");
    }
    if (filter.type_mask != 0) {
      args.push_back(Num(filter.type_mask));
      absl::StrAppend(&sql, " AND (d.type_mask & ?", args.size(), ") = ?", args.size());
    }
    if (filter.range.active) {
      args.push_back(Num(filter.range.from_key));
      absl::StrAppend(&sql, " AND d.published_hi >= ?", args.size());
      args.push_back(Num(filter.range.to_key));
      absl::StrAppend(&sql, " AND d.published_lo <= ?", args.size());
    }
    if (!filter.sources.empty()) {
      std::vector<std::string> placeholders;
      for (const std::string& source : filter.sources) {
        args.push_back(Txt(source));
        placeholders.push_back(absl::StrCat("?", args.size()));
      }
      absl::StrAppend(&sql, " AND d.source IN (", absl::StrJoin(placeholders, ", "), ")");
    }
    absl::StrAppend(&sql, order);
    Matches matches;
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare(sql));
    BindAll(stmt, args);
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) return ReadError(row.status());
      if (!*row) break;
      matches.emplace_back(stmt.Int(0), -stmt.Double(1));
    }
    return matches;
  }

  absl::StatusOr<std::vector<int64_t>> EntityDocuments(const std::string& entity_id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT doc_rowid FROM entity_docs WHERE entity_id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    std::vector<int64_t> docs;
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) return ReadError(row.status());
      if (!*row) break;
      docs.push_back(stmt.Int(0));
    }
    std::sort(docs.begin(), docs.end());  // already sorted (primary key order); cheap insurance
    return docs;
  }

  absl::StatusOr<DocFilterInfos> LoadDocFilterInfos() override {
    DocFilterInfos infos;
    absl::flat_hash_map<std::string, int32_t> source_index;
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT doc_rowid, COALESCE(published_lo, 0), "
                                             "COALESCE(published_hi, 0), type_mask, published_key, "
                                             "published_year, published_month, source FROM documents"));
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) return ReadError(row.status());
      if (!*row) break;
      DocFilterInfo info{static_cast<int32_t>(stmt.Int(1)), static_cast<int32_t>(stmt.Int(2)), stmt.Int(3),
                         static_cast<int32_t>(stmt.Int(4))};
      const int64_t year = stmt.Int(5);
      const int64_t month = stmt.Int(6);
      if (year > 0 && month > 0) info.month = static_cast<int32_t>(year * 100 + month);
      auto [it, inserted] = source_index.try_emplace(stmt.Text(7), static_cast<int32_t>(infos.sources.size()));
      if (inserted) infos.sources.push_back(it->first);
      info.source = it->second;
      infos.Add(stmt.Int(0), info);
    }
    infos.Finish();
    return infos;
  }

  absl::StatusOr<DocEntities> LoadDocEntities() override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT entity_id, doc_rowid FROM entity_docs"));
    std::vector<std::pair<int64_t, uint32_t>> pairs;
    DocEntities out;
    absl::flat_hash_map<std::string, uint32_t> index;
    std::string last;
    uint32_t last_index = 0;
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) return ReadError(row.status());
      if (!*row) break;
      std::string id = stmt.Text(0);
      // Rows of one entity mostly come together: skip the hash then.
      if (out.ids.empty() || id != last) {
        auto [it, inserted] = index.try_emplace(id, static_cast<uint32_t>(out.ids.size()));
        if (inserted) out.ids.push_back(id);
        last_index = it->second;
        last = std::move(id);
      }
      pairs.emplace_back(stmt.Int(1), last_index);
    }
    FillDocEntities(std::move(pairs), &out);
    return out;
  }

  absl::StatusOr<std::vector<HitRow>> Hits(const std::vector<int64_t>& docs,
                                           const ParsedQuery& text) override {
    const std::string sql =
        text.empty()
            ? "SELECT d.id, d.title, d.source, d.published_year, d.published_month, d.published_day, "
              "substr(t.body, 1, 600) FROM documents d JOIN document_text t ON t.doc_rowid = d.doc_rowid "
              "WHERE d.doc_rowid = ?1"
            : absl::StrCat(
                  "SELECT d.id, d.title, d.source, d.published_year, d.published_month, "
                  "d.published_day, snippet(docs_fts, 1, '[', ']', '…', ",
                  kSnippetTokens,
                  ") FROM docs_fts CROSS JOIN documents d ON d.doc_rowid = docs_fts.rowid "
                  "WHERE docs_fts MATCH ?2 AND docs_fts.rowid = ?1");
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare(sql));
    std::vector<HitRow> rows;
    for (int64_t doc : docs) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, doc);
      if (!text.empty()) stmt.Bind(2, std::string_view(text.fts_expression));
      ASSIGN_OR_RETURN(bool found, stmt.Step());
      if (!found) continue;
      HitRow row;
      row.doc = doc;
      row.id = stmt.Text(0);
      row.title = stmt.Text(1);
      row.source = stmt.Text(2);
      row.published = PartialDate{static_cast<int>(stmt.Int(3)), static_cast<int>(stmt.Int(4)),
                                  static_cast<int>(stmt.Int(5))};
      row.text = stmt.Text(6);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  absl::StatusOr<EntityDocStats> EntityStats(const std::string& entity_id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT COUNT(*), COALESCE(SUM(mention_count), 0), "
                                             "MIN(CASE WHEN published_key >= 10000 THEN published_key END), "
                                             "MAX(CASE WHEN published_key >= 10000 THEN published_key END) "
                                             "FROM entity_docs WHERE entity_id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    EntityDocStats stats;
    if (!row) return stats;
    stats.documents = stmt.Int(0);
    stats.mentions = stmt.Int(1);
    if (!stmt.IsNull(2)) stats.first_key = static_cast<int>(stmt.Int(2));
    if (!stmt.IsNull(3)) stats.last_key = static_cast<int>(stmt.Int(3));
    return stats;
  }

  absl::StatusOr<bool> EntityIsMentioned(const std::string& entity_id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT 1 FROM entity_docs WHERE entity_id = ?1 LIMIT 1"));
    stmt.Bind(1, std::string_view(entity_id));
    return stmt.Step();
  }

  absl::StatusOr<int64_t> EntityDocumentCount(const std::string& entity_id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT document_count FROM entity_stats WHERE entity_id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? stmt.Int(0) : 0;
  }

  absl::StatusOr<std::optional<std::pair<std::string, EntityType>>> EntityNameType(
      const std::string& entity_id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT name, type FROM entities WHERE id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::nullopt;
    return std::make_pair(stmt.Text(0), ToEntityType(stmt.Int(1)));
  }

  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> EntityNames(
      const std::vector<std::string>& entity_ids) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT name FROM entities WHERE id = ?1"));
    absl::flat_hash_map<std::string, std::string> names;
    for (const std::string& id : entity_ids) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(id));
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) names[id] = stmt.Text(0);
    }
    return names;
  }

  absl::StatusOr<std::vector<std::string>> Aliases(const std::string& entity_id, int limit) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT text FROM entity_aliases WHERE entity_id = ?1 "
                                             "ORDER BY mention_count DESC, text LIMIT ?2"));
    stmt.Bind(1, std::string_view(entity_id)).Bind(2, int64_t{limit});
    std::vector<std::string> aliases;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      aliases.push_back(stmt.Text(0));
    }
    return aliases;
  }

  absl::StatusOr<std::vector<RelatedRow>> Related(const std::string& entity_id, EntityType type,
                                                  RelatedOrder order, int min_documents, int limit,
                                                  int64_t offset) override {
    // The page is chosen first, joining only what the order needs; names,
    // counts and events are then read for its rows alone.
    std::string sort_value = "c.document_count";
    std::string joins;
    if (order == RelatedOrder::kScore) sort_value = "c.sentence_count * 4 + c.document_count";
    if (order == RelatedOrder::kPmi) {
      sort_value = "CAST(c.document_count AS REAL) / MAX(COALESCE(s.document_count, 1), 1)";
      joins = " LEFT JOIN entity_stats s ON s.entity_id = c.other_id";
    }
    if (order == RelatedOrder::kEvents) {
      sort_value = "COALESCE(p1.event_count, 0) + COALESCE(p2.event_count, 0)";
      joins =
          " LEFT JOIN event_pairs p1 ON p1.source_entity = c.entity_id AND p1.target_entity = c.other_id"
          " LEFT JOIN event_pairs p2 ON p2.source_entity = c.other_id AND p2.target_entity = c.entity_id";
    }
    if (type != common::v1::ENTITY_TYPE_UNSPECIFIED) {
      absl::StrAppend(&joins, " JOIN entities te ON te.id = c.other_id AND te.type = ?5");
    }
    const std::string sql = absl::StrCat(
        "SELECT r.other_id, COALESCE(e.name, r.other_id), COALESCE(e.type, 0), r.document_count, "
        "r.sentence_count, COALESCE(s.document_count, 0), COALESCE(p1.event_count, 0), "
        "COALESCE(p2.event_count, 0) FROM (SELECT c.entity_id, c.other_id, c.document_count, c.sentence_count, ",
        sort_value, " AS sort_value FROM cooccurrence c", joins,
        " WHERE c.entity_id = ?1 AND c.document_count >= ?4 ORDER BY sort_value DESC, c.document_count DESC, "
        "c.sentence_count DESC, c.other_id LIMIT ?2 OFFSET ?3) r "
        "LEFT JOIN entities e ON e.id = r.other_id "
        "LEFT JOIN entity_stats s ON s.entity_id = r.other_id "
        "LEFT JOIN event_pairs p1 ON p1.source_entity = r.entity_id AND p1.target_entity = r.other_id "
        "LEFT JOIN event_pairs p2 ON p2.source_entity = r.other_id AND p2.target_entity = r.entity_id "
        "ORDER BY r.sort_value DESC, r.document_count DESC, r.sentence_count DESC, r.other_id");
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare(sql));
    stmt.Bind(1, std::string_view(entity_id))
        .Bind(2, int64_t{limit})
        .Bind(3, offset)
        .Bind(4, int64_t{min_documents});
    if (type != common::v1::ENTITY_TYPE_UNSPECIFIED) stmt.Bind(5, int64_t{type});
    std::vector<RelatedRow> related;
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      RelatedRow r;
      r.entity.entity_id = stmt.Text(0);
      r.entity.name = stmt.Text(1);
      r.entity.type = ToEntityType(stmt.Int(2));
      r.entity.document_count = static_cast<int>(stmt.Int(3));
      r.entity.sentence_count = static_cast<int>(stmt.Int(4));
      r.other_documents = stmt.Int(5);
      r.entity.events_as_source = static_cast<int>(stmt.Int(6));
      r.entity.events_as_target = static_cast<int>(stmt.Int(7));
      related.push_back(std::move(r));
    }
    return related;
  }

  absl::Status ScanTimeline(const std::string& driver, const std::vector<std::string>& others, int lo, int hi,
                            const std::function<bool(const TimelineRef&)>& visit) override {
    ASSIGN_OR_RETURN(auto check, db_->Prepare("SELECT 1 FROM entity_sentences WHERE entity_id = ?1 AND "
                                              "doc_rowid = ?2 AND sentence = ?3"));
    ASSIGN_OR_RETURN(auto scan, db_->Prepare("SELECT date_key, doc_rowid, sentence FROM entity_sentences "
                                             "WHERE entity_id = ?1 AND date_key >= ?2 AND date_key <= ?3 "
                                             "ORDER BY date_key, doc_rowid, sentence"));
    scan.Bind(1, std::string_view(driver)).Bind(2, int64_t{lo}).Bind(3, int64_t{hi});
    while (true) {
      ASSIGN_OR_RETURN(bool row, scan.Step());
      if (!row) return absl::OkStatus();
      const TimelineRef ref{scan.Int(1), scan.Int(2), static_cast<int>(scan.Int(0))};
      bool all = true;
      for (const std::string& other : others) {
        RETURN_IF_ERROR(check.Reset());
        check.Bind(1, std::string_view(other)).Bind(2, ref.doc).Bind(3, ref.sentence);
        ASSIGN_OR_RETURN(bool found, check.Step());
        if (!found) {
          all = false;
          break;
        }
      }
      if (all && !visit(ref)) return absl::OkStatus();
    }
  }

  absl::StatusOr<std::vector<TimelineItem>> TimelineItems(const std::vector<TimelineRef>& refs) override {
    ASSIGN_OR_RETURN(auto detail,
                     db_->Prepare("SELECT s.date_year, s.date_month, s.date_day, s.date_from_text, d.id, "
                                  "d.title, s.text FROM sentences s JOIN documents d ON "
                                  "d.doc_rowid = s.doc_rowid WHERE s.doc_rowid = ?1 AND s.sentence = ?2"));
    std::vector<TimelineItem> items;
    for (const TimelineRef& ref : refs) {
      RETURN_IF_ERROR(detail.Reset());
      detail.Bind(1, ref.doc).Bind(2, ref.sentence);
      ASSIGN_OR_RETURN(bool row, detail.Step());
      if (!row) continue;
      TimelineItem item;
      item.date = PartialDate{static_cast<int>(detail.Int(0)), static_cast<int>(detail.Int(1)),
                              static_cast<int>(detail.Int(2))};
      item.date_from_text = detail.Int(3) != 0;
      item.document_id = detail.Text(4);
      item.title = detail.Text(5);
      item.text = detail.Text(6);
      items.push_back(std::move(item));
    }
    return items;
  }

  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> StoredDocument(
      const std::string& document_id) override {
    ASSIGN_OR_RETURN(auto stmt,
                     db_->Prepare("SELECT t.document, t.body FROM documents d JOIN document_text t "
                                  "ON t.doc_rowid = d.doc_rowid WHERE d.id = ?1"));
    stmt.Bind(1, std::string_view(document_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::nullopt;
    return std::make_pair(stmt.Text(0), stmt.Text(1));
  }

  absl::StatusOr<int64_t> DocumentCount() override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT documents FROM generation WHERE id = 1"));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? stmt.Int(0) : 0;
  }

  absl::StatusOr<int64_t> CountEvents(const EventFilter& filter) override {
    ASSIGN_OR_RETURN(auto stmt, PrepareBuilt(CountEventsSql(filter, SqlDialect{})));
    auto row = stmt.Step();
    if (!row.ok()) return ReadError(row.status());
    return *row ? stmt.Int(0) : 0;
  }

  absl::StatusOr<std::vector<EventRef>> ScanEvents(const EventFilter& filter, const EventRef* after, int64_t offset,
                                                   int limit) override {
    ASSIGN_OR_RETURN(auto stmt, PrepareBuilt(ScanEventsSql(filter, SqlDialect{}, after, offset, limit)));
    std::vector<EventRef> refs;
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) return ReadError(row.status());
      if (!*row) break;
      refs.push_back(EventRef{stmt.Int(0), static_cast<int>(stmt.Int(1)), stmt.Text(2), stmt.Int(3)});
    }
    return refs;
  }

  absl::StatusOr<std::vector<EventDetail>> Events(const std::vector<int64_t>& events, int max_mentions) override {
    ASSIGN_OR_RETURN(auto head,
                     db_->Prepare("SELECT e.num_mentions, e.num_documents, e.confidence, x.event, d.title "
                                  "FROM events e JOIN event_docs x ON x.event_key = e.event_key AND "
                                  "x.doc_rowid = e.first_doc JOIN documents d ON d.doc_rowid = e.first_doc "
                                  "WHERE e.event_key = ?1"));
    ASSIGN_OR_RETURN(auto mentions,
                     db_->Prepare("SELECT d.id, m.sentence, m.evidence, m.span_begin, m.span_end, m.trigger_text, "
                                  "m.confidence, m.date_year, m.date_month, m.date_day, m.date_from_text, "
                                  "d.published_year, d.published_month, d.published_day FROM event_mentions m "
                                  "JOIN documents d ON d.doc_rowid = m.doc_rowid WHERE m.event_key = ?1 "
                                  "ORDER BY m.doc_rowid, m.sentence LIMIT ?2"));
    std::vector<EventDetail> details;
    for (int64_t key : events) {
      RETURN_IF_ERROR(head.Reset());
      head.Bind(1, key);
      ASSIGN_OR_RETURN(bool found, head.Step());
      if (!found) continue;
      EventDetail detail;
      if (!detail.event.ParseFromString(head.Text(3))) {
        return absl::DataLossError("a stored event is unreadable; re-index its documents");
      }
      detail.event.set_num_mentions(static_cast<int32_t>(head.Int(0)));
      detail.event.set_num_documents(static_cast<int32_t>(head.Int(1)));
      detail.event.set_confidence(static_cast<float>(head.Double(2)));
      detail.first_title = head.Text(4);
      RETURN_IF_ERROR(mentions.Reset());
      mentions.Bind(1, key).Bind(2, int64_t{max_mentions});
      while (true) {
        ASSIGN_OR_RETURN(bool row, mentions.Step());
        if (!row) break;
        common::v1::EventMention* m = detail.event.add_mentions();
        m->set_document_id(mentions.Text(0));
        m->set_sentence(static_cast<int32_t>(mentions.Int(1)));
        m->set_evidence(mentions.Text(2));
        m->mutable_span()->set_begin(static_cast<int32_t>(mentions.Int(3)));
        m->mutable_span()->set_end(static_cast<int32_t>(mentions.Int(4)));
        m->set_trigger(mentions.Text(5));
        m->set_confidence(static_cast<float>(mentions.Double(6)));
        SetDate(m->mutable_date(), mentions.Int(7), mentions.Int(8), mentions.Int(9));
        m->set_date_from_text(mentions.Int(10) != 0);
        SetDate(m->mutable_published(), mentions.Int(11), mentions.Int(12), mentions.Int(13));
      }
      FinishEvent(&detail.event);
      details.push_back(std::move(detail));
    }
    return details;
  }

 private:
  absl::StatusOr<sqlite::Statement> PrepareBuilt(const BuiltSql& built) { return PrepareBuiltOn(db_, built); }

  sqlite::Db* db_;
};

// ---- Writes ----

absl::Status ApplyDelta(sqlite::Db* db, const CounterDelta& delta) {
  ASSIGN_OR_RETURN(
      auto alias_upsert,
      db->Prepare("INSERT INTO entity_aliases(entity_id, text, mention_count) VALUES(?1, ?2, ?3) "
                  "ON CONFLICT(entity_id, text) DO UPDATE SET "
                  "mention_count = mention_count + excluded.mention_count"));
  ASSIGN_OR_RETURN(
      auto alias_prune,
      db->Prepare("DELETE FROM entity_aliases WHERE entity_id = ?1 AND text = ?2 AND mention_count <= 0"));
  for (const auto& [key, count] : delta.aliases) {
    RETURN_IF_ERROR(alias_upsert.Reset());
    alias_upsert.Bind(1, std::string_view(key.first))
        .Bind(2, std::string_view(key.second))
        .Bind(3, int64_t{count});
    RETURN_IF_ERROR(alias_upsert.Run());
    if (count < 0) {
      RETURN_IF_ERROR(alias_prune.Reset());
      alias_prune.Bind(1, std::string_view(key.first)).Bind(2, std::string_view(key.second));
      RETURN_IF_ERROR(alias_prune.Run());
    }
  }
  ASSIGN_OR_RETURN(auto stats_upsert,
                   db->Prepare("INSERT INTO entity_stats(entity_id, document_count) VALUES(?1, ?2) "
                               "ON CONFLICT(entity_id) DO UPDATE SET "
                               "document_count = document_count + excluded.document_count"));
  ASSIGN_OR_RETURN(auto stats_prune,
                   db->Prepare("DELETE FROM entity_stats WHERE entity_id = ?1 AND document_count <= 0"));
  for (const auto& [entity, count] : delta.entity_documents) {
    RETURN_IF_ERROR(stats_upsert.Reset());
    stats_upsert.Bind(1, std::string_view(entity)).Bind(2, int64_t{count});
    RETURN_IF_ERROR(stats_upsert.Run());
    if (count < 0) {
      RETURN_IF_ERROR(stats_prune.Reset());
      stats_prune.Bind(1, std::string_view(entity));
      RETURN_IF_ERROR(stats_prune.Run());
    }
  }
  ASSIGN_OR_RETURN(
      auto pair_upsert,
      db->Prepare("INSERT INTO cooccurrence(entity_id, other_id, document_count, sentence_count) "
                  "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(entity_id, other_id) DO UPDATE SET "
                  "document_count = document_count + excluded.document_count, "
                  "sentence_count = sentence_count + excluded.sentence_count"));
  ASSIGN_OR_RETURN(auto pair_prune,
                   db->Prepare("DELETE FROM cooccurrence WHERE entity_id = ?1 AND other_id = ?2 "
                               "AND document_count <= 0"));
  for (const auto& [key, change] : delta.pairs) {
    RETURN_IF_ERROR(pair_upsert.Reset());
    pair_upsert.Bind(1, std::string_view(key.first))
        .Bind(2, std::string_view(key.second))
        .Bind(3, int64_t{change.documents})
        .Bind(4, int64_t{change.sentences});
    RETURN_IF_ERROR(pair_upsert.Run());
    if (change.documents < 0) {
      RETURN_IF_ERROR(pair_prune.Reset());
      pair_prune.Bind(1, std::string_view(key.first)).Bind(2, std::string_view(key.second));
      RETURN_IF_ERROR(pair_prune.Run());
    }
  }
  return absl::OkStatus();
}

// The event tables on the writer connection, inside its transaction.
class SqliteEventOps final : public EventWriteOps {
 public:
  explicit SqliteEventOps(sqlite::Db* db) : db_(db) {}

  absl::StatusOr<std::optional<Stored>> Find(const std::string& id) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT event_key, first_doc, source_entity, target_entity, "
                                             "source_code, target_code, code, root_code, quad_class, date_key, "
                                             "date_lo, date_hi, order_key FROM events WHERE id = ?1"));
    stmt.Bind(1, std::string_view(id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::nullopt;
    Stored stored;
    stored.key = stmt.Int(0);
    stored.first_doc = stmt.Int(1);
    EventAttributes& a = stored.attributes;
    a.source_entity = stmt.Text(2);
    a.target_entity = stmt.Text(3);
    a.source_code = stmt.Text(4);
    a.target_code = stmt.Text(5);
    a.code = stmt.Text(6);
    a.root_code = stmt.Text(7);
    a.quad_class = static_cast<int>(stmt.Int(8));
    a.date_key = static_cast<int>(stmt.Int(9));
    a.date_lo = static_cast<int>(stmt.Int(10));
    a.date_hi = static_cast<int>(stmt.Int(11));
    a.order_key = static_cast<int>(stmt.Int(12));
    a.actor_keys = ActorKeys(a.source_entity, a.target_entity, a.source_code, a.target_code);
    return stored;
  }

  absl::StatusOr<std::optional<int64_t>> Create(const EventRow& row, int64_t doc) override {
    ASSIGN_OR_RETURN(auto stmt,
                     db_->Prepare("INSERT INTO events(id, source_entity, target_entity, source_code, target_code, "
                                  "code, root_code, quad_class, date_key, date_lo, date_hi, order_key, "
                                  "num_mentions, num_documents, confidence, first_doc) "
                                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?15)"));
    const EventAttributes& a = row.attributes;
    stmt.Bind(1, std::string_view(row.id));
    BindEventAttributes(stmt, a)
        .Bind(13, static_cast<int64_t>(row.mentions.size()))
        .Bind(14, row.confidence)
        .Bind(15, doc);
    RETURN_IF_ERROR(stmt.Run());
    return db_->LastInsertRowId();
  }

  absl::Status AddReports(int64_t key, int64_t doc, const EventRow& row) override {
    ASSIGN_OR_RETURN(auto report, db_->Prepare("INSERT INTO event_docs(event_key, doc_rowid, mention_count, "
                                               "confidence, event) VALUES(?1, ?2, ?3, ?4, ?5)"));
    report.Bind(1, key)
        .Bind(2, doc)
        .Bind(3, static_cast<int64_t>(row.mentions.size()))
        .Bind(4, row.confidence)
        .BindBlob(5, row.blob);
    RETURN_IF_ERROR(report.Run());
    ASSIGN_OR_RETURN(auto mention,
                     db_->Prepare("INSERT INTO event_mentions(event_key, doc_rowid, sentence, evidence, span_begin, "
                                  "span_end, trigger_text, confidence, date_year, date_month, date_day, "
                                  "date_from_text) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    for (const EventMentionRow& m : row.mentions) {
      RETURN_IF_ERROR(mention.Reset());
      mention.Bind(1, key)
          .Bind(2, doc)
          .Bind(3, int64_t{m.sentence})
          .Bind(4, std::string_view(m.evidence))
          .Bind(5, int64_t{m.begin})
          .Bind(6, int64_t{m.end})
          .Bind(7, std::string_view(m.trigger))
          .Bind(8, m.confidence)
          .Bind(9, int64_t{m.date.year})
          .Bind(10, int64_t{m.date.month})
          .Bind(11, int64_t{m.date.day})
          .Bind(12, int64_t{m.date_from_text ? 1 : 0});
      RETURN_IF_ERROR(mention.Run());
    }
    return absl::OkStatus();
  }

  absl::Status RemoveReports(int64_t key, int64_t doc) override {
    for (const char* table : {"event_docs", "event_mentions"}) {
      ASSIGN_OR_RETURN(auto stmt, db_->Prepare(absl::StrCat("DELETE FROM ", table,
                                                            " WHERE event_key = ?1 AND doc_rowid = ?2")));
      stmt.Bind(1, key).Bind(2, doc);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status AddCounts(int64_t key, int mentions, double confidence) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("UPDATE events SET num_mentions = num_mentions + ?2, "
                                             "num_documents = num_documents + 1, "
                                             "confidence = MAX(confidence, ?3) WHERE event_key = ?1"));
    stmt.Bind(1, key).Bind(2, int64_t{mentions}).Bind(3, confidence);
    return stmt.Run();
  }

  absl::Status SetCounts(int64_t key, const Aggregate& aggregate) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("UPDATE events SET num_mentions = ?2, num_documents = ?3, "
                                             "confidence = ?4, first_doc = ?5 WHERE event_key = ?1"));
    stmt.Bind(1, key)
        .Bind(2, aggregate.mentions)
        .Bind(3, aggregate.documents)
        .Bind(4, aggregate.confidence)
        .Bind(5, aggregate.first_doc);
    return stmt.Run();
  }

  absl::StatusOr<Aggregate> Recount(int64_t key) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT COUNT(*), COALESCE(SUM(mention_count), 0), "
                                             "COALESCE(MAX(confidence), 0), COALESCE(MIN(doc_rowid), 0) "
                                             "FROM event_docs WHERE event_key = ?1"));
    stmt.Bind(1, key);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    Aggregate aggregate;
    if (!row) return aggregate;
    aggregate.documents = stmt.Int(0);
    aggregate.mentions = stmt.Int(1);
    aggregate.confidence = stmt.Double(2);
    aggregate.first_doc = stmt.Int(3);
    return aggregate;
  }

  absl::StatusOr<std::string> ReportBlob(int64_t key, int64_t doc) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT event FROM event_docs WHERE event_key = ?1 AND doc_rowid = ?2"));
    stmt.Bind(1, key).Bind(2, doc);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::InternalError("an event report vanished while indexing");
    return stmt.Text(0);
  }

  absl::Status SetAttributes(int64_t key, const EventAttributes& a, int64_t first_doc) override {
    ASSIGN_OR_RETURN(auto stmt,
                     db_->Prepare("UPDATE events SET source_entity = ?2, target_entity = ?3, source_code = ?4, "
                                  "target_code = ?5, code = ?6, root_code = ?7, quad_class = ?8, date_key = ?9, "
                                  "date_lo = ?10, date_hi = ?11, order_key = ?12, first_doc = ?13 "
                                  "WHERE event_key = ?1"));
    stmt.Bind(1, key);
    BindEventAttributes(stmt, a).Bind(13, first_doc);
    return stmt.Run();
  }

  absl::Status Delete(int64_t key) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("DELETE FROM events WHERE event_key = ?1"));
    stmt.Bind(1, key);
    return stmt.Run();
  }

  absl::Status AddActorKeys(int64_t key, const std::string& id, const EventAttributes& a) override {
    ASSIGN_OR_RETURN(auto stmt,
                     db_->Prepare("INSERT INTO event_actors(kind, actor_key, order_key, id, event_key, sides, code, "
                                  "quad_class, date_hi) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    for (const auto& [kind, actor] : a.actor_keys) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, int64_t{kind})
          .Bind(2, std::string_view(actor))
          .Bind(3, int64_t{a.order_key})
          .Bind(4, std::string_view(id))
          .Bind(5, key)
          .Bind(6, int64_t{ActorSides(a, kind, actor)})
          .Bind(7, std::string_view(a.code))
          .Bind(8, int64_t{a.quad_class})
          .Bind(9, int64_t{a.date_hi});
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status RemoveActorKeys(const std::string& id, int order_key,
                               const std::set<std::pair<int, std::string>>& keys) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("DELETE FROM event_actors WHERE kind = ?1 AND actor_key = ?2 AND "
                                             "order_key = ?3 AND id = ?4"));
    for (const auto& [kind, actor] : keys) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, int64_t{kind}).Bind(2, std::string_view(actor)).Bind(3, int64_t{order_key}).Bind(4, std::string_view(id));
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  absl::Status AdjustPair(const std::string& source, const std::string& target, int delta) override {
    ASSIGN_OR_RETURN(auto upsert, db_->Prepare("INSERT INTO event_pairs(source_entity, target_entity, event_count) "
                                               "VALUES(?1, ?2, ?3) ON CONFLICT(source_entity, target_entity) DO "
                                               "UPDATE SET event_count = event_count + excluded.event_count"));
    upsert.Bind(1, std::string_view(source)).Bind(2, std::string_view(target)).Bind(3, int64_t{delta});
    RETURN_IF_ERROR(upsert.Run());
    ASSIGN_OR_RETURN(auto prune, db_->Prepare("DELETE FROM event_pairs WHERE source_entity = ?1 AND "
                                              "target_entity = ?2 AND event_count <= 0"));
    prune.Bind(1, std::string_view(source)).Bind(2, std::string_view(target));
    return prune.Run();
  }

 private:
  sqlite::Db* db_;
};

class SqliteIndexBackend final : public IndexBackend {
 public:
  SqliteIndexBackend(std::unique_ptr<sqlite::Db> writer, std::vector<std::unique_ptr<sqlite::Db>> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {
    absl::MutexLock lock(&readers_mu_);
    for (auto& reader : readers_) free_readers_.push_back(reader.get());
  }

  bool FilterTextMatchesInMemory() const override { return true; }

  absl::Status Read(const std::function<absl::Status(IndexReader&)>& fn) override {
    sqlite::Db* db = nullptr;
    {
      absl::MutexLock lock(&readers_mu_);
      readers_mu_.Await(absl::Condition(
          +[](std::vector<sqlite::Db*>* free) { return !free->empty(); }, &free_readers_));
      db = free_readers_.back();
      free_readers_.pop_back();
    }
    // A read transaction: one consistent snapshot from the first SELECT on.
    absl::Status status = db->Exec("BEGIN");
    if (status.ok()) {
      SqliteReader reader(db);
      status = fn(reader);
      db->Exec("COMMIT").IgnoreError();
    }
    absl::MutexLock lock(&readers_mu_);
    free_readers_.push_back(db);
    return status;
  }

  absl::StatusOr<bool> Write(const IndexRecord& record) override {
    absl::MutexLock lock(&writer_mu_);
    return WriteLocked(record);
  }

 private:
  absl::StatusOr<bool> WriteLocked(const IndexRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  absl::Mutex writer_mu_;
  std::unique_ptr<sqlite::Db> writer_ ABSL_GUARDED_BY(writer_mu_);
  std::vector<std::unique_ptr<sqlite::Db>> readers_;  // owned; fixed after construction
  absl::Mutex readers_mu_;
  std::vector<sqlite::Db*> free_readers_ ABSL_GUARDED_BY(readers_mu_);
};

absl::StatusOr<bool> SqliteIndexBackend::WriteLocked(const IndexRecord& record) {
  sqlite::Db* db = writer_.get();
  sqlite::Transaction tx(db);
  RETURN_IF_ERROR(tx.status());

  bool created = true;
  int64_t rowid = 0;
  CounterDelta delta;
  std::set<std::string> old_event_ids;
  {
    ASSIGN_OR_RETURN(auto find,
                     db->Prepare("SELECT d.doc_rowid, t.title, t.body, t.document FROM documents d "
                                 "JOIN document_text t ON t.doc_rowid = d.doc_rowid WHERE d.id = ?1"));
    find.Bind(1, std::string_view(record.id));
    ASSIGN_OR_RETURN(bool exists, find.Step());
    created = !exists;
    if (exists) {
      rowid = find.Int(0);
      ASSIGN_OR_RETURN(common::v1::Document old, ParseStoredDocument(record.id, find.Text(3), find.Text(2)));
      const Contributions before = ComputeContributions(old);
      delta = DiffContributions(&before, record.contributions);
      old_event_ids = EventIdsOf(old);
      ASSIGN_OR_RETURN(auto fts_delete, db->Prepare("INSERT INTO docs_fts(docs_fts, rowid, title, body) "
                                                    "VALUES('delete', ?1, ?2, ?3)"));
      fts_delete.Bind(1, rowid).Bind(2, std::string_view(find.Text(1))).Bind(3, std::string_view(old.body()));
      RETURN_IF_ERROR(fts_delete.Run());
      for (std::string_view table : {"mentions", "entity_docs", "entity_sentences", "sentences"}) {
        ASSIGN_OR_RETURN(
            auto del, db->Prepare(absl::StrCat("DELETE FROM ", absl::string_view(table.data(), table.size()),
                                               " WHERE doc_rowid = ?1")));
        del.Bind(1, rowid);
        RETURN_IF_ERROR(del.Run());
      }
    } else {
      delta = DiffContributions(nullptr, record.contributions);
    }
  }

  {
    const std::string sql =
        created
            ? "INSERT INTO documents(id, title, url, source, published_year, published_month, "
              "published_day, published_key, published_lo, published_hi, language, external_id, "
              "received_time, type_mask, mention_count) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            : "UPDATE documents SET title = ?2, url = ?3, source = ?4, published_year = ?5, "
              "published_month = ?6, published_day = ?7, published_key = ?8, published_lo = ?9, "
              "published_hi = ?10, language = ?11, external_id = ?12, received_time = ?13, type_mask = ?14, "
              "mention_count = ?15 WHERE id = ?1";
    ASSIGN_OR_RETURN(auto stmt, db->Prepare(sql));
    stmt.Bind(1, std::string_view(record.id))
        .Bind(2, std::string_view(record.title))
        .Bind(3, std::string_view(record.url))
        .Bind(4, std::string_view(record.source))
        .Bind(5, int64_t{record.published.year})
        .Bind(6, int64_t{record.published.month})
        .Bind(7, int64_t{record.published.day})
        .Bind(8, int64_t{record.published_key});
    BindKey(stmt, 9, record.published_lo);
    BindKey(stmt, 10, record.published_hi);
    stmt.Bind(11, std::string_view(record.language))
        .Bind(12, std::string_view(record.external_id))
        .Bind(13, std::string_view(record.received_time))
        .Bind(14, record.type_mask)
        .Bind(15, int64_t{record.mention_count});
    RETURN_IF_ERROR(stmt.Run());
    if (created) rowid = db->LastInsertRowId();
  }
  {
    ASSIGN_OR_RETURN(auto text,
                     db->Prepare("INSERT OR REPLACE INTO document_text(doc_rowid, title, body, document) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
    text.Bind(1, rowid)
        .Bind(2, std::string_view(record.title))
        .Bind(3, std::string_view(record.body))
        .BindBlob(4, record.document_blob);
    RETURN_IF_ERROR(text.Run());
    ASSIGN_OR_RETURN(auto fts, db->Prepare("INSERT INTO docs_fts(rowid, title, body) VALUES(?1, ?2, ?3)"));
    fts.Bind(1, rowid).Bind(2, std::string_view(record.title)).Bind(3, std::string_view(record.body));
    RETURN_IF_ERROR(fts.Run());
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO mentions(doc_rowid, ordinal, entity_id, type, text, begin, "
                                 "end, sentence, date_year, date_month, date_day) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    for (const MentionRow& m : record.mentions) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, rowid)
          .Bind(2, int64_t{m.ordinal})
          .Bind(3, std::string_view(m.entity_id))
          .Bind(4, int64_t{m.type})
          .Bind(5, std::string_view(m.text))
          .Bind(6, int64_t{m.begin})
          .Bind(7, int64_t{m.end})
          .Bind(8, int64_t{m.sentence})
          .Bind(9, int64_t{m.date.year})
          .Bind(10, int64_t{m.date.month})
          .Bind(11, int64_t{m.date.day});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO entities(id, name, type, kind) VALUES(?1, ?2, ?3, ?4) "
                                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                                 "type = excluded.type, kind = CASE WHEN excluded.kind = '' "
                                 "THEN kind ELSE excluded.kind END"));
    for (const EntityRow& e : record.entities) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(e.id))
          .Bind(2, std::string_view(e.name))
          .Bind(3, int64_t{e.type})
          .Bind(4, std::string_view(e.kind));
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt, db->Prepare("INSERT INTO entity_docs(entity_id, doc_rowid, mention_count, "
                                            "published_key) VALUES(?1, ?2, ?3, ?4)"));
    for (const auto& [entity_id, count] : record.contributions.entity_mentions) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(entity_id))
          .Bind(2, rowid)
          .Bind(3, int64_t{count})
          .Bind(4, int64_t{record.published_key});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO entity_sentences(entity_id, doc_rowid, sentence, date_key) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
    for (const EntitySentenceRow& row : record.entity_sentences) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(row.entity_id))
          .Bind(2, rowid)
          .Bind(3, int64_t{row.sentence})
          .Bind(4, int64_t{row.date_key});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO sentences(doc_rowid, sentence, begin, end, text, date_year, "
                                 "date_month, date_day, date_key, date_lo, date_hi, date_from_text) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    for (const SentenceRow& row : record.sentences) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, rowid)
          .Bind(2, int64_t{row.sentence})
          .Bind(3, int64_t{row.begin})
          .Bind(4, int64_t{row.end})
          .Bind(5, std::string_view(row.text))
          .Bind(6, int64_t{row.date.year})
          .Bind(7, int64_t{row.date.month})
          .Bind(8, int64_t{row.date.day})
          .Bind(9, int64_t{row.date_key});
      BindKey(stmt, 10, row.date_lo);
      BindKey(stmt, 11, row.date_hi);
      stmt.Bind(12, int64_t{row.date_from_text ? 1 : 0});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  SqliteEventOps event_ops(db);
  RETURN_IF_ERROR(WriteEvents(event_ops, rowid, record.events, old_event_ids));
  RETURN_IF_ERROR(ApplyDelta(db, delta));
  RETURN_IF_ERROR(db->Exec(created ? "UPDATE generation SET value = value + 1, documents = documents + 1 WHERE id = 1"
                                   : "UPDATE generation SET value = value + 1 WHERE id = 1"));
  RETURN_IF_ERROR(tx.Commit());
  return created;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IndexBackend>> OpenSqliteIndexBackend(const std::string& path,
                                                                     const IndexStoreOptions& options) {
  if (path.empty() || path == ":memory:" || path.rfind("file::memory:", 0) == 0) {
    return absl::InvalidArgumentError(
        "IndexStore needs a database file path (readers open their own connections)");
  }
  ASSIGN_OR_RETURN(auto writer, sqlite::Db::Open(path, /*synchronous_full=*/false));
  RETURN_IF_ERROR(writer->Exec(kConnectionPragmas));
  {
    ASSIGN_OR_RETURN(auto version_stmt, writer->Prepare("PRAGMA user_version"));
    ASSIGN_OR_RETURN(bool has_row, version_stmt.Step());
    // Before versioned migrations the schema version was kept here (1).
    if (has_row && version_stmt.Int(0) > 1) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " has schema version ", version_stmt.Int(0),
                       ", newer than this server's; run a newer dossier-query "
                       "or rebuild the index"));
    }
  }
  if (absl::Status st = sqlite::Migrate(writer.get(), "query", kMigrations); !st.ok()) {
    if (st.code() == absl::StatusCode::kFailedPrecondition) return st;
    return absl::InternalError(absl::StrCat("cannot create the query schema in ", path, ": ", st.message()));
  }
  std::vector<std::unique_ptr<sqlite::Db>> readers;
  const int reader_count = std::max(1, options.reader_connections);
  for (int i = 0; i < reader_count; ++i) {
    ASSIGN_OR_RETURN(auto reader, sqlite::Db::Open(path, /*synchronous_full=*/false));
    RETURN_IF_ERROR(reader->Exec(kConnectionPragmas));
    RETURN_IF_ERROR(reader->Exec("PRAGMA query_only=1"));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<IndexBackend>(new SqliteIndexBackend(std::move(writer), std::move(readers)));
}

}  // namespace dossier::query
