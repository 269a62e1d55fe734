#include "services/query/index_store.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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
  if (id.size() > 512 || !IsValidUtf8(id) || id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is not a valid entity id"));
  }
  return absl::OkStatus();
}

bool AllDigits(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A CAMEO actor code: letters, digits, '-' and '_' (PETRARCH writes "---"
// for an unknown part), at most 64.
bool IsActorCode(const std::string& code) {
  return code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_';
         });
}

absl::Status CheckUnitInterval(double value, const std::string& field) {
  if (!(value >= 0 && value <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is ", value, ": give a number from 0 to 1"));
  }
  return absl::OkStatus();
}

absl::Status ValidateActor(const std::string& entity_field_value, const common::v1::Actor& actor,
                           const std::string& field, const std::string& entity_field) {
  if (!entity_field_value.empty() && !actor.entity_id().empty() && entity_field_value != actor.entity_id()) {
    return absl::InvalidArgumentError(absl::StrCat(entity_field, " is \"", entity_field_value, "\" but ", field,
                                                   ".entity_id is \"", actor.entity_id(),
                                                   "\": they name the same actor"));
  }
  const std::string& id = entity_field_value.empty() ? actor.entity_id() : entity_field_value;
  if (id.size() > 512 || !IsValidUtf8(id) || id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".entity_id is not a valid entity id"));
  }
  if (!IsActorCode(actor.code())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".code is \"", actor.code(),
                                                   "\": an actor code is letters and digits such as CHNGOV"));
  }
  if (!IsValidUtf8(actor.name()) || !IsValidUtf8(actor.text())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".name and .text must be UTF-8"));
  }
  if (!common::v1::EntityType_IsValid(actor.type())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".type is ", static_cast<int>(actor.type()), ": not a known EntityType"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEvent(const Document& document, const common::v1::Event& e, const std::string& field,
                           int length) {
  if (e.id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".id is empty: each event needs its id (a digest of source, target, code and date)"));
  }
  if (e.id().size() > 256 || !IsValidUtf8(e.id()) || e.id().find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".id must be UTF-8 of at most 256 bytes, without NUL"));
  }
  const std::string& code = e.cameo_code();
  if (code.size() < 2 || code.size() > 4 || !AllDigits(code)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".cameo_code is \"", code,
                                                   "\": give a CAMEO code of 2 to 4 digits such as \"042\""));
  }
  if (!e.root_code().empty() && e.root_code() != code.substr(0, 2)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".root_code is \"", e.root_code(),
                                                   "\" but the first two digits of cameo_code are \"",
                                                   code.substr(0, 2), "\""));
  }
  if (e.quad_class() < 0 || e.quad_class() > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".quad_class is ", e.quad_class(), ": give 1-4, or 0 when unknown"));
  }
  if (!(e.goldstein() >= -10 && e.goldstein() <= 10)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".goldstein is ", e.goldstein(), ": the Goldstein scale runs from -10 to 10"));
  }
  RETURN_IF_ERROR(CheckUnitInterval(e.confidence(), absl::StrCat(field, ".confidence")));
  RETURN_IF_ERROR(CheckDateParts(ToPartialDate(e.date()), absl::StrCat(field, ".date")));
  RETURN_IF_ERROR(ValidateActor(e.source_entity_id(), e.source(), absl::StrCat(field, ".source"),
                                absl::StrCat(field, ".source_entity_id")));
  RETURN_IF_ERROR(ValidateActor(e.target_entity_id(), e.target(), absl::StrCat(field, ".target"),
                                absl::StrCat(field, ".target_entity_id")));
  for (const std::string* text : {&e.label(), &e.evidence(), &e.location_entity_id(), &e.location_name()}) {
    if (!IsValidUtf8(*text) || text->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".label, .evidence and .location_* must be UTF-8 without NUL"));
    }
  }
  if (e.mentions_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".mentions is empty: give each sentence the event was read from"));
  }
  for (int j = 0; j < e.mentions_size(); ++j) {
    const common::v1::EventMention& m = e.mentions(j);
    const std::string mfield = absl::StrCat(field, ".mentions[", j, "]");
    if (!m.document_id().empty() && m.document_id() != document.id()) {
      return absl::InvalidArgumentError(absl::StrCat(mfield, ".document_id is \"", m.document_id(),
                                                     "\" but the document is \"", document.id(),
                                                     "\": index each document with its own events"));
    }
    if (document.sentences_size() == 0 ? m.sentence() != 0
                                       : (m.sentence() < 0 || m.sentence() >= document.sentences_size())) {
      return absl::InvalidArgumentError(absl::StrCat(mfield, ".sentence is ", m.sentence(),
                                                     " but the document has ", document.sentences_size(),
                                                     " sentences"));
    }
    RETURN_IF_ERROR(CheckSpan(m.span(), length, mfield));
    RETURN_IF_ERROR(CheckUnitInterval(m.confidence(), absl::StrCat(mfield, ".confidence")));
    RETURN_IF_ERROR(CheckDateParts(ToPartialDate(m.date()), absl::StrCat(mfield, ".date")));
    RETURN_IF_ERROR(CheckDateParts(ToPartialDate(m.published()), absl::StrCat(mfield, ".published")));
    if (!IsValidUtf8(m.evidence()) || !IsValidUtf8(m.trigger()) ||
        m.evidence().find('\0') != std::string::npos || m.trigger().find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(mfield, ".evidence and .trigger must be UTF-8 without NUL"));
    }
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
  for (const auto& [key, count] : after.entity_mentions) delta.entity_documents[key] += 1;
  if (before != nullptr) {
    for (const auto& [key, count] : before->entity_mentions) delta.entity_documents[key] -= 1;
  }
  std::erase_if(delta.entity_documents, [](const auto& entry) { return entry.second == 0; });
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

