#include "clients/cli/render.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/format.h"

namespace dossier::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kDash[] = "\xE2\x80\x94";  // U+2014 —

// "key   value" lines with the values aligned and wrapped; empty values are
// left out.
std::string RenderFields(const Fields& fields, int width) {
  int key_width = 0;
  for (const auto& [key, value] : fields) {
    if (!value.empty()) key_width = std::max(key_width, DisplayWidth(key));
  }
  std::string out;
  const std::string indent(key_width + 2, ' ');
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    std::vector<std::string> lines = WrapText(OneLine(value), std::max(20, width - key_width - 2));
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i == 0) {
        out += key + std::string(key_width - DisplayWidth(key) + 2, ' ');
      } else {
        out += indent;
      }
      out += lines[i] + "\n";
    }
  }
  return out;
}

std::string Confidence(float value) { return absl::StrFormat("%.2f", value); }

std::string TypeName(common::v1::EntityType type) {
  return type == common::v1::ENTITY_TYPE_UNSPECIFIED ? "" : ShortEnumName(type);
}

std::string ReasonName(common::v1::LinkReason reason) {
  return reason == common::v1::LINK_REASON_UNSPECIFIED ? "" : ShortEnumName(reason);
}

bool IsEmptyDate(const common::v1::DateValue& d) { return d.year() == 0 && d.month() == 0 && d.day() == 0; }

