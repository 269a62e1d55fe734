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
#include "libs/common/postgres.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"
#include "services/query/index_backend.h"
#include "services/query/query_parser.h"

// Everything above the storage: validation, the rows Index writes, page
// tokens, caches and result shaping. The SQL is in sqlite_index_backend.cc
// and pg_index_backend.cc.

namespace dossier::query {
namespace {

using common::v1::Document;

constexpr int kSnippetTokens = 24;
constexpr int kMaxDocumentIdBytes = 256;

PartialDate ToPartialDate(const common::v1::DateValue& d) {
  return PartialDate{d.year(), d.month(), d.day()};
}

std::string SpanText(const std::string& body, const CodePointIndex& index, int begin, int end) {
  const size_t b = index.ToByte(begin);
  const size_t e = index.ToByte(end);
  return e > b ? body.substr(b, e - b) : std::string();
}

bool IsEntityMention(const common::v1::Mention& m) {
  return !m.entity_id().empty() && m.type() != common::v1::ENTITY_TYPE_DATE;
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

}  // namespace

// ---- Shared with the backends ----

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

CounterDelta DiffContributions(const Contributions* before, const Contributions& after) {
  CounterDelta delta;
  for (const auto& [key, count] : after.aliases) delta.aliases[key] += count;
  for (const auto& [key, sentences] : after.pair_sentences) {
    delta.pairs[key].documents += 1;
    delta.pairs[key].sentences += sentences;
  }
  if (before != nullptr) {
    for (const auto& [key, count] : before->aliases) delta.aliases[key] -= count;
    for (const auto& [key, sentences] : before->pair_sentences) {
      delta.pairs[key].documents -= 1;
      delta.pairs[key].sentences -= sentences;
    }
  }
  std::erase_if(delta.aliases, [](const auto& entry) { return entry.second == 0; });
  std::erase_if(delta.pairs,
                [](const auto& entry) { return entry.second.documents == 0 && entry.second.sentences == 0; });
  return delta;
}

absl::StatusOr<Document> ParseStoredDocument(const std::string& id, const std::string& blob,
                                             const std::string& body) {
  Document doc;
  if (!doc.ParseFromString(blob)) {
    return absl::DataLossError(
        absl::StrCat("stored copy of document ", id, " is unreadable; re-index it (ingest Reprocess)"));
  }
  doc.set_body(body);
  return doc;
}

// ---- Open ----

IndexStore::IndexStore(std::unique_ptr<IndexBackend> backend, const IndexStoreOptions& options)
    : backend_(std::move(backend)), options_(options) {}

IndexStore::~IndexStore() = default;

absl::StatusOr<std::unique_ptr<IndexStore>> IndexStore::Open(const std::string& path,
                                                             const IndexStoreOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<IndexBackend> backend, OpenSqliteIndexBackend(path, options));
  return std::unique_ptr<IndexStore>(new IndexStore(std::move(backend), options));
}

absl::StatusOr<std::unique_ptr<IndexStore>> IndexStore::OpenPostgres(const std::string& url,
                                                                     const IndexStoreOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<IndexBackend> backend, OpenPostgresIndexBackend(url, options));
  return std::unique_ptr<IndexStore>(new IndexStore(std::move(backend), options));
}

