#include "bench/article_generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace dossier::bench {
namespace {

struct CountryRow {
  const char* iso3;
  const char* name;
  const char* adjective;
  const char* capital;
};
struct CityRow {
  const char* iso3;
  const char* city;
};
struct PersonRow {
  const char* id;
  const char* name;
  const char* group;
  const char* roles;
};
struct OrgRow {
  const char* id;
  const char* name;
  const char* short_name;
};

#include "bench/generator_actors.inc"

constexpr int kFirstYear = 1998;
constexpr int kYears = 26;  // 1998-2023

struct Role {
  int first = 0, last = 0;
  std::string title;
};

struct Person {
  std::string id, name, short_name;
  std::string group;  // ISO3, or UN / EU / NATO
  int country = -1;   // index into Tables::countries; -1 for officials of organisations
  std::vector<Role> roles;
  const Role* RoleIn(int year) const {
    for (const Role& role : roles)
      if (year >= role.first && year <= role.last) return &role;
    return nullptr;
  }
};

struct Country {
  std::string id, iso3, name, adjective, capital;
};

struct Org {
  std::string id, name, short_name;
};

struct Publisher {
  const char* name;
  const char* host;
  bool sends_name;  // the request carries the name; else ingest takes the host
  int style;        // dateline and page furniture
};

// Invented publishers; hosts under the reserved .example domain.
const std::vector<Publisher> kPublishers = {
    {"Eastern Courier", "www.easterncourier.example", true, 0},
    {"Global Affairs Daily", "globalaffairsdaily.example", false, 1},
    {"The Continental Times", "www.continentaltimes.example", true, 2},
    {"Steppe News Agency", "steppenews.example", true, 5},
    {"Harbour Post", "www.harbourpost.example", false, 3},
    {"Capital Wire", "capitalwire.example", true, 5},
    {"Meridian Report", "www.meridianreport.example", false, 4},
    {"Northern Ledger", "northernledger.example", true, 0},
    {"The Atlas Review", "www.atlasreview.example", false, 2},
    {"Silk Road Herald", "silkroadherald.example", true, 1},
    {"Baltic Observer", "www.balticobserver.example", false, 3},
    {"Pacific Bulletin", "pacificbulletin.example", true, 4},
    {"Andes Chronicle", "www.andeschronicle.example", false, 0},
    {"Nile Evening News", "nileevening.example", true, 2},
    {"Danube Journal", "www.danubejournal.example", false, 1},
    {"Caspian Monitor", "caspianmonitor.example", true, 5},
    {"The Sentinel Weekly", "www.sentinelweekly.example", false, 4},
    {"World Desk", "worlddesk.example", true, 3},
    {"Coastline Press", "www.coastlinepress.example", false, 0},
    {"Mountain Gazette", "mountaingazette.example", true, 2},
    {"Union Press Service", "www.unionpress.example", true, 5},
    {"Lakeside Tribune", "lakesidetribune.example", false, 1},
    {"Horizon Newswire", "www.horizonnewswire.example", true, 5},
    {"Ridgeway Times", "ridgewaytimes.example", false, 3},
    {"Delta Dispatch", "www.deltadispatch.example", true, 4},
    {"Summit Post", "summitpost.example", false, 0},
    {"Crossroads Daily", "www.crossroadsdaily.example", true, 2},
    {"Frontier Wire", "frontierwire.example", false, 5},
    {"Plains Register", "www.plainsregister.example", true, 1},
    {"Gulf Courier", "gulfcourier.example", false, 3},
    {"Archipelago News", "www.archipelagonews.example", true, 4},
    {"Savanna Times", "savannatimes.example", false, 0},
    {"Tundra Post", "www.tundrapost.example", true, 2},
    {"Highland Echo", "highlandecho.example", false, 1},
    {"Metro Foreign Desk", "www.metroforeigndesk.example", true, 3},
    {"Island Voice", "islandvoice.example", false, 4},
};

const std::vector<std::string> kTopics = {
    "energy cooperation", "trade", "border security", "the fight against terrorism", "regional stability",
    "nuclear non-proliferation", "oil and gas supplies", "investment", "climate change", "a new pipeline",
    "arms control", "the Middle East peace process", "migration", "water resources", "food security",
    "public health", "the situation in Afghanistan", "visa rules", "railway construction", "space research",
    "customs procedures", "drug trafficking", "fisheries", "cyber security", "maritime boundaries", "tourism",
    "education", "agriculture", "hydropower", "debt relief", "peacekeeping", "refugees", "steel tariffs",
    "grain exports", "aviation safety", "telecommunications", "nuclear energy", "the environment",
    "cultural exchanges", "financial regulation", "shipping", "infrastructure", "disarmament",
    "humanitarian relief", "election monitoring", "minority rights", "intellectual property",
    "pandemic preparedness", "renewable energy", "mining", "satellite navigation", "the exchange of prisoners",
    "military cooperation", "counter-piracy patrols", "free trade", "currency swaps", "scientific research",
    "sports exchanges", "the Korean peninsula", "desertification"};
const std::vector<std::string> kIssues = {
    "human rights abuses", "the arrest of foreign journalists", "troop movements near the border",
    "the nuclear programme", "the treatment of ethnic minorities", "new import duties",
    "the expulsion of diplomats", "missile tests", "the closure of the border crossing",
    "the seizure of a fishing vessel", "delays in gas payments", "election irregularities"};
const std::vector<std::string> kWrongs = {
    "supporting separatists", "violating the ceasefire", "interfering in its internal affairs",
    "spying on its embassy", "dumping steel on world markets", "harbouring militants",
    "breaking the terms of the agreement", "stirring up unrest", "blocking humanitarian convoys",
    "spreading false reports"};
const std::vector<std::string> kDemands = {
    "release the detained sailors", "withdraw troops from the border area", "stop the missile tests",
    "open its markets to foreign goods", "hold free and fair elections", "return to the negotiating table",
    "pay its debts", "allow inspectors into the country", "lift the trade embargo",
    "hand over the suspects"};
const std::vector<std::string> kGoods = {
    "the help given after the earthquake", "the part played in the peace talks", "the release of the hostages",
    "support at the United Nations", "the quick delivery of relief supplies", "restraint during the crisis"};
const std::vector<std::string> kRequests = {"a new loan", "more peacekeeping troops", "observer status",
                                             "landing rights", "the extradition of a businessman"};
const std::vector<std::string> kResources = {"gas", "oil", "electricity", "water", "grain"};
const std::vector<std::string> kRegions = {"Central Asia", "the Middle East",    "the Balkans",
                                           "the Caucasus", "South Asia",         "the Horn of Africa",
                                           "the Gulf",     "Southeast Asia",     "the Great Lakes region",
                                           "Latin America", "the Korean peninsula", "the Sahel"};
const std::vector<std::string> kFields = {"energy",  "transport", "finance",       "agriculture",
                                          "health",  "defence",   "foreign trade", "education",
                                          "culture", "industry",  "communications"};
const std::vector<std::string> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
const std::vector<std::string> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};
const std::vector<std::string> kNumberWords = {"two", "three", "four", "five", "six", "seven", "eight"};

