#include "services/entity/events/event_coder.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "services/entity/events/cameo_codes.h"

namespace dossier::entity::events {
namespace {

// How far (in tokens) a free pattern item may be from the previous one, a
// subject from its verb, an object from its verb.
constexpr int kMaxGap = 8;
constexpr int kMaxSubjectDistance = 24;
constexpr int kMaxObjectDistance = 24;
constexpr int kMaxBackwardItemLength = 12;
// Item matches tried for one pattern before giving up: bounds the
// backtracking on long sentences with many free items.
constexpr int kMatchBudget = 4000;

// Function words the rules look at.
enum WordClass : uint32_t {
  kAux = 1u << 0,        // be, have, do, modals and their negated contractions
  kBe = 1u << 1,         // forms of "be"
  kNeg = 1u << 2,        // not, never, n't
  kCoord = 1u << 3,      // and, but, or, nor
  kConnector = 1u << 4,  // and, or, nor, "&" (lists of actors)
  kRelPron = 1u << 5,    // who, which, whom
  kThat = 1u << 6,
  kSubConj = 1u << 7,  // after, when, because ...
  kBy = 1u << 8,
  kBoundary = 1u << 9,  // ; : -- and sentence-final punctuation
  kComma = 1u << 10,
  kPronoun = 1u << 11,  // he she it they we I you
  kTo = 1u << 12,
  kModal = 1u << 13,
  kAdverb = 1u << 14,  // ever, even, also, still ...
};

const absl::flat_hash_map<std::string_view, uint32_t>& WordClasses() {
  static const auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string_view, uint32_t>();
    for (std::string_view w :
         {"be", "is", "are", "was", "were", "been", "being", "am", "isn't", "aren't", "wasn't", "weren't"}) {
      (*m)[w] |= kAux | kBe;
    }
    for (std::string_view w : {"have", "has", "had", "having", "do", "does", "did", "haven't", "hasn't",
                               "hadn't", "don't", "doesn't", "didn't"}) {
      (*m)[w] |= kAux;
    }
    for (std::string_view w : {"will", "would", "shall", "should", "can", "could", "may", "might", "must",
                               "won't", "wouldn't", "shouldn't", "can't", "cannot", "couldn't", "mustn't"}) {
      (*m)[w] |= kAux | kModal;
    }
    for (std::string_view w : {"not",      "never",     "n't",    "isn't",  "aren't",   "wasn't", "weren't",
                               "haven't",  "hasn't",    "hadn't", "don't",  "doesn't",  "didn't", "won't",
                               "wouldn't", "shouldn't", "can't",  "cannot", "couldn't", "mustn't"}) {
      (*m)[w] |= kNeg;
    }
    for (std::string_view w : {"and", "but", "or", "nor"}) (*m)[w] |= kCoord;
    for (std::string_view w : {"and", "or", "nor", "&"}) (*m)[w] |= kConnector;
    for (std::string_view w : {"who", "which", "whom"}) (*m)[w] |= kRelPron;
    (*m)["that"] |= kThat;
    for (std::string_view w : {"after", "before", "when", "while", "because", "although", "though", "if",
                               "unless", "since", "until", "whereas", "once", "whether", "where"}) {
      (*m)[w] |= kSubConj;
    }
    (*m)["by"] |= kBy;
    for (std::string_view w : {";", ":", "--", ".", "!", "?"}) (*m)[w] |= kBoundary;
    (*m)[","] |= kComma;
    for (std::string_view w : {"he", "she", "it", "they", "we", "i", "you"}) (*m)[w] |= kPronoun;
    (*m)["to"] |= kTo;
    for (std::string_view w : {"ever", "even", "also", "still", "already", "again", "just", "really", "not",
                               "never", "reportedly", "allegedly", "recently", "later", "earlier"}) {
      (*m)[w] |= kAdverb;
    }
    return m;
  }();
  return *map;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Words that make a prepositional phrase a time ("on Tuesday", "in the
// morning"): such a phrase is not the one a pattern's (ON) names.
bool IsTimeWord(std::string_view w) {
  static const auto* words = new absl::flat_hash_set<std::string_view>{
      "monday",    "tuesday",  "wednesday", "thursday", "friday",    "saturday", "sunday", "january",
      "february",  "march",    "april",     "may",      "june",      "july",     "august", "september",
      "october",   "november", "december",  "jan.",     "feb.",      "mar.",     "apr.",   "jun.",
      "jul.",      "aug.",     "sep.",      "sept.",    "oct.",      "nov.",     "dec.",   "today",
      "yesterday", "tomorrow", "tonight",   "morning",  "afternoon", "evening",  "night",  "day",
      "days",      "week",     "weeks",     "weekend",  "month",     "months",   "year",   "years",
      "time",      "occasion", "sidelines"};
  return words->contains(w);
}

// Everything the rules need about one sentence.
struct Sentence {
  int n = 0;
  std::vector<std::string> norm;  // lower case
  std::vector<int> id;            // vocabulary id, -1
  std::vector<int> singular;      // vocabulary id of the singular of a plural, -1
  std::vector<uint32_t> cls;      // WordClass bits
  std::vector<std::string_view> tag;
  std::vector<int> actor_at;       // actor covering the token, -1
  std::vector<CoderActor> actors;  // as given (ignored ones have begin = end = -1)
  std::vector<int> group;          // compound group of each actor
  std::vector<std::vector<int>> groups;

  bool Verb(int i) const { return StartsWith(tag[i], "VB"); }
  bool Finite(int i) const { return tag[i] == "VBD" || tag[i] == "VBZ" || tag[i] == "VBP" || tag[i] == "MD"; }
  // Tagged RB*, or a word that is only ever an adverb ("ever" is sometimes
  // taken for a verb).
  bool Adverb(int i) const { return StartsWith(tag[i], "RB") || (cls[i] & kAdverb) != 0; }
  bool Is(int i, uint32_t c) const { return (cls[i] & c) != 0; }
  bool Noun(int i) const { return StartsWith(tag[i], "NN") || tag[i] == "CD" || tag[i] == "PRP$"; }
  bool Modifier(int i) const {
    return tag[i] == "DT" || tag[i] == "PDT" || StartsWith(tag[i], "JJ") || tag[i] == "POS" || Adverb(i) ||
           tag[i] == "HYPH" || norm[i] == "-";
  }
  int ActorStartingAt(int i) const {
    if (i < 0 || i >= n) return -1;
    const int a = actor_at[i];
    return a >= 0 && actors[a].begin == i ? a : -1;
  }
  int ActorEndingAt(int end) const {  // actor whose range ends at `end` (exclusive)
    if (end <= 0 || end > n) return -1;
    const int a = actor_at[end - 1];
    return a >= 0 && actors[a].end == end ? a : -1;
  }
};

// The result of matching one pattern.
struct PatternMatch {
  bool ok = false;
  int first = 0;    // first token of the PRE items (the verb's begin when none)
  int source = -1;  // actors named by markers
  int target = -1;
  int compound = -1;
  bool compound_before = false;  // % in PRE: events between the members
  int prep_actor = -1;           // first actor in a prepositional phrase of the pattern
  int noun_end = -1;             // end of a word item right after the verb ("held talks")
  std::vector<int> tokens;       // tokens the word items took
};

class Matcher {
 public:
  Matcher(const VerbDictionary& dict, const Sentence& s) : dict_(dict), s_(s) {}

  bool WordMatches(const DictWord& w, int i) const {
    if (i < 0 || i >= s_.n) return false;
    if (s_.id[i] == w.id) return true;
    return !w.exact && s_.singular[i] == w.id && w.id >= 0;
  }

  // Forward match of a phrase starting at i: its end, or -1.
  int PhraseAt(const DictPhrase& p, int i) const {
    for (size_t k = 0; k < p.size(); ++k) {
      if (!WordMatches(p[k], i + static_cast<int>(k))) return -1;
    }
    return i + static_cast<int>(p.size());
  }

  // Forward match of one item starting exactly at i, within [.., hi): its
  // end (the longest), or -1. Records roles in `m`.
  int ItemAt(const PatternItem& it, int i, int hi, PatternMatch* m) const {
    if (i < 0 || i >= hi || ++steps_ > kMatchBudget) return -1;
    switch (it.kind) {
      case PatternItem::Kind::kWords: {
        int e = PhraseAt(it.words, i);
        if (e < 0 || e > hi) return -1;
        for (int k = i; k < e; ++k) m->tokens.push_back(k);
        return e;
      }
      case PatternItem::Kind::kSynset: {
        int best = -1;
        for (const DictPhrase& p : dict_.synsets()[it.synset].phrases) {
          int e = PhraseAt(p, i);
          if (e > best && e <= hi) best = e;
        }
        if (best > 0) {
          for (int k = i; k < best; ++k) m->tokens.push_back(k);
        }
        return best;
      }
      case PatternItem::Kind::kPrep: {
        bool prep = false;
        for (const DictWord& w : it.words) prep = prep || WordMatches(w, i);
        if (!prep) return -1;
        {
          int k = i + 1;
          while (k < hi && (s_.tag[k] == "DT" || s_.tag[k] == "CD" || StartsWith(s_.tag[k], "JJ"))) ++k;
          if (k < hi && IsTimeWord(s_.norm[k])) return -1;
          if (k < hi && s_.tag[k] == "CD" && k == i + 1) return -1;  // "on 12 May"
        }
        m->tokens.push_back(i);
        const int obj_hi = std::min(hi, i + 1 + kMaxGap);
        // The actor of the phrase: the first one within a few tokens.
        int actor = -1;
        for (int k = i + 1; k < std::min(obj_hi, i + 5) && actor < 0; ++k) {
          if (s_.actor_at[k] >= 0) actor = s_.actor_at[k];
          if (s_.Finite(k) || s_.Is(k, kBoundary)) break;
        }
        if (it.object.empty()) {
          if (actor >= 0 && m->prep_actor < 0) m->prep_actor = actor;
          return i + 1;
        }
        const size_t mark = m->tokens.size();
        const int e = Sequence(it.object, 0, i + 1, obj_hi, /*first_connected=*/false, m);
        if (e < 0) {
          m->tokens.resize(mark);
          return -1;
        }
        if (actor >= 0 && m->prep_actor < 0) m->prep_actor = actor;
        return e;
      }
      case PatternItem::Kind::kSource:
      case PatternItem::Kind::kTarget:
      case PatternItem::Kind::kCompound: {
        const int a = s_.ActorStartingAt(i);
        if (a < 0 || s_.actors[a].end > hi) return -1;
        if (it.kind == PatternItem::Kind::kCompound && s_.groups[s_.group[a]].size() < 2) return -1;
        if (it.kind == PatternItem::Kind::kSource) m->source = a;
        if (it.kind == PatternItem::Kind::kTarget) m->target = a;
        if (it.kind == PatternItem::Kind::kCompound) m->compound = a;
        return s_.actors[a].end;
      }
      case PatternItem::Kind::kSkip: {
        // A phrase: an optional preposition, modifiers, then an actor or nouns.
        int k = i;
        if (s_.tag[k] == "IN" || s_.tag[k] == "TO") ++k;
        while (k < hi && s_.Modifier(k) && s_.actor_at[k] < 0) ++k;
        if (k < hi && s_.actor_at[k] >= 0) return std::min(hi, s_.actors[s_.actor_at[k]].end);
        int e = k;
        while (e < hi && s_.Noun(e) && s_.actor_at[e] < 0) ++e;
        return e > i ? e : -1;
      }
    }
    return -1;
  }

  // Matches items[k..] in order from position `pos` (forward), each within
  // kMaxGap tokens of the previous unless connected. Returns the end of the
  // last item or -1. Backtracks over the start of free items.
  int Sequence(const std::vector<PatternItem>& items, size_t k, int pos, int hi, bool first_connected,
               PatternMatch* m) const {
    if (k == items.size()) return pos;
    const PatternItem& it = items[k];
    const bool connected = k == 0 ? first_connected : it.connected;
    const bool after_skip = k > 0 && items[k - 1].kind == PatternItem::Kind::kSkip;
    const int last_start = connected ? pos : std::min(hi - 1, pos + (after_skip ? 2 * kMaxGap : kMaxGap));
    for (int start = pos; start <= last_start; ++start) {
      if (start > pos && s_.Is(start - 1, kBoundary)) break;
      const size_t mark = m->tokens.size();
      PatternMatch saved = *m;
      const int e = ItemAt(it, start, hi, m);
      if (e >= 0) {
        const int end = Sequence(items, k + 1, e, hi, false, m);
        if (end >= 0) return end;
      }
      *m = std::move(saved);
      m->tokens.resize(mark);
    }
    return -1;
  }

  // Matches PRE items backwards: items[0..k] must end at or before `end`
  // (exactly at `end` when `tied`). Returns the start of items[0] or -1.
  int Backward(const std::vector<PatternItem>& items, int k, int end, int lo, bool tied,
               PatternMatch* m) const {
    if (k < 0) return end;
    const PatternItem& it = items[k];
    const int first_end = end;
    const int last_end = tied ? end : std::max(lo, end - kMaxGap);
    for (int e = first_end; e >= last_end; --e) {
      if (e < end && s_.Is(e, kBoundary)) break;
      for (int start = e - 1; start >= std::max(lo, e - kMaxBackwardItemLength); --start) {
        PatternMatch saved = *m;
        const int got = ItemAt(it, start, e, m);
        if (got == e) {
          const int begin = Backward(items, k - 1, start, lo, it.connected, m);
          if (begin >= 0) return begin;
        }
        *m = std::move(saved);
        if (it.kind == PatternItem::Kind::kWords && got < 0 &&
            start < e - static_cast<int>(it.words.size())) {
          break;  // a phrase of fixed length: only one start can end at e
        }
      }
    }
    return -1;
  }

  PatternMatch Match(const VerbPattern& p, int verb_begin, int verb_end, int lo, int hi) const {
    steps_ = 0;
    PatternMatch m;
    m.first = verb_begin;
    if (!p.before.empty()) {
      const int begin =
          Backward(p.before, static_cast<int>(p.before.size()) - 1, verb_begin, lo, p.verb_connected, &m);
      if (begin < 0) return PatternMatch{};
      m.first = begin;
    }
    if (!p.after.empty()) {
      const bool first_connected = p.after.front().connected;
      const size_t mark = m.tokens.size();
      if (Sequence(p.after, 0, verb_end, hi, first_connected, &m) < 0) return PatternMatch{};
      // "held talks", "signed a trade agreement": the words the pattern
      // took right after the verb join the trigger.
      const PatternItem::Kind kind = p.after.front().kind;
      if ((kind == PatternItem::Kind::kWords || kind == PatternItem::Kind::kSynset) &&
          mark < m.tokens.size() && m.tokens[mark] - verb_end <= 3) {
        int e = m.tokens[mark] + 1;
        for (size_t k = mark + 1; k < m.tokens.size() && m.tokens[k] == e; ++k) ++e;
        m.noun_end = e;
      }
    }
    for (const PatternItem& it : p.before) {
      if (it.kind == PatternItem::Kind::kCompound) m.compound_before = true;
    }
    m.ok = true;
    return m;
  }

 private:
  const VerbDictionary& dict_;
  const Sentence& s_;
  mutable int steps_ = 0;  // per Match call; a Matcher lives in one Code call
};

// One dictionary verb found in the sentence.
struct VerbHit {
  std::vector<int> verbs;  // VerbEntry indices (a form may be listed in several blocks)
  int begin = 0;           // tokens of the form
  int end = 0;
  int word = 0;  // the inflected word
};

bool Symmetric(const EventCode& c) { return !c.forward.empty() && c.forward == c.reverse; }

bool Reciprocal(const EventCode& c) {
  if (Symmetric(c)) return true;
  const std::string& f = c.forward;
  if (f.size() < 3 || f == "042" || f == "043") return false;
  return f.compare(0, 2, "03") == 0 || f.compare(0, 2, "04") == 0 || f.compare(0, 2, "05") == 0 ||
         f.compare(0, 2, "06") == 0;
}

// The CAMEO code of a statement of intent to take the action `code`
// (CAMEO's own structure: cooperation under 03, conflict under 13, e.g.
// 042 visit -> 036 intent to meet, 073 humanitarian aid -> 0333, 163
// embargo -> 1312, 191 blockade -> 1381); "" when the action has no intent
// code of its own (statements, appeals, demands, intents and threats
// themselves, force postures).
std::string IntentCode(const std::string& c) {
  if (c.size() < 3) return "";
  const std::string root = c.substr(0, 2), three = c.substr(0, 3);
  if (root == "04") return three == "045" ? "039" : "036";
  if (root == "05") return three == "057" ? "030" : "032";
  if (root == "06") {
    if (three == "061") return "0311";
    if (three == "062") return "0312";
    if (three == "063") return "0313";
    if (three == "064") return "0314";
    return "031";
  }
  if (root == "07") {
    if (three == "071") return "0331";
    if (three == "072") return "0332";
    if (three == "073") return "0333";
    if (three == "074") return "0334";
    return "033";
  }
  if (root == "08") {
    if (three == "081") return "0351";
    if (three == "082") return "0352";
    if (c == "0831") return "0341";
    if (c == "0832") return "0342";
    if (c == "0833") return "0343";
    if (c == "0834") return "0344";
    if (three == "083") return "034";
    if (three == "084") return "0353";
    if (three == "085") return "0354";
    if (three == "086") return "0355";
    if (three == "087") return "0356";
    return "035";
  }
  if (root == "14") return "133";
  if (root == "16") {
    if (three == "161") return "1313";
    if (three == "162") return "1311";
    if (three == "163") return "1312";
    if (three == "164") return "134";
    if (three == "165") return "135";
    if (three == "166") return "136";
    return "131";
  }
  if (root == "17") {
    if (c == "1721") return "1321";
    if (c == "1722") return "1322";
    if (c == "1723") return "1323";
    if (c == "1724") return "1324";
    if (three == "172") return "132";
    if (three == "173" || three == "174" || three == "175") return "137";
    return "130";
  }
  if (root == "18") return "1383";
  if (root == "19") {
    if (three == "191") return "1381";
    if (three == "192") return "1382";
    return "1384";
  }
  if (root == "20") return three == "204" ? "1385" : "138";
  return "";
}

// Words before an infinitive that make its action an intent: "plans to
// impose", "pledged to send", "is ready to meet".
bool IsIntentWord(std::string_view w) {
  static const auto* words = new absl::flat_hash_set<std::string_view>{
      "plan",     "plans",     "planned",   "planning",  "intend",   "intends",  "intended",  "intending",
      "offer",    "offers",    "offered",   "offering",  "promise",  "promises", "promised",  "promising",
      "pledge",   "pledges",   "pledged",   "pledging",  "vow",      "vows",     "vowed",     "vowing",
      "threaten", "threatens", "threatened", "threatening", "agree", "agrees",   "agreed",    "agreeing",
      "ready",    "willing",   "prepared",  "going",     "aims",     "aim",      "aimed",     "seeks",
      "seek",     "sought",
      "want",     "wants",     "wanted",    "hopes",     "hope",     "hoped",    "expects",   "expect"};
  return words->contains(w);
}

// Verbs of saying whose complement clause's pronoun subject is their own
// subject: "Arnor said it would ...".
bool IsSpeechVerb(std::string_view w) {
  static const auto* words = new absl::flat_hash_set<std::string_view>{
      "said",      "says",       "say",      "announced", "announces", "confirmed", "confirms", "stated",
      "states",    "declared",   "declares", "indicated", "indicates", "added",     "insisted", "insists",
      "stressed",  "reiterated", "warned",   "warns",     "promised",  "pledged",   "vowed",    "threatened",
      "believes",  "believed",   "hinted",   "signalled", "signaled",  "repeated",  "explained", "noted"};
  return words->contains(w);
}

}  // namespace

EventCoder::EventCoder() : dict_(std::make_shared<VerbDictionary>()) {}

EventCoder::EventCoder(std::shared_ptr<const VerbDictionary> dict, const CoderOptions& options)
    : dict_(std::move(dict)), options_(options) {}

absl::StatusOr<EventCoder> EventCoder::Load(const std::string& verbs_path, const std::string& discards_path,
                                            const CoderOptions& options) {
  return LoadFiles({verbs_path}, discards_path, options);
}

absl::StatusOr<EventCoder> EventCoder::LoadFiles(const std::vector<std::string>& verb_paths,
                                                 const std::string& discards_path, const CoderOptions& options) {
  auto dict = std::make_shared<VerbDictionary>();
  for (const std::string& path : verb_paths) {
    if (absl::Status s = dict->AddVerbsFile(path); !s.ok()) return s;
  }
  if (!discards_path.empty()) {
    if (absl::Status s = dict->AddDiscardsFile(discards_path); !s.ok()) return s;
  }
  return EventCoder(std::move(dict), options);
}

absl::StatusOr<EventCoder> EventCoder::LoadDir(const std::string& cameo_dir) {
  CoderOptions options;
  options.announced_as_intent = true;
  return LoadFiles({cameo_dir + "/CAMEO.2.0.txt", cameo_dir + "/dossier.verbs.txt"},
                   cameo_dir + "/Phoenix.discards.txt", options);
}

absl::StatusOr<EventCoder> EventCoder::Default() { return LoadDir(DefaultCameoDir()); }

namespace {

void Prepare(const VerbDictionary& dict, std::span<const CoderToken> tokens,
             std::span<const CoderActor> actors, Sentence* s) {
  const int n = static_cast<int>(tokens.size());
  s->n = n;
  s->norm.assign(n, std::string());
  s->id.assign(n, -1);
  s->singular.assign(n, -1);
  s->cls.assign(n, 0);
  s->tag.assign(n, std::string_view());
  s->actor_at.assign(n, -1);
  const auto& classes = WordClasses();
  for (int i = 0; i < n; ++i) {
    std::string& w = s->norm[i];
    w.assign(tokens[i].text);
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Curly apostrophes as straight ones.
    for (size_t p = w.find("\xE2\x80\x99"); p != std::string::npos; p = w.find("\xE2\x80\x99"))
      w.replace(p, 3, "'");
    s->tag[i] = tokens[i].pos;
  }
  // "did" "n't" (Penn tokenization) -> "didn't".
  for (int i = 1; i < n; ++i) {
    if (s->norm[i] == "n't" && !s->norm[i - 1].empty()) {
      s->norm[i - 1] += "n't";
      s->norm[i].clear();  // the negation is carried by the word before
    }
  }
  for (int i = 0; i < n; ++i) {
    const std::string& w = s->norm[i];
    s->id[i] = dict.WordId(w);
    if (w.size() > 3 && w.back() == 's') {
      int sing = -1;
      if (w.size() > 4 && w.compare(w.size() - 3, 3, "ies") == 0) {
        sing = dict.WordId(w.substr(0, w.size() - 3) + "y");
      }
      if (sing < 0 && w.compare(w.size() - 2, 2, "es") == 0) sing = dict.WordId(w.substr(0, w.size() - 2));
      if (sing < 0) sing = dict.WordId(w.substr(0, w.size() - 1));
      s->singular[i] = sing;
    }
    if (auto it = classes.find(w); it != classes.end()) s->cls[i] = it->second;
    if (w.size() > 3 && w.compare(w.size() - 3, 3, "n't") == 0) s->cls[i] |= kNeg;
  }
  // Actors, in sentence order; overlapping or out-of-range ones ignored.
  s->actors.assign(actors.begin(), actors.end());
  for (int a = 0; a < static_cast<int>(s->actors.size()); ++a) {
    CoderActor& r = s->actors[a];
    bool ok = r.begin >= 0 && r.end > r.begin && r.end <= n;
    for (int i = r.begin; ok && i < r.end; ++i) ok = s->actor_at[i] < 0;
    if (!ok) {
      r.begin = r.end = -1;
      continue;
    }
    for (int i = r.begin; i < r.end; ++i) s->actor_at[i] = a;
  }
  // Compound groups: actors in a row joined by "and"/"or"/"nor"/"," (with
  // determiners and adjectives between); a list needs a conjunction in its
  // last link ("Mordor, Rohan, Fornost and Bree").
  std::vector<int> order;
  for (int a = 0; a < static_cast<int>(s->actors.size()); ++a) {
    if (s->actors[a].begin >= 0) order.push_back(a);
  }
  std::sort(order.begin(), order.end(),
            [&](int x, int y) { return s->actors[x].begin < s->actors[y].begin; });
  s->group.assign(s->actors.size(), -1);
  s->groups.clear();
  // link[k]: 0 none, 1 comma only, 2 conjunction, between order[k] and order[k+1].
  std::vector<int> link(order.size(), 0);
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    const int from = s->actors[order[k]].end, to = s->actors[order[k + 1]].begin;
    if (to - from < 1 || to - from > 4) continue;
    bool conj = false, comma = false, ok = true;
    for (int i = from; i < to && ok; ++i) {
      if (s->Is(i, kConnector)) {
        conj = true;
      } else if (s->Is(i, kComma)) {
        comma = true;
      } else if (!(s->tag[i] == "DT" || s->tag[i] == "PDT" || StartsWith(s->tag[i], "JJ") ||
                   StartsWith(s->tag[i], "RB") || s->norm[i] == "the")) {
        ok = false;
      }
    }
    if (ok) link[k] = conj ? 2 : (comma ? 1 : 0);
  }
  for (size_t k = 0; k < order.size();) {
    // A run of links; it ends at the last conjunction link.
    size_t end = k;
    size_t last_conj = k;
    while (end + 1 < order.size() && link[end] > 0) {
      if (link[end] == 2) last_conj = end + 1;
      ++end;
    }
    const size_t stop = last_conj > k ? last_conj : k;
    const int g = static_cast<int>(s->groups.size());
    s->groups.emplace_back();
    for (size_t j = k; j <= stop; ++j) {
      s->group[order[j]] = g;
      s->groups[g].push_back(order[j]);
    }
    k = stop + 1;
  }
}

struct Roles {
  int subject = -1;
  bool via_parenthetical = false;
  bool via_coordination = false;
  bool via_pronoun = false;  // "X said it would": the speaker
};

class Coder {
 public:
  Coder(const VerbDictionary& dict, const CoderOptions& options, const Sentence& s)
      : dict_(dict), options_(options), s_(s), matcher_(dict, s) {}

