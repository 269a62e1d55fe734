#include "clients/cli/render.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/events.h"
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

// The event's date is its document's publication date, not one its text names.
bool FromPublication(const common::v1::Event& e) { return !e.date_from_text() && !IsEmptyDate(e.date()); }

constexpr char kPublicationDateNote[] = "* the publication date: the sentence names no date of its own";

// "2001-09-18", with a '*' when the date is the publication date.
std::string EventDate(const common::v1::Event& e) {
  return FormatDate(e.date()) + (FromPublication(e) ? "*" : "");
}

// "041 Discuss by telephone".
std::string EventAction(const common::v1::Event& e) {
  if (e.label().empty()) return e.cameo_code();
  return absl::StrCat(e.cameo_code(), " ", e.label());
}

// An actor by name alone (its id when nameless).
std::string ActorName(const common::v1::Actor& actor, const std::string& fallback_id) {
  if (!actor.name().empty()) return actor.name();
  if (!actor.entity_id().empty()) return actor.entity_id();
  return fallback_id.empty() ? "?" : fallback_id;
}

}  // namespace

std::string NextPageHint(const std::string& token) {
  return token.empty() ? "" : absl::StrCat("Next page: --page_token=", token, "\n");
}

std::string RenderMentions(const google::protobuf::RepeatedPtrField<common::v1::Mention>& mentions,
                           int width) {
  std::string out = absl::StrCat("Mentions (", mentions.size(), "):\n");
  Table table({"TEXT", "TYPE", "ENTITY", "REASON", "CONFIDENCE"});
  table.SetFixed(2);
  table.SetRightAligned(4);
  for (const auto& m : mentions) {
    std::string entity = m.entity_id();
    if (m.type() == common::v1::ENTITY_TYPE_DATE) {
      entity = !m.timex().empty() ? m.timex() : IsEmptyDate(m.date()) ? "" : FormatDate(m.date());
    }
    table.AddRow(
        {m.text(), TypeName(m.type()), entity, ReasonName(m.link_reason()), Confidence(m.confidence())});
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
    Table table({"DATE", "SOURCE", "EVENT", "TARGET"});
    const int shown =
        view.full ? document.events_size() : std::min(document.events_size(), kEventPreviewRows);
    for (int i = 0; i < shown; ++i) {
      const common::v1::Event& e = document.events(i);
      table.AddRow({EventDate(e), ActorLabel(e.source(), e.source_entity_id()), EventAction(e),
                    ActorLabel(e.target(), e.target_entity_id())});
    }
    out += table.Render(view.width);
    if (std::any_of(document.events().begin(), document.events().begin() + shown, FromPublication)) {
      out += std::string(kPublicationDateNote) + "\n";
    }
    if (shown < document.events_size()) {
      out +=
          absl::StrCat("\xE2\x80\xA6 ", document.events_size() - shown,
                       " more (--full lists them all; so does `dossier events --doc ", document.id(), "`)\n");
    }
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
  std::string facets = RenderFacets(response.facets(), width);
  if (!facets.empty()) out += "\n" + facets;
  return out;
}

std::string RenderFacets(const google::protobuf::RepeatedPtrField<query::v1::Facet>& facets, int width) {
  auto heading = [](query::v1::FacetField field) -> std::string {
    switch (field) {
      case query::v1::FACET_FIELD_ENTITY:
        return "Entities:";
      case query::v1::FACET_FIELD_ENTITY_TYPE:
        return "Types:";
      case query::v1::FACET_FIELD_SOURCE:
        return "Sources:";
      case query::v1::FACET_FIELD_MONTH:
        return "Months:";
      default:
        return absl::StrCat(ShortEnumName(field), ":");
    }
  };
  int heading_width = 0;
  for (const auto& facet : facets) {
    heading_width = std::max(heading_width, DisplayWidth(heading(facet.field())));
  }
  const int indent = heading_width + 2;
  const int text_width = std::max(20, width - indent);
  constexpr char kDot[] = " \xC2\xB7 ";  // " · "
  std::string out;
  for (const auto& facet : facets) {
    std::vector<std::string> lines;
    std::string line;
    int line_width = 0;
    for (const auto& v : facet.values()) {
      std::string label = v.label().empty() ? v.value() : v.label();
      if (facet.field() == query::v1::FACET_FIELD_ENTITY_TYPE) label = absl::AsciiStrToLower(label);
      std::string item = TruncateToWidth(absl::StrCat(OneLine(label), " (", v.count(), ")"), text_width);
      const int item_width = DisplayWidth(item);
      if (line_width > 0 && line_width + 3 + item_width > text_width) {
        lines.push_back(line);
        line.clear();
        line_width = 0;
      }
      if (line_width > 0) {
        line += kDot;
        line_width += 3;
      }
      line += item;
      line_width += item_width;
    }
    lines.push_back(facet.values().empty() ? "(none)" : line);
    const std::string head = heading(facet.field());
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string prefix = i == 0 ? head : "";
      out += prefix + std::string(indent - DisplayWidth(prefix), ' ') + lines[i] + "\n";
    }
  }
  return out;
}