// Kinds of interaction and how often each is the main event of an article.
enum Kind { kVisit, kTelephone, kMeet, kAgree, kCriticize, kAccuse, kThreaten, kAid, kDemand, kPraise, kReject };
constexpr int kKinds = 11;
const char* const kKindNames[kKinds] = {"visit",   "telephone", "meet", "agree",  "criticize", "accuse",
                                        "threaten", "aid",       "demand", "praise", "reject"};
// Visits, calls and meetings are between people (a visit may go to a
// country); the other kinds may have countries and organisations as actors.
bool PeopleOnly(int kind) { return kind == 0 || kind == 1 || kind == 2; }
// Kinds where a capital may stand for its government ("Beijing criticized
// Washington").
bool MetonymyFits(int kind) { return kind >= 4 && kind != 7 && kind != 9; }
constexpr double kMainWeights[kKinds] = {18, 15, 20, 10, 8, 6, 4, 6, 6, 4, 3};
constexpr double kSecondaryWeights[kKinds] = {6, 8, 10, 6, 12, 9, 6, 8, 9, 6, 5};

// Wordings per kind. {S} source, {T} target, {TC} the target's country
// (visits), {CITY} a place, {D} a trailing date (" on Monday"), {D0} a
// leading one ("On Monday, "), {TOPIC}, {ISSUE}, {WRONG}, {DEMAND}, {GOOD},
// {REQUEST}, {RESOURCE}, {N} a number, {SS} the source's short name.
// Templates marked with a leading '^' are hosted visits: the target hosts
// the source, and the interaction is coded for the target.
const std::array<std::vector<std::string>, kKinds> kTemplates = {{
    // visit
    {"{S} arrived in {CITY}{D} for a state visit to {TC}",
     "{S} arrived in {CITY}{D} for an official visit at the invitation of {T}", "{S} visited {TC}{D}",
     "{S} paid a two-day official visit to {TC}{D}",
     "{D0}{S} began a {NW}-day visit to {TC}, the first such trip since {PASTYEAR}",
     "{S} flew to {CITY}{D} for talks with {T}", "^{T} hosted {S} in {CITY}{D}",
     "^{D0}{T} welcomed {S} to {CITY} at the start of an official visit", "{S} travelled to {TC}{D}",
     "{S} made a brief visit to {TC}{D} to discuss {TOPIC}"},
    // telephone
    {"{S} telephoned {T}{D}", "{S} held a telephone conversation with {T}{D}",
     "{S} and {T} spoke by telephone{D}", "{S} phoned {T}{D} to discuss {TOPIC}",
     "{D0}{S} had a telephone conversation with {T} about {TOPIC}",
     "In a telephone call{D}, {S} told {T} that the two sides should work together on {TOPIC}",
     "{S} called {T}{D} to discuss {TOPIC}", "{S} spoke with {T} by phone{D} about {TOPIC}"},
    // meet
    {"{S} met {T} in {CITY}{D}", "{S} held talks with {T} in {CITY}{D}",
     "{S} met with {T}{D} on the sidelines of the {ORGS} summit in {CITY}",
     "{S} and {T} met in {CITY}{D} to discuss {TOPIC}", "{D0}{S} received {T} in {CITY}",
     "{S} held talks with {T}{D} on {TOPIC}", "{D0}{S} and {T} held talks in {CITY} on {TOPIC}",
     "{S} met {T}{D} to discuss {TOPIC}", "{S} conferred with {T} in {CITY}{D}"},
    // agree
    {"{S} and {T} signed an agreement on {TOPIC}{D}", "{S} signed a treaty on {TOPIC} with {T} in {CITY}{D}",
     "{D0}{S} and {T} signed a memorandum of understanding on {TOPIC}",
     "{S} and {T} signed a joint declaration on {TOPIC} in {CITY}{D}",
     "{S} signed an accord on {TOPIC} with {T}{D}", "{S} and {T} signed a {NW}-year deal on {TOPIC}{D}"},
    // criticize
    {"{S} criticized {T}{D} over {ISSUE}", "{S} sharply criticised {T} for {ISSUE}{D}",
     "{D0}{S} condemned {T} for {WRONG}", "{S} denounced {T}{D} over {ISSUE}",
     "{S} criticized {T}'s position on {TOPIC}{D}"},
    // accuse
    {"{S} accused {T} of {WRONG}{D}", "{D0}{S} accused {T} of {WRONG}", "{S} blamed {T} for {ISSUE}{D}",
     "{S}{D} accused {T} of {WRONG}"},
    // threaten
    {"{S} threatened {T} with sanctions{D}", "{S} threatened to cut off {RESOURCE} supplies to {T}{D}",
     "{S} warned {T}{D} of serious consequences", "{D0}{S} threatened {T} with economic sanctions over {ISSUE}"},
    // aid
    {"{S} pledged ${N} million in aid to {T}{D}", "{S} promised {T} economic assistance{D}",
     "{S} provided humanitarian aid to {T}{D}", "{S} agreed to give {T} a loan of ${N} million{D}",
     "{D0}{S} sent emergency relief supplies to {T}"},
    // demand
    {"{S} demanded that {T} {DEMAND}{D}", "{S} urged {T}{D} to {DEMAND}", "{S} called on {T} to {DEMAND}{D}",
     "{D0}{S} demanded that {T} {DEMAND}"},
    // praise
    {"{S} praised {T} for {GOOD}{D}", "{S} thanked {T}{D} for {GOOD}", "{D0}{S} commended {T} for {GOOD}"},
    // reject
    {"{S} rejected {T}'s proposal on {TOPIC}{D}", "{S} turned down {T}'s request for {REQUEST}{D}",
     "{D0}{S} rejected a demand by {T} to {DEMAND}"},
}};

