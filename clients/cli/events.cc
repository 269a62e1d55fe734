#include "clients/cli/events.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/format.h"

namespace dossier::cli {
namespace {

bool IsEntityId(const std::string& actor) { return actor.find(':') != std::string::npos; }

// The actor as ListEvents takes it: an entity id unchanged, an actor code in
// upper case. `what` names it in errors ("ACTOR", "OTHER").
absl::StatusOr<std::string> ActorArg(const std::string& what, const std::string& actor) {
  if (IsEntityId(actor)) {
    if (actor.front() == ':' || actor.back() == ':') {
      return absl::InvalidArgumentError(absl::StrCat(what, " \"", actor,
                                                     "\" is not an entity id: use TYPE:NAME, e.g. "
                                                     "person:jiang-zemin or country:CHN"));
    }
    return actor;
  }
  const bool code_like = !actor.empty() && std::all_of(actor.begin(), actor.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c));
  });
  if (!code_like) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", actor,
        "\" is neither an entity id (TYPE:NAME, e.g. person:jiang-zemin) nor an actor code (letters, e.g. "
        "CHN or CHNGOV); find an id with `dossier entity NAME`"));
  }
  return absl::AsciiStrToUpper(actor);
}

absl::Status CheckCameoPrefix(const std::string& code) {
  const bool digits = std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  int root = 0;
  if (!digits || code.size() < 2 || code.size() > 4 || !absl::SimpleAtoi(code.substr(0, 2), &root) ||
      root < 1 || root > 20) {
    return absl::InvalidArgumentError(
        absl::StrCat("--code=", code,
                     " is not a CAMEO code prefix: 2 to 4 digits starting with a root code 01-20, e.g. 04 "
                     "(consult) or 042 (make a visit)"));
  }
  return absl::OkStatus();
}

std::string Tsv(std::string_view field) { return OneLine(field); }

}  // namespace

absl::StatusOr<query::v1::ListEventsRequest> BuildListEventsRequest(const std::vector<std::string>& actors,
                                                                    const EventsFlags& flags) {
  query::v1::ListEventsRequest request;
  if (actors.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("`dossier events` takes at most two actors (ACTOR [OTHER]), not ", actors.size()));
  }
  if (!actors.empty()) {
    auto actor = ActorArg("ACTOR", actors[0]);
    if (!actor.ok()) return actor.status();
    request.set_actor(*actor);
  }
  if (actors.size() == 2) {
    auto other = ActorArg("OTHER", actors[1]);
    if (!other.ok()) return other.status();
    request.set_other_actor(*other);
  }
  if (!flags.side.empty()) {
    const std::string side = absl::AsciiStrToLower(flags.side);
    if (side == "source") {
      request.set_side(query::v1::ACTOR_SIDE_SOURCE);
    } else if (side == "target") {
      request.set_side(query::v1::ACTOR_SIDE_TARGET);
    } else if (side == "any") {
      request.set_side(query::v1::ACTOR_SIDE_ANY);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--side=", flags.side, " is not one of source, target, any"));
    }
    if (actors.empty()) {
      return absl::InvalidArgumentError(
          "--side says which side ACTOR is on: give an ACTOR (e.g. dossier events CHN --side source)");
    }
  }
  if (!flags.code.empty()) {
    if (absl::Status status = CheckCameoPrefix(flags.code); !status.ok()) return status;
    request.set_cameo_prefix(flags.code);
  }
  if (!flags.quad.empty()) {
    int quad = 0;
    if (!absl::SimpleAtoi(flags.quad, &quad) || quad < 1 || quad > 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--quad=", flags.quad,
          " is not a QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 "
          "material conflict"));
    }
    request.set_quad_class(quad);
  }
  auto parse_date = [](const char* flag, const std::string& text) -> absl::StatusOr<common::v1::DateValue> {
    auto parsed = ParseDateArg(text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", parsed.status().message()));
    }
    return parsed;
  };
  if (!flags.from.empty()) {
    auto from = parse_date("from", flags.from);
    if (!from.ok()) return from.status();
    *request.mutable_date_from() = *from;
  }
  if (!flags.to.empty()) {
    auto to = parse_date("to", flags.to);
    if (!to.ok()) return to.status();
    *request.mutable_date_to() = *to;
  }
  if (absl::Status range = CheckDateRange(request.date_from(), request.date_to()); !range.ok()) return range;
  request.set_document_id(flags.doc);
  return request;
}

absl::StatusOr<EventsFormat> ParseEventsFormat(const std::string& text) {
  const std::string format = absl::AsciiStrToLower(text);
  if (format == "table") return EventsFormat::kTable;
  if (format == "jsonl") return EventsFormat::kJsonl;
  if (format == "tsv") return EventsFormat::kTsv;
  return absl::InvalidArgumentError(absl::StrCat("--format=", text, " is not one of table, jsonl, tsv"));
}

std::string GdeltDate(const common::v1::DateValue& date) {
  return absl::StrFormat("%04d%02d%02d", std::clamp(date.year(), 0, 9999), std::clamp(date.month(), 0, 12),
                         std::clamp(date.day(), 0, 31));
}

std::string EventTsvHeader() {
  return "id\tdate\tsource_entity_id\tsource_name\tsource_code\ttarget_entity_id\ttarget_name\ttarget_code\t"
         "event_code\troot_code\tquad_class\tgoldstein\tnum_mentions\tnum_documents\tlocation_entity_id\t"
         "location_name\tconfidence\tfirst_document_id\tevidence\n";
}

std::string EventTsvRow(const common::v1::Event& e) {
  const std::string source_id = e.source_entity_id().empty() ? e.source().entity_id() : e.source_entity_id();
  const std::string target_id = e.target_entity_id().empty() ? e.target().entity_id() : e.target_entity_id();
  const std::string first_document = e.mentions().empty() ? "" : e.mentions(0).document_id();
  std::vector<std::string> fields = {Tsv(e.id()),
                                     GdeltDate(e.date()),
                                     Tsv(source_id),
                                     Tsv(e.source().name()),
                                     Tsv(e.source().code()),
                                     Tsv(target_id),
                                     Tsv(e.target().name()),
                                     Tsv(e.target().code()),
                                     Tsv(e.cameo_code()),
                                     Tsv(e.root_code()),
                                     absl::StrCat(e.quad_class()),
                                     absl::StrFormat("%.1f", e.goldstein()),
                                     absl::StrCat(e.num_mentions()),
                                     absl::StrCat(e.num_documents()),
                                     Tsv(e.location_entity_id()),
                                     Tsv(e.location_name()),
                                     absl::StrFormat("%.2f", e.confidence()),
                                     Tsv(first_document),
                                     Tsv(e.evidence())};
  return absl::StrJoin(fields, "\t") + "\n";
}

std::string EventJsonLine(const common::v1::Event& event) { return ToJson(event) + "\n"; }

std::string ActorLabel(const common::v1::Actor& actor, const std::string& fallback_id) {
  std::string name = !actor.name().empty()        ? actor.name()
                     : !actor.entity_id().empty() ? actor.entity_id()
                                                  : fallback_id;
  if (name.empty()) name = "?";
  if (actor.code().empty()) return name;
  return absl::StrCat(name, " (", actor.code(), ")");
}

}  // namespace dossier::cli
