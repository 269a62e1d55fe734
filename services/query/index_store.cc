#include "services/query/index_store.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "services/query/query_parser.h"

namespace dossier::query {
namespace {

using common::v1::Document;

constexpr int kSchemaVersion = 1;
constexpr int kSnippetTokens = 24;
constexpr int kMaxDocumentIdBytes = 256;

constexpr std::string_view kSchema = R"sql(
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

// ---- Values bound to dynamically built SQL ----

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

void BindDateBounds(sqlite::Statement& stmt, int index, int key) {
  if (key == 0) {
    stmt.BindNull(index);
  } else {
    stmt.Bind(index, int64_t{key});
  }
}

PartialDate ToPartialDate(const common::v1::DateValue& d) {
  return PartialDate{d.year(), d.month(), d.day()};
}

std::string SpanText(const std::string& body, const CodePointIndex& index, int begin, int end) {
  const size_t b = index.ToByte(begin);
  const size_t e = index.ToByte(end);
  return e > b ? body.substr(b, e - b) : std::string();
}

EntityType ToEntityType(int64_t value) {
  return common::v1::EntityType_IsValid(static_cast<int>(value)) ? static_cast<EntityType>(value)
                                                                 : common::v1::ENTITY_TYPE_UNSPECIFIED;
}

// What one document adds to the derived counters. Computed from the
// document alone, so the contribution of a replaced version is recomputed
// from its stored copy and subtracted exactly.
struct Contributions {
  std::map<std::string, int> entity_mentions;                         // entity -> mentions
  std::map<std::string, std::set<int>> entity_sentences;              // entity -> sentences
  std::map<std::pair<std::string, std::string>, int> aliases;         // (entity, text) -> mentions
  std::map<std::pair<std::string, std::string>, int> pair_sentences;  // ordered pair -> shared sentences
};

bool IsEntityMention(const common::v1::Mention& m) {
  return !m.entity_id().empty() && m.type() != common::v1::ENTITY_TYPE_DATE;
}

Contributions ComputeContributions(const Document& doc) {
  Contributions c;
  const CodePointIndex index(doc.body());
  const bool has_sentences = doc.sentences_size() > 0;
  std::map<int, std::set<std::string>> sentence_entities;
  for (const common::v1::Mention& m : doc.mentions()) {
    if (!IsEntityMention(m)) continue;
    ++c.entity_mentions[m.entity_id()];
    std::string alias = CollapseSpaces(
        m.text().empty() ? SpanText(doc.body(), index, m.span().begin(), m.span().end()) : m.text());
    std::replace(alias.begin(), alias.end(), '\n', ' ');
    if (!alias.empty()) ++c.aliases[{m.entity_id(), alias}];
    if (has_sentences) {
      c.entity_sentences[m.entity_id()].insert(m.sentence());
      sentence_entities[m.sentence()].insert(m.entity_id());
    }
  }
  for (const auto& [a, unused_a] : c.entity_mentions) {
    for (const auto& [b, unused_b] : c.entity_mentions) {
      if (a != b) c.pair_sentences[{a, b}] = 0;
    }
  }
  for (const auto& [sentence, entities] : sentence_entities) {
    for (const std::string& a : entities) {
      for (const std::string& b : entities) {
        if (a != b) ++c.pair_sentences[{a, b}];
      }
    }
  }
  return c;
}

absl::Status ApplyContributions(sqlite::Db* db, const Contributions& c, int sign) {
  ASSIGN_OR_RETURN(
      auto alias_upsert,
      db->Prepare("INSERT INTO entity_aliases(entity_id, text, mention_count) VALUES(?1, ?2, ?3) "
                  "ON CONFLICT(entity_id, text) DO UPDATE SET "
                  "mention_count = mention_count + excluded.mention_count"));
  ASSIGN_OR_RETURN(
      auto alias_prune,
      db->Prepare("DELETE FROM entity_aliases WHERE entity_id = ?1 AND text = ?2 AND mention_count <= 0"));
  for (const auto& [key, count] : c.aliases) {
    RETURN_IF_ERROR(alias_upsert.Reset());
    alias_upsert.Bind(1, std::string_view(key.first))
        .Bind(2, std::string_view(key.second))
        .Bind(3, int64_t{sign * count});
    RETURN_IF_ERROR(alias_upsert.Run());
    if (sign < 0) {
      RETURN_IF_ERROR(alias_prune.Reset());
      alias_prune.Bind(1, std::string_view(key.first)).Bind(2, std::string_view(key.second));
      RETURN_IF_ERROR(alias_prune.Run());
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
  for (const auto& [key, sentences] : c.pair_sentences) {
    RETURN_IF_ERROR(pair_upsert.Reset());
    pair_upsert.Bind(1, std::string_view(key.first))
        .Bind(2, std::string_view(key.second))
        .Bind(3, int64_t{sign})
        .Bind(4, int64_t{sign * sentences});
    RETURN_IF_ERROR(pair_upsert.Run());
    if (sign < 0) {
      RETURN_IF_ERROR(pair_prune.Reset());
      pair_prune.Bind(1, std::string_view(key.first)).Bind(2, std::string_view(key.second));
      RETURN_IF_ERROR(pair_prune.Run());
    }
  }
  return absl::OkStatus();
}

// The timeline date of sentence `sentence`: the first DATE mention in it
// with a year, else the first with a month (year unknown: undated), else
// the publication date.
std::pair<PartialDate, bool> SentenceDate(const Document& doc, int sentence) {
  const common::v1::Mention* with_year = nullptr;
  const common::v1::Mention* with_month = nullptr;
  for (const common::v1::Mention& m : doc.mentions()) {
    if (m.type() != common::v1::ENTITY_TYPE_DATE || m.sentence() != sentence) continue;
    if (m.date().year() > 0) {
      if (!with_year || m.span().begin() < with_year->span().begin()) with_year = &m;
    } else if (m.date().month() > 0) {
      if (!with_month || m.span().begin() < with_month->span().begin()) with_month = &m;
    }
  }
  if (with_year) return {ToPartialDate(with_year->date()), true};
  if (with_month) return {ToPartialDate(with_month->date()), true};
  return {ToPartialDate(doc.published()), false};
}

std::string LeadingSnippet(std::string_view body) {
  std::string out;
  int words = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    while (pos < body.size() &&
           (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\t' || body[pos] == '\r'))
      ++pos;
    if (pos >= body.size()) break;
    if (words == kSnippetTokens) return out + "…";
    size_t end = pos;
    while (end < body.size() && body[end] != ' ' && body[end] != '\n' && body[end] != '\t' &&
           body[end] != '\r')
      ++end;
    if (!out.empty()) out.push_back(' ');
    out.append(body.substr(pos, end - pos));
    ++words;
    pos = end;
  }
  return out;
}

absl::Status CheckSpan(const common::v1::Span& span, int length, std::string_view field) {
  if (span.begin() < 0 || span.end() < span.begin() || span.end() > length) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " span [", span.begin(), ", ",
                                                   span.end(), ") is outside the body (", length,
                                                   " code points); spans count code points, not bytes"));
  }
  return absl::OkStatus();
}

absl::Status CheckPageSize(int page_size, std::string_view field = "page_size") {
  if (page_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is ", page_size,
                                                   ": give a positive number, or 0 for the default"));
  }
  return absl::OkStatus();
}