// Headlines per kind: {SS}/{TS} short names, {TC} target country.
const std::array<std::vector<std::string>, kKinds> kHeadlines = {{
    {"{SS} visits {TC}", "{SS} arrives in {CITY} for talks", "{SS} in {TC} on state visit"},
    {"{SS} and {TS} discuss {TOPIC} by phone", "{SS} telephones {TS}", "Phone talks: {SS}, {TS}"},
    {"{SS} meets {TS} in {CITY}", "{SS}, {TS} hold talks on {TOPIC}", "{TOPICC} on agenda as {SS} meets {TS}"},
    {"{SS} and {TS} sign deal on {TOPIC}", "Agreement on {TOPIC} signed", "{SS}, {TS} seal {TOPIC} pact"},
    {"{SS} criticizes {TS}", "{SS} hits out at {TS} over {TOPIC}"},
    {"{SS} accuses {TS}", "{SS} levels charges at {TS}"},
    {"{SS} threatens {TS} with sanctions", "{SS} warns {TS}"},
    {"{SS} pledges aid to {TS}", "Aid for {TS} from {SS}"},
    {"{SS} presses {TS}", "{SS} urges {TS} to act"},
    {"{SS} praises {TS}", "{SS} thanks {TS}"},
    {"{SS} rejects {TS} proposal", "{SS} says no to {TS}"},
}};

// Filler sentences: {C1}/{C2} countries, {A1} an adjective, {CITY},
// {TOPIC}/{TOPIC2}, {ORG}, {N}/{N2}/{P} numbers, {YEAR0}/{YEAR5} years,
// {FIELD}/{FIELD2}, {REGION}, {MONTH}.
const std::vector<std::string> kFiller = {
    "{C1} is one of {C2}'s largest trading partners, with turnover of about ${N} million last year.",
    "Officials said the two sides would set up a working group on {TOPIC}.",
    "The {A1} side stressed the importance of {TOPIC2}.",
    "Experts expect the volume of trade to reach ${N2} billion by {YEAR5}.",
    "{ORGC} has called for {TOPIC2} to be discussed at its next meeting.",
    "According to the {A1} foreign ministry, preparations for the next round of consultations are under way.",
    "Analysts said the talks reflected growing interest in {TOPIC}.",
    "The delegation included the ministers responsible for {FIELD} and {FIELD2}.",
    "Both countries are members of {ORG}.",
    "{N2} agreements have been signed between the two countries since {YEAR0}.",
    "The talks were described as frank and constructive.",
    "Local newspapers devoted their front pages to the talks.",
    "Security in {CITY} was tightened for the occasion, and several streets were closed to traffic.",
    "The two sides also exchanged views on the situation in {REGION}.",
    "Opposition politicians in {C1} questioned the cost of the programme.",
    "A joint statement is expected to be published later this week.",
    "The {A1} economy grew by {P} percent last year, according to official figures.",
    "{FIELDC} accounted for nearly a third of the total.",
    "Negotiations on {TOPIC2} began in {YEAR0} and were suspended twice.",
    "Students from {C1} will be able to study in {C2} under a new exchange programme.",
    "The next session of the intergovernmental commission is scheduled for {MONTH} in {CITY}.",
    "Forecasters predicted heavy rain in the capital for the rest of the week.",
    "The price of crude oil rose to ${P2} a barrel on world markets.",
    "Neither side gave details of the financial terms.",
    "Commentators noted that {TOPIC2} had dominated the agenda for months.",
    "Last year's round of talks in {CITY} ended without a joint communique.",
    "Diplomats in {CITY} said the atmosphere had improved since {YEAR0}.",
    "Some {N3} companies from {C1} already operate in {C2}, most of them in {FIELD}.",
    "The central bank of {C2} left interest rates unchanged at {P} percent.",
    "Regional governors attended part of the programme, which focused on {FIELD} and {TOPIC2}.",
    "Critics argue that {TOPIC2} has been neglected for too long.",
    "The government of {C1} plans to spend ${N} million on {FIELD} over the next {NW} years.",
    "A survey published in {MONTH} found that {P} percent of respondents supported closer ties with {C2}.",
    "Experts from {ORG} will visit the region to assess progress on {TOPIC2}.",
    "Parliament in {C1} is expected to ratify the documents before the end of the year.",
    "The visit was overshadowed by a dispute over {TOPIC2}.",
    "Traffic on the main highway to {CITY} was diverted for several hours.",
    "Officials declined to say when the next round of talks would take place.",
    "The last such meeting took place in {YEAR0}.",
    "Observers said the two governments had narrowed their differences on {TOPIC2}.",
};

// Statements after the lead: {SS} the source's short name, {SC}/{TC} the
// two countries, {TOPIC}.
const std::vector<std::string> kStatements = {
    "{SS} said that {SC} and {TCN} should deepen their cooperation on {TOPIC}.",
    "\"We have agreed to work together on {TOPIC},\" {SS} told reporters afterwards.",
    "{SS} said the talks had been useful and that both sides would keep in close contact.",
    "According to a statement released afterwards, the two sides discussed {TOPIC} and {TOPIC2}.",
    "\"Our positions on {TOPIC} are close,\" {SS} said.",
    "{SS} told journalists that {TOPIC} would remain a priority for {SC}.",
    "Officials from {SC} described the exchange as businesslike.",
    "No joint statement was issued.",
};

const std::vector<std::string> kConnectives = {"Earlier, ", "Separately, ", "Meanwhile, "};
const std::vector<std::string> kAftermaths = {"Relations have developed steadily since then.",
                                              "Little came of it at the time.",
                                              "That meeting laid the groundwork for the present talks.", ""};
const std::vector<std::string> kHeaders = {"Home > News > World", "Home | Politics | International",
                                           "World News", "", "Diplomacy", "Top Stories"};
const std::vector<std::string> kFooters = {"Suggest To A Friend", "Print this article",
                                           "All rights reserved.", "", "Share: Email | Print",
                                           "Related stories"};

std::vector<double> ZipfCumulative(size_t n, double exponent) {
  std::vector<double> cumulative(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) cumulative[i] = total += 1.0 / std::pow(static_cast<double>(i + 1), exponent);
  for (double& c : cumulative) c /= total;
  return cumulative;
}

std::vector<double> WeightsCumulative(const double* weights, int n) {
  std::vector<double> cumulative(n);
  double total = 0;
  for (int i = 0; i < n; ++i) cumulative[i] = total += weights[i];
  for (double& c : cumulative) c /= total;
  return cumulative;
}