namespace {

// The event's actor with its entity id from either field (they are the same
// when both are set; ValidateDocument checks that).
std::string ActorEntity(const std::string& field, const common::v1::Actor& actor) {
  return field.empty() ? actor.entity_id() : field;
}

std::string UpperAscii(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

void AddCodeKeys(const std::string& code, std::set<std::pair<int, std::string>>* keys) {
  for (size_t n = 3; n <= code.size(); n += 3) keys->insert({kActorKeyCode, code.substr(0, n)});
}

}  // namespace

std::set<std::pair<int, std::string>> ActorKeys(const std::string& source_entity, const std::string& target_entity,
                                                const std::string& source_code, const std::string& target_code) {
  std::set<std::pair<int, std::string>> keys;
  if (!source_entity.empty()) keys.insert({kActorKeyEntity, source_entity});
  if (!target_entity.empty()) keys.insert({kActorKeyEntity, target_entity});
  if (!source_entity.empty() && !target_entity.empty() && source_entity != target_entity) {
    keys.insert({kActorKeyPair, PairKey(source_entity, target_entity)});
  }
  AddCodeKeys(source_code, &keys);
  AddCodeKeys(target_code, &keys);
  return keys;
}

int ActorSides(const EventAttributes& a, int kind, const std::string& key) {
  const std::string first = kind == kActorKeyPair ? key.substr(0, key.find('\x1f')) : key;
  const auto on = [&](const std::string& entity, const std::string& code) {
    return kind == kActorKeyCode ? code.compare(0, key.size(), key) == 0 : entity == first;
  };
  return (on(a.source_entity, a.source_code) ? 1 : 0) | (on(a.target_entity, a.target_code) ? 2 : 0);
}

EventAttributes EventAttributesOf(const common::v1::Event& event) {
  EventAttributes a;
  a.source_entity = ActorEntity(event.source_entity_id(), event.source());
  a.target_entity = ActorEntity(event.target_entity_id(), event.target());
  a.source_code = UpperAscii(event.source().code());
  a.target_code = UpperAscii(event.target().code());
  a.code = event.cameo_code();
  a.root_code = a.code.substr(0, std::min<size_t>(2, a.code.size()));
  a.quad_class = event.quad_class();
  const PartialDate date = ToPartialDate(event.date());
  a.date_key = SortKey(date);
  a.date_lo = EarliestKey(date);
  a.date_hi = LatestKey(date);
  a.order_key = EventOrderKey(a.date_key);
  a.actor_keys = ActorKeys(a.source_entity, a.target_entity, a.source_code, a.target_code);
  return a;
}

namespace {

bool SameAttributes(const EventAttributes& a, const EventAttributes& b) {
  return a.source_entity == b.source_entity && a.target_entity == b.target_entity &&
         a.source_code == b.source_code && a.target_code == b.target_code && a.code == b.code &&
         a.root_code == b.root_code && a.quad_class == b.quad_class && a.date_key == b.date_key &&
         a.date_lo == b.date_lo && a.date_hi == b.date_hi && a.order_key == b.order_key;
}

bool HasPair(const EventAttributes& a) { return !a.source_entity.empty() && !a.target_entity.empty(); }

// Moves an event's attributes (and what hangs on them) from `before` to `after`.
absl::Status ChangeAttributes(EventWriteOps& ops, int64_t key, const std::string& id, const EventAttributes& before,
                              const EventAttributes& after, int64_t first_doc) {
  RETURN_IF_ERROR(ops.SetAttributes(key, after, first_doc));
  if (!SameAttributes(before, after)) {  // the actor rows copy some
    RETURN_IF_ERROR(ops.RemoveActorKeys(id, before.order_key, before.actor_keys));
    RETURN_IF_ERROR(ops.AddActorKeys(key, id, after));
  }
  if (before.source_entity != after.source_entity || before.target_entity != after.target_entity) {
    if (HasPair(before)) RETURN_IF_ERROR(ops.AdjustPair(before.source_entity, before.target_entity, -1));
    if (HasPair(after)) RETURN_IF_ERROR(ops.AdjustPair(after.source_entity, after.target_entity, 1));
  }
  return absl::OkStatus();
}

// Recounts a stored event from its reports: deletes it when none is left,
// else takes counts and attributes from them.
absl::Status Recount(EventWriteOps& ops, const std::string& id, const EventWriteOps::Stored& stored) {
  ASSIGN_OR_RETURN(EventWriteOps::Aggregate aggregate, ops.Recount(stored.key));
  if (aggregate.documents == 0) {
    RETURN_IF_ERROR(ops.RemoveActorKeys(id, stored.attributes.order_key, stored.attributes.actor_keys));
    if (HasPair(stored.attributes)) {
      RETURN_IF_ERROR(ops.AdjustPair(stored.attributes.source_entity, stored.attributes.target_entity, -1));
    }
    return ops.Delete(stored.key);
  }
  RETURN_IF_ERROR(ops.SetCounts(stored.key, aggregate));
  ASSIGN_OR_RETURN(std::string blob, ops.ReportBlob(stored.key, aggregate.first_doc));
  common::v1::Event event;
  if (!event.ParseFromString(blob)) {
    return absl::DataLossError(absl::StrCat("stored report of event ", id, " is unreadable; re-index its documents"));
  }
  const EventAttributes attributes = EventAttributesOf(event);
  if (aggregate.first_doc != stored.first_doc || !SameAttributes(attributes, stored.attributes)) {
    RETURN_IF_ERROR(ChangeAttributes(ops, stored.key, id, stored.attributes, attributes, aggregate.first_doc));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteEvents(EventWriteOps& ops, int64_t doc, const std::vector<EventRow>& events,
                         const std::set<std::string>& old_ids) {
  std::map<std::string, const EventRow*> by_id;
  for (const EventRow& row : events) by_id[row.id] = &row;
  std::set<std::string> ids = old_ids;
  for (const auto& [id, row] : by_id) ids.insert(id);
  for (const std::string& id : ids) {
    const bool was_reported = old_ids.count(id) > 0;
    auto it = by_id.find(id);
    const EventRow* row = it == by_id.end() ? nullptr : it->second;
    std::optional<EventWriteOps::Stored> stored;
    for (int attempt = 0;; ++attempt) {
      ASSIGN_OR_RETURN(stored, ops.Find(id));
      if (stored || row == nullptr) break;
      // New: create it from this report alone.
      ASSIGN_OR_RETURN(std::optional<int64_t> key, ops.Create(*row, doc));
      if (key) {
        RETURN_IF_ERROR(ops.AddActorKeys(*key, id, row->attributes));
        if (HasPair(row->attributes)) {
          RETURN_IF_ERROR(ops.AdjustPair(row->attributes.source_entity, row->attributes.target_entity, 1));
        }
        RETURN_IF_ERROR(ops.AddReports(*key, doc, *row));
        break;
      }
      if (attempt == 2) return absl::AbortedError(absl::StrCat("event ", id, " kept changing while indexing; retry"));
    }
    if (!stored) continue;  // created above, or an old report of an event already gone
    if (was_reported) RETURN_IF_ERROR(ops.RemoveReports(stored->key, doc));
    if (row != nullptr) RETURN_IF_ERROR(ops.AddReports(stored->key, doc, *row));
    if (was_reported || row == nullptr) {
      RETURN_IF_ERROR(Recount(ops, id, *stored));
      continue;
    }
    RETURN_IF_ERROR(ops.AddCounts(stored->key, static_cast<int>(row->mentions.size()), row->confidence));
    if (doc < stored->first_doc) {
      RETURN_IF_ERROR(ChangeAttributes(ops, stored->key, id, stored->attributes, row->attributes, doc));
    }
  }
  return absl::OkStatus();
}

void FinishEvent(common::v1::Event* event) {
  if (event->mentions_size() == 0) return;
  event->set_evidence(event->mentions(0).evidence());
  *event->mutable_span() = event->mentions(0).span();
}

void FillDocEntities(std::vector<std::pair<int64_t, uint32_t>> pairs, DocEntities* out) {
  std::sort(pairs.begin(), pairs.end());
  out->refs_.reserve(pairs.size());
  size_t documents = 0;
  for (size_t i = 0; i < pairs.size(); ++i) documents += i == 0 || pairs[i].first != pairs[i - 1].first;
  const int64_t max_key = pairs.empty() ? 0 : pairs.back().first;
  const bool dense = !pairs.empty() && pairs.front().first >= 0 && DenseKeys(max_key, documents);
  if (dense) out->offsets_.assign(max_key + 2, 0);
  for (size_t i = 0; i < pairs.size();) {
    const int64_t doc = pairs[i].first;
    const uint32_t begin = static_cast<uint32_t>(out->refs_.size());
    for (; i < pairs.size() && pairs[i].first == doc; ++i) out->refs_.push_back(pairs[i].second);
    if (!dense) out->sparse_[doc] = {begin, static_cast<uint32_t>(out->refs_.size())};
  }
  if (dense) {
    // offsets_[k] = first ref of document k: refs before it, counted.
    size_t next = 0;
    for (int64_t key = 0; key <= max_key + 1; ++key) {
      while (next < pairs.size() && pairs[next].first < key) ++next;
      out->offsets_[key] = static_cast<uint32_t>(next);
    }
  }
}

void DocFilterInfos::Finish() {
  int64_t max_key = -1;
  bool negative = false;
  for (const auto& [key, info] : loading_) {
    max_key = std::max(max_key, key);
    negative = negative || key < 0;
  }
  if (!loading_.empty() && !negative && DenseKeys(max_key, loading_.size())) {
    dense_.assign(max_key + 1, DocFilterInfo{});
    for (const auto& [key, info] : loading_) dense_[key] = info;
  } else {
    for (const auto& [key, info] : loading_) sparse_[key] = info;
  }
  loading_.clear();
  loading_.shrink_to_fit();
}

std::set<std::string> EventIdsOf(const Document& doc) {
  std::set<std::string> ids;
  for (const common::v1::Event& e : doc.events()) ids.insert(e.id());
  return ids;
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
  for (int i = 0; i < document.events_size(); ++i) {
    RETURN_IF_ERROR(ValidateEvent(document, document.events(i), absl::StrCat("document.events[", i, "]"), length));
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

  // Events: one row per id (the first entry's attributes, every entry's
  // mentions), one mention per sentence (the first).
  std::map<std::string, EventRow> events;
  for (const common::v1::Event& e : doc.events()) {
    auto [it, inserted] = events.try_emplace(e.id());
    EventRow& row = it->second;
    if (inserted) {
      row.id = e.id();
      row.attributes = EventAttributesOf(e);
      common::v1::Event stored = e;
      stored.clear_mentions();
      stored.clear_num_mentions();
      stored.clear_num_documents();
      stored.clear_evidence();
      stored.clear_span();
      stored.set_source_entity_id(row.attributes.source_entity);
      stored.set_target_entity_id(row.attributes.target_entity);
      stored.mutable_source()->set_entity_id(row.attributes.source_entity);
      stored.mutable_target()->set_entity_id(row.attributes.target_entity);
      stored.mutable_source()->set_code(row.attributes.source_code);
      stored.mutable_target()->set_code(row.attributes.target_code);
      stored.set_root_code(row.attributes.root_code);
      if (!stored.SerializeToString(&row.blob)) return absl::InternalError("cannot serialize an event");
    }
    for (const common::v1::EventMention& m : e.mentions()) {
      const int sentence = m.sentence();
      if (std::any_of(row.mentions.begin(), row.mentions.end(),
                      [&](const EventMentionRow& r) { return r.sentence == sentence; })) {
        continue;
      }
      EventMentionRow mention;
      mention.sentence = sentence;
      mention.begin = m.span().begin();
      mention.end = m.span().end();
      mention.evidence = m.evidence().empty() ? SpanText(doc.body(), cp_index, mention.begin, mention.end)
                                              : m.evidence();
      mention.trigger = m.trigger();
      mention.confidence = m.confidence();
      mention.date = ToPartialDate(m.date());
      mention.date_from_text = m.date_from_text();
      row.confidence = std::max(row.confidence, mention.confidence);
      row.mentions.push_back(std::move(mention));
    }
  }
  for (auto& [id, row] : events) {
    std::sort(row.mentions.begin(), row.mentions.end(),
              [](const EventMentionRow& a, const EventMentionRow& b) { return a.sentence < b.sentence; });
    record.events.push_back(std::move(row));
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

absl::StatusOr<std::shared_ptr<const DocFilterInfos>> IndexStore::LoadDocFilterInfos(IndexReader& reader,
                                                                                     uint64_t generation) {
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_info_ != nullptr && doc_info_generation_ == generation) return doc_info_;
  }
  // One load at a time: readers of the same generation wait for it rather
  // than each scanning every document.
  absl::MutexLock load_lock(&doc_info_load_mu_);
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_info_ != nullptr && doc_info_generation_ == generation) return doc_info_;
  }
  ASSIGN_OR_RETURN(DocFilterInfos loaded, reader.LoadDocFilterInfos());
  auto infos = std::make_shared<const DocFilterInfos>(std::move(loaded));
  absl::MutexLock lock(&doc_info_mu_);
  if (doc_info_ == nullptr || doc_info_generation_ <= generation) {
    doc_info_ = infos;
    doc_info_generation_ = generation;
  }
  return infos;
}

absl::StatusOr<std::shared_ptr<const DocEntities>> IndexStore::LoadDocEntities(IndexReader& reader,
                                                                               uint64_t generation) {
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_entities_ != nullptr && doc_entities_generation_ == generation) return doc_entities_;
  }
  absl::MutexLock load_lock(&doc_info_load_mu_);
  {
    absl::MutexLock lock(&doc_info_mu_);
    if (doc_entities_ != nullptr && doc_entities_generation_ == generation) return doc_entities_;
  }
  ASSIGN_OR_RETURN(DocEntities loaded, reader.LoadDocEntities());
  auto entities = std::make_shared<const DocEntities>(std::move(loaded));
  absl::MutexLock lock(&doc_info_mu_);
  if (doc_entities_ == nullptr || doc_entities_generation_ <= generation) {
    doc_entities_ = entities;
    doc_entities_generation_ = generation;
  }
  return entities;
}

namespace {

constexpr size_t kMaxSmallCacheEntries = 1024;
// Facet values kept per field (the largest facet_limit).
constexpr int kMaxFacetValues = 100;

const char* EntityTypeName(int type) {
  switch (type) {
    case common::v1::ENTITY_TYPE_PERSON:
      return "PERSON";
    case common::v1::ENTITY_TYPE_ORGANIZATION:
      return "ORGANIZATION";
    case common::v1::ENTITY_TYPE_LOCATION:
      return "LOCATION";
    case common::v1::ENTITY_TYPE_DATE:
      return "DATE";
    case common::v1::ENTITY_TYPE_MISC:
      return "MISC";
    default:
      return nullptr;
  }
}

// The `limit` most frequent of `counts` (index -> count), ties by value.
std::vector<FacetValue> TopValues(const std::vector<int>& counts, int limit,
                                  const std::function<std::string(size_t)>& value_of) {
  std::vector<std::pair<int, std::string>> values;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) values.emplace_back(counts[i], value_of(i));
  }
  const auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t n = std::min(values.size(), static_cast<size_t>(limit));
  std::partial_sort(values.begin(), values.begin() + n, values.end(), better);
  values.resize(n);
  std::vector<FacetValue> out;
  for (auto& [count, value] : values) out.push_back(FacetValue{value, value, count});
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Facet>> IndexStore::CountFacets(IndexReader& reader, uint64_t generation,
                                                           const std::string& key, const Matches& matches,
                                                           const std::vector<FacetField>& fields, int limit) {
  // Each field's most frequent kMaxFacetValues values (with labels) are
  // cached per search and generation, so other limits and other pages reuse
  // them.
  const auto field_key = [&](FacetField field) { return absl::StrCat(key, "|f=", static_cast<int>(field)); };
  absl::flat_hash_map<int, std::shared_ptr<const std::vector<FacetValue>>> counted;
  {
    absl::MutexLock lock(&small_cache_mu_);
    if (small_cache_.generation == generation) {
      for (FacetField field : fields) {
        auto it = small_cache_.facets.find(field_key(field));
        if (it != small_cache_.facets.end()) counted[static_cast<int>(field)] = it->second;
      }
    }
  }
  std::set<FacetField> missing;
  for (FacetField field : fields) {
    if (!counted.count(static_cast<int>(field))) missing.insert(field);
  }
  if (!missing.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<const DocFilterInfos> infos, LoadDocFilterInfos(reader, generation));
    std::shared_ptr<const DocEntities> entities;
    if (missing.count(FacetField::kEntity)) {
      ASSIGN_OR_RETURN(entities, LoadDocEntities(reader, generation));
    }
    const bool want_source = missing.count(FacetField::kSource) > 0;
    const bool want_type = missing.count(FacetField::kEntityType) > 0;
    const bool want_month = missing.count(FacetField::kMonth) > 0;
    // One pass over the matches for every facet.
    std::vector<int> by_source(infos->sources.size());
    std::vector<int> by_type(8);
    absl::flat_hash_map<int32_t, int> by_month;
    std::vector<int> by_entity(entities ? entities->ids.size() : 0);
    for (const auto& [doc, score] : matches) {
      const DocFilterInfo* info = infos->Find(doc);
      if (info == nullptr) continue;
      if (want_source) ++by_source[info->source];
      if (want_type) {
        for (int type = 1; type < 8; ++type) {
          if (info->type_mask & (int64_t{1} << type)) ++by_type[type];
        }
      }
      if (want_month && info->month != 0) ++by_month[info->month];
      if (entities) {
        const auto [begin, end] = entities->Of(doc);
        for (const uint32_t* e = begin; e != end; ++e) ++by_entity[*e];
      }
    }
    for (FacetField field : missing) {
      std::vector<FacetValue> values;
      switch (field) {
        case FacetField::kEntity: {
          values = TopValues(by_entity, kMaxFacetValues, [&](size_t i) { return entities->ids[i]; });
          std::vector<std::string> ids;
          for (const FacetValue& value : values) ids.push_back(value.value);
          ASSIGN_OR_RETURN(auto names, reader.EntityNames(ids));
          for (FacetValue& value : values) {
            auto it = names.find(value.value);
            if (it != names.end()) value.label = it->second;
          }
          break;
        }
        case FacetField::kEntityType:
          for (int type = 1; type < 8; ++type) {
            if (EntityTypeName(type) == nullptr) by_type[type] = 0;
          }
          values = TopValues(by_type, kMaxFacetValues,
                             [](size_t i) { return std::string(EntityTypeName(static_cast<int>(i))); });
          break;
        case FacetField::kSource:
          // The empty source (documents without one) is not a value.
          for (size_t i = 0; i < infos->sources.size(); ++i) {
            if (infos->sources[i].empty()) by_source[i] = 0;
          }
          values = TopValues(by_source, kMaxFacetValues, [&](size_t i) { return infos->sources[i]; });
          break;
        case FacetField::kMonth: {
          std::vector<int32_t> months;
          std::vector<int> counts;
          for (const auto& [month, count] : by_month) {
            months.push_back(month);
            counts.push_back(count);
          }
          values = TopValues(counts, kMaxFacetValues, [&](size_t i) {
            char buf[16];
            std::snprintf(buf, sizeof(buf), "%04d-%02d", months[i] / 100, months[i] % 100);
            return std::string(buf);
          });
          break;
        }
        case FacetField::kUnspecified:
          break;
      }
      counted[static_cast<int>(field)] = std::make_shared<const std::vector<FacetValue>>(std::move(values));
    }
    absl::MutexLock lock(&small_cache_mu_);
    if (generation > small_cache_.generation) {
      small_cache_ = SmallCache{};
      small_cache_.generation = generation;
    }
    if (generation == small_cache_.generation) {
      if (small_cache_.facets.size() + missing.size() > kMaxSmallCacheEntries) small_cache_.facets.clear();
      for (FacetField field : missing) small_cache_.facets[field_key(field)] = counted[static_cast<int>(field)];
    }
  }
  std::vector<Facet> facets;
  for (FacetField field : fields) {
    Facet facet;
    facet.field = field;
    const std::vector<FacetValue>& values = *counted[static_cast<int>(field)];
    facet.values.assign(values.begin(), values.begin() + std::min(values.size(), static_cast<size_t>(limit)));
    facets.push_back(std::move(facet));
  }
  return facets;
}