absl::StatusOr<std::unique_ptr<IndexStore>> IndexStore::OpenFromFlag(const std::string& db,
                                                                     const std::string& sqlite_path,
                                                                     const IndexStoreOptions& options) {
  if (db.empty()) return Open(sqlite_path, options);
  if (pg::IsPostgresUrl(db)) return OpenPostgres(db, options);
  return absl::InvalidArgumentError(
      absl::StrCat("--db is \"", pg::RedactUrl(db),
                   "\": give a PostgreSQL URL (postgresql://user:password@host:5432/database), or leave it "
                   "empty for SQLite in --data_dir"));
}

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
  // PostgreSQL text cannot hold U+0000; refuse it on both backends alike.
  if (document.title().find('\0') != std::string::npos || document.body().find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("document.title and document.body must not contain NUL (U+0000)");
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

namespace {

absl::StatusOr<IndexRecord> MakeIndexRecord(const Document& input) {
  Document doc = input;
  doc.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  doc.clear_error();
  IndexRecord record;
  {
    // The blob leaves out the body, which is stored as text.
    Document without_body = doc;
    without_body.clear_body();
    if (!without_body.SerializeToString(&record.document_blob)) {
      return absl::InternalError("cannot serialize the document");
    }
  }
  record.id = doc.id();
  record.title = doc.title();
  record.body = doc.body();
  record.url = doc.url();
  record.source = doc.source();
  record.language = doc.language();
  record.external_id = doc.external_id();
  record.received_time = doc.received_time();
  record.published = ToPartialDate(doc.published());
  record.published_key = SortKey(record.published);
  record.published_lo = EarliestKey(record.published);
  record.published_hi = LatestKey(record.published);
  for (const common::v1::Mention& m : doc.mentions()) {
    record.type_mask |= int64_t{1} << static_cast<int>(m.type());
  }
  record.mention_count = doc.mentions_size();

  const CodePointIndex cp_index(doc.body());
  for (int i = 0; i < doc.mentions_size(); ++i) {
    const common::v1::Mention& m = doc.mentions(i);
    MentionRow row;
    row.ordinal = i;
    row.entity_id = m.type() == common::v1::ENTITY_TYPE_DATE ? std::string() : m.entity_id();
    row.type = m.type();
    row.text = m.text().empty() ? SpanText(doc.body(), cp_index, m.span().begin(), m.span().end()) : m.text();
    row.begin = m.span().begin();
    row.end = m.span().end();
    row.sentence = doc.sentences_size() > 0 ? m.sentence() : -1;
    row.date = ToPartialDate(m.date());
    record.mentions.push_back(std::move(row));
  }

  // Entities: the document's list wins; entities only named by mentions get
  // the mention's name and type (their kind is kept if already known).
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
    record.entities.push_back(EntityRow{id, std::get<0>(fields), std::get<1>(fields), std::get<2>(fields)});
  }

  record.contributions = ComputeContributions(doc);
  // Timeline dates of the sentences that mention an entity.
  std::map<int, std::pair<PartialDate, bool>> sentence_dates;
  for (const auto& [entity_id, sentences] : record.contributions.entity_sentences) {
    for (int sentence : sentences) {
      if (!sentence_dates.count(sentence)) sentence_dates[sentence] = SentenceDate(doc, sentence);
    }
  }
  for (const auto& [entity_id, sentences] : record.contributions.entity_sentences) {
    for (int sentence : sentences) {
      record.entity_sentences.push_back(
          EntitySentenceRow{entity_id, sentence, SortKey(sentence_dates[sentence].first)});
    }
  }
  for (const auto& [sentence, dated] : sentence_dates) {
    const common::v1::Span& span = doc.sentences(sentence);
    const auto& [date, from_text] = dated;
    std::string text = SpanText(doc.body(), cp_index, span.begin(), span.end());
    std::replace(text.begin(), text.end(), '\n', ' ');
    SentenceRow row;
    row.sentence = sentence;
    row.begin = span.begin();
    row.end = span.end();
    row.text = CollapseSpaces(text);
    row.date = date;
    row.date_key = SortKey(date);
    row.date_lo = EarliestKey(date);
    row.date_hi = LatestKey(date);
    row.date_from_text = from_text;
    record.sentences.push_back(std::move(row));
  }
  return record;
}

}  // namespace

absl::StatusOr<IndexResult> IndexStore::Index(const Document& document) {
  RETURN_IF_ERROR(ValidateDocument(document));
  ASSIGN_OR_RETURN(IndexRecord record, MakeIndexRecord(document));
  ASSIGN_OR_RETURN(bool created, backend_->Write(record));
  IndexResult result;
  result.created = created;
  result.mention_count = record.mention_count;
  result.entity_count = static_cast<int>(record.contributions.entity_mentions.size());
  return result;
}

// ---- Caches ----

std::shared_ptr<const IndexStore::Matches> IndexStore::CachedSearch(const std::string& key,
                                                                    uint64_t generation) {
  if (options_.search_cache_entries <= 0) return nullptr;
  absl::MutexLock lock(&cache_mu_);
  if (generation != cache_generation_) return nullptr;
  auto it = cache_.find(key);
  if (it == cache_.end()) return nullptr;
  it->second.last_used = ++cache_clock_;
  return it->second.matches;
}

void IndexStore::CacheSearch(const std::string& key, uint64_t generation,
                             std::shared_ptr<const Matches> matches) {
  if (options_.search_cache_entries <= 0) return;
  absl::MutexLock lock(&cache_mu_);
  if (generation < cache_generation_) return;  // an older snapshot's list
  if (generation > cache_generation_) {
    cache_.clear();
    cache_generation_ = generation;
  }
  while (cache_.size() >= static_cast<size_t>(options_.search_cache_entries)) {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    cache_.erase(oldest);
  }
  cache_[key] = CachedMatches{++cache_clock_, std::move(matches)};
}