  // Start of the auxiliary chain before token `v` ("will not be", "is about to").
  int ChainStart(int v) const {
    int i = v;
    while (i > 0) {
      const int p = i - 1;
      if (s_.actor_at[p] >= 0) break;
      if (s_.Is(p, kAux | kNeg | kTo) || s_.Adverb(p) || s_.tag[p] == "MD" ||
          (s_.norm[p] == "about" && s_.Is(i, kTo))) {
        i = p;
        continue;
      }
      break;
    }
    return i;
  }

  // The subject actor of a verb whose auxiliary chain starts at `from`.
  Roles Subject(int from, int depth) const {
    Roles r;
    // A coordinated verb: "condemned ... and promised".
    int p = from - 1;
    if (p >= 0 && s_.Is(p, kCoord) && s_.norm[p] != "nor") {
      int q = p - 1;
      if (q >= 0 && s_.Is(q, kComma)) --q;
      if (depth < 3) {
        for (int k = q; k >= 0 && q - k < kMaxSubjectDistance; --k) {
          if (s_.Is(k, kBoundary)) break;
          if (s_.Verb(k) && !s_.Is(k, kAux) && s_.actor_at[k] < 0) {
            Roles prev = Subject(ChainStart(k), depth + 1);
            prev.via_coordination = true;
            return prev;
          }
        }
      }
      return r;
    }
    for (int i = from - 1; i >= 0 && from - i <= kMaxSubjectDistance; --i) {
      if (s_.actor_at[i] >= 0) {
        r.subject = s_.actor_at[i];
        return r;
      }
      if (s_.Is(i, kPronoun) && depth < 3) {
        // "Arnor said (on Monday) (that) it would ...": the pronoun is the
        // speaker when nothing but a time phrase and "that" lie between.
        const int speaker = Speaker(i);
        if (speaker >= 0) {
          Roles prev = Subject(ChainStart(speaker), depth + 1);
          if (prev.subject >= 0) {
            prev.via_pronoun = true;
            return prev;
          }
        }
        return r;
      }
      if (s_.Is(i, kBoundary | kThat | kSubConj | kPronoun)) return r;
      if (s_.Is(i, kRelPron)) {
        int j = i - 1;
        if (j >= 0 && s_.Is(j, kComma)) --j;
        if (j >= 0 && s_.actor_at[j] >= 0) r.subject = s_.actor_at[j];
        return r;
      }
      // "Arnor plans to send": a verb of intent before the infinitive is
      // part of the chain, not another clause.
      if (s_.Finite(i) && !s_.Is(i, kAux) &&
          !(i + 1 == from && from < s_.n && s_.Is(from, kTo) && IsIntentWord(s_.norm[i]))) {
        return r;
      }
      if (s_.Is(i, kTo) && i + 1 < s_.n && s_.Verb(i + 1) && ObjectControlled(i)) return r;
      if (s_.Is(i, kComma)) {
        // "X, in remarks published on Monday, urged": the actor before the
        // opening comma of a parenthetical.
        for (int k = i - 1; k >= 0 && i - k <= 12; --k) {
          if (s_.Is(k, kBoundary)) break;
          if (s_.Is(k, kComma)) {
            if (k > 0 && s_.actor_at[k - 1] >= 0) {
              r.subject = s_.actor_at[k - 1];
              r.via_parenthetical = true;
              return r;
            }
            break;
          }
        }
      }
    }
    return r;
  }

