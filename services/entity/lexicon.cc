#include "services/entity/lexicon.h"

#include <initializer_list>

#include "absl/container/flat_hash_set.h"

namespace dossier::entity {

namespace {

using WordSet = absl::flat_hash_set<std::string_view>;

const WordSet& FunctionWords() {
  static const WordSet* set = new WordSet{"a",
                                          "an",
                                          "the",
                                          "and",
                                          "or",
                                          "but",
                                          "if",
                                          "of",
                                          "in",
                                          "on",
                                          "at",
                                          "to",
                                          "for",
                                          "by",
                                          "with",
                                          "from",
                                          "as",
                                          "into",
                                          "onto",
                                          "about",
                                          "after",
                                          "before",
                                          "during",
                                          "since",
                                          "until",
                                          "till",
                                          "under",
                                          "over",
                                          "between",
                                          "among",
                                          "amid",
                                          "against",
                                          "through",
                                          "throughout",
                                          "without",
                                          "within",
                                          "upon",
                                          "via",
                                          "per",
                                          "than",
                                          "then",
                                          "so",
                                          "yet",
                                          "nor",
                                          "not",
                                          "no",
                                          "yes",
                                          "also",
                                          "however",
                                          "meanwhile",
                                          "moreover",
                                          "furthermore",
                                          "therefore",
                                          "thus",
                                          "hence",
                                          "still",
                                          "even",
                                          "only",
                                          "just",
                                          "both",
                                          "all",
                                          "any",
                                          "some",
                                          "each",
                                          "every",
                                          "either",
                                          "neither",
                                          "other",
                                          "another",
                                          "such",
                                          "this",
                                          "that",
                                          "these",
                                          "those",
                                          "there",
                                          "here",
                                          "where",
                                          "when",
                                          "while",
                                          "what",
                                          "which",
                                          "who",
                                          "whom",
                                          "whose",
                                          "why",
                                          "how",
                                          "it",
                                          "its",
                                          "he",
                                          "she",
                                          "they",
                                          "we",
                                          "i",
                                          "you",
                                          "me",
                                          "him",
                                          "her",
                                          "them",
                                          "my",
                                          "his",
                                          "their",
                                          "our",
                                          "your",
                                          "be",
                                          "is",
                                          "are",
                                          "was",
                                          "were",
                                          "been",
                                          "being",
                                          "have",
                                          "has",
                                          "had",
                                          "do",
                                          "does",
                                          "did",
                                          "will",
                                          "would",
                                          "shall",
                                          "should",
                                          "can",
                                          "could",
                                          "may",
                                          "might",
                                          "must",
                                          "let",
                                          "according",
                                          "noting",
                                          "said",
                                          "says",
                                          "say",
                                          "please",
                                          "dear",
                                          "thanks",
                                          "thank",
                                          "like",
                                          "unlike",
                                          "despite",
                                          "although",
                                          "though",
                                          "because",
                                          "whether",
                                          "once",
                                          "now",
                                          "today",
                                          "tomorrow",
                                          "yesterday",
                                          "tonight",
                                          "again",
                                          "already",
                                          "always",
                                          "never",
                                          "often",
                                          "first",
                                          "second",
                                          "third",
                                          "fourth",
                                          "fifth",
                                          "sixth",
                                          "seventh",
                                          "eighth",
                                          "ninth",
                                          "tenth",
                                          "last",
                                          "next",
                                          "one",
                                          "two",
                                          "three",
                                          "four",
                                          "five",
                                          "six",
                                          "seven",
                                          "eight",
                                          "nine",
                                          "ten",
                                          "many",
                                          "most",
                                          "more",
                                          "much",
                                          "few",
                                          "several",
                                          "less",
                                          "least",
                                          "very",
                                          "well",
                                          "too",
                                          "up",
                                          "down",
                                          "out",
                                          "off",
                                          "near",
                                          "around",
                                          "across",
                                          "along",
                                          "behind",
                                          "beyond",
                                          "toward",
                                          "towards",
                                          "regarding",
                                          "concerning",
                                          "including",
                                          "following",
                                          "given",
                                          "due",
                                          "ago",
                                          "later",
                                          "earlier",
                                          "soon",
                                          "yet",
                                          "instead",
                                          "otherwise",
                                          "indeed",
                                          "certainly",
                                          "perhaps",
                                          "maybe",
                                          "especially",
                                          "particularly",
                                          "finally",
                                          "lastly",
                                          "overall",
                                          "additionally",
                                          "besides",
                                          "nevertheless",
                                          "nonetheless",
                                          "accordingly",
                                          "consequently",
                                          "elsewhere",
                                          "everyone",
                                          "everything",
                                          "nothing",
                                          "someone",
                                          "something",
                                          "anyone",
                                          "anything",
                                          "none",
                                          "whatever",
                                          "whoever",
                                          "itself",
                                          "himself",
                                          "herself",
                                          "themselves",
                                          "ourselves",
                                          "myself",
                                          "yourself",
                                          "be",
                                          "become",
                                          "became",
                                          "'s",
                                          "seventy",
                                          "sixty",
                                          "fifty",
                                          "forty",
                                          "thirty",
                                          "twenty",
                                          "hundred",
                                          "thousand",
                                          "million",
                                          "billion",
                                          "dozens",
                                          "hundreds",
                                          "thousands",
                                          "millions",
                                          "half",
                                          "quarter"};
  return *set;
}

const WordSet& CalendarWords() {
  static const WordSet* set =
      new WordSet{"january",   "february", "march",     "april",    "may",    "june",     "july",   "august",
                  "september", "october",  "november",  "december", "jan.",   "feb.",     "mar.",   "apr.",
                  "jun.",      "jul.",     "aug.",      "sep.",     "sept.",  "oct.",     "nov.",   "dec.",
                  "monday",    "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "mon.",
                  "tue.",      "tues.",    "wed.",      "thu.",     "thur.",  "thurs.",   "fri.",   "sat."};
  return *set;
}

const WordSet& PersonTitles() {
  static const WordSet* set = new WordSet{"president",
                                          "premier",
                                          "minister",
                                          "secretary",
                                          "chairman",
                                          "chairwoman",
                                          "chairperson",
                                          "king",
                                          "queen",
                                          "prince",
                                          "princess",
                                          "chancellor",
                                          "general",
                                          "mr.",
                                          "mrs.",
                                          "ms.",
                                          "dr.",
                                          "prof.",
                                          "mr",
                                          "mrs",
                                          "ms",
                                          "dr",
                                          "ambassador",
                                          "governor",
                                          "senator",
                                          "mayor",
                                          "pope",
                                          "emperor",
                                          "empress",
                                          "spokesman",
                                          "spokeswoman",
                                          "spokesperson",
                                          "envoy",
                                          "colonel",
                                          "col.",
                                          "gen.",
                                          "marshal",
                                          "admiral",
                                          "commander",
                                          "sheikh",
                                          "sir",
                                          "lord",
                                          "lady",
                                          "judge",
                                          "justice",
                                          "captain",
                                          "capt.",
                                          "lieutenant",
                                          "lt.",
                                          "sergeant",
                                          "sgt.",
                                          "ayatollah",
                                          "rep.",
                                          "sen.",
                                          "gov.",
                                          "vice-president",
                                          "vice-premier",
                                          "secretary-general",
                                          "director-general",
                                          "president-elect",
                                          "chief",
                                          "counselor",
                                          "councillor",
                                          "councilor",
                                          "speaker",
                                          "professor",
                                          "director",
                                          "commissioner",
                                          "congressman",
                                          "congresswoman",
                                          "cardinal",
                                          "bishop",
                                          "archbishop",
                                          "rabbi",
                                          "imam",
                                          "crown",
                                          "sultan",
                                          "emir",
                                          "shah",
                                          "tsar",
                                          "czar",
                                          "dalai",
                                          "lama",
                                          "viceroy",
                                          "consul",
                                          "attaché",
                                          "attache",
                                          "delegate",
                                          "representative"};
  return *set;
}

const WordSet& TitleModifiers() {
  static const WordSet* set = new WordSet{
      "vice",       "deputy",    "prime", "foreign",   "former",   "acting",   "interim",  "-",
      "first",      "then",      "late",  "defense",   "defence",  "finance",  "interior", "trade",
      "state",      "assistant", "under", "executive", "general",  "chief",    "senior",   "junior",
      "federation", "supreme",   "top",   "new",       "outgoing", "incoming", "honorary", "permanent",
      "security",   "council",   "party", "communist", "ex"};
  return *set;
}

const WordSet& GenericWords() {
  static const WordSet* set =
      new WordSet{"home",          "topics",        "topic",         "features",     "feature",
                  "series",        "link",          "links",         "web",          "suggest",
                  "friend",        "contents",      "content",       "go",           "posted",
                  "page",          "print",         "email",         "e-mail",       "share",
                  "related",       "news",          "read",          "click",        "back",
                  "top",           "copyright",     "photo",         "photos",       "video",
                  "videos",        "source",        "sources",       "update",       "updated",
                  "comments",      "comment",       "subscribe",     "login",        "search",
                  "menu",          "advertisement", "editor",        "editorial",    "opinion",
                  "report",        "reports",       "reported",      "government",   "republic",
                  "union",         "state",         "states",        "party",        "council",
                  "congress",      "parliament",    "army",          "navy",         "police",
                  "court",         "bank",          "press",         "times",        "post",
                  "daily",         "ministry",      "sea",           "gulf",         "north",
                  "south",         "east",          "west",          "central",      "western",
                  "eastern",       "northern",      "southern",      "middle",       "great",
                  "grand",         "capital",       "federal",       "national",     "international",
                  "united",        "democratic",    "people",        "peoples",      "island",
                  "islands",       "commonwealth",  "maritime",      "centrale",     "cascade",
                  "cascades",      "midlands",      "grad",          "bar",          "male",
                  "man",           "coast",         "city",          "town",         "province",
                  "region",        "district",      "county",        "world",        "earth",
                  "internet",      "war",           "peace",         "security",     "cooperation",
                  "development",   "economy",       "treaty",        "agreement",    "declaration",
                  "charter",       "anniversary",   "committee",     "commission",   "agency",
                  "organization",  "organisation",  "association",   "institute",    "university",
                  "college",       "school",        "department",    "office",       "bureau",
                  "embassy",       "military",      "forces",        "force",        "side",
                  "sides",         "members",       "member",        "country",      "countries",
                  "nation",        "nations",       "leaders",       "leader",       "officials",
                  "official",      "issue",         "issues",        "market",       "trade",
                  "business",      "energy",        "science",       "technology",   "human",
                  "rights",        "law",           "order",         "policy",       "strategy",
                  "summit",        "meeting",       "conference",    "talks",        "relations",
                  "affairs",       "foreign",       "domestic",      "joint",        "statement",
                  "initiative",    "plan",          "program",       "programme",    "project",
                  "new",           "old",           "free",          "liberal",      "chief",
                  "head",          "global",        "regional",      "local",        "public",
                  "private",       "general",       "special",       "senior",       "junior",
                  "official",      "always",        "good",          "partners",     "partner",
                  "highlight",     "highlights",    "opposes",       "meets",        "telephoned",
                  "visit",         "visits",        "talk",          "phone",        "call",
                  "calls",         "message",       "letter",        "speech",       "interview",
                  "full",          "text",          "part",          "section",      "chapter",
                  "article",       "story",         "stories",       "latest",       "breaking",
                  "exclusive",     "analysis",      "commentary",    "column",       "blog",
                  "live",          "sport",         "sports",        "business",     "culture",
                  "life",          "travel",        "health",        "education",    "environment",
                  "politics",      "economics",     "finance",       "markets",      "weather",
                  "science",       "tech",          "entertainment", "lifestyle",    "style",
                  "food",          "society",       "mission",       "fight",        "terrorism",
                  "border",        "support",       "help",          "hope",         "love",
                  "life",          "death",         "key",           "major",        "minor",
                  "common",        "mutual",        "bilateral",     "multilateral", "strategic",
                  "comprehensive", "according",     "related",       "relevant",     "others",
                  "another",       "information",   "contact",       "contacts",     "about",
                  "privacy",       "terms",         "services",      "service",      "help",
                  "faq",           "sitemap",       "archive",       "archives",     "subscribe",
                  "newsletter",    "rss",           "follow",        "facebook",     "twitter",
                  "tags",          "tag",           "category",      "categories",   "agencies",
                  "staff",         "writer",        "correspondent", "reporter"};
  return *set;
}

const WordSet& OrgKeywords() {
  static const WordSet* set = new WordSet{"organization", "organisation",  "council",     "ministry",
                                          "party",        "agency",        "bank",        "daily",
                                          "university",   "committee",     "union",       "association",
                                          "institute",    "institution",   "corporation", "company",
                                          "corp.",        "corp",          "inc.",        "inc",
                                          "ltd.",         "ltd",           "llc",         "plc",
                                          "group",        "army",          "navy",        "forces",
                                          "force",        "front",         "movement",    "commission",
                                          "court",        "parliament",    "assembly",    "congress",
                                          "senate",       "government",    "department",  "office",
                                          "bureau",       "academy",       "college",     "school",
                                          "times",        "post",          "news",        "service",
                                          "services",     "federation",    "league",      "fund",
                                          "forum",        "alliance",      "club",        "foundation",
                                          "society",      "center",        "centre",      "secretariat",
                                          "police",       "television",    "tv",          "radio",
                                          "press",        "herald",        "journal",     "tribune",
                                          "gazette",      "telegraph",     "guardian",    "observer",
                                          "monitor",      "review",        "weekly",      "magazine",
                                          "agency",       "ministries",    "brigade",     "brigades",
                                          "battalion",    "regiment",      "division",    "command",
                                          "guard",        "guards",        "cabinet",     "administration",
                                          "authority",    "board",         "council's",   "airlines",
                                          "airways",      "railways",      "bloc",        "coalition",
                                          "network",      "institute",     "laboratory",  "hospital",
                                          "church",       "mosque",        "embassy",     "consulate",
                                          "mission",      "delegation",    "chamber",     "exchange",
                                          "federation",   "confederation", "syndicate",   "trust",
                                          "holdings",     "industries",    "enterprises", "partners",
                                          "consortium",   "team",          "orchestra",   "museum",
                                          "library",      "xinhua"};
  return *set;
}

const WordSet& MiscKeywords() {
  static const WordSet* set =
      new WordSet{"treaty",     "agreement",    "pact",         "declaration",   "convention", "charter",
                  "statement",  "war",          "accord",       "accords",       "protocol",   "act",
                  "olympics",   "games",        "summit",       "prize",         "award",      "cup",
                  "festival",   "initiative",   "doctrine",     "strategy",      "crisis",     "incident",
                  "revolution", "communique",   "resolution",   "memorandum",    "plan",       "program",
                  "programme",  "project",      "conference",   "talks",         "dialogue",   "process",
                  "expo",       "exhibition",   "championship", "championships", "tournament", "operation",
                  "campaign",   "massacre",     "uprising",     "rebellion",     "election",   "elections",
                  "referendum", "constitution", "law",          "bill",          "code",       "report",
                  "decree",     "order",        "mechanism",    "framework",     "roadmap",    "vision",
                  "day"};
  return *set;
}

const WordSet& LocationKeywords() {
  static const WordSet* set = new WordSet{
      "city",       "province", "region",      "island",      "islands",      "mountains", "mountain",
      "mount",      "river",    "sea",         "ocean",       "lake",         "valley",    "county",
      "state",      "kingdom",  "strait",      "straits",     "gulf",         "bay",       "street",
      "square",     "hall",     "airport",     "palace",      "peninsula",    "desert",    "district",
      "prefecture", "oblast",   "territory",   "territories", "coast",        "plateau",   "basin",
      "canal",      "port",     "harbor",      "harbour",     "village",      "town",      "avenue",
      "road",       "bridge",   "park",        "stadium",     "tower",        "plaza",     "base",
      "camp",       "zone",     "heights",     "hills",       "highlands",    "lowlands",  "delta",
      "pass",       "cape",     "archipelago", "autonomous",  "municipality", "capital"};
  return *set;
}

// Diseases written as names or acronyms: MISC, never organisations.
const WordSet& DiseaseNames() {
  static const WordSet* set =
      new WordSet{"hiv",     "aids",    "sars",  "mers",   "ebola",     "covid",        "covid-19",
                  "h1n1",    "h5n1",    "h7n9",  "malaria", "cholera",  "tuberculosis", "polio",
                  "measles", "dengue",  "zika",  "anthrax", "smallpox", "influenza", "coronavirus"};
  return *set;
}

// Keywords that are proper names themselves ("Xinhua"), unlike the common
// nouns ("Group", "Council") that only head a name.
const WordSet& ProperKeywords() {
  static const WordSet* set = new WordSet{"xinhua"};
  return *set;
}

const WordSet& NameConnectors() {
  static const WordSet* set =
      new WordSet{"of",  "the", "for", "and", "de", "du", "des", "la",  "le",  "el", "al",
                  "von", "van", "der", "den", "da", "di", "del", "bin", "ibn", "on", "&"};
  return *set;
}

const WordSet& NameParticles() {
  static const WordSet* set = new WordSet{
      "de",  "du",  "des",  "la",  "le", "el",  "al",  "von", "van", "der", "den", "da", "di",  "del", "bin",
      "ibn", "abu", "bint", "ben", "y",  "dos", "das", "jr.", "sr.", "jr",  "sr",  "ii", "iii", "iv"};
  return *set;
}

const WordSet& LocationPrepositions() {
  static const WordSet* set = new WordSet{"in",     "at",   "from",   "to",      "near", "outside", "inside",
                                          "across", "into", "toward", "towards", "via",  "through"};
  return *set;
}

}  // namespace

bool IsFunctionWord(std::string_view w) { return FunctionWords().contains(w); }
bool IsCalendarWord(std::string_view w) { return CalendarWords().contains(w); }
bool IsPersonTitle(std::string_view w) { return PersonTitles().contains(w); }
bool IsTitleModifier(std::string_view w) { return TitleModifiers().contains(w); }
bool IsGenericWord(std::string_view w) { return GenericWords().contains(w); }

bool IsOfficeTitle(std::string_view w) {
  static const WordSet* set = new WordSet{"president", "premier",  "minister", "chancellor", "king",
                                          "queen",     "emperor",  "empress",  "secretary",  "chairman"};
  return set->contains(w);
}

bool IsOfficeModifier(std::string_view w) {
  static const WordSet* set = new WordSet{"vice",     "deputy",   "prime", "foreign", "defense",
                                          "defence",  "finance",  "interior", "trade", "state",
                                          "general"};
  return set->contains(w);
}

std::string OfficeKey(const std::vector<std::string_view>& words) {
  std::string key;
  for (std::string_view w : words) {
    if (!key.empty()) key.push_back(' ');
    key.append(w == "defense" ? std::string_view("defence") : w);
  }
  return key;
}
bool IsStopWord(std::string_view w) {
  return IsFunctionWord(w) || IsCalendarWord(w) || IsPersonTitle(w) || IsGenericWord(w);
}
bool IsOrgKeyword(std::string_view w) { return OrgKeywords().contains(w); }
bool IsMiscKeyword(std::string_view w) { return MiscKeywords().contains(w); }
bool IsLocationKeyword(std::string_view w) { return LocationKeywords().contains(w); }
bool IsKeywordNoun(std::string_view w) {
  return (IsOrgKeyword(w) || IsMiscKeyword(w) || IsLocationKeyword(w)) && !ProperKeywords().contains(w);
}
bool IsDiseaseName(std::string_view w) { return DiseaseNames().contains(w); }
bool IsNameConnector(std::string_view w) { return NameConnectors().contains(w); }
bool IsNameParticle(std::string_view w) { return NameParticles().contains(w); }
bool IsLocationPreposition(std::string_view w) { return LocationPrepositions().contains(w); }

}  // namespace dossier::entity