absl::StatusOr<int64_t> IndexStore::CountEvents(IndexReader& reader, uint64_t generation, const std::string& key,
                                                const EventFilter& filter) {
  {
    absl::MutexLock lock(&small_cache_mu_);
    if (small_cache_.generation == generation) {
      auto it = small_cache_.counts.find(key);
      if (it != small_cache_.counts.end()) return it->second;
    }
  }
  ASSIGN_OR_RETURN(int64_t count, reader.CountEvents(filter));
  absl::MutexLock lock(&small_cache_mu_);
  if (generation > small_cache_.generation) {
    small_cache_ = SmallCache{};
    small_cache_.generation = generation;
  }
  if (generation == small_cache_.generation) {
    if (small_cache_.counts.size() >= kMaxSmallCacheEntries) small_cache_.counts.clear();
    small_cache_.counts[key] = count;
  }
  return count;
}

// ---- Search ----

namespace {

// What a search selects, for page-token fingerprints and cache keys.
std::string DescribeSearch(const ParsedQuery& parsed, const SearchFilter& filter) {
  std::string sources;
  for (const std::string& source : filter.sources) absl::StrAppend(&sources, source.size(), ":", source, ",");
  return absl::StrCat("q=", parsed.fts_expression, "|e=", absl::StrJoin(filter.entity_ids, ","),
                      "|t=", filter.type_mask, "|d=", filter.range.active ? filter.range.from_key : 0, "-",
                      filter.range.active ? filter.range.to_key : 0, "|s=", sources);
}

constexpr int kMaxFacets = 16;

// Newest / oldest first by publication date, documents without a year
// last; ties by first-indexed order in the same direction.
void SortByDate(Matches* matches, const DocFilterInfos& infos, bool newest) {
  std::vector<std::pair<int32_t, std::pair<int64_t, double>>> keyed;
  keyed.reserve(matches->size());
  for (const auto& match : *matches) {
    const DocFilterInfo* info = infos.Find(match.first);
    keyed.push_back({info == nullptr ? 0 : info->published_key, match});
  }
  std::sort(keyed.begin(), keyed.end(), [newest](const auto& a, const auto& b) {
    const bool a_dated = a.first >= 10000;
    const bool b_dated = b.first >= 10000;
    if (a_dated != b_dated) return a_dated;
    if (a.first != b.first) return newest ? a.first > b.first : a.first < b.first;
    return newest ? a.second.first > b.second.first : a.second.first < b.second.first;
  });
  for (size_t i = 0; i < keyed.size(); ++i) (*matches)[i] = keyed[i].second;
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
  if (query.sources.size() > static_cast<size_t>(kMaxSearchSources)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sources has ", query.sources.size(), " values; at most ", kMaxSearchSources));
  }
  for (size_t i = 0; i < query.sources.size(); ++i) {
    const std::string& source = query.sources[i];
    if (source.empty() || source.size() > 1024 || !IsValidUtf8(source) || source.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sources[", i, "] is not a source: give publishers as search hits show them, e.g. \"Xinhua\""));
    }
    filter.sources.insert(source);
  }
  const int sort_value = static_cast<int>(query.sort);
  if (sort_value < 0 || sort_value > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("sort is ", sort_value, ": give RELEVANCE, NEWEST or OLDEST, or leave it unset"));
  }
  SearchSort sort = query.sort;
  if (sort == SearchSort::kDefault || (sort == SearchSort::kRelevance && parsed.empty())) {
    sort = parsed.empty() ? SearchSort::kNewest : SearchSort::kRelevance;
  }
  if (query.facets.size() > static_cast<size_t>(kMaxFacets)) {
    return absl::InvalidArgumentError(
        absl::StrCat("facets has ", query.facets.size(), " values; at most ", kMaxFacets));
  }
  for (size_t i = 0; i < query.facets.size(); ++i) {
    const int field = static_cast<int>(query.facets[i]);
    if (field < 1 || field > 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("facets[", i, "] is ", field, ": give ENTITY, ENTITY_TYPE, SOURCE or MONTH"));
    }
  }
  if (query.facet_limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("facet_limit is ", query.facet_limit,
                                                   ": give a positive number, or 0 for the default (10)"));
  }
  const int facet_limit = ClampPageSize(query.facet_limit, 10, 100);
  if (parsed.empty() && !filter.active()) {
    return absl::InvalidArgumentError(
        "nothing to search for: give words in query, or at least one filter (entity_ids, entity_types, "
        "date_from/date_to, sources)");
  }
  const int page_size = ClampPageSize(query.page_size, 10, 100);
  const std::string description = DescribeSearch(parsed, filter);
  // The list's natural order: relevance with text, newest first without.
  const bool resort = parsed.empty() ? sort == SearchSort::kOldest : sort != SearchSort::kRelevance;
  const std::string sorted_key = absl::StrCat(description, "|o=", static_cast<int>(sort));
  const uint64_t fingerprint = Fnv1a64(resort ? sorted_key : description);
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "search", fingerprint));

  // Phase 1: every matching document, ranked (cached per generation). Where
  // the backend prefers it, a text search with filters filters the
  // unfiltered ranked list (shared with unfiltered searches in the cache) in
  // memory: one index range scan per filter entity and a per-generation map
  // of document dates, types and sources, instead of probes for every text
  // match.
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
    if (resort) matches = CachedSearch(sorted_key, generation);
    const bool sorted_already = matches != nullptr;
    if (matches == nullptr && !filter_in_memory) {
      matches = CachedSearch(description, generation);
      if (!matches) {
        ASSIGN_OR_RETURN(matches, rank(filter));
        CacheSearch(description, generation, matches);
      }
    } else if (matches == nullptr) {
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
      std::shared_ptr<const DocFilterInfos> infos;
      std::vector<bool> source_ok;
      if (filter.type_mask != 0 || filter.range.active || !filter.sources.empty()) {
        ASSIGN_OR_RETURN(infos, LoadDocFilterInfos(reader, generation));
        for (const std::string& source : infos->sources) source_ok.push_back(filter.sources.count(source) > 0);
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
          const DocFilterInfo* found = infos->Find(match.first);
          if (found == nullptr) continue;  // cannot happen: same generation
          const DocFilterInfo& info = *found;
          if ((info.type_mask & filter.type_mask) != filter.type_mask) continue;
          if (filter.range.active && (info.published_lo == 0 || info.published_hi < filter.range.from_key ||
                                      info.published_lo > filter.range.to_key)) {
            continue;
          }
          if (!filter.sources.empty() && !source_ok[info.source]) continue;
        }
        filtered->push_back(match);
      }
      // Not cached (unless re-sorted below): filtering the cached ranked
      // list again costs well under a millisecond, and caching every filter
      // combination would evict the ranked lists that are expensive to
      // rebuild.
      matches = std::move(filtered);
    }
    if (resort && !sorted_already) {
      ASSIGN_OR_RETURN(std::shared_ptr<const DocFilterInfos> infos, LoadDocFilterInfos(reader, generation));
      auto sorted = std::make_shared<Matches>(*matches);
      SortByDate(sorted.get(), *infos, sort == SearchSort::kNewest);
      matches = std::move(sorted);
      CacheSearch(sorted_key, generation, matches);
    }
    if (!query.facets.empty()) {
      ASSIGN_OR_RETURN(page.facets,
                       CountFacets(reader, generation, description, *matches, query.facets, facet_limit));
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

namespace {

// The related entities of `rows` with pmi and score, `entity_documents`
// the documents of the requested entity and `documents` all indexed ones.
std::vector<RelatedEntity> FinishRelated(std::vector<RelatedRow> rows, int64_t entity_documents,
                                         int64_t documents) {
  std::vector<RelatedEntity> related;
  related.reserve(rows.size());
  for (RelatedRow& row : rows) {
    RelatedEntity r = std::move(row.entity);
    r.score = r.sentence_count + 0.25 * r.document_count;
    if (entity_documents > 0 && row.other_documents > 0 && documents > 0 && r.document_count > 0) {
      r.pmi = std::log2(static_cast<double>(documents) * r.document_count /
                        (static_cast<double>(entity_documents) * static_cast<double>(row.other_documents)));
    }
    related.push_back(std::move(r));
  }
  return related;
}

}  // namespace

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
    ASSIGN_OR_RETURN(std::vector<RelatedRow> rows,
                     reader.Related(entity_id, common::v1::ENTITY_TYPE_UNSPECIFIED, RelatedOrder::kDocuments,
                                    /*min_documents=*/1, limit, /*offset=*/0));
    ASSIGN_OR_RETURN(int64_t documents, reader.DocumentCount());
    profile.related = FinishRelated(std::move(rows), stats.documents, documents);
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
  const int order_value = static_cast<int>(query.order);
  if (order_value < 0 || order_value > 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "order is ", order_value, ": give DOCUMENTS, SCORE, PMI or EVENTS, or leave it unset (DOCUMENTS)"));
  }
  const RelatedOrder order = query.order == RelatedOrder::kDefault ? RelatedOrder::kDocuments : query.order;
  if (query.min_documents < 0) {
    return absl::InvalidArgumentError(absl::StrCat("min_documents is ", query.min_documents,
                                                   ": give a positive number, or 0 for the default (1)"));
  }
  const int min_documents = std::max(1, query.min_documents);
  const int page_size = ClampPageSize(query.page_size, 20, 200);
  const uint64_t fingerprint = Fnv1a64(absl::StrCat("e=", query.entity_id, "|t=", type, "|o=",
                                                    static_cast<int>(order), "|m=", min_documents));
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "related", fingerprint));

  RelatedPage page;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    page = RelatedPage{};
    ASSIGN_OR_RETURN(int64_t entity_documents, reader.EntityDocumentCount(query.entity_id));
    if (entity_documents == 0) return NoDocumentMentions(query.entity_id);
    ASSIGN_OR_RETURN(std::vector<RelatedRow> rows,
                     reader.Related(query.entity_id, query.type, order, min_documents, page_size + 1, offset));
    ASSIGN_OR_RETURN(int64_t documents, reader.DocumentCount());
    page.related = FinishRelated(std::move(rows), entity_documents, documents);
    if (static_cast<int>(page.related.size()) > page_size) {
      page.related.resize(page_size);
      page.next_page_token = EncodePageToken("related", fingerprint, offset + page_size);
    }
    return absl::OkStatus();
  }));
  return page;
}