  // The verb of saying whose complement clause the subject pronoun at `p`
  // starts ("said that it", "announced on Monday it"), or -1. Only third
  // person pronouns; "I"/"you"/"we" are the speaker's own voice.
  int Speaker(int p) const {
    const std::string& w = s_.norm[p];
    if (w != "it" && w != "they" && w != "he" && w != "she") return -1;
    int k = p - 1;
    if (k >= 0 && s_.Is(k, kThat)) --k;
    for (int steps = 0; k >= 0 && steps < 5; --k, ++steps) {
      if (IsSpeechVerb(s_.norm[k]) && s_.Verb(k)) return k;
      // A time phrase between ("on Monday", "today", "here").
      if (s_.actor_at[k] >= 0 || s_.Verb(k) || s_.Is(k, kBoundary | kComma | kPronoun)) return -1;
      if (!(s_.tag[k] == "IN" || s_.Noun(k) || s_.Adverb(k) || s_.tag[k] == "DT")) return -1;
    }
    return -1;
  }

  // Whether the verb of `hit` is announced rather than done: under "will",
  // "would" or "shall" (not "would have") or after "plans to", "pledged
  // to", "is ready to" ...; words the matched pattern names do
  // not count (the dictionary coded them).
  bool IntentFrame(int chain, const VerbHit& hit, const PatternMatch& match) const {
    auto named = [&](int i) { return std::find(match.tokens.begin(), match.tokens.end(), i) != match.tokens.end(); };
    bool modal = false, perfect = false, to = false;
    for (int i = chain; i < hit.begin; ++i) {
      if (named(i)) continue;
      const std::string& w = s_.norm[i];
      if (w == "will" || w == "would" || w == "shall" || w == "'ll") modal = true;
      if (modal && (w == "have" || w == "'ve")) perfect = true;
      if (s_.Is(i, kTo)) to = true;
    }
    if (modal) return !perfect;
    // "is to host a banquet this evening" is the day's schedule, reported
    // as it happens: not an intent.
    if (!to) return false;
    const int p = chain - 1;
    if (p < 0 || named(p) || !IsIntentWord(s_.norm[p])) return false;
    // "is expected to", "was prepared to": a passive of expecting is a
    // forecast by others; "prepared", "ready", "willing" need the "be".
    if (s_.norm[p] == "expects" || s_.norm[p] == "expect") return p > 0 && !s_.Is(p - 1, kBe);
    if (s_.norm[p] == "going") return p > 0 && s_.Is(p - 1, kBe);
    return true;
  }

