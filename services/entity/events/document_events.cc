#include "services/entity/events/document_events.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "services/entity/tokenizer.h"

namespace dossier::entity::events {
namespace {

// Words of a title before a name and the sector they give an actor the
// knowledge base does not know ("Foreign Minister Tang" -> GOV).
const absl::flat_hash_map<std::string, std::string>& TitleSectors() {
  static const auto* map = new absl::flat_hash_map<std::string, std::string>{
      {"president", "GOV"},  {"premier", "GOV"},      {"minister", "GOV"},   {"prime", "GOV"},
      {"chancellor", "GOV"}, {"king", "GOV"},         {"queen", "GOV"},      {"secretary", "GOV"},
      {"ambassador", "GOV"}, {"envoy", "GOV"},        {"spokesman", "GOV"},  {"spokeswoman", "GOV"},
      {"spokesperson", "GOV"}, {"governor", "GOV"},   {"mayor", "GOV"},      {"vice", "GOV"},
      {"deputy", "GOV"},     {"official", "GOV"},     {"officials", "GOV"},  {"leader", "GOV"},
      {"leaders", "GOV"},    {"diplomat", "GOV"},     {"diplomats", "GOV"},  {"chairman", "GOV"},
      {"general", "MIL"},    {"commander", "MIL"},    {"admiral", "MIL"},    {"marshal", "MIL"},
      {"colonel", "MIL"},    {"police", "COP"},       {"judge", "JUD"},      {"senator", "LEG"},
      {"lawmaker", "LEG"},   {"parliament", "LEG"},   {"speaker", "LEG"},    {"rebel", "REB"},
      {"rebels", "REB"},     {"opposition", "OPP"},   {"mr", ""},            {"mrs", ""},
      {"ms", ""},            {"dr", ""},              {"foreign", "GOV"},    {"defence", "GOV"},
      {"defense", "GOV"},    {"interior", "GOV"},     {"state", "GOV"},      {"security", "GOV"},
      {"council", "GOV"},    {"first", ""},           {"acting", ""},        {"former", ""},
  };
  return *map;
}

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(absl::string_view(s.data(), s.size())); }

// The ISO3 country of an entity ("" when unknown).
std::string CountryOf(const IndexedEntity& e) {
  if (!e.country.empty()) return e.country;
  if (e.id.size() == 11 && e.id.rfind("country:", 0) == 0) return e.id.substr(8);
  return "";
}

bool IsCapital(const IndexedEntity& e) { return e.attributes.find("capital_of=") != std::string::npos; }

int DateKey(const DateParts& d) { return d.year * 10000 + d.month * 100 + d.day; }

struct Actor {
  int begin = 0;  // tokens of the sentence, [begin, end)
  int end = 0;
  const AnnotatedMention* mention = nullptr;
  int kb = -1;                 // index in the KB, -1 for entities it does not know
  std::string country_prefix;  // country of a demonym before the name ("Chinese Foreign Minister X")
  std::string sector;          // sector of the title words before the name, or of the noun after a demonym
};

// Nouns after a demonym that make it stand for its country ("the Chinese
// side", "Russian officials", "Israeli soldiers"), with the sector they give
// the actor ("" for none); "Russian President" is handled with names.
const absl::flat_hash_map<std::string, std::string>& GroupNouns() {
  static const auto* nouns = new absl::flat_hash_map<std::string, std::string>{
      {"side", ""},           {"sides", ""},          {"state", ""},           {"people", "CVL"},
      {"government", "GOV"},  {"governments", "GOV"}, {"officials", "GOV"},    {"official", "GOV"},
      {"leaders", "GOV"},     {"leader", "GOV"},      {"leadership", "GOV"},   {"delegation", "GOV"},
      {"authorities", "GOV"}, {"diplomats", "GOV"},   {"diplomat", "GOV"},     {"envoy", "GOV"},
      {"ministry", "GOV"},    {"embassy", "GOV"},     {"president", "GOV"},    {"premier", "GOV"},
      {"minister", "GOV"},    {"ministers", "GOV"},   {"ambassador", "GOV"},   {"spokesman", "GOV"},
      {"spokeswoman", "GOV"}, {"prime", "GOV"},       {"foreign", "GOV"},      {"defence", "GOV"},
      {"defense", "GOV"},     {"counterpart", "GOV"}, {"counterparts", "GOV"}, {"negotiators", "GOV"},
      {"administrators", "GOV"}, {"troops", "MIL"},   {"forces", "MIL"},       {"military", "MIL"},
      {"army", "MIL"},        {"navy", "MIL"},        {"soldiers", "MIL"},     {"soldier", "MIL"},
      {"aircraft", "MIL"},    {"warplanes", "MIL"},   {"jets", "MIL"},         {"helicopters", "MIL"},
      {"tanks", "MIL"},       {"warships", "MIL"},    {"artillery", "MIL"},    {"peacekeepers", "MIL"},
      {"police", "COP"},      {"policemen", "COP"},   {"rebels", "REB"},       {"rebel", "REB"},
      {"guerrillas", "REB"},  {"guerillas", "REB"},   {"militants", "REB"},    {"insurgents", "REB"},
      {"militiamen", "REB"},  {"militia", "REB"},     {"separatists", "REB"},  {"opposition", "OPP"},
      {"parliament", "LEG"},  {"lawmakers", "LEG"},   {"legislators", "LEG"},  {"court", "JUD"},
      {"judges", "JUD"},      {"prosecutors", "JUD"}, {"students", "EDU"},     {"workers", "LAB"},
      {"farmers", "AGR"},     {"businessman", "BUS"}, {"businessmen", "BUS"},  {"companies", "BUS"},
      {"civilians", "CVL"},   {"demonstrators", "CVL"}, {"protesters", "CVL"}, {"protestors", "CVL"},
      {"youths", "CVL"},      {"villagers", "CVL"},   {"residents", "CVL"},    {"citizens", "CVL"},
      {"nationals", "CVL"},   {"refugees", "REF"},    {"prisoners", "CVL"},    {"detainees", "CVL"},
      {"media", "MED"},       {"newspaper", "MED"},   {"doctors", "HLH"},
      // What a country puts forward, as the object of accepting or
      // rejecting it: "rejected an Australian ultimatum".
      {"proposal", ""},       {"proposals", ""},      {"plan", ""},            {"ultimatum", ""},
      {"offer", ""},          {"request", ""},        {"appeal", ""},          {"demands", ""},
      {"mediation", ""},      {"initiative", ""}};
  return *nouns;
}

// The group noun a demonym at token t stands before, looking past other
// demonyms of a list ("Hungarian and Romanian officials") and a few
// adjectives ("Palestinian security forces"); tt.size() when none.
int GroupNounAfter(const TokenizedText& tt, std::string_view text, int t, int last) {
  for (int k = t + 1; k < last && k - t <= 4; ++k) {
    const std::string w = Lower(tt.text(k, text));
    if (GroupNouns().contains(w)) return k;
    if (w == "and" || w == "or" || w == ",") continue;
    const std::string_view raw = tt.text(k, text);
    if (!raw.empty() && std::isupper(static_cast<unsigned char>(raw[0]))) continue;  // another demonym
    if (w == "security" || w == "riot" || w == "border" || w == "armed" || w == "senior" || w == "top" ||
        w == "military" || w == "state" || w == "government" || w == "interim") {
      continue;
    }
    break;
  }
  return tt.size();
}

// A demonym or adjective ("Chinese", "Sino-") is an actor only before a
// noun that makes it one; "the Chinese position" or "Sino-Russian
// relations" name no actor. `group_noun` gets the token of that noun (or
// tt.size() for a demonym ending the sentence).
bool DemonymIsAnActor(const TokenizedText& tt, std::string_view text, const AnnotatedMention& m, int last,
                      int* group_noun) {
  const auto it = std::lower_bound(tt.tokens.begin(), tt.tokens.end(), m.begin,
                                   [](const Token& tok, uint32_t begin) { return tok.end <= begin; });
  const int t = static_cast<int>(it - tt.tokens.begin());
  *group_noun = tt.size();
  if (t >= tt.size() || tt.tokens[t].end != m.end) return false;  // part of a compound: "Sino-Russian"
  if (t + 1 >= last) return true;                                  // "... said the Chinese."
  *group_noun = GroupNounAfter(tt, text, t, last);
  return *group_noun < tt.size();
}

// Days from 0000-03-01, for date distances (full dates only).
int64_t DayNumber(const DateParts& d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int m = d.month <= 2 ? d.month + 12 : d.month;
  return 365LL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d.day;
}

// A headline or dateline dated by publication ("Xi telephones Putin",
// 2021-08-26) and the body's dated report ("on August 25th") of the same
// action are one event: reports dated by the publication date (from the
// text or not) join an event of the same actors and code dated up to ten
// days before it.
std::vector<DocumentEvent> MergeDatelineDuplicates(std::vector<DocumentEvent> events, const DateParts& published) {
  if (!published.complete()) return events;
  const int64_t pub = DayNumber(published);
  std::vector<bool> gone(events.size(), false);
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].date != published) continue;
    for (size_t j = 0; j < events.size(); ++j) {
      DocumentEvent& into = events[j];
      if (j == i || gone[j] || !into.date_from_text || !into.date.complete() || into.date == published) continue;
      if (into.source.entity_id != events[i].source.entity_id || into.target.entity_id != events[i].target.entity_id ||
          into.code != events[i].code) {
        continue;
      }
      const int64_t days = pub - DayNumber(into.date);
      if (days < 0 || days > 10) continue;
      for (EventReport& r : events[i].reports) {
        r.date = into.date;
        into.reports.push_back(std::move(r));
      }
      std::sort(into.reports.begin(), into.reports.end(),
                [](const EventReport& a, const EventReport& b) { return a.sentence < b.sentence; });
      into.confidence = std::max(into.confidence, events[i].confidence);
      if (into.location_id.empty()) {
        into.location_id = events[i].location_id;
        into.location_name = events[i].location_name;
      }
      gone[i] = true;
      break;
    }
  }
  std::vector<DocumentEvent> out;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!gone[i]) out.push_back(std::move(events[i]));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventModels>> EventModels::Load(const std::string& cameo_dir,
                                                               const std::string& pos_model) {
  auto coder = EventCoder::LoadDir(cameo_dir);
  if (!coder.ok()) return coder.status();
  auto codes = CameoCodes::Load(cameo_dir + "/cameo_codes.tsv");
  if (!codes.ok()) return codes.status();
  auto tagger = pos::PosTagger::Load(pos_model);
  if (!tagger.ok()) return tagger.status();
  return std::unique_ptr<EventModels>(
      new EventModels{*std::move(coder), *std::move(codes), *std::move(tagger)});
}