// ---- Timeline ----

namespace {

constexpr int kEventBatch = 256;
// Mentions per timeline event: its items appear twice in a response (items
// and days), so they stay small.
constexpr int kMaxTimelineEventMentions = 5;
constexpr int kMaxUndatedEvents = 5000;

// Reads the events of a filter in list order, a batch at a time.
class EventCursor {
 public:
  EventCursor(IndexReader& reader, const EventFilter& filter) : reader_(reader), filter_(filter) {}

  // The next event, nullptr at the end; the status of a failed read.
  absl::StatusOr<const EventRef*> Peek() {
    if (pos_ < batch_.size()) return &batch_[pos_];
    if (done_) return nullptr;
    const EventRef last = batch_.empty() ? EventRef{} : batch_.back();
    ASSIGN_OR_RETURN(batch_, reader_.ScanEvents(filter_, started_ ? &last : nullptr, 0, kEventBatch));
    started_ = true;
    pos_ = 0;
    done_ = static_cast<int>(batch_.size()) < kEventBatch;
    if (batch_.empty()) return nullptr;
    return &batch_[0];
  }
  void Next() { ++pos_; }

 private:
  IndexReader& reader_;
  const EventFilter& filter_;
  std::vector<EventRef> batch_;
  size_t pos_ = 0;
  bool started_ = false;
  bool done_ = false;
};

// One timeline item before its details are read.
struct Slot {
  bool event = false;
  TimelineRef sentence;
  EventRef ref;
};

TimelineItem EventItem(EventDetail detail) {
  TimelineItem item;
  item.date = ToPartialDate(detail.event.date());
  item.date_from_text = detail.event.date_from_text();
  if (detail.event.mentions_size() > 0) item.document_id = detail.event.mentions(0).document_id();
  item.title = std::move(detail.first_title);
  item.text = detail.event.evidence();
  item.event = std::move(detail.event);
  return item;
}

// The items of `slots` with their details, in order.
absl::StatusOr<std::vector<TimelineItem>> ReadItems(IndexReader& reader, const std::vector<Slot>& slots) {
  std::vector<TimelineRef> sentences;
  std::vector<int64_t> events;
  for (const Slot& slot : slots) {
    if (slot.event) {
      events.push_back(slot.ref.event);
    } else {
      sentences.push_back(slot.sentence);
    }
  }
  ASSIGN_OR_RETURN(std::vector<TimelineItem> sentence_items, reader.TimelineItems(sentences));
  ASSIGN_OR_RETURN(std::vector<EventDetail> event_details, reader.Events(events, kMaxTimelineEventMentions));
  // Items that vanished between the reads of one snapshot cannot exist;
  // keep whatever came back, in order.
  std::vector<TimelineItem> items;
  size_t s = 0;
  size_t e = 0;
  for (const Slot& slot : slots) {
    if (slot.event && e < event_details.size()) {
      items.push_back(EventItem(std::move(event_details[e++])));
    } else if (!slot.event && s < sentence_items.size()) {
      items.push_back(std::move(sentence_items[s++]));
    }
  }
  return items;
}

std::vector<TimelineDay> GroupByDay(const std::vector<TimelineItem>& items) {
  std::vector<TimelineDay> days;
  for (size_t i = 0; i < items.size(); ++i) {
    if (days.empty() || !(days.back().date == items[i].date)) {
      days.push_back(TimelineDay{items[i].date, static_cast<int>(i), static_cast<int>(i)});
    }
    days.back().end = static_cast<int>(i) + 1;
  }
  return days;
}

}  // namespace

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
  const int kind_value = static_cast<int>(query.kind);
  if (kind_value < 0 || kind_value > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind is ", kind_value, ": give ALL, EVENTS or MENTIONS, or leave it unset (ALL)"));
  }
  const TimelineKind kind = query.kind == TimelineKind::kDefault ? TimelineKind::kAll : query.kind;
  ASSIGN_OR_RETURN(DateRange range, MakeDateRange(query.date_from, query.date_to));
  const int page_size = ClampPageSize(query.page_size, 50, 500);
  const int cap = query.max_items_per_document_date == 0 ? std::numeric_limits<int>::max()
                                                         : query.max_items_per_document_date;
  std::vector<std::string> sorted_ids = entity_ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  const uint64_t fingerprint = Fnv1a64(absl::StrCat(
      "e=", absl::StrJoin(sorted_ids, ","), "|d=", range.active ? range.from_key : 0, "-",
      range.active ? range.to_key : 0, "|c=", cap, "|k=", static_cast<int>(kind)));
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "timeline", fingerprint));

  const bool want_sentences = kind != TimelineKind::kEvents;
  // An event has two actors: with more entities no event has them all.
  const bool want_events = kind != TimelineKind::kMentions && entity_ids.size() <= 2;

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
    // Events: the driver's, with the other entity on the other side.
    EventFilter dated_events;
    dated_events.actor = EventActorFilter{true, driver};
    if (!other_ids.empty()) dated_events.other = EventActorFilter{true, other_ids[0]};
    EventFilter undated_events = dated_events;
    dated_events.range = range;
    dated_events.order_lo = 10000;
    dated_events.order_hi = kUndatedOrderBase - 1;
    undated_events.order_lo = kUndatedOrderBase;
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

    // Dated items (a known year), events and sentences merged by date
    // (events first on a date), from `offset`.
    std::vector<Slot> dated;
    {
      int64_t seen = 0;
      const auto take = [&](Slot slot) {
        if (seen++ < offset) return true;
        dated.push_back(std::move(slot));
        return static_cast<int>(dated.size()) <= page_size;
      };
      EventCursor events(reader, dated_events);
      absl::Status event_status;
      bool more = true;
      // Emits the events dated up to `key`; false to stop.
      const auto events_until = [&](int key) {
        if (!want_events) return true;
        while (true) {
          absl::StatusOr<const EventRef*> next = events.Peek();
          if (!next.ok()) {
            event_status = next.status();
            return false;
          }
          if (*next == nullptr || (*next)->order_key > key) return true;
          Slot slot;
          slot.event = true;
          slot.ref = **next;
          events.Next();
          if (!take(std::move(slot))) return false;
        }
      };
      if (want_sentences) {
        const int lo = range.active ? std::max(10000, range.from_key / 10000 * 10000) : 10000;
        const int hi = range.active ? range.to_key : std::numeric_limits<int>::max();
        RETURN_IF_ERROR(stream(lo, hi, [&](const TimelineRef& ref) {
          if (!events_until(ref.date_key)) return more = false;
          Slot slot;
          slot.sentence = ref;
          return more = take(std::move(slot));
        }));
      }
      if (more) events_until(std::numeric_limits<int>::max());
      RETURN_IF_ERROR(event_status);
    }
    if (static_cast<int>(dated.size()) > page_size) {
      dated.pop_back();
      page.next_page_token = EncodePageToken("timeline", fingerprint, offset + page_size);
    }
    // Undated items (no year), on the first page, in document order.
    std::vector<Slot> undated;
    if (offset == 0) {
      if (want_sentences) {
        RETURN_IF_ERROR(stream(0, 9999, [&](const TimelineRef& ref) {
          Slot slot;
          slot.sentence = ref;
          undated.push_back(std::move(slot));
          return true;
        }));
      }
      if (want_events) {
        ASSIGN_OR_RETURN(std::vector<EventRef> refs,
                         reader.ScanEvents(undated_events, nullptr, 0, kMaxUndatedEvents));
        for (EventRef& ref : refs) {
          Slot slot;
          slot.event = true;
          slot.ref = std::move(ref);
          undated.push_back(std::move(slot));
        }
      }
      std::stable_sort(undated.begin(), undated.end(), [](const Slot& a, const Slot& b) {
        const int64_t a_doc = a.event ? a.ref.first_doc : a.sentence.doc;
        const int64_t b_doc = b.event ? b.ref.first_doc : b.sentence.doc;
        if (a_doc != b_doc) return a_doc < b_doc;
        if (a.event != b.event) return a.event;
        return a.event ? a.ref.id < b.ref.id : a.sentence.sentence < b.sentence.sentence;
      });
      if (static_cast<int>(undated.size()) > page_size) undated.resize(page_size);
    }
    ASSIGN_OR_RETURN(page.items, ReadItems(reader, dated));
    ASSIGN_OR_RETURN(page.undated, ReadItems(reader, undated));
    page.days = GroupByDay(page.items);
    return absl::OkStatus();
  }));
  return page;
}