  // Whether the infinitive "to" at `to` follows an object (a noun, pronoun
  // or actor): "urged Eriador to respond", "called on Gondor to leave".
  bool ObjectControlled(int to) const {
    int p = to - 1;
    while (p >= 0 && s_.Adverb(p)) --p;
    if (p < 0) return false;
    return s_.actor_at[p] >= 0 || StartsWith(s_.tag[p], "NN") || s_.tag[p] == "PRP";
  }

  // Whether actor a is the object of "in", "at", "near" ... ("in the
  // capital Moscow").
  bool AfterLocativePreposition(int a) const {
    int p = s_.actors[a].begin - 1;
    while (p >= 0 && p > s_.actors[a].begin - 4 && (s_.Modifier(p) || s_.Noun(p)) && s_.tag[p] != "IN") --p;
    if (p < 0) return false;
    static const auto* locative = new absl::flat_hash_set<std::string_view>{
        "in", "at", "near", "outside", "inside", "around", "across", "throughout", "within", "during"};
    return locative->contains(s_.norm[p]);
  }

  // Whether actor a is directly followed by a finite verb (the subject of
  // another clause).
  bool StartsClause(int a) const {
    int e = s_.actors[a].end;
    while (e < s_.n && (s_.Adverb(e) || s_.Is(e, kNeg))) ++e;
    return e < s_.n && s_.Finite(e);
  }