absl::Status CheckEntityId(const std::string& id, std::string_view field) {
  if (id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " is empty: give an entity id such as \"country:CHN\""));
  }
  if (id.size() > 512 || !IsValidUtf8(id)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is not a valid entity id"));
  }
  return absl::OkStatus();
}

absl::Status NoDocumentMentions(const std::string& entity_id) {
  return absl::NotFoundError(absl::StrCat("no indexed document mentions entity ", entity_id,
                                          " (check the id, e.g. with the entity service's SearchEntities)"));
}

absl::StatusOr<bool> EntityIsMentioned(sqlite::Db* db, const std::string& entity_id) {
  ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT 1 FROM entity_docs WHERE entity_id = ?1 LIMIT 1"));
  stmt.Bind(1, std::string_view(entity_id));
  return stmt.Step();
}

}  // namespace

// ---- Reader pool ----

// One pooled read connection inside a read transaction (a consistent
// snapshot); returned to the pool on destruction.
class IndexStore::ReaderLease {
 public:
  ReaderLease(IndexStore* store, sqlite::Db* db) : store_(store), db_(db) {
    begin_status_ = db_->Exec("BEGIN");
  }
  ReaderLease(ReaderLease&& other) noexcept
      : store_(other.store_), db_(other.db_), begin_status_(other.begin_status_) {
    other.db_ = nullptr;
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease() {
    if (!db_) return;
    if (begin_status_.ok()) db_->Exec("COMMIT").IgnoreError();
    absl::MutexLock lock(&store_->readers_mu_);
    store_->free_readers_.push_back(db_);
  }
  sqlite::Db* db() const { return db_; }
  const absl::Status& status() const { return begin_status_; }

 private:
  IndexStore* store_;
  sqlite::Db* db_;
  absl::Status begin_status_;
};

IndexStore::ReaderLease IndexStore::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  readers_mu_.Await(absl::Condition(
      +[](std::vector<sqlite::Db*>* free) { return !free->empty(); }, &free_readers_));
  sqlite::Db* db = free_readers_.back();
  free_readers_.pop_back();
  return ReaderLease(this, db);
}

// ---- Open ----

absl::StatusOr<std::unique_ptr<IndexStore>> IndexStore::Open(const std::string& path,
                                                             const IndexStoreOptions& options) {
  if (path.empty() || path == ":memory:" || path.rfind("file::memory:", 0) == 0) {
    return absl::InvalidArgumentError(
        "IndexStore needs a database file path (readers open their own connections)");
  }
  std::unique_ptr<IndexStore> store(new IndexStore());
  store->options_ = options;
  ASSIGN_OR_RETURN(auto writer, sqlite::Db::Open(path, /*synchronous_full=*/false));
  RETURN_IF_ERROR(writer->Exec(kConnectionPragmas));
  {
    ASSIGN_OR_RETURN(auto version_stmt, writer->Prepare("PRAGMA user_version"));
    ASSIGN_OR_RETURN(bool has_row, version_stmt.Step());
    const int64_t version = has_row ? version_stmt.Int(0) : 0;
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(path, " has schema version ", version,
                                                        ", newer than this server's ", kSchemaVersion,
                                                        "; run a newer dossier-query or rebuild the index"));
    }
  }
  {
    sqlite::Transaction tx(writer.get());
    RETURN_IF_ERROR(tx.status());
    absl::Status st = writer->Exec(kSchema);
    if (!st.ok())
      return absl::InternalError(
          absl::StrCat("cannot create the query schema in ", path, ": ", st.message()));
    RETURN_IF_ERROR(writer->Exec(absl::StrCat("PRAGMA user_version=", kSchemaVersion)));
    RETURN_IF_ERROR(tx.Commit());
  }
  const int reader_count = std::max(1, options.reader_connections);
  for (int i = 0; i < reader_count; ++i) {
    ASSIGN_OR_RETURN(auto reader, sqlite::Db::Open(path, /*synchronous_full=*/false));
    RETURN_IF_ERROR(reader->Exec(kConnectionPragmas));
    RETURN_IF_ERROR(reader->Exec("PRAGMA query_only=1"));
    store->readers_.push_back(std::move(reader));
  }
  {
    absl::MutexLock lock(&store->readers_mu_);
    for (auto& reader : store->readers_) store->free_readers_.push_back(reader.get());
  }
  absl::MutexLock lock(&store->writer_mu_);
  store->writer_ = std::move(writer);
  return store;
}

IndexStore::~IndexStore() = default;

// ---- Validation ----

