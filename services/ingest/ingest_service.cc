#include "services/ingest/ingest_service.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"
#include "libs/common/page_token.h"
#include "services/ingest/article_parser.h"
#include "services/ingest/document_proto.h"
#include "spdlog/spdlog.h"

namespace dossier::ingest {
namespace {

constexpr char kListScope[] = "ingest.ListDocuments";
constexpr size_t kMaxExternalIdBytes = 512;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

ContentType FromProto(ingest::v1::ContentType type) {
  return static_cast<ContentType>(static_cast<int>(type));
}

void FillResponse(const StoredDocument& doc, bool duplicate, ingest::v1::IngestResponse* response) {
  response->set_document_id(doc.id);
  response->set_duplicate(duplicate);
  response->set_state(ToProtoState(doc.state));
  response->set_title(doc.title);
  *response->mutable_published() = ToDateValue(doc.published);
  response->set_source(doc.source);
  if (doc.state == DocState::kFailed) response->set_error(doc.error);
}

absl::Status ValidateState(common::v1::DocumentState state) {
  if (!common::v1::DocumentState_IsValid(state)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "state ", static_cast<int>(state),
        " is not a DocumentState: use DOCUMENT_STATE_RECEIVED, _ANNOTATED, _INDEXED or _FAILED"));
  }
  return absl::OkStatus();
}

// When the call's deadline is unset gRPC reports a time far in the future.
bool HasDeadline(const grpc::ServerContext& context) {
  return context.deadline() < std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
}

}  // namespace

IngestServiceImpl::IngestServiceImpl(DocumentStore* store, Pipeline* pipeline, IngestServiceOptions options)
    : store_(store), pipeline_(pipeline), options_(std::move(options)) {}

absl::StatusOr<NewDocument> IngestServiceImpl::Prepare(const ingest::v1::IngestRequest& request) const {
  if (request.external_id().size() > kMaxExternalIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("external_id is ", request.external_id().size(),
                                                   " bytes; at most ", kMaxExternalIdBytes, " are allowed"));
  }
  if (!ingest::v1::ContentType_IsValid(request.content_type())) {
    return absl::InvalidArgumentError(
        "content_type is not a ContentType: use CONTENT_TYPE_TEXT, CONTENT_TYPE_HTML or leave it unset");
  }
  if (!request.body().empty() && !request.raw_body().empty()) {
    return absl::InvalidArgumentError("set either body or raw_body, not both");
  }
  // raw_body is bytes, so it can hold anything; BuildArticle checks UTF-8.
  const std::string& body = request.raw_body().empty() ? request.body() : request.raw_body();
  // U+0000 is valid UTF-8 but no article holds it, and PostgreSQL text
  // cannot store it: refuse it the same way on both backends.
  const std::pair<const char*, const std::string*> fields[] = {
      {"body", &body},          {"title", &request.title()},   {"url", &request.url()},
      {"source", &request.source()}, {"language", &request.language()}, {"external_id", &request.external_id()}};
  for (const auto& [name, value] : fields) {
    if (const size_t nul = value->find('\0'); nul != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(name, " contains a NUL character (U+0000) at byte ", nul,
                                                     "; remove it and send the document again"));
    }
  }
  ArticleRequest article_request;
  article_request.body = body;
  article_request.content_type = FromProto(request.content_type());
  article_request.url = request.url();
  article_request.source = request.source();
  article_request.published = request.published();
  article_request.language = request.language();
  article_request.title = request.title();
  absl::StatusOr<ParsedArticle> article = BuildArticle(article_request, options_.max_body_bytes);
  if (!article.ok()) return article.status();
  NewDocument doc;
  doc.external_id = request.external_id();
  doc.raw_body = body;
  doc.body = std::move(article->body);
  doc.title = std::move(article->title);
  doc.url = request.url();
  doc.source = std::move(article->source);
  doc.published = article->published;
  doc.language = std::move(article->language);
  return doc;
}