  // The first actor after `from` in the clause, or -1.
  int Object(int from, int exclude) const {
    bool comma = false;
    for (int i = from; i < s_.n && i - from < kMaxObjectDistance; ++i) {
      const int a = s_.actor_at[i];
      if (a >= 0 && a != exclude && (exclude < 0 || s_.group[a] != s_.group[exclude])) {
        // "..., a senior Bree official said": past a comma, the subject of a
        // new clause is not the object.
        if (comma && StartsClause(a)) return -1;
        return a;
      }
      if (s_.Is(i, kComma)) comma = true;
      if (s_.Is(i, kBoundary | kSubConj | kRelPron)) return -1;
      if (s_.Finite(i)) return -1;
      if (s_.Is(i, kCoord) && i + 1 < s_.n) {
        int k = i + 1;
        while (k < s_.n && (s_.Adverb(k) || s_.Is(k, kAux))) ++k;
        if (k < s_.n && s_.Verb(k)) return -1;
      }
    }
    return -1;
  }

  // Members of the compound group of `a` (for an object: up to a member
  // followed by a finite verb, which starts a new clause).
  std::vector<int> Members(int a, bool as_object) const {
    std::vector<int> out;
    if (a < 0) return out;
    const std::vector<int>& g = s_.groups[s_.group[a]];
    for (size_t k = 0; k < g.size(); ++k) {
      const int m = g[k];
      if (as_object && s_.actors[m].begin < s_.actors[a].begin) continue;
      if (as_object && m != a && k + 1 == g.size() && StartsClause(m)) {
        // "X met Y, and Z said": a last member after a comma that starts a clause.
        bool comma = false;
        for (int i = s_.actors[g[k - 1]].end; i < s_.actors[m].begin; ++i) comma = comma || s_.Is(i, kComma);
        if (comma) break;
      }
      out.push_back(m);
    }
    return out;
  }