absl::Status ValidateDocument(const Document& document) {
  if (document.id().empty()) {
    return absl::InvalidArgumentError(
        "document.id is required: index documents as stored by ingest, with their id");
  }
  if (document.id().size() > kMaxDocumentIdBytes || !IsValidUtf8(document.id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("document.id must be UTF-8 of at most ", kMaxDocumentIdBytes, " bytes"));
  }
  size_t bad = 0;
  if (!IsValidUtf8(document.title(), &bad)) {
    return absl::InvalidArgumentError(absl::StrCat("document.title is not valid UTF-8 (byte ", bad, ")"));
  }
  if (!IsValidUtf8(document.body(), &bad)) {
    return absl::InvalidArgumentError(absl::StrCat("document.body is not valid UTF-8 (byte ", bad, ")"));
  }
  RETURN_IF_ERROR(CheckDateParts(ToPartialDate(document.published()), "document.published"));
  const int length = CodePointIndex(document.body()).size();
  for (int i = 0; i < document.sentences_size(); ++i) {
    RETURN_IF_ERROR(CheckSpan(document.sentences(i), length, absl::StrCat("document.sentences[", i, "]")));
  }
  for (int i = 0; i < document.mentions_size(); ++i) {
    const common::v1::Mention& m = document.mentions(i);
    const std::string field = absl::StrCat("document.mentions[", i, "]");
    RETURN_IF_ERROR(CheckSpan(m.span(), length, field));
    if (!common::v1::EntityType_IsValid(m.type()) || m.type() == common::v1::ENTITY_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".type is ", static_cast<int>(m.type()),
                       ": give one of PERSON, ORGANIZATION, LOCATION, DATE, MISC"));
    }
    if (document.sentences_size() == 0 ? m.sentence() != 0
                                       : (m.sentence() < 0 || m.sentence() >= document.sentences_size())) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".sentence is ", m.sentence(),
                                                     " but the document has ", document.sentences_size(),
                                                     " sentences"));
    }
    RETURN_IF_ERROR(CheckDateParts(ToPartialDate(m.date()), absl::StrCat(field, ".date")));
    if (m.entity_id().size() > 512 || !IsValidUtf8(m.entity_id())) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".entity_id is not a valid entity id"));
    }
  }
  for (int i = 0; i < document.entities_size(); ++i) {
    const common::v1::Entity& e = document.entities(i);
    const std::string field = absl::StrCat("document.entities[", i, "]");
    if (e.id().empty()) return absl::InvalidArgumentError(absl::StrCat(field, ".id is empty"));
    if (!common::v1::EntityType_IsValid(e.type())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".type is ", static_cast<int>(e.type()), ": not a known EntityType"));
    }
  }
  return absl::OkStatus();
}

// ---- Index ----

absl::StatusOr<IndexResult> IndexStore::Index(const Document& document) {
  RETURN_IF_ERROR(ValidateDocument(document));
  IndexResult result;
  absl::MutexLock lock(&writer_mu_);
  RETURN_IF_ERROR(IndexLocked(document, &result));
  generation_.fetch_add(1);
  return result;
}

std::shared_ptr<const IndexStore::Matches> IndexStore::CachedSearch(const std::string& key) {
  if (options_.search_cache_entries <= 0) return nullptr;
  absl::MutexLock lock(&cache_mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second.generation != generation_.load()) return nullptr;
  it->second.last_used = ++cache_clock_;
  return it->second.matches;
}

void IndexStore::CacheSearch(const std::string& key, uint64_t generation,
                             std::shared_ptr<const Matches> matches) {
  if (options_.search_cache_entries <= 0 || generation != generation_.load()) return;
  absl::MutexLock lock(&cache_mu_);
  absl::erase_if(cache_, [&](const auto& entry) { return entry.second.generation != generation; });
  while (cache_.size() >= static_cast<size_t>(options_.search_cache_entries)) {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    cache_.erase(oldest);
  }
  cache_[key] = CachedMatches{generation, ++cache_clock_, std::move(matches)};
}

