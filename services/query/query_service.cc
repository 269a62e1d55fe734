#include "services/query/query_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "libs/common/grpc_status.h"
#include "spdlog/spdlog.h"

namespace dossier::query {
namespace {

PartialDate FromProto(const common::v1::DateValue& date) {
  return PartialDate{date.year(), date.month(), date.day()};
}

void ToProto(const PartialDate& date, common::v1::DateValue* out) {
  out->set_year(date.year);
  out->set_month(date.month);
  out->set_day(date.day);
}

void ToProto(const RelatedEntity& related, v1::RelatedEntity* out) {
  out->set_entity_id(related.entity_id);
  out->set_name(related.name);
  out->set_type(related.type);
  out->set_document_count(related.document_count);
  out->set_sentence_count(related.sentence_count);
  out->set_pmi(related.pmi);
  out->set_score(related.score);
  out->set_events_as_source(related.events_as_source);
  out->set_events_as_target(related.events_as_target);
}

void ToProto(const TimelineItem& item, const std::vector<std::string>& entity_ids, v1::TimelineItem* out) {
  ToProto(item.date, out->mutable_date());
  out->set_date_from_text(item.date_from_text);
  out->set_document_id(item.document_id);
  out->set_title(item.title);
  out->set_text(item.text);
  for (const std::string& id : entity_ids) out->add_entity_ids(id);
  if (item.event) *out->mutable_event() = *item.event;
}

EventQuery FromProto(const v1::ListEventsRequest& request) {
  EventQuery query;
  query.actor = request.actor();
  query.side = request.side();
  query.other_actor = request.other_actor();
  query.cameo_prefix = request.cameo_prefix();
  query.quad_class = request.quad_class();
  query.date_from = FromProto(request.date_from());
  query.date_to = FromProto(request.date_to());
  query.document_id = request.document_id();
  query.page_size = request.page_size();
  query.page_token = request.page_token();
  return query;
}

}  // namespace

grpc::Status QueryServiceImpl::Index(grpc::ServerContext*, const v1::IndexRequest* request,
                                     v1::IndexResponse* response) {
  if (!request->has_document()) {
    return ToGrpcStatus(absl::InvalidArgumentError("document is required: IndexRequest.document is unset"));
  }
  absl::StatusOr<IndexResult> result = store_->Index(request->document());
  if (!result.ok()) {
    spdlog::warn("index of document '{}' failed: {}", request->document().id(), result.status().ToString());
    return ToGrpcStatus(result.status());
  }
  spdlog::info("indexed {} ({}, {} mentions, {} entities)", request->document().id(),
               result->created ? "created" : "replaced", result->mention_count, result->entity_count);
  response->set_document_id(request->document().id());
  response->set_created(result->created);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::Search(grpc::ServerContext*, const v1::SearchRequest* request,
                                      v1::SearchResponse* response) {
  SearchQuery query;
  query.text = request->query();
  query.entity_ids.assign(request->entity_ids().begin(), request->entity_ids().end());
  for (int type : request->entity_types()) query.entity_types.push_back(static_cast<EntityType>(type));
  query.date_from = FromProto(request->date_from());
  query.date_to = FromProto(request->date_to());
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.sort = static_cast<SearchSort>(request->sort());
  query.sources.assign(request->sources().begin(), request->sources().end());
  for (int field : request->facets()) query.facets.push_back(static_cast<FacetField>(field));
  query.facet_limit = request->facet_limit();
  absl::StatusOr<SearchPage> page = store_->Search(query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Facet& facet : page->facets) {
    v1::Facet* out = response->add_facets();
    out->set_field(static_cast<v1::FacetField>(facet.field));
    for (const FacetValue& value : facet.values) {
      v1::FacetValue* v = out->add_values();
      v->set_value(value.value);
      v->set_label(value.label);
      v->set_count(value.count);
    }
  }
  for (const SearchHit& hit : page->hits) {
    v1::SearchHit* out = response->add_hits();
    out->set_document_id(hit.document_id);
    out->set_title(hit.title);
    ToProto(hit.published, out->mutable_published());
    out->set_source(hit.source);
    out->set_snippet(hit.snippet);
    out->set_score(hit.score);
  }
  response->set_total_size(page->total_size);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetEntityProfile(grpc::ServerContext*,
                                                const v1::GetEntityProfileRequest* request,
                                                v1::EntityProfile* response) {
  absl::StatusOr<EntityProfile> profile =
      store_->GetEntityProfile(request->entity_id(), request->related_limit());
  if (!profile.ok()) return ToGrpcStatus(profile.status());
  response->set_entity_id(profile->entity_id);
  response->set_name(profile->name);
  response->set_type(profile->type);
  for (const std::string& alias : profile->aliases) response->add_aliases(alias);
  response->set_mention_count(profile->mention_count);
  response->set_document_count(profile->document_count);
  if (!profile->first_seen.empty()) ToProto(profile->first_seen, response->mutable_first_seen());
  if (!profile->last_seen.empty()) ToProto(profile->last_seen, response->mutable_last_seen());
  for (const RelatedEntity& related : profile->related) ToProto(related, response->add_related());
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::Related(grpc::ServerContext*, const v1::RelatedRequest* request,
                                       v1::RelatedResponse* response) {
  RelatedQuery query;
  query.entity_id = request->entity_id();
  query.type = request->type();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.order = static_cast<RelatedOrder>(request->order());
  query.min_documents = request->min_documents();
  absl::StatusOr<RelatedPage> page = store_->Related(query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const RelatedEntity& related : page->related) ToProto(related, response->add_related());
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::Timeline(grpc::ServerContext*, const v1::TimelineRequest* request,
                                        v1::TimelineResponse* response) {
  TimelineQuery query;
  query.entity_ids.assign(request->entity_ids().begin(), request->entity_ids().end());
  query.date_from = FromProto(request->date_from());
  query.date_to = FromProto(request->date_to());
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.kind = static_cast<TimelineKind>(request->kind());
  absl::StatusOr<TimelinePage> page = store_->Timeline(query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  std::vector<std::string> entity_ids;
  for (const std::string& id : query.entity_ids) {
    if (std::find(entity_ids.begin(), entity_ids.end(), id) == entity_ids.end()) entity_ids.push_back(id);
  }
  for (const TimelineItem& item : page->items) ToProto(item, entity_ids, response->add_items());
  for (const TimelineItem& item : page->undated) ToProto(item, entity_ids, response->add_undated());
  for (const TimelineDay& day : page->days) {
    v1::TimelineDay* out = response->add_days();
    ToProto(day.date, out->mutable_date());
    for (int i = day.begin; i < day.end; ++i) *out->add_items() = response->items(i);
  }
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetDocument(grpc::ServerContext*, const v1::GetDocumentRequest* request,
                                           common::v1::Document* response) {
  absl::StatusOr<common::v1::Document> document = store_->GetDocument(request->document_id());
  if (!document.ok()) return ToGrpcStatus(document.status());
  *response = std::move(*document);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListEvents(grpc::ServerContext*, const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  absl::StatusOr<EventPage> page = store_->ListEvents(FromProto(*request));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (common::v1::Event& event : page->events) *response->add_events() = std::move(event);
  response->set_total_size(page->total_size);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ExportEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                                            grpc::ServerWriter<common::v1::Event>* writer) {
  absl::Status status = store_->ExportEvents(FromProto(*request), [&](const common::v1::Event& event) {
    // A failed write means the client is gone.
    return !context->IsCancelled() && writer->Write(event);
  });
  if (!status.ok() && status.code() != absl::StatusCode::kCancelled) {
    spdlog::warn("event export failed: {}", status.ToString());
  }
  return ToGrpcStatus(status);
}

}  // namespace dossier::query