  // Whether token i (the verb word of a form ending at `end`) is used as a
  // verb: tagged VB*, or a dictionary form the tagger took for another part
  // of speech right after an auxiliary, a negation or an infinitive "to"
  // ("didn't clash", "did allow"), or right after an actor and before a
  // preposition, determiner or particle ("Eriador agrees with").
  bool UsedAsVerb(int i, int end) const {
    if (s_.Verb(i)) return true;
    if (!(StartsWith(s_.tag[i], "NN") || StartsWith(s_.tag[i], "JJ") || StartsWith(s_.tag[i], "RB"))) {
      return false;
    }
    int p = i - 1;
    while (p >= 0 && s_.Adverb(p) && !s_.Is(p, kNeg)) --p;
    if (p < 0) return false;
    if (s_.Is(p, kAux | kNeg | kModal) || s_.tag[p] == "TO") return true;
    // "The European Union (EU) agree": past a parenthesis.
    if (p == i - 1 && s_.norm[p] == ")") {
      while (p >= 0 && s_.norm[p] != "(" && i - p < 8) --p;
      --p;
      if (p < 0) return false;
    } else if (p != i - 1) {
      return false;
    }
    if (s_.actor_at[p] >= 0 && end < s_.n) {
      // Not inside a noun phrase: "an anti- Gondor parade on".
      const int before = s_.actors[s_.actor_at[p]].begin - 1;
      if (before >= 0 && (s_.norm[before] == "-" || s_.Modifier(before) || s_.Noun(before)) &&
          s_.tag[before] != "DT") {
        return false;
      }
      std::string_view next = s_.tag[end];
      return next == "IN" || next == "TO" || next == "DT" || next == "RP" || next == "PRP$" ||
             next == "WDT" || s_.ActorStartingAt(end) >= 0;
    }
    return false;
  }