std::string RenderEvents(const query::v1::ListEventsResponse& response, int width, bool all) {
  if (response.events().empty()) return "No events match.\n";
  Table table({"DATE", "SOURCE", "EVENT", "TARGET", "MENTIONS"});
  table.SetFixed(0);
  table.SetRightAligned(4);
  for (const auto& e : response.events()) {
    table.AddRow({EventDate(e), ActorLabel(e.source(), e.source_entity_id()), EventAction(e),
                  ActorLabel(e.target(), e.target_entity_id()), absl::StrCat(e.num_mentions())});
  }
  // The evidence goes under each row, aligned with the SOURCE column (the
  // DATE column is never cut).
  const std::string rendered = table.Render(width);
  int date_width = DisplayWidth("DATE");
  for (const auto& e : response.events()) date_width = std::max(date_width, DisplayWidth(EventDate(e)));
  const int indent = std::min(width / 3, date_width + 2);
  std::string out;
  size_t start = rendered.find('\n') + 1;
  out += rendered.substr(0, start);
  for (const auto& e : response.events()) {
    const size_t end = rendered.find('\n', start);
    out += rendered.substr(start, end + 1 - start);
    start = end + 1;
    if (!e.evidence().empty()) {
      out += std::string(indent, ' ') + TruncateToWidth(OneLine(e.evidence()), std::max(10, width - indent)) +
             "\n";
    }
  }
  if (std::any_of(response.events().begin(), response.events().end(), FromPublication)) {
    out += std::string("\n") + kPublicationDateNote + "\n";
  }
  if (all) {
    out +=
        absl::StrCat("\n", response.events_size(), response.events_size() == 1 ? " event.\n" : " events.\n");
  } else {
    out += absl::StrCat("\nShowing ", response.events_size(), " of ", response.total_size(), " events.\n");
  }
  out += NextPageHint(response.next_page_token());
  return out;
}