std::string ShortName(const std::string& name, const std::string& group) {
  static const std::map<std::string, std::string> kSpecial = {
      {"Luiz Inacio Lula da Silva", "Lula"},  {"Cristina Fernandez de Kirchner", "Fernandez"},
      {"Abdullah II", "King Abdullah"},       {"Bashar al-Assad", "Assad"},
      {"Abdel Fattah el-Sisi", "Sisi"},       {"Jose Luis Rodriguez Zapatero", "Zapatero"},
      {"Fernando Henrique Cardoso", "Cardoso"}, {"Ursula von der Leyen", "von der Leyen"},
      {"Nouri al-Maliki", "Maliki"},          {"Susilo Bambang Yudhoyono", "Yudhoyono"},
      {"Gloria Macapagal Arroyo", "Arroyo"},  {"Dominique de Villepin", "de Villepin"},
      {"Jan Peter Balkenende", "Balkenende"}, {"Ban Ki-moon", "Ban"}};
  auto it = kSpecial.find(name);
  if (it != kSpecial.end()) return it->second;
  std::vector<std::string> words = absl::StrSplit(name, ' ');
  // Chinese and Korean names put the family name first.
  if ((group == "CHN" || group == "PRK" || group == "KOR") && words.size() == 2) return words[0];
  return words.back();
}

struct Tables {
  std::vector<Person> persons;       // most prominent first
  std::vector<Country> countries;    // most prominent first
  std::vector<std::vector<std::string>> cities;  // per country: capital first
  std::vector<Org> orgs;
  std::array<std::vector<int>, kYears> active;            // people in office, by year, in rank order
  std::array<std::vector<double>, kYears> active_cumulative;
  std::vector<double> country_cumulative, org_cumulative, topic_cumulative, publisher_cumulative;
  std::vector<double> main_kind_cumulative, secondary_kind_cumulative;
};

const Tables& GetTables() {
  static const Tables* const tables = [] {
    auto* t = new Tables;
    std::map<std::string, int> country_rank;  // iso3 -> first rank among people
    for (const PersonRow& row : kPersonRows)
      country_rank.emplace(row.group, static_cast<int>(country_rank.size()));
    std::vector<const CountryRow*> rows;
    for (const CountryRow& row : kCountryRows) rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [&](const CountryRow* a, const CountryRow* b) {
      auto ra = country_rank.find(a->iso3), rb = country_rank.find(b->iso3);
      int ka = ra == country_rank.end() ? 1 << 20 : ra->second;
      int kb = rb == country_rank.end() ? 1 << 20 : rb->second;
      return ka < kb;
    });
    std::map<std::string, int> country_index;
    for (const CountryRow* row : rows) {
      country_index[row->iso3] = static_cast<int>(t->countries.size());
      t->countries.push_back({absl::StrCat("country:", row->iso3), row->iso3, row->name, row->adjective,
                              row->capital});
      t->cities.push_back({row->capital});
    }
    for (const CityRow& row : kCityRows) {
      auto it = country_index.find(row.iso3);
      if (it != country_index.end() && row.city != t->cities[it->second][0])
        t->cities[it->second].push_back(row.city);
    }
    for (const PersonRow& row : kPersonRows) {
      Person person;
      person.id = row.id;
      person.name = row.name;
      person.group = row.group;
      person.short_name = ShortName(person.name, person.group);
      auto it = country_index.find(row.group);
      person.country = it == country_index.end() ? -1 : it->second;
      for (absl::string_view part : absl::StrSplit(row.roles, ';')) {
        std::pair<absl::string_view, absl::string_view> span_title = absl::StrSplit(part, absl::MaxSplits(' ', 1));
        std::pair<absl::string_view, absl::string_view> years = absl::StrSplit(span_title.first, '-');
        Role role;
        role.first = std::stoi(std::string(years.first));
        role.last = std::stoi(std::string(years.second));
        role.title = std::string(span_title.second);
        person.roles.push_back(role);
      }
      t->persons.push_back(std::move(person));
    }
    for (const OrgRow& row : kOrgRows) t->orgs.push_back({row.id, row.name, row.short_name});
    for (int y = 0; y < kYears; ++y) {
      for (size_t i = 0; i < t->persons.size(); ++i)
        if (t->persons[i].RoleIn(kFirstYear + y)) t->active[y].push_back(static_cast<int>(i));
      t->active_cumulative[y] = ZipfCumulative(t->active[y].size(), 0.8);
    }
    t->country_cumulative = ZipfCumulative(t->countries.size(), 1.1);
    t->org_cumulative = ZipfCumulative(t->orgs.size(), 1.0);
    t->topic_cumulative = ZipfCumulative(kTopics.size(), 0.9);
    t->publisher_cumulative = ZipfCumulative(kPublishers.size(), 0.9);
    t->main_kind_cumulative = WeightsCumulative(kMainWeights, kKinds);
    t->secondary_kind_cumulative = WeightsCumulative(kSecondaryWeights, kKinds);
    return t;
  }();
  return *tables;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
int Weekday(int y, int m, int d) {  // 0 = Sunday
  int64_t days = DaysFromCivil(y, m, d);
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}
struct Ymd {
  int y = 0, m = 0, d = 0;
};
Ymd MinusDays(Ymd date, int days) {
  while (days-- > 0) {
    if (--date.d == 0) {
      if (--date.m == 0) {
        date.m = 12;
        --date.y;
      }
      date.d = DaysIn(date.y, date.m);
    }
  }
  return date;
}
Ymd PlusDays(Ymd date, int days) {
  while (days-- > 0) {
    if (++date.d > DaysIn(date.y, date.m)) {
      date.d = 1;
      if (++date.m == 13) {
        date.m = 1;
        ++date.y;
      }
    }
  }
  return date;
}
std::string Iso(const Ymd& date) { return absl::StrFormat("%04d-%02d-%02d", date.y, date.m, date.d); }

std::string Capitalize(std::string s) {
  for (char& c : s) {
    if (c == '"' || c == ' ') continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    break;
  }
  return s;
}

std::string Lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Replaces {SLOT}s, then tidies spaces left by empty slots.
std::string Fill(std::string_view text, const std::vector<std::pair<std::string, std::string>>& slots) {
  std::string out = absl::StrReplaceAll(absl::string_view(text.data(), text.size()), slots);
  out = absl::StrReplaceAll(out, {{"  ", " "}, {" ,", ","}, {" .", "."}, {",.", "."}});
  return out;
}

}  // namespace

ArticleGenerator::ArticleGenerator(uint64_t seed) : seed_(seed), state_(seed * 2654435761u + 1) {}