absl::Status IndexStore::IndexLocked(const Document& input, IndexResult* result) {
  sqlite::Db* db = writer_.get();
  Document doc = input;
  doc.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  doc.clear_error();
  // The blob leaves out the body, which document_text holds already.
  std::string blob;
  {
    Document without_body = doc;
    without_body.clear_body();
    if (!without_body.SerializeToString(&blob)) return absl::InternalError("cannot serialize the document");
  }

  const PartialDate published = ToPartialDate(doc.published());
  const int published_key = SortKey(published);
  int64_t type_mask = 0;
  for (const common::v1::Mention& m : doc.mentions()) type_mask |= int64_t{1} << static_cast<int>(m.type());

  sqlite::Transaction tx(db);
  RETURN_IF_ERROR(tx.status());

  int64_t rowid = 0;
  {
    ASSIGN_OR_RETURN(auto find,
                     db->Prepare("SELECT d.doc_rowid, t.title, t.body, t.document FROM documents d "
                                 "JOIN document_text t ON t.doc_rowid = d.doc_rowid WHERE d.id = ?1"));
    find.Bind(1, std::string_view(doc.id()));
    ASSIGN_OR_RETURN(bool exists, find.Step());
    result->created = !exists;
    if (exists) {
      rowid = find.Int(0);
      Document old;
      if (!old.ParseFromString(find.Text(3))) {
        return absl::DataLossError(
            absl::StrCat("stored copy of document ", doc.id(), " is unreadable; rebuild the query index"));
      }
      old.set_body(find.Text(2));
      RETURN_IF_ERROR(ApplyContributions(db, ComputeContributions(old), -1));
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
    }
  }

  {
    const std::string sql =
        result->created
            ? "INSERT INTO documents(id, title, url, source, published_year, published_month, "
              "published_day, published_key, published_lo, published_hi, language, external_id, "
              "received_time, "
              "type_mask, mention_count) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            : "UPDATE documents SET title = ?2, url = ?3, source = ?4, published_year = ?5, "
              "published_month = ?6, published_day = ?7, published_key = ?8, published_lo = ?9, "
              "published_hi = ?10, language = ?11, external_id = ?12, received_time = ?13, type_mask = ?14, "
              "mention_count = ?15 WHERE id = ?1";
    ASSIGN_OR_RETURN(auto stmt, db->Prepare(sql));
    stmt.Bind(1, std::string_view(doc.id()))
        .Bind(2, std::string_view(doc.title()))
        .Bind(3, std::string_view(doc.url()))
        .Bind(4, std::string_view(doc.source()))
        .Bind(5, int64_t{published.year})
        .Bind(6, int64_t{published.month})
        .Bind(7, int64_t{published.day})
        .Bind(8, int64_t{published_key});
    BindDateBounds(stmt, 9, EarliestKey(published));
    BindDateBounds(stmt, 10, LatestKey(published));
    stmt.Bind(11, std::string_view(doc.language()))
        .Bind(12, std::string_view(doc.external_id()))
        .Bind(13, std::string_view(doc.received_time()))
        .Bind(14, type_mask)
        .Bind(15, int64_t{doc.mentions_size()});
    RETURN_IF_ERROR(stmt.Run());
    if (result->created) rowid = db->LastInsertRowId();
  }
  {
    ASSIGN_OR_RETURN(auto text,
                     db->Prepare("INSERT OR REPLACE INTO document_text(doc_rowid, title, body, document) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
    text.Bind(1, rowid)
        .Bind(2, std::string_view(doc.title()))
        .Bind(3, std::string_view(doc.body()))
        .BindBlob(4, blob);
    RETURN_IF_ERROR(text.Run());
    ASSIGN_OR_RETURN(auto fts, db->Prepare("INSERT INTO docs_fts(rowid, title, body) VALUES(?1, ?2, ?3)"));
    fts.Bind(1, rowid).Bind(2, std::string_view(doc.title())).Bind(3, std::string_view(doc.body()));
    RETURN_IF_ERROR(fts.Run());
  }

  const CodePointIndex cp_index(doc.body());
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO mentions(doc_rowid, ordinal, entity_id, type, text, begin, "
                                 "end, sentence, date_year, date_month, date_day) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    for (int i = 0; i < doc.mentions_size(); ++i) {
      const common::v1::Mention& m = doc.mentions(i);
      RETURN_IF_ERROR(stmt.Reset());
      const std::string text =
          m.text().empty() ? SpanText(doc.body(), cp_index, m.span().begin(), m.span().end()) : m.text();
      stmt.Bind(1, rowid)
          .Bind(2, int64_t{i})
          .Bind(3, std::string_view(m.type() == common::v1::ENTITY_TYPE_DATE ? std::string() : m.entity_id()))
          .Bind(4, int64_t{m.type()})
          .Bind(5, std::string_view(text))
          .Bind(6, int64_t{m.span().begin()})
          .Bind(7, int64_t{m.span().end()})
          .Bind(8, int64_t{doc.sentences_size() > 0 ? m.sentence() : -1})
          .Bind(9, int64_t{m.date().year()})
          .Bind(10, int64_t{m.date().month()})
          .Bind(11, int64_t{m.date().day()});
      RETURN_IF_ERROR(stmt.Run());
    }
  }

  // Entities: the document's list wins; entities only named by mentions get
  // the mention's name and type (their kind is kept if already known).
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO entities(id, name, type, kind) VALUES(?1, ?2, ?3, ?4) "
                                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                                 "type = excluded.type, kind = CASE WHEN excluded.kind = '' "
                                 "THEN kind ELSE excluded.kind END"));
    std::map<std::string, std::tuple<std::string, int, std::string>> entities;
    for (const common::v1::Mention& m : doc.mentions()) {
      if (!IsEntityMention(m) || entities.count(m.entity_id())) continue;
      std::string name = !m.entity_name().empty() ? m.entity_name() : m.text();
      if (name.empty()) name = m.entity_id();
      entities[m.entity_id()] = {name, static_cast<int>(m.type()), ""};
    }
    for (const common::v1::Entity& e : doc.entities()) {
      auto it = entities.find(e.id());
      int type = e.type();
      if (type == common::v1::ENTITY_TYPE_UNSPECIFIED && it != entities.end()) type = std::get<1>(it->second);
      std::string name =
          !e.name().empty() ? e.name() : (it != entities.end() ? std::get<0>(it->second) : e.id());
      entities[e.id()] = {name, type, e.kind()};
    }
    for (const auto& [id, fields] : entities) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(id))
          .Bind(2, std::string_view(std::get<0>(fields)))
          .Bind(3, int64_t{std::get<1>(fields)})
          .Bind(4, std::string_view(std::get<2>(fields)));
      RETURN_IF_ERROR(stmt.Run());
    }
  }

  const Contributions contributions = ComputeContributions(doc);
  {
    ASSIGN_OR_RETURN(auto stmt, db->Prepare("INSERT INTO entity_docs(entity_id, doc_rowid, mention_count, "
                                            "published_key) VALUES(?1, ?2, ?3, ?4)"));
    for (const auto& [entity_id, count] : contributions.entity_mentions) {
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, std::string_view(entity_id))
          .Bind(2, rowid)
          .Bind(3, int64_t{count})
          .Bind(4, int64_t{published_key});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  // Timeline dates of the sentences that mention an entity.
  std::map<int, std::pair<PartialDate, bool>> sentence_dates;
  for (const auto& [entity_id, sentences] : contributions.entity_sentences) {
    for (int sentence : sentences) {
      if (!sentence_dates.count(sentence)) sentence_dates[sentence] = SentenceDate(doc, sentence);
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO entity_sentences(entity_id, doc_rowid, sentence, date_key) "
                                 "VALUES(?1, ?2, ?3, ?4)"));
    for (const auto& [entity_id, sentences] : contributions.entity_sentences) {
      for (int sentence : sentences) {
        RETURN_IF_ERROR(stmt.Reset());
        stmt.Bind(1, std::string_view(entity_id))
            .Bind(2, rowid)
            .Bind(3, int64_t{sentence})
            .Bind(4, int64_t{SortKey(sentence_dates[sentence].first)});
        RETURN_IF_ERROR(stmt.Run());
      }
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare("INSERT INTO sentences(doc_rowid, sentence, begin, end, text, date_year, "
                                 "date_month, date_day, date_key, date_lo, date_hi, date_from_text) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    for (const auto& [sentence, dated] : sentence_dates) {
      const common::v1::Span& span = doc.sentences(sentence);
      const auto& [date, from_text] = dated;
      std::string text = SpanText(doc.body(), cp_index, span.begin(), span.end());
      std::replace(text.begin(), text.end(), '\n', ' ');
      RETURN_IF_ERROR(stmt.Reset());
      stmt.Bind(1, rowid)
          .Bind(2, int64_t{sentence})
          .Bind(3, int64_t{span.begin()})
          .Bind(4, int64_t{span.end()})
          .Bind(5, std::string_view(CollapseSpaces(text)))
          .Bind(6, int64_t{date.year})
          .Bind(7, int64_t{date.month})
          .Bind(8, int64_t{date.day})
          .Bind(9, int64_t{SortKey(date)});
      BindDateBounds(stmt, 10, EarliestKey(date));
      BindDateBounds(stmt, 11, LatestKey(date));
      stmt.Bind(12, int64_t{from_text ? 1 : 0});
      RETURN_IF_ERROR(stmt.Run());
    }
  }
  RETURN_IF_ERROR(ApplyContributions(db, contributions, +1));
  RETURN_IF_ERROR(tx.Commit());
  result->mention_count = doc.mentions_size();
  result->entity_count = static_cast<int>(contributions.entity_mentions.size());
  return absl::OkStatus();
}

// ---- Search ----