  std::vector<VerbHit> FindVerbs() const {
    std::vector<VerbHit> hits;
    for (int i = 0; i < s_.n; ++i) {
      if (s_.id[i] < 0 || s_.actor_at[i] >= 0) continue;
      // Participles and gerunds used as adjectives or nouns.
      if ((s_.tag[i] == "VBN" || s_.tag[i] == "VBG") && i > 0 &&
          (s_.tag[i - 1] == "DT" || s_.tag[i - 1] == "PRP$" || s_.tag[i - 1] == "POS")) {
        continue;
      }
      // Auxiliaries ("has signed") are not the action.
      if (s_.Is(i, kAux)) {
        int k = i + 1;
        while (k < s_.n && (s_.Adverb(k) || s_.Is(k, kNeg))) ++k;
        if (k < s_.n && s_.Verb(k)) continue;
      }
      VerbHit best;
      int best_len = 0;
      const bool noun = StartsWith(s_.tag[i], "NN");
      for (int f : dict_.FormsWithWord(s_.id[i])) {
        const VerbForm& form = dict_.forms()[f];
        const int b = i - static_cast<int>(form.before.size());
        const int e = i + 1 + static_cast<int>(form.after.size());
        if (b < 0 || e > s_.n) continue;
        // Nominal blocks ("talks between X and Y") take nouns, the others verbs.
        const bool nominal = dict_.blocks()[dict_.verbs()[form.verb].block].nominal;
        if (nominal ? !noun : !UsedAsVerb(i, e)) continue;
        bool ok = true;
        for (size_t k = 0; ok && k < form.before.size(); ++k) ok = s_.id[b + k] == form.before[k];
        for (size_t k = 0; ok && k < form.after.size(); ++k) ok = s_.id[i + 1 + k] == form.after[k];
        for (int k = b; ok && k < e; ++k) ok = s_.actor_at[k] < 0;
        if (!ok) continue;
        if (e - b > best_len) {
          best_len = e - b;
          best = VerbHit{{form.verb}, b, e, i};
        } else if (e - b == best_len && b == best.begin &&
                   std::find(best.verbs.begin(), best.verbs.end(), form.verb) == best.verbs.end()) {
          best.verbs.push_back(form.verb);
        }
      }
      if (best_len == 0) continue;
      hits.push_back(best);
      i = best.end - 1;
    }
    return hits;
  }