// ---- Events ----

namespace {

constexpr int kExportChunk = 200;
constexpr size_t kMaxEventPageBytes = size_t{3} << 20;

// The actor filter `value` names (`field` for messages).
absl::StatusOr<EventActorFilter> ParseActor(const std::string& value, const std::string& field) {
  EventActorFilter actor;
  if (value.find(':') != std::string::npos) {
    RETURN_IF_ERROR(CheckEntityId(value, field));
    actor.entity = true;
    actor.value = value;
    return actor;
  }
  actor.value = UpperAscii(value);
  if (actor.value.size() > 64 || !IsActorCode(actor.value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is \"", value,
        "\": give an entity id (\"person:jiang-zemin\") or an actor code prefix of letters and digits (\"CHN\", "
        "\"CHNGOV\")"));
  }
  return actor;
}

// Checks `query` and makes its filter and a description of it (for page
// tokens and caches).
absl::StatusOr<std::pair<EventFilter, std::string>> MakeEventFilter(const EventQuery& query) {
  EventFilter filter;
  if (query.side < 0 || query.side > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("side is ", query.side, ": give ANY, SOURCE or TARGET, or leave it unset"));
  }
  filter.side = query.side <= 1 ? 0 : query.side;
  if (query.actor.empty()) {
    if (filter.side != 0) {
      return absl::InvalidArgumentError(
          "side is set but actor is empty: give the actor (entity id or actor code) whose side to match");
    }
    if (!query.other_actor.empty()) {
      return absl::InvalidArgumentError(
          "other_actor is set but actor is empty: give both actors, or put the one actor in actor");
    }
  } else {
    ASSIGN_OR_RETURN(filter.actor, ParseActor(query.actor, "actor"));
  }
  if (!query.other_actor.empty()) {
    ASSIGN_OR_RETURN(filter.other, ParseActor(query.other_actor, "other_actor"));
  }
  const std::string& prefix = query.cameo_prefix;
  if (!prefix.empty() && (prefix.size() < 2 || prefix.size() > 4 || !AllDigits(prefix))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cameo_prefix is \"", prefix, "\": give 2 to 4 digits of a CAMEO code, e.g. \"04\" or \"042\""));
  }
  filter.cameo_prefix = prefix;
  if (query.quad_class < 0 || query.quad_class > 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "quad_class is ", query.quad_class,
        ": give 1 (verbal cooperation), 2 (material cooperation), 3 (verbal conflict), 4 (material conflict) or "
        "0 for any"));
  }
  filter.quad_class = query.quad_class;
  ASSIGN_OR_RETURN(filter.range, MakeDateRange(query.date_from, query.date_to));
  if (query.document_id.size() > 256 || !IsValidUtf8(query.document_id) ||
      query.document_id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("document_id is not a document id");
  }
  filter.document_id = query.document_id;
  const auto actor_text = [](const std::optional<EventActorFilter>& a) {
    return a ? absl::StrCat(a->entity ? "e" : "c", a->value.size(), ":", a->value) : std::string("-");
  };
  std::string description = absl::StrCat(
      "a=", actor_text(filter.actor), "|s=", filter.side, "|o=", actor_text(filter.other), "|c=", filter.cameo_prefix,
      "|q=", filter.quad_class, "|d=", filter.range.active ? filter.range.from_key : 0, "-",
      filter.range.active ? filter.range.to_key : 0, "|doc=", filter.document_id.size(), ":", filter.document_id);
  return std::make_pair(std::move(filter), std::move(description));
}

}  // namespace