// Indents every line of `block` by `indent` spaces.
std::string Indent(const std::string& block, int indent) {
  std::string out;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find('\n', start);
    if (end == std::string::npos) end = block.size();
    out += std::string(indent, ' ') + block.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string NextPageHint(const std::string& token) {
  return token.empty() ? "" : absl::StrCat("Next page: --page_token=", token, "\n");
}

std::string RenderMentions(const google::protobuf::RepeatedPtrField<common::v1::Mention>& mentions, int width) {
  std::string out = absl::StrCat("Mentions (", mentions.size(), "):\n");
  Table table({"TEXT", "TYPE", "ENTITY", "REASON", "CONFIDENCE"});
  table.SetFixed(2);
  table.SetRightAligned(4);
  for (const auto& m : mentions) {
    std::string entity = m.entity_id();
    if (m.type() == common::v1::ENTITY_TYPE_DATE) {
      entity = !m.timex().empty() ? m.timex() : IsEmptyDate(m.date()) ? "" : FormatDate(m.date());
    }
    table.AddRow({m.text(), TypeName(m.type()), entity, ReasonName(m.link_reason()), Confidence(m.confidence())});
  }
  return out + table.Render(width);
}

std::string RenderDocument(const common::v1::Document& document, const DocumentView& view) {
  std::string out;
  out += OneLine(document.title().empty() ? "(untitled)" : document.title()) + "\n";
  std::string state = ShortEnumName(document.state());
  if (document.state() == common::v1::DOCUMENT_STATE_UNSPECIFIED && view.origin == "query") state = "indexed";
  if (!view.origin.empty()) state += absl::StrCat(" (as stored by the ", view.origin, " service)");
  out += RenderFields({{"id", document.id()},
                       {"external id", document.external_id()},
                       {"published", FormatDate(document.published())},
                       {"source", document.source()},
                       {"url", document.url()},
                       {"language", document.language()},
                       {"state", state},
                       {"error", document.error()},
                       {"received", document.received_time()}},
                      view.width);
  out += "\n";
  if (document.body().empty()) {
    out += "(no body)\n";
  } else {
    std::vector<std::string> lines = WrapText(document.body(), view.width);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    size_t shown = view.full ? lines.size() : std::min<size_t>(lines.size(), kBodyPreviewLines);
    for (size_t i = 0; i < shown; ++i) out += lines[i] + "\n";
    if (shown < lines.size()) {
      out +=
          absl::StrCat("\xE2\x80\xA6 ", lines.size() - shown, " more lines (--full shows the whole body)\n");
    }
  }
  if (document.mentions_size() > 0) {
    out += "\n" + RenderMentions(document.mentions(), view.width);
  } else if (document.state() != common::v1::DOCUMENT_STATE_RECEIVED) {
    out += "\nNo mentions.\n";
  }
  if (document.events_size() > 0) {
    out += absl::StrCat("\nEvents (", document.events_size(), "):\n");
    Table table({"DATE", "SOURCE", "CAMEO", "EVENT", "TARGET"});
    table.SetFixed(1);
    table.SetFixed(4);
    for (const auto& e : document.events()) {
      table.AddRow(
          {FormatDate(e.date()), e.source_entity_id(), e.cameo_code(), e.label(), e.target_entity_id()});
    }
    out += table.Render(view.width);
  }
  return out;
}

std::string RenderDocumentList(const ingest::v1::ListDocumentsResponse& response, int width) {
  if (response.documents().empty()) return "No documents.\n";
  // Only failures: documents still in the pipeline may carry the last
  // retry's error, which `dossier doc` shows.
  auto failed = [](const common::v1::Document& d) { return d.state() == common::v1::DOCUMENT_STATE_FAILED; };
  bool any_error = std::any_of(response.documents().begin(), response.documents().end(), failed);
  std::vector<std::string> headers = {"ID", "STATE", "PUBLISHED", "TITLE"};
  if (any_error) headers.push_back("ERROR");
  Table table(headers);
  table.SetFixed(0);
  for (const auto& d : response.documents()) {
    table.AddRow(
        {d.id(), ShortEnumName(d.state()), FormatDate(d.published()), d.title(), failed(d) ? d.error() : ""});
  }
  std::string out = table.Render(width);
  out +=
      absl::StrCat("\nShowing ", response.documents_size(), " of ", response.total_size(), " documents.\n");
  out += NextPageHint(response.next_page_token());
  return out;
}

std::string RenderSearchHits(const query::v1::SearchResponse& response, int width, bool bold) {
  if (response.hits().empty()) return "No documents match.\n";
  std::string out;
  constexpr int kIndent = 12;
  for (const auto& hit : response.hits()) {
    std::string head = absl::StrCat(FormatDate(hit.published()), "  ", hit.document_id(), "  ");
    std::string title = OneLine(hit.title().empty() ? "(untitled)" : hit.title());
    if (!hit.source().empty()) title += absl::StrCat(" ", kDash, " ", OneLine(hit.source()));
    out += head + TruncateToWidth(title, std::max(10, width - DisplayWidth(head))) + "\n";
    for (const std::string& line : WrapText(OneLine(hit.snippet()), std::max(20, width - kIndent))) {
      if (!line.empty()) out += std::string(kIndent, ' ') + HighlightSnippet(line, bold) + "\n";
    }
  }
  if (bold) out += "\033[0m";  // in case a [ was not closed
  out += absl::StrCat("\nShowing ", response.hits_size(), " of ", response.total_size(),
                      " matching documents.\n");
  out += NextPageHint(response.next_page_token());
  return out;
}

namespace {

// Related entities, as in a profile and in `dossier related`: the name first
// and the id last; when the table is too wide, long names and ids (those of
// extracted treaties, say) share the room and the counts stay whole.
std::string RelatedTable(const google::protobuf::RepeatedPtrField<query::v1::RelatedEntity>& related,
                         int width) {
  Table table({"NAME", "TYPE", "DOCS", "SENTENCES", "ID"});
  table.SetFixed(1);
  table.SetFixed(2);
  table.SetFixed(3);
  table.SetRightAligned(2);
  table.SetRightAligned(3);
  for (const auto& r : related) {
    table.AddRow({r.name(), TypeName(r.type()), absl::StrCat(r.document_count()),
                  absl::StrCat(r.sentence_count()), r.entity_id()});
  }
  return table.Render(width);
}

}  // namespace

std::string RenderEntityDetails(const common::v1::Entity* kb, const query::v1::EntityProfile* profile,
                                int width) {
  std::string id = kb ? kb->id() : profile->entity_id();
  std::string name = kb && !kb->name().empty() ? kb->name() : profile ? profile->name() : "";
  common::v1::EntityType type = kb ? kb->type() : profile->type();
  std::string out = absl::StrCat(OneLine(name.empty() ? id : name), " (", id, ")\n");
  std::string type_text = TypeName(type);
  if (kb && !kb->kind().empty() && kb->kind() != type_text) type_text += absl::StrCat(", ", kb->kind());

  Fields fields = {{"type", type_text}};
  if (profile) {
    fields.push_back({"mentions", absl::StrCat(profile->mention_count(), " in ", profile->document_count(),
                                               profile->document_count() == 1 ? " document" : " documents")});
    if (!IsEmptyDate(profile->first_seen()) || !IsEmptyDate(profile->last_seen())) {
      fields.push_back({"seen", absl::StrCat(FormatDate(profile->first_seen()), " to ",
                                             FormatDate(profile->last_seen()))});
    }
    fields.push_back({"named as", absl::StrJoin(profile->aliases(), ", ")});
  } else {
    fields.push_back({"mentions", "none in indexed documents"});
  }
  if (kb) {
    fields.push_back({"aliases", absl::StrJoin(kb->aliases(), ", ")});
    std::map<std::string, std::string> attributes(kb->attributes().begin(), kb->attributes().end());
    fields.push_back({"attributes", absl::StrJoin(attributes, ", ", absl::PairFormatter("="))});
    fields.push_back({"provenance", kb->provenance()});
  } else {
    fields.push_back({"knowledge base", "no entry"});
  }
  out += RenderFields(fields, width);

  if (kb && kb->roles_size() > 0) {
    out += "\nRoles:\n";
    Table table({"CODE", "LABEL", "FROM", "TO"});
    for (const auto& role : kb->roles()) {
      table.AddRow({role.code(), role.label(), IsEmptyDate(role.start()) ? "-" : FormatDate(role.start()),
                    IsEmptyDate(role.end()) ? "present" : FormatDate(role.end())});
    }
    out += Indent(table.Render(width - 2), 2);
  }
  if (profile && profile->related_size() > 0) {
    out += "\nOften mentioned with:\n";
    out += Indent(RelatedTable(profile->related(), width - 2), 2);
  }
  return out;
}

std::string RenderCandidates(const entity::v1::ResolveNameResponse& response, int width) {
  if (response.candidates().empty()) return "No candidates.\n";
  Table table({"#", "ID", "NAME", "TYPE", "SCORE", "REASON", "MATCHED"});
  table.SetFixed(1);
  table.SetRightAligned(0);
  table.SetRightAligned(4);
  int rank = 0;
  for (const auto& c : response.candidates()) {
    table.AddRow({absl::StrCat(++rank), c.entity().id(), c.entity().name(), TypeName(c.entity().type()),
                  Confidence(c.score()), ReasonName(c.reason()), c.matched_alias()});
  }
  return table.Render(width);
}

std::string RenderEntityList(const entity::v1::SearchEntitiesResponse& response, int width) {
  if (response.entities().empty()) return "No entities match.\n";
  Table table({"ID", "NAME", "TYPE", "KIND", "ALIASES"});
  table.SetFixed(0);
  for (const auto& e : response.entities()) {
    table.AddRow({e.id(), e.name(), TypeName(e.type()), e.kind(), absl::StrJoin(e.aliases(), ", ")});
  }
  return table.Render(width) + NextPageHint(response.next_page_token());
}

std::string RenderRelated(const query::v1::RelatedResponse& response, int width) {
  if (response.related().empty()) return "No related entities.\n";
  return RelatedTable(response.related(), width) + NextPageHint(response.next_page_token());
}

std::string RenderTimeline(const query::v1::TimelineResponse& response, int width) {
  if (response.items().empty() && response.undated().empty()) return "Nothing found.\n";
  constexpr int kDateColumn = 13;  // "2001-09-18*" and two spaces
  const int text_width = std::max(20, width - kDateColumn);
  auto item_text = [](const query::v1::TimelineItem& item) {
    std::string title = OneLine(item.title().empty() ? "(untitled)" : item.title());
    return absl::StrCat(title, " ", kDash, " ", OneLine(item.text()));
  };
  std::string out;
  std::string previous_date;
  bool any_publication_date = false;
  for (const auto& item : response.items()) {
    std::string date = FormatDate(item.date());
    if (!item.date_from_text()) {
      date += "*";
      any_publication_date = true;
    }
    std::string label = date == previous_date ? "" : date;
    previous_date = date;
    std::vector<std::string> lines = WrapText(item_text(item), text_width);
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string prefix = i == 0 ? label : "";
      out += prefix + std::string(kDateColumn - DisplayWidth(prefix), ' ') + lines[i] + "\n";
    }
  }
  if (!response.undated().empty()) {
    if (!out.empty()) out += "\n";
    out += "Undated:\n";
    for (const auto& item : response.undated()) {
      std::vector<std::string> lines = WrapText(item_text(item), std::max(20, width - 2));
      for (const auto& line : lines) out += "  " + line + "\n";
    }
  }
  if (any_publication_date) out += "\n* the publication date: the sentence names no date of its own\n";
  out += NextPageHint(response.next_page_token());
  return out;
}

std::string RenderEntitySummary(const common::v1::Entity& entity, int width) {
  std::string out = absl::StrCat(OneLine(entity.name()), " (", entity.id(), ")\n");
  out += RenderFields({{"type", TypeName(entity.type())}, {"aliases", absl::StrJoin(entity.aliases(), ", ")}},
                      width);
  return out;
}

}  // namespace dossier::cli