uint64_t ArticleGenerator::Rand() {
  // xorshift64*: fast and deterministic.
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 2685821657736338717ull;
}

int ArticleGenerator::Zipf(const std::vector<double>& cumulative) {
  double u = static_cast<double>(Rand() >> 11) * 0x1.0p-53;
  auto it = std::lower_bound(cumulative.begin(), cumulative.end(), u);
  return it == cumulative.end() ? static_cast<int>(cumulative.size()) - 1
                                : static_cast<int>(it - cumulative.begin());
}

namespace {

// An actor of an interaction: a person, a country or an organisation.
struct Actor {
  enum Type { kPerson, kCountry, kOrg } type = kCountry;
  int index = 0;
};

}  // namespace

Article ArticleGenerator::Next() {
  const Tables& t = GetTables();
  ++counter_;
  Article article;
  article.external_id = absl::StrCat("bench-", seed_, "-", counter_);

  // Publication date: later years a little more frequent.
  static const std::vector<double> kYearCumulative = [] {
    double w[kYears];
    for (int i = 0; i < kYears; ++i) w[i] = 1.0 + 0.04 * i;
    return WeightsCumulative(w, kYears);
  }();
  Ymd published;
  published.y = kFirstYear + Zipf(kYearCumulative);
  published.m = 1 + Below(12);
  published.d = 1 + Below(DaysIn(published.y, published.m));

  // The main event: now and then one that other articles report too.
  const bool reuse = !pool_.empty() && Chance(0.12);
  PoolEvent main;
  if (reuse) {
    main = pool_[Below(static_cast<int>(pool_.size()))];
    published = PlusDays({main.year, main.month, main.day}, Below(3));
    if (published.y >= kFirstYear + kYears) published = {main.year, main.month, main.day};
  }
  const int year = published.y;
  const int year_index = year - kFirstYear;

  // How precisely the article is dated.
  enum Dating { kFull, kMonth, kYear, kUndated } dating = kFull;
  if (!reuse) {
    int r = Below(100);
    dating = r < 92 ? kFull : r < 95 ? kMonth : r < 97 ? kYear : kUndated;
  }
  // What a reader takes as the date of an event the text does not date.
  const std::string published_text = dating == kFull    ? Iso(published)
                                     : dating == kMonth ? absl::StrFormat("%04d-%02d", published.y, published.m)
                                     : dating == kYear  ? absl::StrFormat("%04d", published.y)
                                                        : "";

  auto pick_person = [&](int avoid_country, const std::string& avoid_id) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      const Person& p = t.persons[t.active[year_index][Zipf(t.active_cumulative[year_index])]];
      if (p.id == avoid_id || (avoid_country >= 0 && p.country == avoid_country)) continue;
      return static_cast<int>(&p - t.persons.data());
    }
    return -1;
  };
  auto pick_country = [&](int avoid) {
    int c = Zipf(t.country_cumulative);
    while (c == avoid) c = Zipf(t.country_cumulative);
    return c;
  };
  auto country_of = [&](const Actor& a) {
    return a.type == Actor::kCountry ? a.index : a.type == Actor::kPerson ? t.persons[a.index].country : -1;
  };
  auto id_of = [&](const Actor& a) -> const std::string& {
    return a.type == Actor::kPerson ? t.persons[a.index].id
           : a.type == Actor::kCountry ? t.countries[a.index].id
                                       : t.orgs[a.index].id;
  };
  auto pick_actor = [&](double person_share, double org_share, const Actor* other) {
    Actor a;
    int avoid_country = other ? country_of(*other) : -1;
    std::string avoid_id = other ? id_of(*other) : "";
    double r = static_cast<double>(Below(1000)) / 1000;
    if (r < person_share) {
      int p = pick_person(avoid_country, avoid_id);
      if (p >= 0) {
        a.type = Actor::kPerson;
        a.index = p;
        return a;
      }
    } else if (r < person_share + org_share) {
      a.type = Actor::kOrg;
      a.index = Zipf(t.org_cumulative);
      if (!other || id_of(a) != avoid_id) return a;
    }
    a.type = Actor::kCountry;
    a.index = pick_country(avoid_country);
    return a;
  };
  // How an actor is named: full title, shorter forms, or as a country.
  std::map<std::string, bool> named;  // people already named in full in this article
  auto name_of = [&](const Actor& a, bool metonymy) -> std::string {
    if (a.type == Actor::kOrg) {
      const Org& o = t.orgs[a.index];
      return Chance(0.7) ? o.name : o.short_name;
    }
    if (a.type == Actor::kCountry) {
      const Country& c = t.countries[a.index];
      int r = Below(10);
      if (r < 6 || (r >= 8 && !metonymy)) return c.name;
      if (r < 8) return absl::StrCat("the ", c.adjective, " government");
      return c.capital;  // "Beijing criticized Washington"
    }
    const Person& p = t.persons[a.index];
    bool& seen = named[p.id];
    if (seen && Chance(0.6)) return p.short_name;
    seen = true;
    const Role* role = p.RoleIn(year);
    std::string adjective = p.country >= 0 ? t.countries[p.country].adjective : p.group;
    int r = Below(10);
    if (role && !role->title.empty()) {
      if (r < 4) return absl::StrCat(adjective, " ", role->title, " ", p.name);
      if (r < 7) return absl::StrCat(role->title, " ", p.name);
      if (r < 8) return absl::StrCat(p.name, ", the ", adjective, " ", Lowercase(role->title), ",");
      return p.name;
    }
    if (r < 2 && p.country >= 0) return absl::StrCat(Capitalize(t.countries[p.country].name), "'s ", p.name);
    return p.name;
  };
  auto short_of = [&](const Actor& a) -> std::string {
    if (a.type == Actor::kPerson) return t.persons[a.index].short_name;
    if (a.type == Actor::kOrg) return t.orgs[a.index].short_name;
    std::string name = t.countries[a.index].name;
    return name.rfind("the ", 0) == 0 ? name.substr(4) : name;
  };
  auto country_name = [&](const Actor& a) -> std::string {
    int c = country_of(a);
    return c >= 0 ? t.countries[c].name : t.orgs[0].name;
  };
  auto city_in = [&](int country) -> std::string {
    if (country < 0) return t.cities[0][0];
    const auto& cities = t.cities[country];
    return cities.size() > 1 && Chance(0.3) ? cities[1 + Below(static_cast<int>(cities.size()) - 1)]
                                             : cities[0];
  };
  auto topic = [&] { return kTopics[Zipf(t.topic_cumulative)]; };
  auto month_name = [&] { return Pick(kMonths); };

  // A date phrase for an event `days_before` the publication date, and what
  // it tells a reader; `exact` asks for one that pins the day down.
  struct DatePhrase {
    std::string trailing, leading;
    std::string date;  // what the text implies
  };
  auto date_phrase = [&](const Ymd& event, int days_before, bool exact) {
    DatePhrase phrase;
    std::string on;
    if (dating != kFull) {
      phrase.date = published_text;
      int r = Below(10);
      if (r < 4 || exact) {
        on = Chance(0.5) ? absl::StrFormat("on %d %s %d", event.d, kMonths[event.m - 1], event.y)
                         : absl::StrFormat("on %s %d, %d", kMonths[event.m - 1], event.d, event.y);
        phrase.date = Iso(event);
      } else if (r < 6) {
        on = absl::StrFormat("on %d %s", event.d, kMonths[event.m - 1]);  // a date without a year
        phrase.date = absl::StrFormat("--%02d-%02d", event.m, event.d);
      }
    } else if (days_before == 0) {
      if (Chance(0.3)) on = "today";
      phrase.date = Iso(event);
    } else {
      int r = Below(10);
      if (days_before == 1 && r < 3) {
        on = "yesterday";
      } else if (r < 6) {
        on = absl::StrCat("on ", kWeekdays[Weekday(event.y, event.m, event.d)]);
      } else if (r < 8 || exact) {
        on = Chance(0.5) ? absl::StrFormat("on %d %s %d", event.d, kMonths[event.m - 1], event.y)
                         : absl::StrFormat("on %s %d", kMonths[event.m - 1], event.d);
      } else {
        on = "";  // the text gives no date: a reader takes the publication date
      }
      phrase.date = on.empty() ? Iso(published) : Iso(event);
    }
    if (!on.empty()) {
      phrase.trailing = absl::StrCat(" ", on);
      phrase.leading = absl::StrCat(Capitalize(on), ", ");
    }
    return phrase;
  };

  // Writes one interaction sentence; returns it and records the event.
  auto write_event = [&](Kind kind, const Actor& source, const Actor& target, const DatePhrase& when,
                         const std::string& city, bool repeated) {
    const auto& templates = kTemplates[kind];
    std::string tmpl = Pick(templates);
    bool hosted = !tmpl.empty() && tmpl[0] == '^';
    if (hosted) tmpl.erase(0, 1);
    // A visit "to China" needs a target with a country; organisations are
    // visited at their seat, which these templates do not name.
    if (kind == kVisit && country_of(target) < 0) tmpl = "{S} held talks with {T} in {CITY}{D}";
    const std::string leading = tmpl.rfind("{D0}", 0) == 0 ? when.leading : "";
    // An appositive ("Putin, the Russian president,") cannot take a
    // possessive or end a sentence.
    auto actor_text = [&](const Actor& a, std::string_view slot) {
      std::string text = name_of(a, MetonymyFits(kind));
      size_t at = tmpl.find(slot);
      bool closed = at != std::string::npos && at + slot.size() < tmpl.size() && tmpl[at + slot.size()] == ' ';
      for (int attempt = 0; attempt < 8 && !closed && text.back() == ','; ++attempt)
        text = name_of(a, MetonymyFits(kind));
      if (text.back() == ',') text = short_of(a);
      return text;
    };
    std::vector<std::pair<std::string, std::string>> slots = {
        {"{D0}", leading},
        {"{D}", leading.empty() ? when.trailing : ""},
        {"{S}", actor_text(source, "{S}")},
        {"{T}", actor_text(target, "{T}")},
        {"{TC}", country_name(target)},
        {"{CITY}", city},
        {"{ORGS}", t.orgs[Zipf(t.org_cumulative)].short_name},
        {"{TOPIC}", topic()},
        {"{ISSUE}", Pick(kIssues)},
        {"{WRONG}", Pick(kWrongs)},
        {"{DEMAND}", Pick(kDemands)},
        {"{GOOD}", Pick(kGoods)},
        {"{REQUEST}", Pick(kRequests)},
        {"{RESOURCE}", Pick(kResources)},
        {"{N}", absl::StrCat(5 * (1 + Below(60)))},
        {"{NW}", Pick(kNumberWords)},
        {"{PASTYEAR}", absl::StrCat(year - 2 - Below(8))},
    };
    std::string sentence = Capitalize(Fill(tmpl, slots));
    // "{S} ... {T}" wordings of the meeting kind read "the two met" with the
    // source first; hosted visits are coded for the host.
    GeneratedEvent event;
    event.kind = hosted ? "host" : kKindNames[kind];
    event.source_id = hosted ? id_of(target) : id_of(source);
    event.target_id = hosted ? id_of(source) : id_of(target);
    if (kind == kVisit && !hosted && tmpl.find("{T}") == std::string::npos && country_of(target) >= 0)
      event.target_id = t.countries[country_of(target)].id;  // "visited Russia"
    event.date = when.date;
    event.repeated = repeated;
    article.events.push_back(event);
    return absl::StrCat(sentence, ".");
  };

  // --- The main event.
  Kind main_kind;
  Actor source, target;
  int days_before = 0;
  Ymd event_date;
  std::string place;
  if (reuse) {
    main_kind = static_cast<Kind>(std::find(std::begin(kKindNames), std::end(kKindNames), main.event.kind) -
                                  std::begin(kKindNames));
    if (main.event.kind == "host") main_kind = kVisit;
    // Find the actors again by id (the pool keeps ids).
    auto find_actor = [&](const std::string& id) {
      Actor a;
      for (size_t i = 0; i < t.persons.size(); ++i)
        if (t.persons[i].id == id) return Actor{Actor::kPerson, static_cast<int>(i)};
      for (size_t i = 0; i < t.orgs.size(); ++i)
        if (t.orgs[i].id == id) return Actor{Actor::kOrg, static_cast<int>(i)};
      for (size_t i = 0; i < t.countries.size(); ++i)
        if (t.countries[i].id == id) return Actor{Actor::kCountry, static_cast<int>(i)};
      return a;
    };
    bool hosted = main.event.kind == "host";
    source = find_actor(hosted ? main.event.target_id : main.event.source_id);
    target = find_actor(hosted ? main.event.source_id : main.event.target_id);
    event_date = {main.year, main.month, main.day};
    days_before = static_cast<int>(DaysFromCivil(published.y, published.m, published.d) -
                                   DaysFromCivil(event_date.y, event_date.m, event_date.d));
    place = main.place;
  } else {
    main_kind = static_cast<Kind>(Zipf(t.main_kind_cumulative));
    source = pick_actor(PeopleOnly(main_kind) ? 1.0 : 0.7, PeopleOnly(main_kind) ? 0.0 : 0.05, nullptr);
    target = pick_actor(main_kind == kVisit ? 0.6 : PeopleOnly(main_kind) ? 1.0 : 0.55,
                        PeopleOnly(main_kind) ? 0.0 : 0.1, &source);
    int r = Below(100);
    days_before = r < 40 ? 0 : r < 75 ? 1 : 2 + Below(5);
    event_date = MinusDays(published, days_before);
    int host_country = country_of(main_kind == kVisit || Chance(0.6) ? target : source);
    place = city_in(host_country >= 0 ? host_country : country_of(source));
  }
  DatePhrase when = date_phrase(event_date, days_before, reuse);
  std::string lead = write_event(main_kind, source, target, when, place, reuse);
  if (!reuse && Chance(0.25) && dating == kFull && when.date == Iso(event_date) && event_date.y >= kFirstYear) {
    PoolEvent pooled;
    pooled.event = article.events.back();
    pooled.year = event_date.y;
    pooled.month = event_date.m;
    pooled.day = event_date.d;
    pooled.place = place;
    if (pool_.size() < 4000) {
      pool_.push_back(pooled);
    } else {
      pool_[Below(static_cast<int>(pool_.size()))] = pooled;
    }
  }
  if (reuse) article.events.back().repeated = true;

  // --- Headline.
  std::string headline = Fill(Pick(kHeadlines[main_kind]),
                              {{"{SS}", short_of(source)},
                               {"{TS}", short_of(target)},
                               {"{TC}", short_of(target.type == Actor::kPerson && country_of(target) >= 0
                                                     ? Actor{Actor::kCountry, country_of(target)}
                                                     : target)},
                               {"{CITY}", place},
                               {"{TOPIC}", topic()},
                               {"{TOPICC}", Capitalize(topic())}});
  headline = Capitalize(headline);

  // --- Publisher, dateline, URL.
  const Publisher& publisher = kPublishers[Zipf(t.publisher_cumulative)];
  if (publisher.sends_name) article.source = publisher.name;
  std::string dateline;
  switch (dating) {
    case kFull: {
      article.published = Iso(published);
      const std::string& month = kMonths[published.m - 1];
      switch ((publisher.style + Below(3)) % 6) {
        case 0:
          dateline = absl::StrFormat("(%02d/%02d/%04d)", published.d, published.m, published.y);
          break;
        case 1:
          dateline = absl::StrFormat("Posted %s. %d, %d 10:%02d", month.substr(0, 3), published.d, published.y,
                                     static_cast<int>(counter_ % 60));
          break;
        case 2:
          dateline = absl::StrFormat("%04d-%02d-%02d 09:%02d", published.y, published.m, published.d,
                                     static_cast<int>(counter_ % 60));
          break;
        case 3:
          dateline = absl::StrFormat("Published: %d %s %d", published.d, month, published.y);
          break;
        case 4:
          dateline = absl::StrFormat("%s, %s %d, %d", kWeekdays[Weekday(published.y, published.m, published.d)],
                                     month, published.d, published.y);
          break;
        default:
          // A wire dateline names no year: the request carries the date.
          dateline = "";
          article.send_published = true;
          break;
      }
      break;
    }
    case kMonth:
      article.published = absl::StrFormat("%04d-%02d", published.y, published.m);
      dateline = absl::StrFormat("Archive: %s %d", kMonths[published.m - 1], published.y);
      article.send_published = true;
      break;
    case kYear:
      article.published = absl::StrFormat("%04d", published.y);
      dateline = absl::StrFormat("Yearbook %d", published.y);
      article.send_published = true;
      break;
    case kUndated:
      break;
  }
  std::string slug = Lowercase(absl::StrReplaceAll(headline, {{" ", "-"}, {",", ""}, {":", ""}, {"'", ""}}));
  article.url = dating == kFull || dating == kMonth
                    ? absl::StrFormat("https://%s/%04d/%02d/%s-%d.html", publisher.host, published.y,
                                      published.m, slug, counter_)
                    : absl::StrFormat("https://%s/article/%s-%d", publisher.host, slug, counter_);

  std::string body;
  const std::string& header = kHeaders[(publisher.style + counter_) % kHeaders.size()];
  if (!header.empty() && Chance(0.6)) absl::StrAppend(&body, header, "\n");
  absl::StrAppend(&body, headline, "\n");
  if (!dateline.empty()) absl::StrAppend(&body, dateline, "\n");
  absl::StrAppend(&body, "\n");
  if (article.send_published && dating == kFull) {
    // Wire style: "MOSCOW, Sept 18 (Capital Wire) -" before the lead.
    std::string city = place;
    for (char& c : city) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    absl::StrAppend(&body, city, ", ", kMonths[published.m - 1].substr(0, 3), " ", published.d, " (",
                    publisher.name, ") - ");
  }

  // --- Lead paragraph and statement.
  absl::StrAppend(&body, lead);
  const int source_country = country_of(source), target_country = country_of(target);
  std::string source_country_name = source_country >= 0 ? t.countries[source_country].name : "the organisation";
  std::string target_country_name = target_country >= 0 ? t.countries[target_country].name : "its partners";
  if (Chance(0.5)) {
    absl::StrAppend(&body, " ",
                    Capitalize(Fill(Pick(kStatements), {{"{SS}", short_of(source)},
                                                        {"{SC}", source_country_name},
                                                        {"{TCN}", target_country_name},
                                                        {"{TOPIC}", topic()},
                                                        {"{TOPIC2}", topic()}})));
  }
  absl::StrAppend(&body, "\n\n");

  // --- Secondary events: the same actors with others, mostly undated.
  int secondary = Below(4);
  for (int i = 0; i < secondary; ++i) {
    Kind kind = static_cast<Kind>(Zipf(t.secondary_kind_cumulative));
    const bool people = PeopleOnly(kind);
    Actor a = Chance(0.5) ? source : Chance(0.5) ? target : pick_actor(0.6, 0.1, nullptr);
    if (people && a.type != Actor::kPerson) a = pick_actor(1.0, 0.0, nullptr);
    Actor b = pick_actor(people && kind != kVisit ? 1.0 : 0.5, people ? 0.0 : 0.15, &a);
    int before = Below(4);
    DatePhrase phrase = Chance(0.5) ? DatePhrase{"", "", published_text}
                                    : date_phrase(MinusDays(published, before), before, false);
    int host_country = country_of(kind == kVisit ? b : a);
    std::string sentence = write_event(kind, a, b, phrase, city_in(host_country >= 0 ? host_country : 0), false);
    if (i == 0 && phrase.trailing.empty() && Chance(0.4)) {
      if (sentence.rfind("The ", 0) == 0) sentence[0] = 't';
      sentence = absl::StrCat(Pick(kConnectives), sentence);
    }
    absl::StrAppend(&body, sentence, Chance(0.5) ? " " : "\n\n");
  }
  if (secondary > 0 && body.back() == ' ') body.back() = '\n', body += "\n";

  // --- Background: an earlier interaction, dated by month and year.
  if (Chance(0.35)) {
    int back_year = year - 1 - Below(5);
    int back_month = 1 + Below(12);
    Kind kind = static_cast<Kind>(Below(4));  // visit, telephone, meet, agree
    Actor a = source, b = target;
    bool persons_in_office = (a.type != Actor::kPerson || t.persons[a.index].RoleIn(back_year)) &&
                             (b.type != Actor::kPerson || t.persons[b.index].RoleIn(back_year));
    if (a.type != Actor::kPerson || b.type == Actor::kOrg || (b.type != Actor::kPerson && kind != kVisit))
      kind = kAgree;
    if (!persons_in_office || back_year < kFirstYear) {
      kind = kAgree;
      a = Actor{Actor::kCountry, source_country >= 0 ? source_country : pick_country(-1)};
      b = Actor{Actor::kCountry, target_country >= 0 && target_country != a.index ? target_country
                                                                                  : pick_country(a.index)};
    }
    DatePhrase phrase;
    phrase.leading = absl::StrFormat("In %s %d, ", kMonths[back_month - 1], back_year);
    phrase.trailing = absl::StrFormat(" in %s %d", kMonths[back_month - 1], back_year);
    phrase.date = absl::StrFormat("%04d-%02d", back_year, back_month);
    std::string sentence = write_event(kind, a, b, phrase, city_in(country_of(b) >= 0 ? country_of(b) : 0), false);
    const std::string& aftermath = Pick(kAftermaths);
    absl::StrAppend(&body, sentence, aftermath.empty() ? "" : " ", aftermath, "\n\n");
  }

  // --- Filler paragraphs built from varied sentences.
  int paragraphs = 4 + Below(5);
  int c1 = source_country >= 0 ? source_country : pick_country(-1);
  int c2 = target_country >= 0 && target_country != c1 ? target_country : pick_country(c1);
  // Each filler sentence at most once per article.
  std::vector<int> order(kFiller.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[Below(static_cast<int>(i) + 1)]);
  size_t next_filler = 0;
  for (int p = 0; p < paragraphs; ++p) {
    int sentences = 2 + Below(4);
    for (int s = 0; s < sentences; ++s) {
      bool swap = Chance(0.5);
      const Org& org = t.orgs[Zipf(t.org_cumulative)];
      std::string field = Pick(kFields);
      std::string sentence = Fill(
          kFiller[order[next_filler++ % order.size()]],
          {{"{C1}", t.countries[swap ? c2 : c1].name},
           {"{C2}", t.countries[swap ? c1 : c2].name},
           {"{A1}", t.countries[swap ? c2 : c1].adjective},
           {"{CITY}", city_in(swap ? c2 : c1)},
           {"{TOPIC}", topic()},
           {"{TOPIC2}", topic()},
           {"{ORG}", org.name},
           {"{ORGC}", Capitalize(org.name)},
           {"{N}", absl::StrCat(10 * (1 + Below(90)))},
           {"{N2}", absl::StrCat(2 + Below(40))},
           {"{N3}", absl::StrCat(20 + Below(400))},
           {"{P}", absl::StrFormat("%d.%d", Below(12), Below(10))},
           {"{P2}", absl::StrCat(15 + Below(110))},
           {"{YEAR0}", absl::StrCat(year - 3 - Below(15))},
           {"{YEAR5}", absl::StrCat(year + 2 + Below(6))},
           {"{FIELD}", field},
           {"{FIELDC}", Capitalize(field)},
           {"{FIELD2}", Pick(kFields)},
           {"{REGION}", Pick(kRegions)},
           {"{MONTH}", month_name()},
           {"{NW}", Pick(kNumberWords)}});
      absl::StrAppend(&body, Capitalize(sentence), s + 1 < sentences ? " " : "\n\n");
    }
  }

  const std::string& footer = kFooters[(publisher.style + counter_ / 7) % kFooters.size()];
  if (!footer.empty() && Chance(0.6)) absl::StrAppend(&body, footer, "\n");
  article.body = std::move(body);
  return article;
}