absl::StatusOr<SearchPage> IndexStore::Search(const SearchQuery& query) {
  ASSIGN_OR_RETURN(ParsedQuery parsed, ParseQuery(query.text));
  RETURN_IF_ERROR(CheckPageSize(query.page_size));
  if (query.entity_ids.size() > static_cast<size_t>(kMaxFilterEntities)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity_ids has ", query.entity_ids.size(), " ids; at most ", kMaxFilterEntities));
  }
  std::set<std::string> entity_ids;
  for (size_t i = 0; i < query.entity_ids.size(); ++i) {
    RETURN_IF_ERROR(CheckEntityId(query.entity_ids[i], absl::StrCat("entity_ids[", i, "]")));
    entity_ids.insert(query.entity_ids[i]);
  }
  int64_t type_mask = 0;
  for (size_t i = 0; i < query.entity_types.size(); ++i) {
    const int type = query.entity_types[i];
    if (!common::v1::EntityType_IsValid(type) || type == common::v1::ENTITY_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("entity_types[", i, "] is ", type,
                                                     ": give PERSON, ORGANIZATION, LOCATION, DATE or MISC"));
    }
    type_mask |= int64_t{1} << type;
  }
  ASSIGN_OR_RETURN(DateRange range, MakeDateRange(query.date_from, query.date_to));
  const bool has_filter = !entity_ids.empty() || type_mask != 0 || range.active;
  if (parsed.empty() && !has_filter) {
    return absl::InvalidArgumentError(
        "nothing to search for: give words in query, or at least one filter (entity_ids, entity_types, "
        "date_from/date_to)");
  }
  const int page_size = ClampPageSize(query.page_size, 10, 100);
  const uint64_t fingerprint = Fnv1a64(
      absl::StrCat("q=", parsed.fts_expression, "|e=", absl::StrJoin(entity_ids, ","), "|t=", type_mask,
                   "|d=", range.active ? range.from_key : 0, "-", range.active ? range.to_key : 0));
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "search", fingerprint));

  // Phase 1: every matching document, ranked; only narrow tables are read
  // (the documents table only for type or date filters). With text and
  // filters, the unfiltered ranked FTS list (shared with unfiltered searches
  // in the cache) is filtered in memory: one index range scan per filter
  // entity and a per-generation map of document dates and types, instead of
  // B-tree probes for every FTS match.
  const bool needs_documents = type_mask != 0 || range.active;
  const bool filter_in_memory = !parsed.empty() && has_filter;
  std::vector<Arg> args;
  std::string sql;
  std::string rowid_column;
  std::string order;
  auto entity_iter = entity_ids.begin();
  if (!parsed.empty()) {
    rowid_column = "docs_fts.rowid";
    sql = absl::StrCat(
        "SELECT docs_fts.rowid, bm25(docs_fts, ", kTitleWeight, ", 1.0) AS rank FROM docs_fts",
        needs_documents && !filter_in_memory ? " CROSS JOIN documents d ON d.doc_rowid = docs_fts.rowid" : "",
        " WHERE docs_fts MATCH ?1");
    args.push_back(Txt(parsed.fts_expression));
    // Sorted in C++: SQLite's sorter is slower on large match lists.
  } else if (entity_iter != entity_ids.end()) {
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
  if (!filter_in_memory) {
    for (; entity_iter != entity_ids.end(); ++entity_iter) {
      args.push_back(Txt(*entity_iter));
      absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM entity_docs e WHERE e.entity_id = ?", args.size(),
                      " AND e.doc_rowid = ", rowid_column, ")");
    }
    if (type_mask != 0) {
      args.push_back(Num(type_mask));
      absl::StrAppend(&sql, " AND (d.type_mask & ?", args.size(), ") = ?", args.size());
    }
    if (range.active) {
      args.push_back(Num(range.from_key));
      absl::StrAppend(&sql, " AND d.published_hi >= ?", args.size());
      args.push_back(Num(range.to_key));
      absl::StrAppend(&sql, " AND d.published_lo <= ?", args.size());
    }
  }
  if (!order.empty()) absl::StrAppend(&sql, order);

  std::string cache_key = sql;
  for (const Arg& arg : args) {
    absl::StrAppend(&cache_key, "\x1f", arg.is_text ? "t" : "n",
                    arg.is_text ? arg.text : absl::StrCat(arg.number));
  }
  // The unfiltered list's key is that of the same search without filters.
  const std::string unfiltered_key = cache_key;
  if (filter_in_memory) {
    absl::StrAppend(&cache_key, "\x1e", "filtered|e=", absl::StrJoin(entity_ids, ","), "|t=", type_mask,
                    "|d=", range.active ? range.from_key : 0, "-", range.active ? range.to_key : 0);
  }
  // Read before the snapshot: a list cached under this generation is never
  // older than the generation says.
  const uint64_t generation = generation_.load();
  std::optional<ReaderLease> lease;
  auto acquire = [&]() -> absl::Status {
    if (lease) return absl::OkStatus();
    lease.emplace(AcquireReader());
    return lease->status();
  };
  // Runs `sql` with `args` (phase 1 without in-memory filters).
  auto run_phase1 = [&]() -> absl::StatusOr<std::shared_ptr<const Matches>> {
    RETURN_IF_ERROR(acquire());
    auto matches = std::make_shared<Matches>();
    ASSIGN_OR_RETURN(auto stmt, lease->db()->Prepare(sql));
    BindAll(stmt, args);
    while (true) {
      auto row = stmt.Step();
      if (!row.ok()) {
        return absl::Status(row.status().code(), absl::StrCat("search failed: ", row.status().message()));
      }
      if (!*row) break;
      matches->emplace_back(stmt.Int(0), -stmt.Double(1));
    }
    if (!parsed.empty()) {
      // Best score first, then the most recently indexed.
      std::sort(matches->begin(), matches->end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first > b.first;
      });
    }
    return std::shared_ptr<const Matches>(std::move(matches));
  };
  std::shared_ptr<const Matches> cached = CachedSearch(cache_key);
  if (!cached && !filter_in_memory) {
    ASSIGN_OR_RETURN(cached, run_phase1());
    CacheSearch(cache_key, generation, cached);
  } else if (!cached) {
    std::shared_ptr<const Matches> unfiltered = CachedSearch(unfiltered_key);
    if (!unfiltered) {
      ASSIGN_OR_RETURN(unfiltered, run_phase1());
      CacheSearch(unfiltered_key, generation, unfiltered);
    }
    RETURN_IF_ERROR(acquire());
    sqlite::Db* db = lease->db();
    // Sorted doc rowids of each filter entity (the primary key's order).
    std::vector<std::vector<int64_t>> entity_docs;
    {
      ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT doc_rowid FROM entity_docs WHERE entity_id = ?1"));
      for (const std::string& id : entity_ids) {
        RETURN_IF_ERROR(stmt.Reset());
        stmt.Bind(1, std::string_view(id));
        std::vector<int64_t>& docs = entity_docs.emplace_back();
        while (true) {
          auto row = stmt.Step();
          if (!row.ok()) {
            return absl::Status(row.status().code(), absl::StrCat("search failed: ", row.status().message()));
          }
          if (!*row) break;
          docs.push_back(stmt.Int(0));
        }
        std::sort(docs.begin(), docs.end());  // already sorted; cheap insurance
      }
    }
    // Smallest first: most matches are rejected by the first check.
    std::sort(entity_docs.begin(), entity_docs.end(),
              [](const auto& a, const auto& b) { return a.size() < b.size(); });
    std::shared_ptr<const DocFilterInfoMap> infos;
    if (needs_documents) {
      ASSIGN_OR_RETURN(infos, DocFilterInfos(db, generation));
    }
    auto filter = [&](const DocFilterInfoMap* info_map, bool retry_on_missing, Matches* out) -> bool {
      for (const auto& match : *unfiltered) {
        bool keep = true;
        for (const std::vector<int64_t>& docs : entity_docs) {
          if (!std::binary_search(docs.begin(), docs.end(), match.first)) {
            keep = false;
            break;
          }
        }
        if (!keep) continue;
        if (info_map != nullptr) {
          auto it = info_map->find(match.first);
          if (it == info_map->end()) {
            // The map is older than the match list; or, after a retry, a
            // document committed after this snapshot began (left out).
            if (retry_on_missing) return false;
            continue;
          }
          const DocFilterInfo& info = it->second;
          if ((info.type_mask & type_mask) != type_mask) continue;
          if (range.active && (info.published_lo == 0 || info.published_hi < range.from_key ||
                               info.published_lo > range.to_key)) {
            continue;
          }
        }
        out->push_back(match);
      }
      return true;
    };
    auto matches = std::make_shared<Matches>();
    if (!filter(infos.get(), /*retry_on_missing=*/true, matches.get())) {
      // A document indexed after the map was loaded: use this snapshot's.
      ASSIGN_OR_RETURN(infos, LoadDocFilterInfos(db));
      matches->clear();
      filter(infos.get(), /*retry_on_missing=*/false, matches.get());
    }
    // Not cached: filtering the cached ranked list again costs well under a
    // millisecond, and caching every filter combination would evict the
    // ranked lists that are expensive to rebuild.
    cached = matches;
  }
  const Matches& matches = *cached;

  SearchPage page;
  page.total_size = static_cast<int>(matches.size());
  if (offset >= static_cast<int64_t>(matches.size())) return page;
  const size_t end = std::min(matches.size(), static_cast<size_t>(offset) + page_size);
  RETURN_IF_ERROR(acquire());
  sqlite::Db* db = lease->db();

  // Phase 2: details and snippets for this page only.
  const std::string detail_sql =
      parsed.empty()
          ? "SELECT d.id, d.title, d.source, d.published_year, d.published_month, d.published_day, "
            "substr(t.body, 1, 600) FROM documents d JOIN document_text t ON t.doc_rowid = d.doc_rowid "
            "WHERE d.doc_rowid = ?1"
          : absl::StrCat(
                "SELECT d.id, d.title, d.source, d.published_year, d.published_month, d.published_day, "
                "snippet(docs_fts, 1, '[', ']', '…', ",
                kSnippetTokens,
                ") FROM docs_fts CROSS JOIN documents d ON d.doc_rowid = docs_fts.rowid "
                "WHERE docs_fts MATCH ?2 AND docs_fts.rowid = ?1");
  ASSIGN_OR_RETURN(auto detail, db->Prepare(detail_sql));
  for (size_t i = static_cast<size_t>(offset); i < end; ++i) {
    RETURN_IF_ERROR(detail.Reset());
    detail.Bind(1, matches[i].first);
    if (!parsed.empty()) detail.Bind(2, std::string_view(parsed.fts_expression));
    ASSIGN_OR_RETURN(bool found, detail.Step());
    if (!found) continue;  // cannot happen inside one read transaction
    SearchHit hit;
    hit.document_id = detail.Text(0);
    hit.title = detail.Text(1);
    hit.source = detail.Text(2);
    hit.published = PartialDate{static_cast<int>(detail.Int(3)), static_cast<int>(detail.Int(4)),
                                static_cast<int>(detail.Int(5))};
    hit.snippet = parsed.empty() ? LeadingSnippet(detail.Text(6)) : detail.Text(6);
    hit.score = parsed.empty() ? 0.0 : matches[i].second;
    page.hits.push_back(std::move(hit));
  }
  if (end < matches.size())
    page.next_page_token = EncodePageToken("search", fingerprint, static_cast<int64_t>(end));
  return page;
}