absl::StatusOr<EventPage> IndexStore::ListEvents(const EventQuery& query) {
  ASSIGN_OR_RETURN(auto made, MakeEventFilter(query));
  const auto& [filter, description] = made;
  RETURN_IF_ERROR(CheckPageSize(query.page_size));
  const int page_size = ClampPageSize(query.page_size, 50, 500);
  const uint64_t fingerprint = Fnv1a64(description);
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(query.page_token, "events", fingerprint));
  EventPage page;
  RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
    page = EventPage{};
    ASSIGN_OR_RETURN(const uint64_t generation, reader.Generation());
    ASSIGN_OR_RETURN(int64_t total, CountEvents(reader, generation, description, filter));
    page.total_size = static_cast<int>(total);
    if (offset >= total) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::vector<EventRef> refs, reader.ScanEvents(filter, nullptr, offset, page_size));
    std::vector<int64_t> keys;
    for (const EventRef& ref : refs) keys.push_back(ref.event);
    ASSIGN_OR_RETURN(std::vector<EventDetail> details, reader.Events(keys, kMaxEventMentions));
    // A page stays well under gRPC's default 4 MiB message limit: one with
    // many long mentions ends early, and the token continues after it.
    size_t bytes = 0;
    for (EventDetail& detail : details) {
      bytes += detail.event.ByteSizeLong();
      if (bytes > kMaxEventPageBytes && !page.events.empty()) break;
      page.events.push_back(std::move(detail.event));
    }
    const int64_t next = offset + static_cast<int64_t>(page.events.size());
    if (next < total) page.next_page_token = EncodePageToken("events", fingerprint, next);
    return absl::OkStatus();
  }));
  return page;
}

absl::Status IndexStore::ExportEvents(const EventQuery& query,
                                      const std::function<bool(const common::v1::Event&)>& emit) {
  ASSIGN_OR_RETURN(auto made, MakeEventFilter(query));
  const EventFilter& filter = made.first;
  std::optional<EventRef> last;
  while (true) {
    std::vector<EventDetail> details;
    std::vector<EventRef> refs;
    RETURN_IF_ERROR(backend_->Read([&](IndexReader& reader) -> absl::Status {
      ASSIGN_OR_RETURN(refs, reader.ScanEvents(filter, last ? &*last : nullptr, 0, kExportChunk));
      std::vector<int64_t> keys;
      for (const EventRef& ref : refs) keys.push_back(ref.event);
      ASSIGN_OR_RETURN(details, reader.Events(keys, kMaxEventMentions));
      return absl::OkStatus();
    }));
    for (const EventDetail& detail : details) {
      if (!emit(detail.event)) return absl::CancelledError("the export was cancelled by the client");
    }
    if (static_cast<int>(refs.size()) < kExportChunk) return absl::OkStatus();
    last = refs.back();
  }
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