namespace {

// Related entities, as in a profile and in `dossier related`: the name first
// and the id last; when the table is too wide, long names and ids (those of
// extracted treaties, say) share the room and the counts stay whole.
// `detailed` adds PMI, score and the events in each direction.
std::string RelatedTable(const google::protobuf::RepeatedPtrField<query::v1::RelatedEntity>& related,
                         int width, bool detailed) {
  std::vector<std::string> headers = {"NAME", "TYPE", "DOCS", "SENTENCES"};
  if (detailed) headers.insert(headers.end(), {"PMI", "SCORE", "EVENTS \xE2\x86\x92/\xE2\x86\x90"});
  headers.push_back("ID");
  Table table(headers);
  for (int c = 1; c + 1 < static_cast<int>(headers.size()); ++c) table.SetFixed(c);
  for (int c = 2; c + 1 < static_cast<int>(headers.size()); ++c) table.SetRightAligned(c);
  for (const auto& r : related) {
    std::vector<std::string> row = {r.name(), TypeName(r.type()), absl::StrCat(r.document_count()),
                                    absl::StrCat(r.sentence_count())};
    if (detailed) {
      row.push_back(absl::StrFormat("%.2f", r.pmi()));
      row.push_back(absl::StrFormat("%.2f", r.score()));
      row.push_back(absl::StrCat(r.events_as_source(), "/", r.events_as_target()));
    }
    row.push_back(r.entity_id());
    table.AddRow(std::move(row));
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
    out += Indent(RelatedTable(profile->related(), width - 2, false), 2);
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
  return RelatedTable(response.related(), width, true) + NextPageHint(response.next_page_token());
}

namespace {

bool SameDate(const common::v1::DateValue& a, const common::v1::DateValue& b) {
  return a.year() == b.year() && a.month() == b.month() && a.day() == b.day();
}

// The items of a timeline by day: the response's `days` when it has them,
// else `items` grouped by equal dates, events first in each day.
std::vector<std::vector<const query::v1::TimelineItem*>> TimelineDays(
    const query::v1::TimelineResponse& response) {
  std::vector<std::vector<const query::v1::TimelineItem*>> days;
  if (!response.days().empty()) {
    for (const auto& day : response.days()) {
      days.emplace_back();
      for (const auto& item : day.items()) days.back().push_back(&item);
    }
    return days;
  }
  for (const auto& item : response.items()) {
    if (days.empty() || !SameDate(days.back().front()->date(), item.date())) days.emplace_back();
    days.back().push_back(&item);
  }
  for (auto& day : days) {
    std::stable_partition(day.begin(), day.end(),
                          [](const query::v1::TimelineItem* item) { return item->has_event(); });
  }
  return days;
}

// "Jiang Zemin [041 Discuss by telephone] Vladimir Putin (3 mentions)" for
// an event, "title — sentence" otherwise.
std::string TimelineItemText(const query::v1::TimelineItem& item) {
  if (item.has_event()) {
    const common::v1::Event& e = item.event();
    std::string text = absl::StrCat(ActorName(e.source(), e.source_entity_id()), " [", EventAction(e), "] ",
                                    ActorName(e.target(), e.target_entity_id()));
    if (e.num_mentions() > 1) absl::StrAppend(&text, " (", e.num_mentions(), " mentions)");
    return OneLine(text);
  }
  std::string title = OneLine(item.title().empty() ? "(untitled)" : item.title());
  return absl::StrCat(title, " ", kDash, " ", OneLine(item.text()));
}

}  // namespace

std::string RenderTimeline(const query::v1::TimelineResponse& response, int width) {
  if (response.items().empty() && response.undated().empty() && response.days().empty()) {
    return "Nothing found.\n";
  }
  constexpr int kDateColumn = 13;  // "2001-09-18*" and two spaces
  const int text_width = std::max(20, width - kDateColumn);
  std::string out;
  std::string previous_date;
  bool any_publication_date = false;
  for (const auto& day : TimelineDays(response)) {
    for (const query::v1::TimelineItem* item : day) {
      std::string date = FormatDate(item->date());
      if (!item->date_from_text()) {
        date += "*";
        any_publication_date = true;
      }
      std::string label = date == previous_date ? "" : date;
      previous_date = date;
      std::vector<std::string> lines = WrapText(TimelineItemText(*item), text_width);
      for (size_t i = 0; i < lines.size(); ++i) {
        std::string prefix = i == 0 ? label : "";
        out += prefix + std::string(kDateColumn - DisplayWidth(prefix), ' ') + lines[i] + "\n";
      }
    }
  }
  if (!response.undated().empty()) {
    if (!out.empty()) out += "\n";
    out += "Undated:\n";
    for (const auto& item : response.undated()) {
      std::vector<std::string> lines = WrapText(TimelineItemText(item), std::max(20, width - 2));
      for (const auto& line : lines) out += "  " + line + "\n";
    }
  }
  if (any_publication_date) out += std::string("\n") + kPublicationDateNote + "\n";
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