absl::StatusOr<std::shared_ptr<const IndexStore::DocFilterInfoMap>> IndexStore::LoadDocFilterInfos(
    sqlite::Db* db) {
  auto infos = std::make_shared<DocFilterInfoMap>();
  ASSIGN_OR_RETURN(auto stmt,
                   db->Prepare("SELECT doc_rowid, COALESCE(published_lo, 0), COALESCE(published_hi, 0), "
                               "type_mask FROM documents"));
  while (true) {
    auto row = stmt.Step();
    if (!row.ok()) {
      return absl::Status(row.status().code(), absl::StrCat("search failed: ", row.status().message()));
    }
    if (!*row) break;
    (*infos)[stmt.Int(0)] =
        DocFilterInfo{static_cast<int32_t>(stmt.Int(1)), static_cast<int32_t>(stmt.Int(2)), stmt.Int(3)};
  }
  return std::shared_ptr<const DocFilterInfoMap>(std::move(infos));
}

absl::StatusOr<std::shared_ptr<const IndexStore::DocFilterInfoMap>> IndexStore::DocFilterInfos(
    sqlite::Db* db, uint64_t generation) {
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_info_ != nullptr && doc_info_generation_ == generation) return doc_info_;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const DocFilterInfoMap> infos, LoadDocFilterInfos(db));
  // Like the search cache: kept only while no Index committed since
  // `generation` was read (before this snapshot began).
  if (generation == generation_.load()) {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_info_ == nullptr || doc_info_generation_ < generation) {
      doc_info_ = infos;
      doc_info_generation_ = generation;
    }
  }
  return infos;
}

// ---- Profile and related ----

namespace {

constexpr std::string_view kRelatedSelect =
    "SELECT c.other_id, COALESCE(e.name, c.other_id), COALESCE(e.type, 0), c.document_count, "
    "c.sentence_count "
    "FROM cooccurrence c LEFT JOIN entities e ON e.id = c.other_id WHERE c.entity_id = ?1";
constexpr std::string_view kRelatedOrder =
    " ORDER BY c.document_count DESC, c.sentence_count DESC, c.other_id";

RelatedEntity ReadRelated(const sqlite::Statement& stmt) {
  RelatedEntity r;
  r.entity_id = stmt.Text(0);
  r.name = stmt.Text(1);
  r.type = ToEntityType(stmt.Int(2));
  r.document_count = static_cast<int>(stmt.Int(3));
  r.sentence_count = static_cast<int>(stmt.Int(4));
  return r;
}

}  // namespace

