#ifndef DOSSIER_CLIENTS_CLI_RENDER_H_
#define DOSSIER_CLIENTS_CLI_RENDER_H_

// Human-readable renderings of the services' answers, as the CLI prints
// them. Pure functions of the messages and the output width; every line
// ends in "\n".

#include <string>

#include "dossier/common/v1/common.pb.h"
#include "dossier/entity/v1/entity.pb.h"
#include "dossier/ingest/v1/ingest.pb.h"
#include "dossier/query/v1/query.pb.h"

namespace dossier::cli {

// How many wrapped body lines `dossier doc` shows without --full.
inline constexpr int kBodyPreviewLines = 20;

struct DocumentView {
  int width = 100;
  // The whole body instead of the first kBodyPreviewLines lines.
  bool full = false;
  // Which service the document came from: "query" or "ingest".
  std::string origin;
};

// Header fields, body (wrapped), mentions table and events table.
std::string RenderDocument(const common::v1::Document& document, const DocumentView& view);

// "Mentions (N):" and a table: text, type, entity (or the date's value),
// why it was linked, confidence.
std::string RenderMentions(const google::protobuf::RepeatedPtrField<common::v1::Mention>& mentions, int width);

// ID, STATE, PUBLISHED, TITLE (and ERROR when a document failed); a count
// line and the next page hint.
std::string RenderDocumentList(const ingest::v1::ListDocumentsResponse& response, int width);

// Each hit as "DATE  ID  TITLE" and its snippet indented below (matched words
// in bold when `bold`, else in [brackets]); a count line and the next page hint.
std::string RenderSearchHits(const query::v1::SearchResponse& response, int width, bool bold);

// An entity as the knowledge base (`kb`) and the indexed documents
// (`profile`) know it; either may be null, not both.
std::string RenderEntityDetails(const common::v1::Entity* kb, const query::v1::EntityProfile* profile,
                                int width);

// Candidates of ResolveName, best first.
std::string RenderCandidates(const entity::v1::ResolveNameResponse& response, int width);

// Entities of SearchEntities and the next page hint.
std::string RenderEntityList(const entity::v1::SearchEntitiesResponse& response, int width);

// Related entities and the next page hint.
std::string RenderRelated(const query::v1::RelatedResponse& response, int width);

// Dated items grouped by date ("YYYY-MM-DD  title — sentence", the date
// printed once per group, a '*' after dates taken from the publication
// date), then an "Undated:" section, then the next page hint.
std::string RenderTimeline(const query::v1::TimelineResponse& response, int width);

// One entity in a few lines: name, id, type, aliases (after kb alias/merge).
std::string RenderEntitySummary(const common::v1::Entity& entity, int width);

// "Next page: --page_token=T\n", or "" when `token` is empty.
std::string NextPageHint(const std::string& token);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_RENDER_H_
