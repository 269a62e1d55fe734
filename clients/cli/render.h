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
// How many events `dossier doc` lists without --full.
inline constexpr int kEventPreviewRows = 10;

struct DocumentView {
  int width = 100;
  // The whole body and every event instead of the first kBodyPreviewLines
  // lines and kEventPreviewRows events.
  bool full = false;
  // Which service the document came from: "query" or "ingest".
  std::string origin;
};

// Header fields, body (wrapped), mentions table and events ("Events (N):",
// date, source, code and label, target; the first kEventPreviewRows unless
// `full`, then how many more and `dossier events --doc ID`).
std::string RenderDocument(const common::v1::Document& document, const DocumentView& view);

// "Mentions (N):" and a table: text, type, entity (or the date's value),
// why it was linked, confidence.
std::string RenderMentions(const google::protobuf::RepeatedPtrField<common::v1::Mention>& mentions,
                           int width);

// ID, STATE, PUBLISHED, TITLE (and ERROR when a document failed); a count
// line and the next page hint.
std::string RenderDocumentList(const ingest::v1::ListDocumentsResponse& response, int width);

// Each hit as "DATE  ID  TITLE" and its snippet indented below (matched words
// in bold when `bold`, else in [brackets]); a count line and the next page
// hint; then the facets, if any (RenderFacets).
std::string RenderSearchHits(const query::v1::SearchResponse& response, int width, bool bold);

// Facets as compact blocks, one per facet: "Entities:  Jiang Zemin (12) ·
// Vladimir Putin (9) · …", wrapped under the first value; entity types in
// short form (person), other values by their label. "" when there are none.
std::string RenderFacets(const google::protobuf::RepeatedPtrField<query::v1::Facet>& facets, int width);

// Events of ListEvents as a table (date, source and target with their actor
// codes, CAMEO code and label, mentions), each row followed by its evidence
// sentence, indented and cut to the width; a '*' after dates taken from the
// publication date; then "Showing N of T events." (or "N events." when
// `all`, the whole export) and the next page hint.
std::string RenderEvents(const query::v1::ListEventsResponse& response, int width, bool all = false);

// An entity as the knowledge base (`kb`) and the indexed documents
// (`profile`) know it; either may be null, not both.
std::string RenderEntityDetails(const common::v1::Entity* kb, const query::v1::EntityProfile* profile,
                                int width);

// Candidates of ResolveName, best first.
std::string RenderCandidates(const entity::v1::ResolveNameResponse& response, int width);

// Entities of SearchEntities and the next page hint.
std::string RenderEntityList(const entity::v1::SearchEntitiesResponse& response, int width);

// Related entities (name, type, shared documents and sentences, PMI, score,
// events from and to the entity asked about, id) and the next page hint.
std::string RenderRelated(const query::v1::RelatedResponse& response, int width);

// Dated items grouped by day (the response's `days`, or `items` grouped by
// equal dates when it has none): the date printed once per group in a left
// column, a '*' after dates taken from the publication date; in each day the
// events first ("Source [041 Discuss by telephone] Target (3 mentions)"),
// then the sentences ("title — sentence"). Then an "Undated:" section, then
// the next page hint.
std::string RenderTimeline(const query::v1::TimelineResponse& response, int width);

// One entity in a few lines: name, id, type, aliases (after kb alias/merge).
std::string RenderEntitySummary(const common::v1::Entity& entity, int width);

// "Next page: --page_token=T\n", or "" when `token` is empty.
std::string NextPageHint(const std::string& token);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_RENDER_H_