absl::StatusOr<EntityProfile> IndexStore::GetEntityProfile(const std::string& entity_id, int related_limit) {
  RETURN_IF_ERROR(CheckEntityId(entity_id, "entity_id"));
  if (related_limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("related_limit is ", related_limit,
                                                   ": give a positive number, or 0 for the default (10)"));
  }
  const int limit = ClampPageSize(related_limit, 10, 100);
  ReaderLease lease = AcquireReader();
  RETURN_IF_ERROR(lease.status());
  sqlite::Db* db = lease.db();

  EntityProfile profile;
  profile.entity_id = entity_id;
  {
    ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT COUNT(*), COALESCE(SUM(mention_count), 0), "
                                            "MIN(CASE WHEN published_key >= 10000 THEN published_key END), "
                                            "MAX(CASE WHEN published_key >= 10000 THEN published_key END) "
                                            "FROM entity_docs WHERE entity_id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || stmt.Int(0) == 0) return NoDocumentMentions(entity_id);
    profile.document_count = static_cast<int>(stmt.Int(0));
    profile.mention_count = static_cast<int>(stmt.Int(1));
    if (!stmt.IsNull(2)) profile.first_seen = FromSortKey(static_cast<int>(stmt.Int(2)));
    if (!stmt.IsNull(3)) profile.last_seen = FromSortKey(static_cast<int>(stmt.Int(3)));
  }
  {
    ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT name, type FROM entities WHERE id = ?1"));
    stmt.Bind(1, std::string_view(entity_id));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    profile.name = row ? stmt.Text(0) : entity_id;
    profile.type = row ? ToEntityType(stmt.Int(1)) : common::v1::ENTITY_TYPE_UNSPECIFIED;
  }
  {
    ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT text FROM entity_aliases WHERE entity_id = ?1 "
                                            "ORDER BY mention_count DESC, text LIMIT ?2"));
    stmt.Bind(1, std::string_view(entity_id)).Bind(2, int64_t{kMaxAliases});
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      profile.aliases.push_back(stmt.Text(0));
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db->Prepare(absl::StrCat(absl::string_view(kRelatedSelect.data(), kRelatedSelect.size()),
                                              absl::string_view(kRelatedOrder.data(), kRelatedOrder.size()),
                                              " LIMIT ?2")));
    stmt.Bind(1, std::string_view(entity_id)).Bind(2, int64_t{limit});
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      profile.related.push_back(ReadRelated(stmt));
    }
  }
  return profile;
}

absl::StatusOr<RelatedPage> IndexStore::Related(const RelatedQuery& query) {
  RETURN_IF_ERROR(CheckEntityId(query.entity_id, "entity_id"));
  RETURN_IF_ERROR(CheckPageSize(query.page_size));
  const int type = query.type;
  if (!common::v1::EntityType_IsValid(type)) {
    return absl::InvalidArgumentError(absl::StrCat("type is ", type, ": not a known EntityType"));
  }
  if (type == common::v1::ENTITY_TYPE_DATE) {
    return absl::InvalidArgumentError(
        "type is DATE, but dates are not entities: give PERSON, ORGANIZATION, LOCATION, MISC or leave it "
        "unset");
  }
  const int page_size = ClampPageSize(query.page_size, 20, 200);
  const uint64_t fingerprint = Fnv1a64(absl::StrCat("e=", query.entity_id, "|t=", type));
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "related", fingerprint));

  ReaderLease lease = AcquireReader();
  RETURN_IF_ERROR(lease.status());
  sqlite::Db* db = lease.db();
  ASSIGN_OR_RETURN(bool mentioned, EntityIsMentioned(db, query.entity_id));
  if (!mentioned) return NoDocumentMentions(query.entity_id);

  std::string sql(kRelatedSelect);
  if (type != common::v1::ENTITY_TYPE_UNSPECIFIED) absl::StrAppend(&sql, " AND e.type = ?4");
  absl::StrAppend(&sql, absl::string_view(kRelatedOrder.data(), kRelatedOrder.size()), " LIMIT ?2 OFFSET ?3");
  ASSIGN_OR_RETURN(auto stmt, db->Prepare(sql));
  stmt.Bind(1, std::string_view(query.entity_id)).Bind(2, int64_t{page_size} + 1).Bind(3, offset);
  if (type != common::v1::ENTITY_TYPE_UNSPECIFIED) stmt.Bind(4, int64_t{type});
  RelatedPage page;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.related.size()) == page_size) {
      page.next_page_token = EncodePageToken("related", fingerprint, offset + page_size);
      break;
    }
    page.related.push_back(ReadRelated(stmt));
  }
  return page;
}

// ---- Timeline ----

