// The PostgreSQL backend of IndexStore: tables prefixed query_ in a database
// other services may share, full text in a tsvector column with a GIN index.
// Any number of query replicas may use one database: Index takes a row lock
// on the document (so concurrent upserts of one id serialize) and advances
// query_generation, which every read snapshot reads to key the caches.

#include <algorithm>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "libs/common/migration.h"
#include "libs/common/postgres.h"
#include "libs/common/status_macros.h"
#include "services/query/event_sql.h"
#include "services/query/index_backend.h"

namespace dossier::query {
namespace {

// The text search configuration: the 'simple' dictionary (lower case, no
// stemming, no stop words) after unaccent, which is what SQLite's FTS5
// unicode61 tokenizer with remove_diacritics does; 'english' would stem
// ("protest*" would behave differently, "phone" would match "phones") and
// drop stop words ("the" would match nothing), so the backends would
// disagree.
constexpr absl::string_view kTsConfig = "'query_fts'";

constexpr std::string_view kSchemaV1 = R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION query_fts (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION query_fts
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Document metadata: narrow rows, so filters and sorts scan little.
CREATE TABLE query_documents (
  doc_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  published_key INTEGER NOT NULL,  -- SortKey: yyyymmdd, unknown parts 0
  published_lo INTEGER,            -- EarliestKey; NULL when the year is unknown
  published_hi INTEGER,            -- LatestKey; NULL when the year is unknown
  type_mask BIGINT NOT NULL,       -- bit (1 << EntityType) per mention type present
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
CREATE INDEX query_documents_by_date ON query_documents (published_key DESC, doc_id DESC);
-- The text, its tsvector (title weight A, body B) and the annotated
-- document, serialized without its body.
CREATE TABLE query_document_text (
  doc_id BIGINT PRIMARY KEY REFERENCES query_documents (doc_id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  document BYTEA NOT NULL,
  tsv TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('query_fts'::regconfig, title), 'A') ||
    setweight(to_tsvector('query_fts'::regconfig, body), 'B')) STORED
);
CREATE INDEX query_document_text_tsv ON query_document_text USING GIN (tsv);
CREATE TABLE query_entities (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  kind TEXT NOT NULL
);
CREATE TABLE query_mentions (
  doc_id BIGINT NOT NULL,
  ordinal INTEGER NOT NULL,
  entity_id TEXT NOT NULL,  -- '' for dates and unresolved mentions
  type INTEGER NOT NULL,
  text TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  sentence INTEGER NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  PRIMARY KEY (doc_id, ordinal)
);
CREATE TABLE query_entity_docs (
  entity_id TEXT NOT NULL,
  doc_id BIGINT NOT NULL,
  mention_count INTEGER NOT NULL,
  published_key INTEGER NOT NULL,
  PRIMARY KEY (entity_id, doc_id)
);
CREATE INDEX query_entity_docs_by_doc ON query_entity_docs (doc_id);
CREATE INDEX query_entity_docs_by_date ON query_entity_docs (entity_id, published_key DESC, doc_id DESC);
CREATE TABLE query_entity_sentences (
  entity_id TEXT NOT NULL,
  doc_id BIGINT NOT NULL,
  sentence INTEGER NOT NULL,
  date_key INTEGER NOT NULL,
  PRIMARY KEY (entity_id, doc_id, sentence)
);
CREATE INDEX query_entity_sentences_by_doc ON query_entity_sentences (doc_id);
CREATE INDEX query_entity_sentences_by_date ON query_entity_sentences (entity_id, date_key, doc_id, sentence);
CREATE TABLE query_sentences (
  doc_id BIGINT NOT NULL,
  sentence INTEGER NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  date_key INTEGER NOT NULL,
  date_lo INTEGER,
  date_hi INTEGER,
  date_from_text BOOLEAN NOT NULL,
  PRIMARY KEY (doc_id, sentence)
);
CREATE TABLE query_entity_aliases (
  entity_id TEXT NOT NULL,
  text TEXT NOT NULL,
  mention_count INTEGER NOT NULL,
  PRIMARY KEY (entity_id, text)
);
CREATE TABLE query_cooccurrence (
  entity_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  document_count INTEGER NOT NULL,
  sentence_count INTEGER NOT NULL,
  PRIMARY KEY (entity_id, other_id)
);
-- Committed Index transactions; read by every read snapshot to key the
-- per-process caches, so a replica never serves a cached result older than
-- its snapshot.
CREATE TABLE query_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO query_generation (id, value) VALUES (1, 0);
)sql";

// Events (one row per event, deduplicated across documents, with each
// document's and sentence's reports), per-entity document counts and the
// document count (for PMI). Text that is compared or ordered is COLLATE "C"
// so order and prefix ranges are byte-wise, as on SQLite.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE query_events (
  event_key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  source_entity TEXT COLLATE "C" NOT NULL,
  target_entity TEXT COLLATE "C" NOT NULL,
  source_code TEXT COLLATE "C" NOT NULL,
  target_code TEXT COLLATE "C" NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  root_code TEXT COLLATE "C" NOT NULL,
  quad_class INTEGER NOT NULL,
  date_key INTEGER NOT NULL,
  date_lo INTEGER NOT NULL,
  date_hi INTEGER NOT NULL,
  order_key INTEGER NOT NULL,
  num_mentions INTEGER NOT NULL,
  num_documents INTEGER NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  first_doc BIGINT NOT NULL
);
CREATE INDEX query_events_by_order ON query_events (order_key, id);
CREATE INDEX query_events_by_root ON query_events (root_code, order_key, id);
CREATE INDEX query_events_by_quad ON query_events (quad_class, order_key, id);
-- Actor filters in list order (see the SQLite schema), the filter columns
-- in the index so counts read the index only.
CREATE TABLE query_event_actors (
  kind INTEGER NOT NULL,
  actor_key TEXT COLLATE "C" NOT NULL,
  order_key INTEGER NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  event_key BIGINT NOT NULL,
  sides INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  quad_class INTEGER NOT NULL,
  date_hi INTEGER NOT NULL,
  PRIMARY KEY (kind, actor_key, order_key, id) INCLUDE (sides, code, quad_class, date_hi, event_key)
);
CREATE TABLE query_event_docs (
  event_key BIGINT NOT NULL,
  doc_id BIGINT NOT NULL,
  mention_count INTEGER NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  event BYTEA NOT NULL,
  PRIMARY KEY (event_key, doc_id)
);
CREATE INDEX query_event_docs_by_doc ON query_event_docs (doc_id);
CREATE TABLE query_event_mentions (
  event_key BIGINT NOT NULL,
  doc_id BIGINT NOT NULL,
  sentence INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  trigger_text TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  date_year INTEGER NOT NULL,
  date_month INTEGER NOT NULL,
  date_day INTEGER NOT NULL,
  date_from_text BOOLEAN NOT NULL,
  PRIMARY KEY (event_key, doc_id, sentence)
);
CREATE TABLE query_event_pairs (
  source_entity TEXT NOT NULL,
  target_entity TEXT NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (source_entity, target_entity)
);
CREATE TABLE query_entity_stats (
  entity_id TEXT PRIMARY KEY,
  document_count INTEGER NOT NULL
);
INSERT INTO query_entity_stats (entity_id, document_count)
  SELECT entity_id, COUNT(*) FROM query_entity_docs GROUP BY entity_id;
ALTER TABLE query_generation ADD COLUMN documents BIGINT NOT NULL DEFAULT 0;
UPDATE query_generation SET documents = (SELECT COUNT(*) FROM query_documents);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchemaV1},
    {2, "events, entity and document counts", kSchemaV2},
};