absl::StatusOr<std::shared_ptr<const IndexStore::DocFilterInfoMap>> IndexStore::DocFilterInfos(
    IndexReader& reader, uint64_t generation) {
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_info_ != nullptr && doc_info_generation_ == generation) return doc_info_;
  }
  ASSIGN_OR_RETURN(DocFilterInfoMap loaded, reader.LoadDocFilterInfos());
  auto infos = std::make_shared<const DocFilterInfoMap>(std::move(loaded));
  absl::MutexLock lock(&doc_info_mu_);
  if (doc_info_ == nullptr || doc_info_generation_ <= generation) {
    doc_info_ = infos;
    doc_info_generation_ = generation;
  }
  return infos;
}

// ---- Search ----

namespace {

// What a search selects, for page-token fingerprints and cache keys.
std::string DescribeSearch(const ParsedQuery& parsed, const SearchFilter& filter) {
  return absl::StrCat("q=", parsed.fts_expression, "|e=", absl::StrJoin(filter.entity_ids, ","),
                      "|t=", filter.type_mask, "|d=", filter.range.active ? filter.range.from_key : 0, "-",
                      filter.range.active ? filter.range.to_key : 0);
}

}  // namespace

absl::StatusOr<SearchPage> IndexStore::Search(const SearchQuery& query) {
  ASSIGN_OR_RETURN(ParsedQuery parsed, ParseQuery(query.text));
  RETURN_IF_ERROR(CheckPageSize(query.page_size));
  if (query.entity_ids.size() > static_cast<size_t>(kMaxFilterEntities)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity_ids has ", query.entity_ids.size(), " ids; at most ", kMaxFilterEntities));
  }
  SearchFilter filter;
  for (size_t i = 0; i < query.entity_ids.size(); ++i) {
    RETURN_IF_ERROR(CheckEntityId(query.entity_ids[i], absl::StrCat("entity_ids[", i, "]")));
    filter.entity_ids.insert(query.entity_ids[i]);
  }
  for (size_t i = 0; i < query.entity_types.size(); ++i) {
    const int type = query.entity_types[i];
    if (!common::v1::EntityType_IsValid(type) || type == common::v1::ENTITY_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("entity_types[", i, "] is ", type,
                                                     ": give PERSON, ORGANIZATION, LOCATION, DATE or MISC"));
    }
    filter.type_mask |= int64_t{1} << type;
  }
  ASSIGN_OR_RETURN(filter.range, MakeDateRange(query.date_from, query.date_to));
  if (parsed.empty() && !filter.active()) {
    return absl::InvalidArgumentError(
        "nothing to search for: give words in query, or at least one filter (entity_ids, entity_types, "
        "date_from/date_to)");
  }
  const int page_size = ClampPageSize(query.page_size, 10, 100);
  const std::string description = DescribeSearch(parsed, filter);
  const uint64_t fingerprint = Fnv1a64(description);
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "search", fingerprint));

  // Phase 1: every matching document, ranked (cached per generation). Where
  // the backend prefers it, a text search with filters filters the
  // unfiltered ranked list (shared with unfiltered searches in the cache) in
  // memory: one index range scan per filter entity and a per-generation map
  // of document dates and types, instead of probes for every text match.
  const bool filter_in_memory = !parsed.empty() && filter.active() && backend_->FilterTextMatchesInMemory();
  const std::string unfiltered_key = DescribeSearch(parsed, SearchFilter{});
  SearchPage page;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    page = SearchPage{};
    ASSIGN_OR_RETURN(const uint64_t generation, reader.Generation());
    auto rank = [&](const SearchFilter& f) -> absl::StatusOr<std::shared_ptr<const Matches>> {
      ASSIGN_OR_RETURN(Matches matches, reader.Match(parsed, f));
      if (!parsed.empty()) {
        // Best score first, then the most recently first-indexed.
        std::sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) {
          return a.second != b.second ? a.second > b.second : a.first > b.first;
        });
      }
      return std::make_shared<const Matches>(std::move(matches));
    };
    std::shared_ptr<const Matches> matches;
    if (!filter_in_memory) {
      matches = CachedSearch(description, generation);
      if (!matches) {
        ASSIGN_OR_RETURN(matches, rank(filter));
        CacheSearch(description, generation, matches);
      }
    } else {
      std::shared_ptr<const Matches> unfiltered = CachedSearch(unfiltered_key, generation);
      if (!unfiltered) {
        ASSIGN_OR_RETURN(unfiltered, rank(SearchFilter{}));
        CacheSearch(unfiltered_key, generation, unfiltered);
      }
      std::vector<std::vector<int64_t>> entity_docs;
      for (const std::string& id : filter.entity_ids) {
        ASSIGN_OR_RETURN(entity_docs.emplace_back(), reader.EntityDocuments(id));
      }
      // Smallest first: most matches are rejected by the first check.
      std::sort(entity_docs.begin(), entity_docs.end(),
                [](const auto& a, const auto& b) { return a.size() < b.size(); });
      std::shared_ptr<const DocFilterInfoMap> infos;
      if (filter.type_mask != 0 || filter.range.active) {
        ASSIGN_OR_RETURN(infos, DocFilterInfos(reader, generation));
      }
      auto filtered = std::make_shared<Matches>();
      for (const auto& match : *unfiltered) {
        bool keep = true;
        for (const std::vector<int64_t>& docs : entity_docs) {
          if (!std::binary_search(docs.begin(), docs.end(), match.first)) {
            keep = false;
            break;
          }
        }
        if (!keep) continue;
        if (infos != nullptr) {
          auto it = infos->find(match.first);
          if (it == infos->end()) continue;  // cannot happen: same generation
          const DocFilterInfo& info = it->second;
          if ((info.type_mask & filter.type_mask) != filter.type_mask) continue;
          if (filter.range.active && (info.published_lo == 0 || info.published_hi < filter.range.from_key ||
                                      info.published_lo > filter.range.to_key)) {
            continue;
          }
        }
        filtered->push_back(match);
      }
      // Not cached: filtering the cached ranked list again costs well under
      // a millisecond, and caching every filter combination would evict the
      // ranked lists that are expensive to rebuild.
      matches = std::move(filtered);
    }

    page.total_size = static_cast<int>(matches->size());
    if (offset >= static_cast<int64_t>(matches->size())) return absl::OkStatus();
    const size_t end = std::min(matches->size(), static_cast<size_t>(offset) + page_size);
    // Phase 2: details and snippets for this page only.
    std::vector<int64_t> docs;
    absl::flat_hash_map<int64_t, double> scores;
    for (size_t i = static_cast<size_t>(offset); i < end; ++i) {
      docs.push_back((*matches)[i].first);
      scores[(*matches)[i].first] = (*matches)[i].second;
    }
    ASSIGN_OR_RETURN(std::vector<HitRow> rows, reader.Hits(docs, parsed));
    for (HitRow& row : rows) {
      SearchHit hit;
      hit.document_id = std::move(row.id);
      hit.title = std::move(row.title);
      hit.source = std::move(row.source);
      hit.published = row.published;
      hit.snippet = parsed.empty() ? LeadingSnippet(row.text) : std::move(row.text);
      hit.score = parsed.empty() ? 0.0 : scores[row.doc];
      page.hits.push_back(std::move(hit));
    }
    if (end < matches->size()) {
      page.next_page_token = EncodePageToken("search", fingerprint, static_cast<int64_t>(end));
    }
    return absl::OkStatus();
  }));
  return page;
}