std::string EventId(std::string_view source_id, std::string_view target_id, std::string_view code,
                    const DateParts& date) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::string_view part) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= 0x1f;  // field separator
    h *= 0x100000001b3ull;
  };
  mix(source_id);
  mix(target_id);
  mix(code);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", date.year, date.month, date.day);
  mix(buf);
  std::snprintf(buf, sizeof(buf), "ev-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string ActorCode(const IndexedEntity& e, const DateParts& date) {
  if (e.type == EntityType::kPerson) {
    if (date.year == 0) {
      // No year: the code the person's dated roles give most often (ties:
      // the shorter), which is the office they are best known for.
      std::map<std::string, int> counts;
      for (const KbRole& r : e.roles) {
        if (!r.code.empty() && (r.start.known() || r.end.known())) ++counts[r.code];
      }
      const std::string* best = nullptr;
      int best_count = 0;
      for (const auto& [code, count] : counts) {
        if (count > best_count || (count == best_count && code.size() < best->size())) {
          best = &code;
          best_count = count;
        }
      }
      if (best != nullptr) return *best;
    }
    const KbRole* best = nullptr;
    auto rank = [](const KbRole& r) {
      const bool dated = r.start.known() || r.end.known();
      return std::make_tuple(dated ? 1 : 0, DateKey(r.start), static_cast<int>(r.code.size()));
    };
    for (const KbRole& r : e.roles) {
      if (r.code.empty() || !RoleActiveOn(r, date)) continue;
      if (best == nullptr || rank(r) > rank(*best)) best = &r;
    }
    if (best != nullptr) return best->code;
    return CountryOf(e);
  }
  if (e.kind == "international_organization") return "IGO";
  const std::string country = CountryOf(e);
  if (country.empty()) return "";
  if (e.kind == "country" || e.kind == "former_country") return country;
  if (e.kind == "city" && IsCapital(e)) return country + "GOV";
  return country;
}