constexpr int kSnippetWords = 24;
constexpr size_t kRowsPerStatement = 1000;
constexpr int kTimelineBatch = 500;

// ---- SQL building; user text only ever travels as parameters ----

// Collects parameters and hands out their placeholders.
class Params {
 public:
  std::string Add(std::string value) {
    values_.push_back(std::move(value));
    return absl::StrCat("$", values_.size());
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

pqxx::result Exec(pqxx::work& txn, const std::string& sql, const Params& params) {
  return txn.exec_params(sql, pqxx::prepare::make_dynamic_params(params.values()));
}

// `text` as a quoted tsquery operand (for to_tsquery): in single quotes,
// quotes doubled and backslashes escaped, so no character of it is read as
// tsquery syntax.
std::string QuoteTsQueryOperand(absl::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    if (c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string TermTsQuery(const QueryTerm& term, Params* params) {
  if (term.prefix) {
    return absl::StrCat("to_tsquery(", kTsConfig, ", ", params->Add(QuoteTsQueryOperand(term.text) + ":*"),
                        ")");
  }
  // Words and phrases alike: the term's words in order, tokenized as the
  // documents were.
  return absl::StrCat("phraseto_tsquery(", kTsConfig, ", ", params->Add(term.text), ")");
}

std::string AnyOf(const std::vector<QueryTerm>& terms, Params* params) {
  std::vector<std::string> parts;
  for (const QueryTerm& term : terms) parts.push_back(TermTsQuery(term, params));
  return absl::StrCat("(", absl::StrJoin(parts, " || "), ")");
}

// A tsquery expression for `parsed`, composed with tsquery operators. NULL
// (matches nothing) when the required part has no lexemes, so excluded terms
// alone never match everything else.
std::string TsQueryExpression(const ParsedQuery& parsed, Params* params) {
  std::vector<std::string> groups;
  for (const auto& alternatives : parsed.required) groups.push_back(AnyOf(alternatives, params));
  std::string expression = absl::StrCat("NULLIF(", absl::StrJoin(groups, " && "), ", ''::tsquery)");
  if (!parsed.excluded.empty()) {
    expression = absl::StrCat("(", expression, " && !!", AnyOf(parsed.excluded, params), ")");
  }
  return expression;
}

// ts_rank weights {D, C, B, A}: title (A) kTitleWeight times the body (B).
std::string RankWeights() { return absl::StrCat("'{0, 0, ", 1.0 / kTitleWeight, ", 1}'::float4[]"); }

std::string IntArray(const std::vector<int64_t>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

// Runs `head VALUES (...), (...) tail` over rows of `exprs.size()` values
// each (flattened in `values`), in chunks. In each expression "?" stands for
// the value's placeholder.
void ExecRows(pqxx::work& txn, absl::string_view head, const std::vector<absl::string_view>& exprs,
              const std::vector<std::string>& values, absl::string_view tail = "") {
  const size_t columns = exprs.size();
  const size_t rows = values.size() / columns;
  for (size_t start = 0; start < rows; start += kRowsPerStatement) {
    const size_t end = std::min(rows, start + kRowsPerStatement);
    Params params;
    std::string sql = absl::StrCat(head, " VALUES ");
    for (size_t r = start; r < end; ++r) {
      if (r > start) sql += ", ";
      sql += "(";
      for (size_t c = 0; c < columns; ++c) {
        if (c > 0) sql += ", ";
        sql += absl::StrReplaceAll(exprs[c], {{"?", params.Add(values[r * columns + c])}});
      }
      sql += ")";
    }
    absl::StrAppend(&sql, tail);
    Exec(txn, sql, params);
  }
}

std::string Str(int64_t value) { return absl::StrCat(value); }

// Adds the ellipses FTS5's snippet() adds: "…" where the passage does not
// reach the start or the end of the body. ts_headline marks matches with
// \x01 and \x02 here, so they can be told apart from brackets in the text.
std::string ShapeHeadline(const std::string& headline, int64_t position, int64_t plain_length, int64_t lead,
                          int64_t trimmed_length) {
  std::string out = absl::StrReplaceAll(headline, {{"\x01", "["}, {"\x02", "]"}});
  if (position <= 0) return out;
  if (position > lead + 1) out = absl::StrCat("…", out);
  if (position + plain_length - 1 < trimmed_length) absl::StrAppend(&out, "…");
  return out;
}

// ---- Reads ----

class PgReader final : public IndexReader {
 public:
  explicit PgReader(pqxx::work& txn) : txn_(txn) {}
  bool broken() const { return broken_; }

  absl::StatusOr<uint64_t> Generation() override {
    return Guard<uint64_t>([&] {
      pqxx::result r = txn_.exec("SELECT value FROM query_generation WHERE id = 1");
      return r.empty() ? uint64_t{0} : r[0][0].as<uint64_t>();
    });
  }

  absl::StatusOr<Matches> Match(const ParsedQuery& text, const SearchFilter& filter) override {
    return Guard<Matches>([&] {
      const bool needs_documents = filter.type_mask != 0 || filter.range.active || !filter.sources.empty();
      Params params;
      std::string sql;
      std::string id_column;
      std::string order;
      auto entity_iter = filter.entity_ids.begin();
      if (!text.empty()) {
        const std::string query = TsQueryExpression(text, &params);
        id_column = "t.doc_id";
        sql = absl::StrCat("SELECT t.doc_id, ts_rank(", RankWeights(), ", t.tsv, ", query,
                           ", 1) FROM query_document_text t",
                           needs_documents ? " JOIN query_documents d ON d.doc_id = t.doc_id" : "",
                           " WHERE t.tsv @@ ", query);
      } else if (entity_iter != filter.entity_ids.end()) {
        id_column = "e0.doc_id";
        sql = absl::StrCat("SELECT e0.doc_id, 0 FROM query_entity_docs e0",
                           needs_documents ? " JOIN query_documents d ON d.doc_id = e0.doc_id" : "",
                           " WHERE e0.entity_id = ", params.Add(*entity_iter++));
        order = " ORDER BY e0.published_key DESC, e0.doc_id DESC";
      } else {
        id_column = "d.doc_id";
        sql = "SELECT d.doc_id, 0 FROM query_documents d WHERE TRUE";
        order = " ORDER BY d.published_key DESC, d.doc_id DESC";
      }
      for (; entity_iter != filter.entity_ids.end(); ++entity_iter) {
        absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM query_entity_docs e WHERE e.entity_id = ",
                        params.Add(*entity_iter), " AND e.doc_id = ", id_column, ")");
      }
      if (filter.type_mask != 0) {
        const std::string mask = params.Add(Str(filter.type_mask));
        absl::StrAppend(&sql, " AND (d.type_mask & ", mask, "::bigint) = ", mask, "::bigint");
      }
      if (filter.range.active) {
        absl::StrAppend(&sql, " AND d.published_hi >= ", params.Add(Str(filter.range.from_key)), "::int");
        absl::StrAppend(&sql, " AND d.published_lo <= ", params.Add(Str(filter.range.to_key)), "::int");
      }
      if (!filter.sources.empty()) {
        std::vector<std::string> placeholders;
        for (const std::string& source : filter.sources) placeholders.push_back(params.Add(source));
        absl::StrAppend(&sql, " AND d.source IN (", absl::StrJoin(placeholders, ", "), ")");
      }
      absl::StrAppend(&sql, order);
      Matches matches;
      for (const pqxx::row& row : Exec(txn_, sql, params)) {
        matches.emplace_back(row[0].as<int64_t>(), row[1].as<double>());
      }
      return matches;
    });
  }

  absl::StatusOr<std::vector<int64_t>> EntityDocuments(const std::string& entity_id) override {
    return Guard<std::vector<int64_t>>([&] {
      std::vector<int64_t> docs;
      for (const pqxx::row& row : txn_.exec_params(
               "SELECT doc_id FROM query_entity_docs WHERE entity_id = $1 ORDER BY doc_id", entity_id)) {
        docs.push_back(row[0].as<int64_t>());
      }
      return docs;
    });
  }

  absl::StatusOr<DocFilterInfos> LoadDocFilterInfos() override {
    return Guard<DocFilterInfos>([&] {
      DocFilterInfos infos;
      absl::flat_hash_map<std::string, int32_t> source_index;
      for (const pqxx::row& row :
           txn_.exec("SELECT doc_id, COALESCE(published_lo, 0), COALESCE(published_hi, 0), type_mask, "
                     "published_key, published_year, published_month, source FROM query_documents")) {
        DocFilterInfo info{row[1].as<int32_t>(), row[2].as<int32_t>(), row[3].as<int64_t>(), row[4].as<int32_t>()};
        const int32_t year = row[5].as<int32_t>();
        const int32_t month = row[6].as<int32_t>();
        if (year > 0 && month > 0) info.month = year * 100 + month;
        auto [it, inserted] =
            source_index.try_emplace(row[7].as<std::string>(), static_cast<int32_t>(infos.sources.size()));
        if (inserted) infos.sources.push_back(it->first);
        info.source = it->second;
        infos.Add(row[0].as<int64_t>(), info);
      }
      infos.Finish();
      return infos;
    });
  }

  absl::StatusOr<DocEntities> LoadDocEntities() override {
    return Guard<DocEntities>([&] {
      // One row per entity with its documents as an array: far fewer rows
      // to transfer than one per (entity, document).
      DocEntities out;
      std::vector<std::pair<int64_t, uint32_t>> pairs;
      for (const pqxx::row& row :
           txn_.exec("SELECT entity_id, array_to_string(array_agg(doc_id), ',') FROM query_entity_docs "
                     "GROUP BY entity_id")) {
        const uint32_t index = static_cast<uint32_t>(out.ids.size());
        out.ids.push_back(row[0].as<std::string>());
        const char* p = row[1].c_str();
        while (*p != '\0') {
          int64_t doc = 0;
          while (*p >= '0' && *p <= '9') doc = doc * 10 + (*p++ - '0');
          pairs.emplace_back(doc, index);
          if (*p == ',') ++p;
          else if (*p != '\0') break;
        }
      }
      FillDocEntities(std::move(pairs), &out);
      return out;
    });
  }

  absl::StatusOr<std::vector<HitRow>> Hits(const std::vector<int64_t>& docs,
                                           const ParsedQuery& text) override {
    return Guard<std::vector<HitRow>>([&] {
      Params params;
      const std::string ids = params.Add(IntArray(docs));
      std::string sql;
      if (text.empty()) {
        sql = absl::StrCat(
            "SELECT d.doc_id, d.id, d.title, d.source, d.published_year, d.published_month, d.published_day, "
            "left(t.body, 600), 0, 0, 0, 0 FROM query_documents d JOIN query_document_text t "
            "ON t.doc_id = d.doc_id WHERE d.doc_id = ANY(",
            ids, "::bigint[])");
      } else {
        const std::string query = TsQueryExpression(text, &params);
        const std::string options = params.Add(absl::StrCat(
            "StartSel=\x01, StopSel=\x02, MaxWords=", kSnippetWords, ", MinWords=", kSnippetWords / 2,
            ", ShortWord=0, MaxFragments=1, FragmentDelimiter=\" … \""));
        // The plain passage's position tells whether it starts or ends the
        // body (for the ellipses); trailing punctuation ts_headline drops
        // does not count.
        sql = absl::StrCat(
            "SELECT d.doc_id, d.id, d.title, d.source, d.published_year, d.published_month, d.published_day, "
            "h.headline, strpos(t.body, p.plain), length(p.plain), "
            "length(t.body) - length(ltrim(t.body, E' \\n\\t\\r')), "
            "length(rtrim(t.body, E' \\n\\t\\r.,;:!?\"''')) "
            "FROM query_documents d JOIN query_document_text t ON t.doc_id = d.doc_id "
            "CROSS JOIN LATERAL (SELECT ts_headline(",
            kTsConfig, ", t.body, ", query, ", ", options,
            ") AS headline) h "
            "CROSS JOIN LATERAL (SELECT translate(h.headline, E'\\x01\\x02', '') AS plain) p "
            "WHERE d.doc_id = ANY(",
            ids, "::bigint[])");
      }
      absl::flat_hash_map<int64_t, HitRow> by_doc;
      for (const pqxx::row& row : Exec(txn_, sql, params)) {
        HitRow hit;
        hit.doc = row[0].as<int64_t>();
        hit.id = row[1].as<std::string>();
        hit.title = row[2].as<std::string>();
        hit.source = row[3].as<std::string>();
        hit.published = PartialDate{row[4].as<int>(), row[5].as<int>(), row[6].as<int>()};
        hit.text = row[7].as<std::string>();
        if (!text.empty()) {
          hit.text = ShapeHeadline(hit.text, row[8].as<int64_t>(), row[9].as<int64_t>(),
                                   row[10].as<int64_t>(), row[11].as<int64_t>());
        }
        by_doc[hit.doc] = std::move(hit);
      }
      std::vector<HitRow> rows;
      for (int64_t doc : docs) {
        auto it = by_doc.find(doc);
        if (it != by_doc.end()) rows.push_back(std::move(it->second));
      }
      return rows;
    });
  }

  absl::StatusOr<EntityDocStats> EntityStats(const std::string& entity_id) override {
    return Guard<EntityDocStats>([&] {
      pqxx::row row = txn_.exec_params1(
          "SELECT COUNT(*), COALESCE(SUM(mention_count), 0), "
          "COALESCE(MIN(CASE WHEN published_key >= 10000 THEN published_key END), 0), "
          "COALESCE(MAX(CASE WHEN published_key >= 10000 THEN published_key END), 0) "
          "FROM query_entity_docs WHERE entity_id = $1",
          entity_id);
      return EntityDocStats{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int>(), row[3].as<int>()};
    });
  }

  absl::StatusOr<bool> EntityIsMentioned(const std::string& entity_id) override {
    return Guard<bool>([&] {
      return !txn_.exec_params("SELECT 1 FROM query_entity_docs WHERE entity_id = $1 LIMIT 1", entity_id)
                  .empty();
    });
  }

  absl::StatusOr<int64_t> EntityDocumentCount(const std::string& entity_id) override {
    return Guard<int64_t>([&] {
      pqxx::result r =
          txn_.exec_params("SELECT document_count FROM query_entity_stats WHERE entity_id = $1", entity_id);
      return r.empty() ? int64_t{0} : r[0][0].as<int64_t>();
    });
  }

  absl::StatusOr<std::optional<std::pair<std::string, EntityType>>> EntityNameType(
      const std::string& entity_id) override {
    return Guard<std::optional<std::pair<std::string, EntityType>>>(
        [&]() -> std::optional<std::pair<std::string, EntityType>> {
          pqxx::result r = txn_.exec_params("SELECT name, type FROM query_entities WHERE id = $1", entity_id);
          if (r.empty()) return std::nullopt;
          return std::make_pair(r[0][0].as<std::string>(), ToEntityType(r[0][1].as<int64_t>()));
        });
  }

  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> EntityNames(
      const std::vector<std::string>& entity_ids) override {
    return Guard<absl::flat_hash_map<std::string, std::string>>([&] {
      absl::flat_hash_map<std::string, std::string> names;
      if (entity_ids.empty()) return names;
      Params params;
      std::vector<std::string> placeholders;
      for (const std::string& id : entity_ids) placeholders.push_back(params.Add(id));
      for (const pqxx::row& row :
           Exec(txn_, absl::StrCat("SELECT id, name FROM query_entities WHERE id IN (", absl::StrJoin(placeholders, ", "), ")"),
                params)) {
        names[row[0].as<std::string>()] = row[1].as<std::string>();
      }
      return names;
    });
  }

  absl::StatusOr<std::vector<std::string>> Aliases(const std::string& entity_id, int limit) override {
    return Guard<std::vector<std::string>>([&] {
      std::vector<std::string> aliases;
      // COLLATE "C": ties in byte order, as SQLite sorts them.
      for (const pqxx::row& row :
           txn_.exec_params("SELECT text FROM query_entity_aliases WHERE entity_id = $1 "
                            "ORDER BY mention_count DESC, text COLLATE \"C\" LIMIT $2",
                            entity_id, limit)) {
        aliases.push_back(row[0].as<std::string>());
      }
      return aliases;
    });
  }

  absl::StatusOr<std::vector<RelatedRow>> Related(const std::string& entity_id, EntityType type,
                                                  RelatedOrder order, int min_documents, int limit,
                                                  int64_t offset) override {
    return Guard<std::vector<RelatedRow>>([&] {
      // The page is chosen first, joining only what the order needs; names,
      // counts and events are then read for its rows alone.
      Params params;
      const std::string entity = params.Add(entity_id);
      std::string sort_value = "c.document_count::float8";
      std::string joins;
      if (order == RelatedOrder::kScore) sort_value = "(c.sentence_count * 4 + c.document_count)::float8";
      if (order == RelatedOrder::kPmi) {
        sort_value = "c.document_count::float8 / GREATEST(COALESCE(s.document_count, 1), 1)";
        joins = " LEFT JOIN query_entity_stats s ON s.entity_id = c.other_id";
      }
      if (order == RelatedOrder::kEvents) {
        sort_value = "(COALESCE(p1.event_count, 0) + COALESCE(p2.event_count, 0))::float8";
        joins =
            " LEFT JOIN query_event_pairs p1 ON p1.source_entity = c.entity_id AND p1.target_entity = c.other_id"
            " LEFT JOIN query_event_pairs p2 ON p2.source_entity = c.other_id AND p2.target_entity = c.entity_id";
      }
      if (type != common::v1::ENTITY_TYPE_UNSPECIFIED) {
        absl::StrAppend(&joins, " JOIN query_entities te ON te.id = c.other_id AND te.type = ",
                        params.Add(Str(type)), "::int");
      }
      const std::string sql = absl::StrCat(
          "SELECT r.other_id, COALESCE(e.name, r.other_id), COALESCE(e.type, 0), r.document_count, "
          "r.sentence_count, COALESCE(s.document_count, 0), COALESCE(p1.event_count, 0), "
          "COALESCE(p2.event_count, 0) FROM (SELECT c.entity_id, c.other_id, c.document_count, c.sentence_count, ",
          sort_value, " AS sort_value FROM query_cooccurrence c", joins, " WHERE c.entity_id = ", entity,
          " AND c.document_count >= ", params.Add(Str(min_documents)),
          "::int ORDER BY sort_value DESC, c.document_count DESC, c.sentence_count DESC, c.other_id COLLATE \"C\" "
          "LIMIT ",
          params.Add(Str(limit)), "::bigint OFFSET ", params.Add(Str(offset)),
          "::bigint) r "
          "LEFT JOIN query_entities e ON e.id = r.other_id "
          "LEFT JOIN query_entity_stats s ON s.entity_id = r.other_id "
          "LEFT JOIN query_event_pairs p1 ON p1.source_entity = r.entity_id AND p1.target_entity = r.other_id "
          "LEFT JOIN query_event_pairs p2 ON p2.source_entity = r.other_id AND p2.target_entity = r.entity_id "
          "ORDER BY r.sort_value DESC, r.document_count DESC, r.sentence_count DESC, r.other_id COLLATE \"C\"");
      std::vector<RelatedRow> related;
      for (const pqxx::row& row : Exec(txn_, sql, params)) {
        RelatedRow r;
        r.entity.entity_id = row[0].as<std::string>();
        r.entity.name = row[1].as<std::string>();
        r.entity.type = ToEntityType(row[2].as<int64_t>());
        r.entity.document_count = row[3].as<int>();
        r.entity.sentence_count = row[4].as<int>();
        r.other_documents = row[5].as<int64_t>();
        r.entity.events_as_source = row[6].as<int>();
        r.entity.events_as_target = row[7].as<int>();
        related.push_back(std::move(r));
      }
      return related;
    });
  }

  absl::Status ScanTimeline(const std::string& driver, const std::vector<std::string>& others, int lo, int hi,
                            const std::function<bool(const TimelineRef&)>& visit) override {
    // In batches, each continuing after the last row of the previous one,
    // with the other entities checked in SQL.
    TimelineRef last{-1, -1, -1};
    while (true) {
      auto batch = Guard<std::vector<TimelineRef>>([&] {
        Params params;
        std::string sql = absl::StrCat(
            "SELECT s.date_key, s.doc_id, s.sentence FROM query_entity_sentences s WHERE s.entity_id = ",
            params.Add(driver), " AND s.date_key >= ", params.Add(Str(lo)),
            "::int AND s.date_key <= ", params.Add(Str(hi)),
            "::int AND (s.date_key, s.doc_id, s.sentence) > (", params.Add(Str(last.date_key)), "::int, ",
            params.Add(Str(last.doc)), "::bigint, ", params.Add(Str(last.sentence)), "::int)");
        for (const std::string& other : others) {
          absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM query_entity_sentences o WHERE o.entity_id = ",
                          params.Add(other), " AND o.doc_id = s.doc_id AND o.sentence = s.sentence)");
        }
        absl::StrAppend(&sql, " ORDER BY s.date_key, s.doc_id, s.sentence LIMIT ", kTimelineBatch);
        std::vector<TimelineRef> refs;
        for (const pqxx::row& row : Exec(txn_, sql, params)) {
          refs.push_back(TimelineRef{row[1].as<int64_t>(), row[2].as<int64_t>(), row[0].as<int>()});
        }
        return refs;
      });
      if (!batch.ok()) return batch.status();
      for (const TimelineRef& ref : *batch) {
        if (!visit(ref)) return absl::OkStatus();
      }
      if (static_cast<int>(batch->size()) < kTimelineBatch) return absl::OkStatus();
      last = batch->back();
    }
  }

  absl::StatusOr<std::vector<TimelineItem>> TimelineItems(const std::vector<TimelineRef>& refs) override {
    if (refs.empty()) return std::vector<TimelineItem>{};
    return Guard<std::vector<TimelineItem>>([&] {
      std::vector<int64_t> docs;
      std::vector<int64_t> sentences;
      for (const TimelineRef& ref : refs) {
        docs.push_back(ref.doc);
        sentences.push_back(ref.sentence);
      }
      std::vector<TimelineItem> items;
      for (const pqxx::row& row : txn_.exec_params(
               "SELECT s.date_year, s.date_month, s.date_day, s.date_from_text, d.id, d.title, s.text "
               "FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS r(doc_id, sentence, ord) "
               "JOIN query_sentences s ON s.doc_id = r.doc_id AND s.sentence = r.sentence "
               "JOIN query_documents d ON d.doc_id = s.doc_id ORDER BY r.ord",
               IntArray(docs), IntArray(sentences))) {
        TimelineItem item;
        item.date = PartialDate{row[0].as<int>(), row[1].as<int>(), row[2].as<int>()};
        item.date_from_text = row[3].as<bool>();
        item.document_id = row[4].as<std::string>();
        item.title = row[5].as<std::string>();
        item.text = row[6].as<std::string>();
        items.push_back(std::move(item));
      }
      return items;
    });
  }

  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> StoredDocument(
      const std::string& document_id) override {
    return Guard<std::optional<std::pair<std::string, std::string>>>(
        [&]() -> std::optional<std::pair<std::string, std::string>> {
          pqxx::result r = txn_.exec_params(
              "SELECT t.document, t.body FROM query_documents d JOIN query_document_text t "
              "ON t.doc_id = d.doc_id WHERE d.id = $1",
              document_id);
          if (r.empty()) return std::nullopt;
          return std::make_pair(pqxx::binarystring(r[0][0]).str(), r[0][1].as<std::string>());
        });
  }

  absl::StatusOr<int64_t> DocumentCount() override {
    return Guard<int64_t>(
        [&] { return txn_.exec1("SELECT documents FROM query_generation WHERE id = 1")[0].as<int64_t>(); });
  }

  absl::StatusOr<int64_t> CountEvents(const EventFilter& filter) override {
    return Guard<int64_t>([&] { return ExecBuilt(CountEventsSql(filter, Dialect()))[0][0].as<int64_t>(); });
  }

  absl::StatusOr<std::vector<EventRef>> ScanEvents(const EventFilter& filter, const EventRef* after, int64_t offset,
                                                   int limit) override {
    return Guard<std::vector<EventRef>>([&] {
      std::vector<EventRef> refs;
      for (const pqxx::row& row : ExecBuilt(ScanEventsSql(filter, Dialect(), after, offset, limit))) {
        refs.push_back(EventRef{row[0].as<int64_t>(), row[1].as<int>(), row[2].as<std::string>(),
                                row[3].as<int64_t>()});
      }
      return refs;
    });
  }

  absl::StatusOr<std::vector<EventDetail>> Events(const std::vector<int64_t>& events, int max_mentions) override {
    if (events.empty()) return std::vector<EventDetail>{};
    return Guard<std::vector<EventDetail>>([&]() -> std::vector<EventDetail> {
      const std::string keys = IntArray(events);
      absl::flat_hash_map<int64_t, std::vector<common::v1::EventMention>> mentions;
      for (const pqxx::row& row : txn_.exec_params(
               "SELECT m.event_key, d.id, m.sentence, m.evidence, m.span_begin, m.span_end, m.trigger_text, "
               "m.confidence, m.date_year, m.date_month, m.date_day, m.date_from_text, d.published_year, "
               "d.published_month, d.published_day FROM unnest($1::bigint[]) AS r(k) CROSS JOIN LATERAL "
               "(SELECT * FROM query_event_mentions x WHERE x.event_key = r.k ORDER BY x.doc_id, x.sentence "
               "LIMIT $2) m JOIN query_documents d ON d.doc_id = m.doc_id "
               "ORDER BY m.event_key, m.doc_id, m.sentence",
               keys, max_mentions)) {
        common::v1::EventMention& m = mentions[row[0].as<int64_t>()].emplace_back();
        m.set_document_id(row[1].as<std::string>());
        m.set_sentence(row[2].as<int32_t>());
        m.set_evidence(row[3].as<std::string>());
        m.mutable_span()->set_begin(row[4].as<int32_t>());
        m.mutable_span()->set_end(row[5].as<int32_t>());
        m.set_trigger(row[6].as<std::string>());
        m.set_confidence(static_cast<float>(row[7].as<double>()));
        SetDate(m.mutable_date(), row[8].as<int64_t>(), row[9].as<int64_t>(), row[10].as<int64_t>());
        m.set_date_from_text(row[11].as<bool>());
        SetDate(m.mutable_published(), row[12].as<int64_t>(), row[13].as<int64_t>(), row[14].as<int64_t>());
      }
      std::vector<EventDetail> details;
      for (const pqxx::row& row : txn_.exec_params(
               "SELECT e.event_key, e.num_mentions, e.num_documents, e.confidence, x.event, d.title "
               "FROM unnest($1::bigint[]) WITH ORDINALITY AS r(k, ord) JOIN query_events e ON e.event_key = r.k "
               "JOIN query_event_docs x ON x.event_key = e.event_key AND x.doc_id = e.first_doc "
               "JOIN query_documents d ON d.doc_id = e.first_doc ORDER BY r.ord",
               keys)) {
        EventDetail detail;
        if (!detail.event.ParseFromString(pqxx::binarystring(row[4]).str())) {
          throw std::runtime_error("a stored event is unreadable; re-index its documents");
        }
        detail.event.set_num_mentions(row[1].as<int32_t>());
        detail.event.set_num_documents(row[2].as<int32_t>());
        detail.event.set_confidence(static_cast<float>(row[3].as<double>()));
        detail.first_title = row[5].as<std::string>();
        for (common::v1::EventMention& m : mentions[row[0].as<int64_t>()]) {
          *detail.event.add_mentions() = std::move(m);
        }
        FinishEvent(&detail.event);
        details.push_back(std::move(detail));
      }
      return details;
    });
  }

 private:
  // Runs `fn`, turning exceptions into statuses; remembers a lost connection
  // so Read can try again on a fresh one.
  template <typename T, typename Fn>
  absl::StatusOr<T> Guard(Fn&& fn) {
    try {
      return fn();
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return pg::ErrorFromException(e, "reading the query index");
    } catch (const std::exception& e) {
      return pg::ErrorFromException(e, "reading the query index");
    }
  }

  static SqlDialect Dialect() { return SqlDialect{true}; }

  pqxx::result ExecBuilt(const BuiltSql& built) {
    std::vector<std::string> values;
    for (const SqlParam& param : built.params) values.push_back(param.is_text ? param.text : Str(param.number));
    return txn_.exec_params(built.sql, pqxx::prepare::make_dynamic_params(values));
  }

  pqxx::work& txn_;
  bool broken_ = false;
};

// ---- Writes ----

void ApplyDelta(pqxx::work& txn, const CounterDelta& delta) {
  // Keys in order (std::map), so concurrent writers lock rows in one order.
  std::vector<std::string> values;
  std::vector<std::string> pruned;
  for (const auto& [key, count] : delta.aliases) {
    values.insert(values.end(), {key.first, key.second, Str(count)});
    if (count < 0) pruned.insert(pruned.end(), {key.first, key.second});
  }
  if (!values.empty()) {
    ExecRows(txn, "INSERT INTO query_entity_aliases (entity_id, text, mention_count)", {"?", "?", "?::int"},
             values,
             " ON CONFLICT (entity_id, text) DO UPDATE SET "
             "mention_count = query_entity_aliases.mention_count + excluded.mention_count");
  }
  if (!pruned.empty()) {
    ExecRows(txn, "DELETE FROM query_entity_aliases a USING (", {"?", "?"}, pruned,
             ") AS v (entity_id, text) WHERE a.entity_id = v.entity_id AND a.text = v.text "
             "AND a.mention_count <= 0");
  }
  values.clear();
  pruned.clear();
  for (const auto& [entity, count] : delta.entity_documents) {
    values.insert(values.end(), {entity, Str(count)});
    if (count < 0) pruned.push_back(entity);
  }
  if (!values.empty()) {
    ExecRows(txn, "INSERT INTO query_entity_stats (entity_id, document_count)", {"?", "?::int"}, values,
             " ON CONFLICT (entity_id) DO UPDATE SET "
             "document_count = query_entity_stats.document_count + excluded.document_count");
  }
  if (!pruned.empty()) {
    ExecRows(txn, "DELETE FROM query_entity_stats s USING (", {"?"}, pruned,
             ") AS v (entity_id) WHERE s.entity_id = v.entity_id AND s.document_count <= 0");
  }
  values.clear();
  pruned.clear();
  for (const auto& [key, change] : delta.pairs) {
    values.insert(values.end(), {key.first, key.second, Str(change.documents), Str(change.sentences)});
    if (change.documents < 0) pruned.insert(pruned.end(), {key.first, key.second});
  }
  if (!values.empty()) {
    ExecRows(txn, "INSERT INTO query_cooccurrence (entity_id, other_id, document_count, sentence_count)",
             {"?", "?", "?::int", "?::int"}, values,
             " ON CONFLICT (entity_id, other_id) DO UPDATE SET "
             "document_count = query_cooccurrence.document_count + excluded.document_count, "
             "sentence_count = query_cooccurrence.sentence_count + excluded.sentence_count");
  }
  if (!pruned.empty()) {
    ExecRows(txn, "DELETE FROM query_cooccurrence c USING (", {"?", "?"}, pruned,
             ") AS v (entity_id, other_id) WHERE c.entity_id = v.entity_id AND c.other_id = v.other_id "
             "AND c.document_count <= 0");
  }
}

// The event tables inside an Index transaction. Find locks the event's
// row, so writers reporting one event serialize on it; WriteEvents visits
// events in id order, so they lock in one order.
class PgEventOps final : public EventWriteOps {
 public:
  explicit PgEventOps(pqxx::work& txn) : txn_(txn) {}

  absl::StatusOr<std::optional<Stored>> Find(const std::string& id) override {
    pqxx::result r = txn_.exec_params(
        "SELECT event_key, first_doc, source_entity, target_entity, source_code, target_code, code, root_code, "
        "quad_class, date_key, date_lo, date_hi, order_key FROM query_events WHERE id = $1 FOR UPDATE",
        id);
    if (r.empty()) return std::nullopt;
    const pqxx::row row = r[0];
    Stored stored;
    stored.key = row[0].as<int64_t>();
    stored.first_doc = row[1].as<int64_t>();
    EventAttributes& a = stored.attributes;
    a.source_entity = row[2].as<std::string>();
    a.target_entity = row[3].as<std::string>();
    a.source_code = row[4].as<std::string>();
    a.target_code = row[5].as<std::string>();
    a.code = row[6].as<std::string>();
    a.root_code = row[7].as<std::string>();
    a.quad_class = row[8].as<int>();
    a.date_key = row[9].as<int>();
    a.date_lo = row[10].as<int>();
    a.date_hi = row[11].as<int>();
    a.order_key = row[12].as<int>();
    a.actor_keys = ActorKeys(a.source_entity, a.target_entity, a.source_code, a.target_code);
    return stored;
  }

  absl::StatusOr<std::optional<int64_t>> Create(const EventRow& row, int64_t doc) override {
    const EventAttributes& a = row.attributes;
    // A concurrent writer creating the same event wins; then this inserts
    // nothing and the caller finds (and locks) that row.
    pqxx::result r = txn_.exec_params(
        "INSERT INTO query_events (id, source_entity, target_entity, source_code, target_code, code, root_code, "
        "quad_class, date_key, date_lo, date_hi, order_key, num_mentions, num_documents, confidence, first_doc) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15) "
        "ON CONFLICT (id) DO NOTHING RETURNING event_key",
        row.id, a.source_entity, a.target_entity, a.source_code, a.target_code, a.code, a.root_code, a.quad_class,
        a.date_key, a.date_lo, a.date_hi, a.order_key, static_cast<int64_t>(row.mentions.size()), row.confidence,
        doc);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<int64_t>();
  }

  absl::Status AddReports(int64_t key, int64_t doc, const EventRow& row) override {
    txn_.exec_params(
        "INSERT INTO query_event_docs (event_key, doc_id, mention_count, confidence, event) "
        "VALUES ($1, $2, $3, $4, $5)",
        key, doc, static_cast<int64_t>(row.mentions.size()), row.confidence, pqxx::binarystring(row.blob));
    std::vector<std::string> values;
    for (const EventMentionRow& m : row.mentions) {
      values.insert(values.end(),
                    {Str(key), Str(doc), Str(m.sentence), m.evidence, Str(m.begin), Str(m.end), m.trigger,
                     absl::StrFormat("%.17g", m.confidence), Str(m.date.year), Str(m.date.month), Str(m.date.day),
                     m.date_from_text ? "true" : "false"});
    }
    if (!values.empty()) {
      ExecRows(txn_,
               "INSERT INTO query_event_mentions (event_key, doc_id, sentence, evidence, span_begin, span_end, "
               "trigger_text, confidence, date_year, date_month, date_day, date_from_text)",
               {"?::bigint", "?::bigint", "?::int", "?", "?::int", "?::int", "?", "?::float8", "?::int", "?::int",
                "?::int", "?::boolean"},
               values);
    }
    return absl::OkStatus();
  }

  absl::Status RemoveReports(int64_t key, int64_t doc) override {
    txn_.exec_params("DELETE FROM query_event_docs WHERE event_key = $1 AND doc_id = $2", key, doc);
    txn_.exec_params("DELETE FROM query_event_mentions WHERE event_key = $1 AND doc_id = $2", key, doc);
    return absl::OkStatus();
  }

  absl::Status AddCounts(int64_t key, int mentions, double confidence) override {
    txn_.exec_params(
        "UPDATE query_events SET num_mentions = num_mentions + $2, num_documents = num_documents + 1, "
        "confidence = GREATEST(confidence, $3) WHERE event_key = $1",
        key, mentions, confidence);
    return absl::OkStatus();
  }

  absl::Status SetCounts(int64_t key, const Aggregate& aggregate) override {
    txn_.exec_params(
        "UPDATE query_events SET num_mentions = $2, num_documents = $3, confidence = $4, first_doc = $5 "
        "WHERE event_key = $1",
        key, aggregate.mentions, aggregate.documents, aggregate.confidence, aggregate.first_doc);
    return absl::OkStatus();
  }

  absl::StatusOr<Aggregate> Recount(int64_t key) override {
    pqxx::row row = txn_.exec_params1(
        "SELECT COUNT(*), COALESCE(SUM(mention_count), 0), COALESCE(MAX(confidence), 0), "
        "COALESCE(MIN(doc_id), 0) FROM query_event_docs WHERE event_key = $1",
        key);
    return Aggregate{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<double>(), row[3].as<int64_t>()};
  }

  absl::StatusOr<std::string> ReportBlob(int64_t key, int64_t doc) override {
    pqxx::result r =
        txn_.exec_params("SELECT event FROM query_event_docs WHERE event_key = $1 AND doc_id = $2", key, doc);
    if (r.empty()) return absl::InternalError("an event report vanished while indexing");
    return pqxx::binarystring(r[0][0]).str();
  }

  absl::Status SetAttributes(int64_t key, const EventAttributes& a, int64_t first_doc) override {
    txn_.exec_params(
        "UPDATE query_events SET source_entity = $2, target_entity = $3, source_code = $4, target_code = $5, "
        "code = $6, root_code = $7, quad_class = $8, date_key = $9, date_lo = $10, date_hi = $11, "
        "order_key = $12, first_doc = $13 WHERE event_key = $1",
        key, a.source_entity, a.target_entity, a.source_code, a.target_code, a.code, a.root_code, a.quad_class,
        a.date_key, a.date_lo, a.date_hi, a.order_key, first_doc);
    return absl::OkStatus();
  }

  absl::Status Delete(int64_t key) override {
    txn_.exec_params("DELETE FROM query_events WHERE event_key = $1", key);
    return absl::OkStatus();
  }

  absl::Status AddActorKeys(int64_t key, const std::string& id, const EventAttributes& a) override {
    std::vector<std::string> values;
    for (const auto& [kind, actor] : a.actor_keys) {
      values.insert(values.end(), {Str(kind), actor, Str(a.order_key), id, Str(key), Str(ActorSides(a, kind, actor)),
                                   a.code, Str(a.quad_class), Str(a.date_hi)});
    }
    if (!values.empty()) {
      ExecRows(txn_,
               "INSERT INTO query_event_actors (kind, actor_key, order_key, id, event_key, sides, code, quad_class, "
               "date_hi)",
               {"?::int", "?", "?::int", "?", "?::bigint", "?::int", "?", "?::int", "?::int"}, values);
    }
    return absl::OkStatus();
  }

  absl::Status RemoveActorKeys(const std::string& id, int order_key,
                               const std::set<std::pair<int, std::string>>& keys) override {
    std::vector<std::string> values;
    for (const auto& [kind, actor] : keys) values.insert(values.end(), {Str(kind), actor, Str(order_key), id});
    if (!values.empty()) {
      ExecRows(txn_, "DELETE FROM query_event_actors a USING (", {"?::int", "?", "?::int", "?"}, values,
               ") AS v (kind, actor_key, order_key, id) WHERE a.kind = v.kind AND a.actor_key = v.actor_key AND "
               "a.order_key = v.order_key AND a.id = v.id");
    }
    return absl::OkStatus();
  }

  absl::Status AdjustPair(const std::string& source, const std::string& target, int delta) override {
    txn_.exec_params(
        "INSERT INTO query_event_pairs (source_entity, target_entity, event_count) VALUES ($1, $2, $3) "
        "ON CONFLICT (source_entity, target_entity) DO UPDATE SET "
        "event_count = query_event_pairs.event_count + excluded.event_count",
        source, target, delta);
    txn_.exec_params(
        "DELETE FROM query_event_pairs WHERE source_entity = $1 AND target_entity = $2 AND event_count <= 0",
        source, target);
    return absl::OkStatus();
  }

 private:
  pqxx::work& txn_;
};

absl::StatusOr<bool> WriteDocument(pqxx::work& txn, const IndexRecord& record) {
  const std::string published_key = Str(record.published_key);
  // The document's row, locked: a concurrent Index of the same id (from any
  // replica) waits here until this one commits, then replaces it whole.
  int64_t doc_id = 0;
  bool created = false;
  for (int attempt = 0;; ++attempt) {
    pqxx::result found =
        txn.exec_params("SELECT doc_id FROM query_documents WHERE id = $1 FOR UPDATE", record.id);
    if (!found.empty()) {
      doc_id = found[0][0].as<int64_t>();
      break;
    }
    // Not there yet. If another transaction inserts it first, this waits for
    // it and inserts nothing; the next SELECT then sees and locks its row.
    pqxx::result inserted = txn.exec_params(
        "INSERT INTO query_documents (id, title, url, source, published_year, published_month, "
        "published_day, "
        "published_key, published_lo, published_hi, language, external_id, received_time, type_mask, "
        "mention_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, 0), NULLIF($10, 0), $11, $12, "
        "$13, "
        "$14, $15) ON CONFLICT (id) DO NOTHING RETURNING doc_id",
        record.id, record.title, record.url, record.source, record.published.year, record.published.month,
        record.published.day, record.published_key, record.published_lo, record.published_hi, record.language,
        record.external_id, record.received_time, record.type_mask, record.mention_count);
    if (!inserted.empty()) {
      doc_id = inserted[0][0].as<int64_t>();
      created = true;
      break;
    }
    if (attempt == 2) {
      return absl::AbortedError(
          absl::StrCat("document ", record.id, " kept changing while indexing it; retry"));
    }
  }
  const std::string doc = Str(doc_id);
  const pqxx::binarystring blob(record.document_blob);

  CounterDelta delta;
  std::set<std::string> old_event_ids;
  if (created) {
    delta = DiffContributions(nullptr, record.contributions);
    txn.exec_params("INSERT INTO query_document_text (doc_id, title, body, document) VALUES ($1, $2, $3, $4)",
                    doc_id, record.title, record.body, blob);
  } else {
    pqxx::row old_row =
        txn.exec_params1("SELECT document, body FROM query_document_text WHERE doc_id = $1", doc_id);
    ASSIGN_OR_RETURN(
        common::v1::Document old,
        ParseStoredDocument(record.id, pqxx::binarystring(old_row[0]).str(), old_row[1].as<std::string>()));
    const Contributions before = ComputeContributions(old);
    delta = DiffContributions(&before, record.contributions);
    old_event_ids = EventIdsOf(old);
    txn.exec_params(
        "UPDATE query_documents SET title = $2, url = $3, source = $4, published_year = $5, "
        "published_month = $6, published_day = $7, published_key = $8, published_lo = NULLIF($9, 0), "
        "published_hi = NULLIF($10, 0), language = $11, external_id = $12, received_time = $13, "
        "type_mask = $14, mention_count = $15 WHERE doc_id = $1",
        doc_id, record.title, record.url, record.source, record.published.year, record.published.month,
        record.published.day, record.published_key, record.published_lo, record.published_hi, record.language,
        record.external_id, record.received_time, record.type_mask, record.mention_count);
    txn.exec_params("UPDATE query_document_text SET title = $2, body = $3, document = $4 WHERE doc_id = $1",
                    doc_id, record.title, record.body, blob);
    for (absl::string_view table :
         {"query_mentions", "query_entity_docs", "query_entity_sentences", "query_sentences"}) {
      txn.exec_params(absl::StrCat("DELETE FROM ", table, " WHERE doc_id = $1"), doc_id);
    }
  }

  std::vector<std::string> values;
  for (const MentionRow& m : record.mentions) {
    values.insert(values.end(),
                  {doc, Str(m.ordinal), m.entity_id, Str(m.type), m.text, Str(m.begin), Str(m.end),
                   Str(m.sentence), Str(m.date.year), Str(m.date.month), Str(m.date.day)});
  }
  if (!values.empty()) {
    ExecRows(
        txn,
        "INSERT INTO query_mentions (doc_id, ordinal, entity_id, type, text, span_begin, span_end, sentence, "
        "date_year, date_month, date_day)",
        {"?::bigint", "?::int", "?", "?::int", "?", "?::int", "?::int", "?::int", "?::int", "?::int",
         "?::int"},
        values);
  }
  values.clear();
  for (const EntityRow& e : record.entities) values.insert(values.end(), {e.id, e.name, Str(e.type), e.kind});
  if (!values.empty()) {
    // Sorted by id (lock order); the entity's kind is kept when this
    // document does not say it.
    ExecRows(txn, "INSERT INTO query_entities (id, name, type, kind)", {"?", "?", "?::int", "?"}, values,
             " ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, "
             "kind = CASE WHEN excluded.kind = '' THEN query_entities.kind ELSE excluded.kind END");
  }
  values.clear();
  for (const auto& [entity_id, count] : record.contributions.entity_mentions) {
    values.insert(values.end(), {entity_id, doc, Str(count), published_key});
  }
  if (!values.empty()) {
    ExecRows(txn, "INSERT INTO query_entity_docs (entity_id, doc_id, mention_count, published_key)",
             {"?", "?::bigint", "?::int", "?::int"}, values);
  }
  values.clear();
  for (const EntitySentenceRow& row : record.entity_sentences) {
    values.insert(values.end(), {row.entity_id, doc, Str(row.sentence), Str(row.date_key)});
  }
  if (!values.empty()) {
    ExecRows(txn, "INSERT INTO query_entity_sentences (entity_id, doc_id, sentence, date_key)",
             {"?", "?::bigint", "?::int", "?::int"}, values);
  }
  values.clear();
  for (const SentenceRow& row : record.sentences) {
    values.insert(values.end(),
                  {doc, Str(row.sentence), Str(row.begin), Str(row.end), row.text, Str(row.date.year),
                   Str(row.date.month), Str(row.date.day), Str(row.date_key), Str(row.date_lo),
                   Str(row.date_hi), row.date_from_text ? "true" : "false"});
  }
  if (!values.empty()) {
    ExecRows(
        txn,
        "INSERT INTO query_sentences (doc_id, sentence, span_begin, span_end, text, date_year, date_month, "
        "date_day, date_key, date_lo, date_hi, date_from_text)",
        {"?::bigint", "?::int", "?::int", "?::int", "?", "?::int", "?::int", "?::int", "?::int",
         "NULLIF(?::int, 0)", "NULLIF(?::int, 0)", "?::boolean"},
        values);
  }
  PgEventOps event_ops(txn);
  RETURN_IF_ERROR(WriteEvents(event_ops, doc_id, record.events, old_event_ids));
  ApplyDelta(txn, delta);
  // Last, so the one row every Index updates stays locked only until commit.
  txn.exec(created ? "UPDATE query_generation SET value = value + 1, documents = documents + 1 WHERE id = 1"
                   : "UPDATE query_generation SET value = value + 1 WHERE id = 1");
  return created;
}

class PgIndexBackend final : public IndexBackend {
 public:
  explicit PgIndexBackend(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}

  // As on SQLite: a filtered text search filters the cached ranked list of
  // its words in memory, with every document's filter columns loaded once
  // per index generation. In SQL the same search ranks every match again
  // and probes the filters per row: p99 176 ms against 10,000 documents
  // (bench/run.sh with DOSSIER_DB), where this is the cached path's cost.
  bool FilterTextMatchesInMemory() const override { return true; }

  absl::StatusOr<bool> Write(const IndexRecord& record) override {
    return pool_->Transact(absl::StrCat("indexing document ", record.id),
                           [&](pqxx::work& txn) { return WriteDocument(txn, record); });
  }

  absl::Status Read(const std::function<absl::Status(IndexReader&)>& fn) override {
    absl::Status last;
    for (int attempt = 1; attempt <= pg::Pool::kMaxAttempts; ++attempt) {
      ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
      bool broken = false;
      absl::Status status;
      try {
        pqxx::work txn(*lease);
        // One snapshot for every statement of the read; notices about
        // queries without lexemes (a term of only stop characters) are
        // expected and not logged.
        txn.exec(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
            "SET LOCAL client_min_messages = warning");
        PgReader reader(txn);
        status = fn(reader);
        broken = reader.broken();
        if (status.ok()) txn.commit();
      } catch (const pqxx::broken_connection& e) {
        broken = true;
        status = pg::ErrorFromException(e, "reading the query index");
      } catch (const std::exception& e) {
        return pg::ErrorFromException(e, "reading the query index");
      }
      if (!broken) return status;
      lease.Discard();
      last = status;
    }
    return last;
  }

 private:
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<IndexBackend>> OpenPostgresIndexBackend(const std::string& url,
                                                                       const IndexStoreOptions& options) {
  const int size = options.postgres_pool_size > 0 ? options.postgres_pool_size
                                                  : std::max(1, options.reader_connections) + 2;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool, pg::Pool::Open(url, size));
  RETURN_IF_ERROR(pg::Migrate(pool.get(), "query", kMigrations));
  return std::unique_ptr<IndexBackend>(new PgIndexBackend(std::move(pool)));
}

}  // namespace dossier::query