absl::StatusOr<TimelinePage> IndexStore::Timeline(const TimelineQuery& query) {
  if (query.entity_ids.empty()) {
    return absl::InvalidArgumentError("entity_ids is empty: give one or more entity ids (at most 10)");
  }
  if (query.entity_ids.size() > static_cast<size_t>(kMaxTimelineEntities)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity_ids has ", query.entity_ids.size(), " ids; at most ", kMaxTimelineEntities));
  }
  std::vector<std::string> entity_ids;
  for (size_t i = 0; i < query.entity_ids.size(); ++i) {
    RETURN_IF_ERROR(CheckEntityId(query.entity_ids[i], absl::StrCat("entity_ids[", i, "]")));
    if (std::find(entity_ids.begin(), entity_ids.end(), query.entity_ids[i]) == entity_ids.end()) {
      entity_ids.push_back(query.entity_ids[i]);
    }
  }
  RETURN_IF_ERROR(CheckPageSize(query.page_size));
  if (query.max_items_per_document_date < 0) {
    return absl::InvalidArgumentError("max_items_per_document_date must be 0 (no limit) or positive");
  }
  ASSIGN_OR_RETURN(DateRange range, MakeDateRange(query.date_from, query.date_to));
  const int page_size = ClampPageSize(query.page_size, 50, 500);
  const int cap = query.max_items_per_document_date == 0 ? std::numeric_limits<int>::max()
                                                         : query.max_items_per_document_date;
  std::vector<std::string> sorted_ids = entity_ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  const uint64_t fingerprint =
      Fnv1a64(absl::StrCat("e=", absl::StrJoin(sorted_ids, ","), "|d=", range.active ? range.from_key : 0,
                           "-", range.active ? range.to_key : 0, "|c=", cap));
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "timeline", fingerprint));

  ReaderLease lease = AcquireReader();
  RETURN_IF_ERROR(lease.status());
  sqlite::Db* db = lease.db();

  // The entity in the fewest documents drives; the others are checked per
  // sentence.
  std::string driver;
  int64_t driver_docs = std::numeric_limits<int64_t>::max();
  {
    ASSIGN_OR_RETURN(auto count, db->Prepare("SELECT COUNT(*) FROM entity_docs WHERE entity_id = ?1"));
    for (const std::string& id : entity_ids) {
      RETURN_IF_ERROR(count.Reset());
      count.Bind(1, std::string_view(id));
      ASSIGN_OR_RETURN(bool row, count.Step());
      const int64_t docs = row ? count.Int(0) : 0;
      if (docs == 0) return NoDocumentMentions(id);
      if (docs < driver_docs) {
        driver_docs = docs;
        driver = id;
      }
    }
  }

  struct Ref {
    int64_t doc;
    int64_t sentence;
    int date_key;
  };
  // Streams the driver's sentences with date_key in [lo, hi] in (date,
  // document, sentence) order, keeping those that mention every entity, are
  // in the date range and within the per-document-and-date cap; stops when
  // `visit` returns false.
  std::vector<std::string> other_ids;
  for (const std::string& id : entity_ids) {
    if (id != driver) other_ids.push_back(id);
  }
  ASSIGN_OR_RETURN(auto check, db->Prepare("SELECT 1 FROM entity_sentences WHERE entity_id = ?1 AND "
                                           "doc_rowid = ?2 AND sentence = ?3"));
  const auto stream = [&](int lo, int hi, const std::function<bool(const Ref&)>& visit) -> absl::Status {
    ASSIGN_OR_RETURN(auto scan, db->Prepare("SELECT date_key, doc_rowid, sentence FROM entity_sentences "
                                            "WHERE entity_id = ?1 AND date_key >= ?2 AND date_key <= ?3 "
                                            "ORDER BY date_key, doc_rowid, sentence"));
    scan.Bind(1, std::string_view(driver)).Bind(2, int64_t{lo}).Bind(3, int64_t{hi});
    int group_key = -1;
    int64_t group_doc = -1;
    int group_count = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, scan.Step());
      if (!row) return absl::OkStatus();
      const Ref ref{scan.Int(1), scan.Int(2), static_cast<int>(scan.Int(0))};
      if (range.active && ref.date_key >= 10000) {
        const PartialDate date = FromSortKey(ref.date_key);
        if (LatestKey(date) < range.from_key || EarliestKey(date) > range.to_key) continue;
      }
      bool all = true;
      for (const std::string& other : other_ids) {
        RETURN_IF_ERROR(check.Reset());
        check.Bind(1, std::string_view(other)).Bind(2, ref.doc).Bind(3, ref.sentence);
        ASSIGN_OR_RETURN(bool found, check.Step());
        if (!found) {
          all = false;
          break;
        }
      }
      if (!all) continue;
      if (ref.date_key != group_key || ref.doc != group_doc) {
        group_key = ref.date_key;
        group_doc = ref.doc;
        group_count = 0;
      }
      if (++group_count > cap) continue;
      if (!visit(ref)) return absl::OkStatus();
    }
  };

  // Dated items (a known year: date_key >= 10000), from `offset`.
  std::vector<Ref> dated;
  {
    const int lo = range.active ? std::max(10000, range.from_key / 10000 * 10000) : 10000;
    const int hi = range.active ? range.to_key : std::numeric_limits<int>::max();
    int64_t seen = 0;
    RETURN_IF_ERROR(stream(lo, hi, [&](const Ref& ref) {
      if (seen++ < offset) return true;
      dated.push_back(ref);
      return static_cast<int>(dated.size()) <= page_size;
    }));
  }
  TimelinePage page;
  if (static_cast<int>(dated.size()) > page_size) {
    dated.pop_back();
    page.next_page_token = EncodePageToken("timeline", fingerprint, offset + page_size);
  }
  // Undated items (no year), on the first page, in document order.
  std::vector<Ref> undated;
  if (offset == 0) {
    RETURN_IF_ERROR(stream(0, 9999, [&](const Ref& ref) {
      undated.push_back(ref);
      return true;
    }));
    std::sort(undated.begin(), undated.end(), [](const Ref& a, const Ref& b) {
      return a.doc != b.doc ? a.doc < b.doc : a.sentence < b.sentence;
    });
    if (static_cast<int>(undated.size()) > page_size) undated.resize(page_size);
  }

  ASSIGN_OR_RETURN(auto detail,
                   db->Prepare("SELECT s.date_year, s.date_month, s.date_day, s.date_from_text, d.id, "
                               "d.title, s.text FROM sentences s JOIN documents d ON "
                               "d.doc_rowid = s.doc_rowid WHERE s.doc_rowid = ?1 AND s.sentence = ?2"));
  const auto read = [&](const std::vector<Ref>& refs, std::vector<TimelineItem>* out) -> absl::Status {
    for (const Ref& ref : refs) {
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
      out->push_back(std::move(item));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(read(dated, &page.items));
  RETURN_IF_ERROR(read(undated, &page.undated));
  return page;
}

// ---- Documents ----

absl::StatusOr<Document> IndexStore::GetDocument(const std::string& document_id) {
  if (document_id.empty()) {
    return absl::InvalidArgumentError("document_id is empty: give the id of an indexed document");
  }
  ReaderLease lease = AcquireReader();
  RETURN_IF_ERROR(lease.status());
  ASSIGN_OR_RETURN(auto stmt,
                   lease.db()->Prepare("SELECT t.document, t.body FROM documents d JOIN document_text t "
                                       "ON t.doc_rowid = d.doc_rowid WHERE d.id = ?1"));
  stmt.Bind(1, std::string_view(document_id));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no indexed document with id ", document_id));
  Document doc;
  if (!doc.ParseFromString(stmt.Text(0))) {
    return absl::DataLossError(absl::StrCat("stored copy of document ", document_id,
                                            " is unreadable; re-index it (ingest Reprocess)"));
  }
  doc.set_body(stmt.Text(1));
  return doc;
}

absl::StatusOr<int64_t> IndexStore::DocumentCount() {
  ReaderLease lease = AcquireReader();
  RETURN_IF_ERROR(lease.status());
  ASSIGN_OR_RETURN(auto stmt, lease.db()->Prepare("SELECT COUNT(*) FROM documents"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

}  // namespace dossier::query