  void CodeVerb(const VerbHit& hit, std::vector<CodedEvent>* out) const {
    // Clause window for the pattern: to the sentence's end or ";".
    int lo = 0, hi = s_.n;
    for (int i = hit.begin - 1; i >= 0; --i) {
      if (s_.Is(i, kBoundary)) {
        lo = i + 1;
        break;
      }
    }
    for (int i = hit.end; i < s_.n; ++i) {
      if (s_.Is(i, kBoundary)) {
        hi = i;
        break;
      }
    }
    // The best pattern of the verb's blocks; else the verb's code, else its
    // block's (the first verb that has one).
    const VerbPattern* best = nullptr;
    PatternMatch match;
    match.first = hit.begin;
    EventCode code;
    // A code written on a verb line beats a block's default: a verb listed
    // in a block that codes nothing by itself ("REFUSE [---]") and again
    // with a code of its own ("REJECT [120]") takes that code.
    bool own_code = false;
    for (int v : hit.verbs) {
      const VerbEntry& verb = dict_.verbs()[v];
      const VerbBlock& block = dict_.blocks()[verb.block];
      for (const VerbPattern& p : block.patterns) {
        if (best != nullptr && p.weight <= best->weight) continue;
        PatternMatch m = matcher_.Match(p, hit.begin, hit.end, lo, hi);
        if (!m.ok) continue;
        best = &p;
        match = std::move(m);
      }
      if (!own_code && !verb.code.empty()) {
        code = verb.code;
        own_code = true;
      } else if (code.empty()) {
        code = block.code;
      }
    }
    if (best != nullptr) code = best->code;
    if (code.discard || (code.forward.empty() && code.reverse.empty())) return;
    if (best == nullptr && dict_.blocks()[dict_.verbs()[hit.verbs[0]].block].nominal) return;

    // Auxiliaries, negation, passive voice.
    const int chain = ChainStart(hit.begin);
    bool negated = false, be = false;
    for (int i = chain; i < hit.begin; ++i) {
      if (s_.Is(i, kNeg) && std::find(match.tokens.begin(), match.tokens.end(), i) == match.tokens.end()) {
        negated = true;
      }
      if (s_.Is(i, kBe)) be = true;
    }
    if (negated) return;
    // "urged Eriador to respond": the action of an infinitive after an
    // object has not happened (unless a pattern names the words before).
    if (best == nullptr || best->before.empty()) {
      for (int i = chain; i < hit.begin; ++i) {
        if (s_.Is(i, kTo) && ObjectControlled(i)) return;
      }
    }
    // "Arnor will send aid", "Mordor threatened to blockade Gondor": the
    // action is announced, not done; CAMEO codes the statement of intent
    // (03) or the threat (13). A visit's host has done nothing yet.
    if (options_.announced_as_intent && !code.forward.empty() && IntentFrame(chain, hit, match)) {
      const std::string intent = IntentCode(code.forward);
      if (!intent.empty()) {
        code.reverse = Symmetric(code) ? intent : std::string();
        code.forward = intent;
      }
    }
    const bool passive = be && (s_.tag[hit.word] == "VBN" || s_.tag[hit.word] == "VBD");
    int agent = -1;
    if (passive) {
      for (int i = hit.end; i < std::min(s_.n, hit.end + 6); ++i) {
        if (s_.Is(i, kBoundary) || s_.Finite(i)) break;
        if (s_.Is(i, kBy)) {
          int k = i + 1;
          while (k < s_.n && s_.Modifier(k) && s_.actor_at[k] < 0) ++k;
          if (k < s_.n && s_.actor_at[k] >= 0) agent = s_.actor_at[k];
          break;
        }
      }
    }

    // Roles.
    std::vector<int> sources, targets;
    float confidence = best != nullptr ? 0.75f : 0.6f;
    if (match.compound >= 0 && match.compound_before) {
      // % before the verb: events between the members of the compound.
      const std::vector<int> members = Members(match.compound, false);
      for (int a : members) {
        for (int b : members) {
          if (a == b) continue;
          Emit(a, b, code.forward.empty() ? code.reverse : code.forward, hit, match, confidence - 0.05f, out);
        }
      }
      return;
    }
    int subject = match.source;
    Roles roles;
    if (subject < 0) {
      // Before the verb's auxiliaries; when that finds nothing, or the actor
      // the pattern took as target ("NOTED + *"), before the pattern's words
      // ("INDICATED WOULD *": "Ethiopia indicated it would act").
      roles = Subject(chain, 0);
      if (match.first < chain &&
          (roles.subject < 0 || roles.subject == match.target || roles.subject == match.compound)) {
        roles = Subject(match.first, 0);
      }
      subject = roles.subject;
      if (roles.via_parenthetical || roles.via_coordination || roles.via_pronoun) confidence -= 0.1f;
    }
    int object = match.target;
    if (object < 0 && match.compound >= 0) object = match.compound;
    if (passive && match.source < 0 && match.target < 0) {
      if (agent < 0) return;  // the actor of a passive without an agent is unknown
      object = subject;
      subject = agent;
    } else if (object < 0) {
      object = match.prep_actor >= 0 && match.prep_actor != subject ? match.prep_actor : -1;
      if (object < 0) object = Object(hit.end, subject);
    }
    if (subject < 0 && match.compound >= 0) {
      // "talks between X and Y": events between the members.
      const std::vector<int> members = Members(match.compound, false);
      for (int a : members) {
        for (int b : members) {
          if (a == b) continue;
          Emit(a, b, code.forward.empty() ? code.reverse : code.forward, hit, match, confidence - 0.05f, out);
        }
      }
      return;
    }
    if (subject < 0) return;
    sources = Members(subject, false);
    // "X and Y met in Moscow", "X and Y discussed the situation in Kosovo":
    // with a compound subject and a mutual action, a place is not a target.
    if (object >= 0 && object != match.target && object != match.compound && sources.size() >= 2 &&
        Reciprocal(code) && AfterLocativePreposition(object)) {
      object = -1;
    }
    if (object >= 0) {
      targets = Members(object, true);
      if (s_.actors[object].begin - hit.end <= 4) confidence += 0.1f;
    }
    if (targets.empty()) {
      if (sources.size() < 2 || !Reciprocal(code)) return;
      for (int a : sources) {
        for (int b : sources) {
          if (a != b) Emit(a, b, code.forward, hit, match, confidence - 0.05f, out);
        }
      }
      return;
    }
    for (int a : sources) {
      for (int b : targets) {
        if (a == b) continue;
        const float c = confidence - (a != subject ? 0.05f : 0) - (b != object ? 0.05f : 0);
        if (!code.forward.empty()) Emit(a, b, code.forward, hit, match, c, out);
        if (!code.reverse.empty()) Emit(b, a, code.reverse, hit, match, c, out);
      }
    }
  }

  void Emit(int source, int target, const std::string& code, const VerbHit& hit, const PatternMatch& match,
            float confidence, std::vector<CodedEvent>* out) const {
    if (code.empty() || source == target) return;
    for (CodedEvent& e : *out) {
      if (e.source == source && e.target == target && e.code == code) {
        e.confidence = std::max(e.confidence, confidence);
        return;
      }
    }
    CodedEvent e;
    e.source = source;
    e.target = target;
    e.code = code;
    e.trigger_begin = hit.begin;
    e.trigger_end = std::max(hit.end, match.noun_end);
    e.confidence = std::clamp(confidence, 0.05f, 0.95f);
    out->push_back(std::move(e));
  }

 private:
  const VerbDictionary& dict_;
  const CoderOptions& options_;
  const Sentence& s_;
  Matcher matcher_;
};

// Whether a discard phrase (of the kind asked) occurs in the sentence.
bool HasDiscard(const VerbDictionary& dict, const Sentence& s, bool story_only) {
  if (dict.discards().empty()) return false;
  Matcher m(dict, s);
  for (const DiscardPhrase& d : dict.discards()) {
    if (d.numeric || (story_only && !d.story) || d.words.empty()) continue;
    for (int i = 0; i + static_cast<int>(d.words.size()) <= s.n; ++i) {
      if (s.id[i] != d.words[0].id && s.singular[i] != d.words[0].id) continue;
      if (m.PhraseAt(d.words, i) >= 0) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<CodedEvent> EventCoder::Code(std::span<const CoderToken> tokens,
                                         std::span<const CoderActor> actors) const {
  std::vector<CodedEvent> out;
  if (tokens.empty() || actors.empty()) return out;
  Sentence s;
  Prepare(*dict_, tokens, actors, &s);
  if (HasDiscard(*dict_, s, false)) return out;
  Coder coder(*dict_, options_, s);
  for (const VerbHit& hit : coder.FindVerbs()) coder.CodeVerb(hit, &out);
  return out;
}

bool EventCoder::StoryDiscard(std::span<const CoderToken> tokens) const {
  if (tokens.empty()) return false;
  Sentence s;
  Prepare(*dict_, tokens, {}, &s);
  return HasDiscard(*dict_, s, true);
}

}  // namespace dossier::entity::events