// ---- Profile and related ----

absl::StatusOr<EntityProfile> IndexStore::GetEntityProfile(const std::string& entity_id, int related_limit) {
  RETURN_IF_ERROR(CheckEntityId(entity_id, "entity_id"));
  if (related_limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("related_limit is ", related_limit,
                                                   ": give a positive number, or 0 for the default (10)"));
  }
  const int limit = ClampPageSize(related_limit, 10, 100);
  EntityProfile profile;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    profile = EntityProfile{};
    profile.entity_id = entity_id;
    ASSIGN_OR_RETURN(EntityDocStats stats, reader.EntityStats(entity_id));
    if (stats.documents == 0) return NoDocumentMentions(entity_id);
    profile.document_count = static_cast<int>(stats.documents);
    profile.mention_count = static_cast<int>(stats.mentions);
    if (stats.first_key != 0) profile.first_seen = FromSortKey(stats.first_key);
    if (stats.last_key != 0) profile.last_seen = FromSortKey(stats.last_key);
    ASSIGN_OR_RETURN(auto name_type, reader.EntityNameType(entity_id));
    profile.name = name_type ? name_type->first : entity_id;
    profile.type = name_type ? name_type->second : common::v1::ENTITY_TYPE_UNSPECIFIED;
    ASSIGN_OR_RETURN(profile.aliases, reader.Aliases(entity_id, kMaxAliases));
    ASSIGN_OR_RETURN(profile.related,
                     reader.Related(entity_id, common::v1::ENTITY_TYPE_UNSPECIFIED, limit, /*offset=*/0));
    return absl::OkStatus();
  }));
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

  RelatedPage page;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    page = RelatedPage{};
    ASSIGN_OR_RETURN(bool mentioned, reader.EntityIsMentioned(query.entity_id));
    if (!mentioned) return NoDocumentMentions(query.entity_id);
    ASSIGN_OR_RETURN(page.related, reader.Related(query.entity_id, query.type, page_size + 1, offset));
    if (static_cast<int>(page.related.size()) > page_size) {
      page.related.resize(page_size);
      page.next_page_token = EncodePageToken("related", fingerprint, offset + page_size);
    }
    return absl::OkStatus();
  }));
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

  TimelinePage page;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    page = TimelinePage{};
    // The entity in the fewest documents drives; the others are checked per
    // sentence.
    std::string driver;
    int64_t driver_docs = std::numeric_limits<int64_t>::max();
    for (const std::string& id : entity_ids) {
      ASSIGN_OR_RETURN(int64_t docs, reader.EntityDocumentCount(id));
      if (docs == 0) return NoDocumentMentions(id);
      if (docs < driver_docs) {
        driver_docs = docs;
        driver = id;
      }
    }
    std::vector<std::string> other_ids;
    for (const std::string& id : entity_ids) {
      if (id != driver) other_ids.push_back(id);
    }
    // Streams the sentences mentioning every entity with date_key in [lo,
    // hi], keeping those in the date range and within the
    // per-document-and-date cap; stops when `visit` returns false.
    const auto stream = [&](int lo, int hi, const std::function<bool(const TimelineRef&)>& visit) {
      int group_key = -1;
      int64_t group_doc = -1;
      int group_count = 0;
      return reader.ScanTimeline(driver, other_ids, lo, hi, [&](const TimelineRef& ref) {
        if (range.active && ref.date_key >= 10000) {
          const PartialDate date = FromSortKey(ref.date_key);
          if (LatestKey(date) < range.from_key || EarliestKey(date) > range.to_key) return true;
        }
        if (ref.date_key != group_key || ref.doc != group_doc) {
          group_key = ref.date_key;
          group_doc = ref.doc;
          group_count = 0;
        }
        if (++group_count > cap) return true;
        return visit(ref);
      });
    };

    // Dated items (a known year: date_key >= 10000), from `offset`.
    std::vector<TimelineRef> dated;
    {
      const int lo = range.active ? std::max(10000, range.from_key / 10000 * 10000) : 10000;
      const int hi = range.active ? range.to_key : std::numeric_limits<int>::max();
      int64_t seen = 0;
      RETURN_IF_ERROR(stream(lo, hi, [&](const TimelineRef& ref) {
        if (seen++ < offset) return true;
        dated.push_back(ref);
        return static_cast<int>(dated.size()) <= page_size;
      }));
    }
    if (static_cast<int>(dated.size()) > page_size) {
      dated.pop_back();
      page.next_page_token = EncodePageToken("timeline", fingerprint, offset + page_size);
    }
    // Undated items (no year), on the first page, in document order.
    std::vector<TimelineRef> undated;
    if (offset == 0) {
      RETURN_IF_ERROR(stream(0, 9999, [&](const TimelineRef& ref) {
        undated.push_back(ref);
        return true;
      }));
      std::sort(undated.begin(), undated.end(), [](const TimelineRef& a, const TimelineRef& b) {
        return a.doc != b.doc ? a.doc < b.doc : a.sentence < b.sentence;
      });
      if (static_cast<int>(undated.size()) > page_size) undated.resize(page_size);
    }
    ASSIGN_OR_RETURN(page.items, reader.TimelineItems(dated));
    ASSIGN_OR_RETURN(page.undated, reader.TimelineItems(undated));
    return absl::OkStatus();
  }));
  return page;
}

// ---- Documents ----

absl::StatusOr<Document> IndexStore::GetDocument(const std::string& document_id) {
  if (document_id.empty()) {
    return absl::InvalidArgumentError("document_id is empty: give the id of an indexed document");
  }
  std::optional<std::pair<std::string, std::string>> stored;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    ASSIGN_OR_RETURN(stored, reader.StoredDocument(document_id));
    return absl::OkStatus();
  }));
  if (!stored) return absl::NotFoundError(absl::StrCat("no indexed document with id ", document_id));
  return ParseStoredDocument(document_id, stored->first, stored->second);
}

absl::StatusOr<int64_t> IndexStore::DocumentCount() {
  int64_t count = 0;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    ASSIGN_OR_RETURN(count, reader.DocumentCount());
    return absl::OkStatus();
  }));
  return count;
}

}  // namespace dossier::query