std::vector<std::string> ArticleGenerator::QueryWords() {
  return {"talks",     "agreement", "visit",          "telephone", "sanctions",
          "trade",     "security",  "\"state visit\"", "pipeline",  "cooperation"};
}

std::vector<std::string> ArticleGenerator::EntityIds() {
  return {"person:vladimir-putin", "person:jiang-zemin", "person:george-w-bush", "person:xi-jinping",
          "person:hu-jintao",      "person:barack-obama", "country:RUS",         "country:CHN",
          "country:USA",           "country:KAZ",        "org:UN",              "org:EU"};
}

std::vector<std::pair<std::string, std::string>> ArticleGenerator::EntityPairs() {
  return {{"person:vladimir-putin", "person:jiang-zemin"},   {"person:vladimir-putin", "person:george-w-bush"},
          {"person:xi-jinping", "person:vladimir-putin"},    {"person:george-w-bush", "person:hu-jintao"},
          {"person:barack-obama", "person:vladimir-putin"},  {"person:vladimir-putin", "person:kofi-annan"},
          {"person:jiang-zemin", "person:george-w-bush"},    {"person:barack-obama", "person:xi-jinping"}};
}

std::vector<std::string> ArticleGenerator::ActorCodes() {
  return {"CHN", "CHNGOV", "RUS", "RUSGOV", "USA", "USAGOV", "IGO"};
}

std::vector<std::string> ArticleGenerator::Sources() {
  std::vector<std::string> sources;
  for (const Publisher& p : kPublishers) sources.push_back(p.sends_name ? p.name : p.host);
  return sources;
}

}  // namespace dossier::bench
