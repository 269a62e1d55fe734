#include "services/entity/entity_service.h"

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"
#include "libs/common/page_token.h"
#include "libs/common/text.h"
#include "spdlog/spdlog.h"

namespace dossier::entity {

namespace {

constexpr size_t kMaxNameBytes = 1024;

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

bool IsBlank(const std::string& s) {
  for (unsigned char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

std::string Trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

// Validates a DateValue: parts in range; unknown parts 0.
bool ValidDate(const common::v1::DateValue& d, std::string* why) {
  if (d.year() < 0 || d.year() > 9999) {
    *why = absl::StrCat("year ", d.year(), " is out of range (0 for unknown, else 1-9999)");
    return false;
  }
  if (d.month() < 0 || d.month() > 12) {
    *why = absl::StrCat("month ", d.month(), " is out of range (0 for unknown, else 1-12)");
    return false;
  }
  if (d.day() < 0 || d.day() > 31) {
    *why = absl::StrCat("day ", d.day(), " is out of range (0 for unknown, else 1-31)");
    return false;
  }
  return true;
}

DateParts FromProto(const common::v1::DateValue& d) { return DateParts{d.year(), d.month(), d.day()}; }

void ToProto(const DateParts& d, common::v1::DateValue* out) {
  out->set_year(d.year);
  out->set_month(d.month);
  out->set_day(d.day);
}

bool ValidType(common::v1::EntityType type) {
  return type == common::v1::ENTITY_TYPE_UNSPECIFIED || type == common::v1::ENTITY_TYPE_PERSON ||
         type == common::v1::ENTITY_TYPE_ORGANIZATION || type == common::v1::ENTITY_TYPE_LOCATION ||
         type == common::v1::ENTITY_TYPE_MISC;
}

void ActorToProto(const events::EventActor& a, common::v1::Actor* out) {
  out->set_entity_id(a.entity_id);
  out->set_name(a.name);
  out->set_code(a.code);
  out->set_text(a.text);
  out->set_type(static_cast<common::v1::EntityType>(a.type));
}

void EventToProto(const events::DocumentEvent& e, const CodePointIndex& cps, std::string_view text,
                  const std::string& document_id, const DateParts& published, common::v1::Event* out) {
  out->set_id(e.id);
  out->set_source_entity_id(e.source.entity_id);
  out->set_target_entity_id(e.target.entity_id);
  ActorToProto(e.source, out->mutable_source());
  ActorToProto(e.target, out->mutable_target());
  out->set_cameo_code(e.code);
  out->set_label(e.label);
  out->set_root_code(e.root);
  out->set_quad_class(e.quad_class);
  out->set_goldstein(e.goldstein);
  ToProto(e.date, out->mutable_date());
  out->set_date_from_text(e.date_from_text);
  out->set_location_entity_id(e.location_id);
  out->set_location_name(e.location_name);
  out->set_confidence(e.confidence);
  out->set_num_mentions(static_cast<int32_t>(e.reports.size()));
  out->set_num_documents(1);
  for (const events::EventReport& r : e.reports) {
    common::v1::EventMention* m = out->add_mentions();
    m->set_document_id(document_id);
    m->set_sentence(r.sentence);
    m->set_evidence(std::string(text.substr(r.sentence_begin, r.sentence_end - r.sentence_begin)));
    m->mutable_span()->set_begin(cps.ToCodePoint(r.sentence_begin));
    m->mutable_span()->set_end(cps.ToCodePoint(r.sentence_end));
    m->set_trigger(r.trigger);
    m->set_confidence(r.confidence);
    ToProto(r.date, m->mutable_date());
    m->set_date_from_text(r.date_from_text);
    if (published.known()) ToProto(published, m->mutable_published());
  }
  if (!e.reports.empty()) {
    out->set_evidence(out->mentions(0).evidence());
    *out->mutable_span() = out->mentions(0).span();
  }
}

void RoleToProto(const KbRole& r, common::v1::Role* out) {
  out->set_code(r.code);
  out->set_label(r.label);
  if (r.start.known()) ToProto(r.start, out->mutable_start());
  if (r.end.known()) ToProto(r.end, out->mutable_end());
}

}  // namespace

void ToProto(const KbEntity& e, common::v1::Entity* out) {
  out->set_id(e.id);
  out->set_name(e.name);
  out->set_type(static_cast<common::v1::EntityType>(e.type));
  out->set_kind(e.kind);
  out->set_provenance(e.provenance);
  for (const KbAlias& a : e.aliases) {
    if (a.alias != e.name) out->add_aliases(a.alias);
  }
  for (const KbRole& r : e.roles) RoleToProto(r, out->add_roles());
  for (const auto& [k, v] : ParseAttributes(e.attributes)) (*out->mutable_attributes())[k] = v;
}

grpc::Status EntityServiceImpl::Annotate(grpc::ServerContext*, const v1::AnnotateRequest* request,
                                         v1::AnnotateResponse* response) {
  const std::string& text = request->text();
  if (text.empty() || IsBlank(text)) {
    return Invalid("text is empty: pass the document body in AnnotateRequest.text");
  }
  if (text.size() > options_.max_text_bytes) {
    return Invalid(absl::StrCat("text is ", text.size(), " bytes, over the limit of ",
                                options_.max_text_bytes,
                                " bytes (--max_text_bytes): split the document or raise the limit"));
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return Invalid(absl::StrCat("text is not valid UTF-8 (bad byte sequence at byte offset ", bad,
                                "): convert it to UTF-8 first"));
  }
  if (!IsValidUtf8(request->title(), &bad)) {
    return Invalid(absl::StrCat("title is not valid UTF-8 (bad byte sequence at byte offset ", bad, ")"));
  }
  if (!request->language().empty() && request->language() != "en") {
    return Invalid(absl::StrCat("only English (en) is supported; got language '", request->language(),
                                "' (leave it empty or set \"en\")"));
  }
  std::string why;
  if (request->has_published() && !ValidDate(request->published(), &why)) {
    return Invalid(absl::StrCat("published is not a valid date: ", why));
  }
  if (request->title().size() > options_.max_text_bytes) {
    return Invalid(absl::StrCat("title is ", request->title().size(), " bytes, over the limit of ",
                                options_.max_text_bytes, " bytes (--max_text_bytes)"));
  }
  AnnotateOptions options;
  options.published = FromProto(request->published());
  options.title = request->title();
  absl::StatusOr<Annotation> annotation = kb_->Annotate(text, options);
  if (!annotation.ok()) {
    spdlog::error("annotate {}: {}", request->document_id(), annotation.status().ToString());
    return ToGrpcStatus(annotation.status());
  }
  spdlog::debug("annotate {}: {} bytes, {} sentences, {} mentions, {} entities", request->document_id(),
                text.size(), annotation->sentences.size(), annotation->mentions.size(),
                annotation->entities.size());
  const CodePointIndex cps(text);
  for (const SentenceSpan& s : annotation->sentences) {
    common::v1::Span* span = response->add_sentences();
    span->set_begin(cps.ToCodePoint(s.begin));
    span->set_end(cps.ToCodePoint(s.end));
  }
  for (const AnnotatedMention& m : annotation->mentions) {
    common::v1::Mention* out = response->add_mentions();
    out->set_text(m.text);
    out->mutable_span()->set_begin(cps.ToCodePoint(m.begin));
    out->mutable_span()->set_end(cps.ToCodePoint(m.end));
    out->set_type(static_cast<common::v1::EntityType>(m.type));
    out->set_entity_id(m.entity_id);
    out->set_entity_name(m.entity_name);
    out->set_confidence(m.confidence);
    out->set_link_reason(static_cast<common::v1::LinkReason>(m.reason));
    if (m.type == EntityType::kDate) {
      ToProto(m.date, out->mutable_date());
      out->set_timex(m.timex);
    }
    out->set_sentence(m.sentence);
  }
  for (const AnnotatedEntity& e : annotation->entities) {
    common::v1::Entity* out = response->add_entities();
    out->set_id(e.id);
    out->set_name(e.name);
    out->set_type(static_cast<common::v1::EntityType>(e.type));
    out->set_kind(e.kind);
    out->set_provenance(e.provenance);
    for (const std::string& a : e.aliases) out->add_aliases(a);
    for (const KbRole& r : e.roles) RoleToProto(r, out->add_roles());
    for (const auto& [k, v] : e.attributes) (*out->mutable_attributes())[k] = v;
  }
  const std::vector<events::DocumentEvent> found = kb_->ExtractEvents(text, *annotation, options.published);
  for (const events::DocumentEvent& e : found) EventToProto(e, cps, text, request->document_id(), options.published,
                                                            response->add_events());
  return grpc::Status::OK;
}

grpc::Status EntityServiceImpl::GetEntity(grpc::ServerContext*, const v1::GetEntityRequest* request,
                                          common::v1::Entity* response) {
  if (request->entity_id().empty()) {
    return Invalid("entity_id is empty: pass an id such as \"country:CHN\" or \"person:jiang-zemin\"");
  }
  absl::StatusOr<KbEntity> e = kb_->GetEntity(request->entity_id());
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, response);
  return grpc::Status::OK;
}

grpc::Status EntityServiceImpl::ResolveName(grpc::ServerContext*, const v1::ResolveNameRequest* request,
                                            v1::ResolveNameResponse* response) {
  const std::string name = Trimmed(request->name());
  if (name.empty()) return Invalid("name is empty: pass the name as written, e.g. \"Jiang\" or \"SCO\"");
  if (name.size() > kMaxNameBytes) {
    return Invalid(absl::StrCat("name is ", name.size(), " bytes, over the limit of ", kMaxNameBytes));
  }
  if (!IsValidUtf8(name)) return Invalid("name is not valid UTF-8");
  if (!ValidType(request->type()))
    return Invalid("type is not a known EntityType (DATE is not an entity type)");
  if (request->limit() < 0) return Invalid("limit must not be negative (0 means the default of 10)");
  std::string why;
  if (request->has_as_of() && !ValidDate(request->as_of(), &why)) {
    return Invalid(absl::StrCat("as_of is not a valid date: ", why));
  }
  const int limit = ClampPageSize(request->limit(), 10, 100);
  absl::StatusOr<std::vector<NameCandidate>> candidates =
      kb_->ResolveName(name, static_cast<EntityType>(request->type()), FromProto(request->as_of()), limit);
  if (!candidates.ok()) return ToGrpcStatus(candidates.status());
  for (const NameCandidate& c : *candidates) {
    v1::Candidate* out = response->add_candidates();
    ToProto(c.entity, out->mutable_entity());
    out->set_score(c.score);
    out->set_reason(static_cast<common::v1::LinkReason>(c.reason));
    out->set_matched_alias(c.matched_alias);
  }
  return grpc::Status::OK;
}

grpc::Status EntityServiceImpl::SearchEntities(grpc::ServerContext*, const v1::SearchEntitiesRequest* request,
                                               v1::SearchEntitiesResponse* response) {
  const std::string prefix = Trimmed(request->prefix());
  if (prefix.empty()) return Invalid("prefix is empty: pass the first letters of a name, e.g. \"Shang\"");
  if (!IsValidUtf8(prefix)) return Invalid("prefix is not valid UTF-8");
  if (prefix.size() > kMaxNameBytes) return Invalid("prefix is too long");
  if (!ValidType(request->type()))
    return Invalid("type is not a known EntityType (DATE is not an entity type)");
  if (request->page_size() < 0) return Invalid("page_size must not be negative (0 means the default of 20)");
  const int page_size = ClampPageSize(request->page_size(), 20, 200);
  const uint64_t fingerprint = Fnv1a64(absl::StrCat(prefix, "\x1f", static_cast<int>(request->type())));
  absl::StatusOr<int64_t> offset = DecodePageToken(request->page_token(), "entity-search", fingerprint);
  if (!offset.ok()) return ToGrpcStatus(offset.status());
  absl::StatusOr<std::vector<KbEntity>> rows =
      kb_->Search(prefix, static_cast<EntityType>(request->type()), static_cast<int>(*offset), page_size + 1);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  const bool more = static_cast<int>(rows->size()) > page_size;
  for (int i = 0; i < static_cast<int>(rows->size()) && i < page_size; ++i) {
    ToProto((*rows)[i], response->add_entities());
  }
  if (more) response->set_next_page_token(EncodePageToken("entity-search", fingerprint, *offset + page_size));
  return grpc::Status::OK;
}

grpc::Status EntityServiceImpl::AddAlias(grpc::ServerContext*, const v1::AddAliasRequest* request,
                                         common::v1::Entity* response) {
  if (request->entity_id().empty()) return Invalid("entity_id is empty: pass the id of the entity to extend");
  const std::string alias = Trimmed(request->alias());
  if (alias.empty()) return Invalid("alias is empty: pass the name to add, e.g. \"Tadzhikistan\"");
  if (alias.size() > kMaxNameBytes) {
    return Invalid(absl::StrCat("alias is ", alias.size(), " bytes, over the limit of ", kMaxNameBytes));
  }
  if (!IsValidUtf8(alias)) return Invalid("alias is not valid UTF-8");
  for (char c : alias) {
    if (c == '\t' || c == '\n' || c == '\r') return Invalid("alias must be one line without tabs");
    if (c == '\0') return Invalid("alias contains a NUL character (U+0000)");
  }
  absl::StatusOr<KbEntity> e = kb_->AddAlias(request->entity_id(), alias);
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, response);
  return grpc::Status::OK;
}

grpc::Status EntityServiceImpl::MergeEntities(grpc::ServerContext*, const v1::MergeEntitiesRequest* request,
                                              common::v1::Entity* response) {
  if (request->target_id().empty())
    return Invalid("target_id is empty: pass the id of the entity that remains");
  if (request->source_ids().empty())
    return Invalid("source_ids is empty: pass the ids to merge into the target");
  std::vector<std::string> sources;
  for (const std::string& s : request->source_ids()) {
    if (s.empty()) return Invalid("source_ids contains an empty id");
    if (s == request->target_id()) {
      return Invalid(
          absl::StrCat("target_id ", s, " is among source_ids: an entity cannot be merged into itself"));
    }
    sources.push_back(s);
  }
  absl::StatusOr<KbEntity> e = kb_->Merge(request->target_id(), sources);
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, response);
  return grpc::Status::OK;
}

}  // namespace dossier::entity