void IngestServiceImpl::LogStored(const InsertResult& result) const {
  const StoredDocument& doc = result.document;
  if (result.duplicate) {
    spdlog::info("document {} duplicate received; existing state={}", doc.id, DocStateName(doc.state));
    return;
  }
  spdlog::info("document {} state=received title=\"{}\" published={} source=\"{}\"", doc.id, doc.title,
               doc.published.known() ? doc.published.ToString() : "unknown", doc.source);
}

grpc::Status IngestServiceImpl::Ingest(grpc::ServerContext* context, const ingest::v1::IngestRequest* request,
                                       ingest::v1::IngestResponse* response) {
  absl::StatusOr<NewDocument> doc = Prepare(*request);
  if (!doc.ok()) return ToGrpcStatus(doc.status());
  absl::StatusOr<InsertResult> result = store_->Insert(*doc, absl::ToUnixMillis(absl::Now()));
  if (!result.ok()) {
    spdlog::error("cannot store a document: {}", std::string(result.status().message()));
    return ToGrpcStatus(result.status());
  }
  LogStored(*result);
  if (!result->duplicate) pipeline_->Notify();

  StoredDocument stored = std::move(result->document);
  if (request->wait_for_indexing() && stored.state != DocState::kIndexed &&
      stored.state != DocState::kFailed) {
    const absl::Time deadline = HasDeadline(*context)
                                    ? absl::FromChrono(context->deadline()) - options_.deadline_margin
                                    : absl::Now() + options_.default_wait;
    absl::StatusOr<DocState> state = pipeline_->WaitForState(stored.id, deadline);
    if (state.ok()) {
      absl::StatusOr<StoredDocument> latest = store_->Get(stored.id);
      if (latest.ok()) stored = std::move(*latest);
    }
  }
  FillResponse(stored, result->duplicate, response);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::IngestStream(grpc::ServerContext* context,
                                             grpc::ServerReader<ingest::v1::IngestRequest>* reader,
                                             ingest::v1::IngestStreamResponse* response) {
  (void)context;
  std::vector<NewDocument> batch;
  std::vector<int> batch_results;  // index into response->results() of each batch document
  bool stored_any = false;

  const auto flush = [&]() {
    if (batch.empty()) return;
    absl::StatusOr<std::vector<InsertResult>> results =
        store_->InsertBatch(batch, absl::ToUnixMillis(absl::Now()));
    for (size_t i = 0; i < batch.size(); ++i) {
      ingest::v1::IngestResult* out = response->mutable_results(batch_results[i]);
      if (!results.ok()) {
        out->set_code(static_cast<int>(results.status().code()));
        out->set_message(std::string(results.status().message()));
        continue;
      }
      const InsertResult& result = (*results)[i];
      LogStored(result);
      stored_any |= !result.duplicate;
      FillResponse(result.document, result.duplicate, out->mutable_response());
    }
    if (!results.ok())
      spdlog::error("cannot store a batch of documents: {}", std::string(results.status().message()));
    batch.clear();
    batch_results.clear();
  };

  ingest::v1::IngestRequest request;
  int index = 0;
  while (reader->Read(&request)) {
    ingest::v1::IngestResult* result = response->add_results();
    result->set_index(index++);
    absl::StatusOr<NewDocument> doc = Prepare(request);
    if (!doc.ok()) {
      result->set_code(static_cast<int>(doc.status().code()));
      result->set_message(std::string(doc.status().message()));
      continue;
    }
    batch.push_back(std::move(*doc));
    batch_results.push_back(response->results_size() - 1);
    if (static_cast<int>(batch.size()) >= std::max(1, options_.stream_batch_size)) flush();
  }
  flush();
  if (stored_any) pipeline_->Notify();

  int accepted = 0, duplicates = 0, rejected = 0;
  for (const ingest::v1::IngestResult& result : response->results()) {
    if (result.code() != 0) {
      ++rejected;
    } else if (result.response().duplicate()) {
      ++duplicates;
    } else {
      ++accepted;
    }
  }
  response->set_accepted(accepted);
  response->set_duplicates(duplicates);
  response->set_rejected(rejected);
  spdlog::info("ingest stream: {} documents, {} accepted, {} duplicates, {} rejected",
               response->results_size(), accepted, duplicates, rejected);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::GetDocument(grpc::ServerContext* context,
                                            const ingest::v1::GetDocumentRequest* request,
                                            common::v1::Document* response) {
  (void)context;
  if (request->document_id().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("document_id is required, e.g. \"d-5f0c2a9e7b1d4c33\""));
  }
  absl::StatusOr<StoredDocument> doc = store_->Get(request->document_id());
  if (!doc.ok()) return ToGrpcStatus(doc.status());
  *response = ToProtoDocument(*doc, /*full=*/true);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::ListDocuments(grpc::ServerContext* context,
                                              const ingest::v1::ListDocumentsRequest* request,
                                              ingest::v1::ListDocumentsResponse* response) {
  (void)context;
  if (request->page_size() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("page_size ", request->page_size(), " is negative; use 1-", kMaxPageSize,
                     " or 0 for the default of ", kDefaultPageSize)));
  }
  if (absl::Status st = ValidateState(request->state()); !st.ok()) return ToGrpcStatus(st);
  const int page_size = ClampPageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  const uint64_t fingerprint = static_cast<uint64_t>(request->state());
  absl::StatusOr<int64_t> cursor = DecodePageToken(request->page_token(), kListScope, fingerprint);
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  std::optional<DocState> state;
  if (request->state() != common::v1::DOCUMENT_STATE_UNSPECIFIED) {
    state = static_cast<DocState>(static_cast<int>(request->state()));
  }
  absl::StatusOr<ListResult> list = store_->List(state, *cursor, page_size);
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const StoredDocument& doc : list->documents) *response->add_documents() = ToProtoDocument(doc, false);
  if (list->next_cursor > 0) {
    response->set_next_page_token(EncodePageToken(kListScope, fingerprint, list->next_cursor));
  }
  response->set_total_size(static_cast<int32_t>(list->total));
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::Reprocess(grpc::ServerContext* context,
                                          const ingest::v1::ReprocessRequest* request,
                                          ingest::v1::ReprocessResponse* response) {
  (void)context;
  if (absl::Status st = ValidateState(request->state()); !st.ok()) return ToGrpcStatus(st);
  const int selectors = (request->document_ids_size() > 0 ? 1 : 0) + (request->all() ? 1 : 0) +
                        (request->state() != common::v1::DOCUMENT_STATE_UNSPECIFIED ? 1 : 0);
  if (selectors == 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "say what to reprocess: set document_ids, all, or state (e.g. DOCUMENT_STATE_FAILED)"));
  }
  if (selectors > 1) {
    return ToGrpcStatus(absl::InvalidArgumentError("set only one of document_ids, all and state"));
  }
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  absl::StatusOr<int> queued;
  std::string what;
  if (request->document_ids_size() > 0) {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const std::string& id : request->document_ids()) {
      if (id.empty()) return ToGrpcStatus(absl::InvalidArgumentError("document_ids contains an empty id"));
      if (seen.insert(id).second) ids.push_back(id);
    }
    queued = store_->RequeueIds(ids, now_ms);
    what = absl::StrCat(ids.size(), " ids");
  } else if (request->all()) {
    queued = store_->RequeueAll(now_ms);
    what = "all";
  } else {
    const DocState state = static_cast<DocState>(static_cast<int>(request->state()));
    queued = store_->RequeueState(state, now_ms);
    what = absl::StrCat("state=", DocStateName(state));
  }
  if (!queued.ok()) return ToGrpcStatus(queued.status());
  spdlog::info("reprocess ({}): {} documents back to state=received", what, *queued);
  pipeline_->Notify();
  response->set_queued(*queued);
  return grpc::Status::OK;
}

}  // namespace dossier::ingest