std::vector<DocumentEvent> ExtractEvents(const KbIndex& kb, std::string_view text, const Annotation& annotation,
                                         const DateParts& published, const EventResources& resources) {
  std::vector<DocumentEvent> out;
  if (resources.coder == nullptr || resources.tagger == nullptr || annotation.sentences.empty()) return out;
  const TokenizedText tt = Tokenize(text);
  std::map<std::tuple<std::string, std::string, std::string, int>, size_t> by_key;
  // Without a publication date, a dateline's date ("BEIJING, July 18") in
  // the first sentences dates what the text leaves undated.
  DateParts fallback = published;
  bool fallback_from_text = false;
  if (!published.known()) {
    for (const AnnotatedMention& m : annotation.mentions) {
      if (m.sentence > 2) break;
      if (m.type == EntityType::kDate && m.date.month != 0) {
        fallback = m.date;
        fallback_from_text = true;
        break;
      }
    }
  }

  size_t next_mention = 0;
  int next_token = 0;
  std::vector<std::string_view> words;
  std::vector<std::string_view> tags;  // views into the tagger's static storage
  std::vector<CoderToken> tokens;
  std::vector<Actor> actors;
  std::vector<CoderActor> coder_actors;
  std::vector<const AnnotatedMention*> dates;
  std::vector<const AnnotatedMention*> places;

  for (int s = 0; s < static_cast<int>(annotation.sentences.size()); ++s) {
    const SentenceSpan& span = annotation.sentences[s];
    // Tokens of the sentence.
    while (next_token < tt.size() && tt.tokens[next_token].begin < span.begin) ++next_token;
    const int first = next_token;
    while (next_token < tt.size() && tt.tokens[next_token].end <= span.end) ++next_token;
    const int last = next_token;
    const int n = last - first;
    // Mentions of the sentence.
    actors.clear();
    dates.clear();
    places.clear();
    while (next_mention < annotation.mentions.size() && annotation.mentions[next_mention].begin < span.begin) {
      ++next_mention;
    }
    size_t m = next_mention;
    for (; m < annotation.mentions.size() && annotation.mentions[m].begin < span.end; ++m) {
      const AnnotatedMention& mention = annotation.mentions[m];
      if (mention.type == EntityType::kDate) {
        if (mention.date.known()) dates.push_back(&mention);
        continue;
      }
      if (mention.entity_id.empty()) continue;
      int group_noun = tt.size();
      if (mention.reason == LinkReason::kDemonym && !DemonymIsAnActor(tt, text, mention, last, &group_noun)) {
        continue;
      }
      if (mention.type != EntityType::kPerson && mention.type != EntityType::kOrganization &&
          mention.type != EntityType::kLocation) {
        continue;
      }
      Actor a;
      a.begin = -1;
      for (int t = first; t < last; ++t) {
        const Token& tok = tt.tokens[t];
        if (tok.end <= mention.begin || tok.begin >= mention.end) continue;
        if (a.begin < 0) a.begin = t - first;
        a.end = t - first + 1;
      }
      if (a.begin < 0) continue;
      if (!actors.empty() && a.begin < actors.back().end) continue;  // two mentions in one token ("Sino-Russian")
      a.mention = &mention;
      a.kb = kb.Find(mention.entity_id);
      if (group_noun < tt.size()) a.sector = GroupNouns().at(Lower(tt.text(group_noun, text)));
      actors.push_back(a);
      if (mention.type == EntityType::kLocation) places.push_back(&mention);
    }
    next_mention = m;
    if (n == 0 || actors.size() < 2) continue;

    // "Russian President Vladimir Putin": title words join the name, and a
    // country named just before them gives the country of an unknown person.
    for (size_t i = 0; i < actors.size(); ++i) {
      Actor& a = actors[i];
      if (a.mention->type != EntityType::kPerson) continue;
      int b = a.begin;
      std::string sector;
      while (b > 0 && a.begin - b < 4) {
        const std::string w = Lower(tt.text(first + b - 1, text));
        auto it = TitleSectors().find(w);
        if (it == TitleSectors().end() && w != ".") break;
        if (it != TitleSectors().end() && sector.empty()) sector = it->second;
        --b;
      }
      a.sector = sector;
      if (i > 0 && actors[i - 1].end == b && actors[i - 1].mention->type == EntityType::kLocation &&
          b < a.begin) {
        Actor& country = actors[i - 1];
        if (country.kb >= 0) a.country_prefix = CountryOf(kb.entity(country.kb));
        a.begin = country.begin;
        country.begin = country.end = -1;  // merged
      } else {
        a.begin = b;
      }
    }
    actors.erase(std::remove_if(actors.begin(), actors.end(), [](const Actor& a) { return a.begin < 0; }),
                 actors.end());
    if (actors.size() < 2) continue;

    words.resize(n);
    for (int i = 0; i < n; ++i) words[i] = tt.text(first + i, text);
    tags = resources.tagger->Tag(std::span<const std::string_view>(words.data(), words.size()));
    if (static_cast<int>(tags.size()) != n) continue;
    tokens.resize(n);
    for (int i = 0; i < n; ++i) tokens[i] = CoderToken{words[i], tags[i]};
    coder_actors.clear();
    for (const Actor& a : actors) coder_actors.push_back(CoderActor{a.begin, a.end});
    const std::vector<CodedEvent> coded = resources.coder->Code(tokens, coder_actors);

    for (const CodedEvent& c : coded) {
      if (c.source < 0 || c.target < 0 || c.source >= static_cast<int>(actors.size()) ||
          c.target >= static_cast<int>(actors.size())) {
        continue;
      }
      const Actor& src = actors[c.source];
      const Actor& tgt = actors[c.target];
      // One entity on both sides is no interaction, unless two demonyms
      // name different parts of the country ("Chinese police arrested
      // Chinese demonstrators": CHNCOP, CHNCVL).
      const bool parts = src.mention->reason == LinkReason::kDemonym &&
                         tgt.mention->reason == LinkReason::kDemonym && !src.sector.empty() &&
                         !tgt.sector.empty() && src.sector != tgt.sector;
      if (src.mention->entity_id == tgt.mention->entity_id && !parts) continue;
      // The date: the date the sentence names nearest the action, else the
      // publication date.
      const uint32_t trigger_begin = tt.tokens[first + std::clamp(c.trigger_begin, 0, n - 1)].begin;
      const uint32_t trigger_end = tt.tokens[first + std::clamp(c.trigger_end - 1, 0, n - 1)].end;
      DateParts date = fallback;
      bool from_text = fallback_from_text;
      uint32_t best_distance = UINT32_MAX;
      for (const AnnotatedMention* d : dates) {
        const uint32_t distance = d->begin >= trigger_end ? d->begin - trigger_end : trigger_begin - d->end;
        if (distance < best_distance) {
          best_distance = distance;
          date = d->date;
          from_text = true;
        }
      }
      auto make_actor = [&](const Actor& a) {
        EventActor ea;
        ea.entity_id = a.mention->entity_id;
        ea.name = a.mention->entity_name;
        ea.type = a.mention->type;
        const uint32_t b = tt.tokens[first + a.begin].begin;
        const uint32_t e = tt.tokens[first + a.end - 1].end;
        ea.text = std::string(text.substr(b, e - b));
        if (a.kb >= 0) ea.code = ActorCode(kb.entity(a.kb), date);
        if (ea.code.empty() && !a.country_prefix.empty()) ea.code = a.country_prefix + a.sector;
        // "Israeli soldiers": the country and the sector of the noun.
        if (a.mention->reason == LinkReason::kDemonym && ea.code.size() == 3) ea.code += a.sector;
        return ea;
      };
      const CameoCode* info = resources.codes != nullptr ? resources.codes->Find(c.code) : nullptr;
      const float link = std::min(src.mention->confidence, tgt.mention->confidence);
      EventReport report;
      report.sentence = s;
      report.sentence_begin = span.begin;
      report.sentence_end = span.end;
      report.trigger = std::string(text.substr(trigger_begin, trigger_end - trigger_begin));
      report.confidence = std::clamp(c.confidence * (0.5f + 0.5f * link), 0.0f, 1.0f);
      report.date = date;
      report.date_from_text = from_text;

      // An actor and their own country as a whole ("Jiang reiterated
      // China's position") is not an interaction. Domestic events between
      // parts of a country are ("the Ugandan opposition ... the
      // government", "Arnorian police arrested Arnorian demonstrators"): a
      // country side with a sector ("Ugandan opposition" = UGAOPP) is not
      // the bare country; but a country side with the other side's very
      // code is ("President Jiang ... the Chinese position": CHNGOV twice).
      EventActor source = make_actor(src);
      EventActor target = make_actor(tgt);
      const bool same_code = source.code == target.code;
      const bool src_country =
          src.kb >= 0 && kb.entity(src.kb).kind == "country" && (source.code.size() == 3 || same_code);
      const bool tgt_country =
          tgt.kb >= 0 && kb.entity(tgt.kb).kind == "country" && (target.code.size() == 3 || same_code);
      if ((src_country || tgt_country) && source.code.size() >= 3 && target.code.size() >= 3 &&
          source.code.compare(0, 3, target.code, 0, 3) == 0) {
        continue;
      }

      // Parts of one country are told apart by their codes.
      const std::string src_key = parts ? src.mention->entity_id + "/" + source.code : src.mention->entity_id;
      const std::string tgt_key = parts ? tgt.mention->entity_id + "/" + target.code : tgt.mention->entity_id;
      auto key = std::make_tuple(src_key, tgt_key, c.code, DateKey(date));
      auto [it, inserted] = by_key.emplace(key, out.size());
      if (!inserted) {
        DocumentEvent& e = out[it->second];
        if (e.reports.back().sentence != s) {
          e.confidence = std::max(e.confidence, report.confidence);
          e.reports.push_back(std::move(report));
        }
        continue;
      }
      DocumentEvent e;
      e.source = std::move(source);
      e.target = std::move(target);
      e.code = c.code;
      if (info != nullptr) {
        e.label = info->label;
        e.root = info->root;
        e.quad_class = info->quad_class;
        e.goldstein = info->goldstein;
      } else {
        e.root = c.code.substr(0, 2);
      }
      e.date = date;
      e.date_from_text = from_text;
      e.id = EventId(src_key, tgt_key, e.code, date);
      // The place: "in Moscow" / "at Beijing" not taken by an actor, nearest
      // after the action; a visit's host place.
      for (const AnnotatedMention* p : places) {
        if (p == src.mention || p == tgt.mention) continue;
        int t = first;
        while (t < last && tt.tokens[t].begin < p->begin) ++t;
        if (t == first) continue;
        const std::string before = Lower(tt.text(t - 1, text));
        if (before != "in" && before != "at") continue;
        e.location_id = p->entity_id;
        e.location_name = p->entity_name;
        if (p->begin >= trigger_end) break;
      }
      // A visit happens at the host's place, whatever else the sentence names.
      if (c.code == "042" || c.code == "043") {
        const Actor& host = c.code == "042" ? tgt : src;
        if (host.mention->type == EntityType::kLocation) {
          e.location_id = host.mention->entity_id;
          e.location_name = host.mention->entity_name;
        }
      }
      e.confidence = report.confidence;
      e.reports.push_back(std::move(report));
      out.push_back(std::move(e));
    }
  }
  return MergeDatelineDuplicates(std::move(out), published);
}

}  // namespace dossier::entity::events
