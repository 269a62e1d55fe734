#include "services/entity/annotator.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "services/entity/date_normalizer.h"
#include "services/entity/lexicon.h"
#include "services/entity/name_text.h"
#include "services/entity/tokenizer.h"

namespace dossier::entity {

namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

const char* NewIdPrefix(EntityType type) {
  switch (type) {
    case EntityType::kPerson:
      return "person";
    case EntityType::kOrganization:
      return "org";
    case EntityType::kLocation:
      return "place";
    default:
      return "misc";
  }
}

const char* NewEntityKind(EntityType type) {
  switch (type) {
    case EntityType::kPerson:
      return "person";
    case EntityType::kOrganization:
      return "organization";
    case EntityType::kLocation:
      return "place";
    default:
      return "misc";
  }
}

float KindBase(AliasKind kind) {
  switch (kind) {
    case AliasKind::kName:
      return 1.0f;
    case AliasKind::kTitleName:
      return 0.95f;
    case AliasKind::kSpelling:
      return 0.9f;
    case AliasKind::kAcronym:
      return 0.9f;
    case AliasKind::kDemonym:
      return 0.85f;
    case AliasKind::kAdjective:
      return 0.8f;
    case AliasKind::kCode:
      return 0.7f;
  }
  return 0.5f;
}

// Maximum edit distance accepted for a fuzzy match of a key of `len` letters.
int FuzzyBudget(size_t len) {
  if (len >= 12) return 3;
  if (len >= 8) return 2;
  if (len >= 5) return 1;
  return 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Heads that stand for a whole country's institution and do not make a new
// name with a demonym ("Chinese Government" is China).
bool IsGenericHead(std::string_view w) {
  return w == "government" || w == "side" || w == "people" || w == "leaders" || w == "leader" ||
         w == "authorities" || w == "army" || w == "military" || w == "navy" || w == "police" ||
         w == "embassy" || w == "president" || w == "ministry" || w == "state" || w == "nation" ||
         w == "delegation" || w == "forces" || w == "market" || w == "economy";
}

struct DocEntity {
  int kb = -1;  // index in the KbIndex, -1 for an entity new to the KB
  std::string id;
  std::string name;
  EntityType type = EntityType::kUnspecified;
  std::string kind;
  bool is_new = false;
};

struct Candidate {
  int tb = 0;
  int te = 0;
  int sentence = 0;
  std::vector<AliasHit> hits;  // gazetteer hits that passed the case rules
  bool gazetteer = false;
  bool weak = false;      // headline or sentence-initial: kept only if it links to something known
  bool position = false;  // an office ("Minister of Foreign Affairs"): never an entity
  bool hyphen_part = false;
  bool location_cue = false;
  bool has_of = false;
  EntityType hint = EntityType::kUnspecified;
  std::string title;    // folded title word before the span
  std::string country;  // ISO3 of a demonym/country before the title
  int defines = -1;     // "(SCO)": index of the candidate it abbreviates
  enum State { kPending, kResolved, kUnresolved, kDropped } state = kPending;
  int doc = -1;
  LinkReason reason = LinkReason::kUnspecified;
  float confidence = 0;
};

class Annotator {
 public:
  Annotator(const KbIndex& kb, std::string_view text, const DateParts& pub, const ner::NerModel* ner)
      : kb_(kb), text_(text), pub_(pub), ner_(ner) {}

  void Run(bool with_dates) {
    tt_ = Tokenize(text_);
    sentences_ = SplitSentences(tt_, text_);
    const int n = tt_.size();
    sentence_of_.assign(n, 0);
    for (size_t s = 0; s < sentences_.size(); ++s) {
      for (int i = sentences_[s].token_begin; i < sentences_[s].token_end; ++i)
        sentence_of_[i] = static_cast<int>(s);
    }
    used_.assign(n, 0);
    covered_.assign(n, 0);
    if (with_dates) {
      dates_ = FindDates(tt_, sentences_, pub_);
      for (const DateMatch& d : dates_) {
        for (int i = d.token_begin; i < d.token_end; ++i) used_[i] = 1;
      }
    }
    ClassifySentences();
    for (size_t s = 0; s < sentences_.size(); ++s) {
      const size_t first = cands_.size();
      ScanGazetteer(static_cast<int>(s));
      ScanChunks(static_cast<int>(s));
      std::sort(cands_.begin() + first, cands_.end(),
                [](const Candidate& a, const Candidate& b) { return a.tb < b.tb; });
      MergeAdjacent(first);
    }
    TagWithModel();
    AddModelCandidates();
    for (size_t c = 0; c < cands_.size(); ++c) AddEvidence(static_cast<int>(c));
    FindAcronymDefinitions();
    for (Candidate& c : cands_) {
      if (!c.gazetteer) c.hint = TypeChunk(c);
    }
    CountRepeats();
    PassA();
    PassB();
    FindOfficeMentions();
  }

  // Seeds the document context (names, acronyms) from another text, e.g. the
  // title.
  void ImportContext(const Annotator& other) {
    for (const Candidate& c : other.cands_) {
      if (c.state != Candidate::kResolved || c.doc < 0) continue;
      const DocEntity& de = other.docs_[c.doc];
      int doc = de.kb >= 0 ? DocForKb(de.kb) : DocForNew(de.type, de.name);
      if (doc < 0) continue;
      if (docs_[doc].type == EntityType::kPerson && c.te - c.tb >= 2) {
        for (int i = c.tb; i < c.te; ++i) {
          if (other.tt_.tokens[i].word()) person_tokens_[std::string(other.tt_.norm(i))].push_back({doc, -1});
        }
        RegisterKbNameTokens(doc, -1);
      }
    }
    for (const auto& [acronym, doc] : other.acronyms_) {
      const DocEntity& de = other.docs_[doc];
      int mine = de.kb >= 0 ? DocForKb(de.kb) : DocForNew(de.type, de.name);
      if (mine >= 0) acronyms_.emplace(acronym, mine);
    }
  }

  Annotation Output() const {
    Annotation out;
    out.sentences.reserve(sentences_.size());
    for (const Sentence& s : sentences_) out.sentences.push_back(SentenceSpan{s.begin, s.end});
    std::vector<const Candidate*> emitted;
    for (const Candidate& c : cands_) {
      if (c.state == Candidate::kResolved || c.state == Candidate::kUnresolved) emitted.push_back(&c);
    }
    out.mentions.reserve(emitted.size() + dates_.size());
    std::vector<int> entity_order;
    std::vector<char> seen(docs_.size(), 0);
    for (const Candidate* c : emitted) {
      AnnotatedMention m;
      m.begin = tt_.tokens[c->tb].begin;
      m.end = tt_.tokens[c->te - 1].end;
      m.text = std::string(text_.substr(m.begin, m.end - m.begin));
      m.sentence = c->sentence;
      m.confidence = c->confidence;
      m.reason = c->reason;
      if (c->state == Candidate::kResolved && c->doc >= 0) {
        const DocEntity& de = docs_[c->doc];
        m.type = de.type;
        m.entity_id = de.id;
        m.entity_name = de.name;
        if (!seen[c->doc]) {
          seen[c->doc] = 1;
          entity_order.push_back(c->doc);
        }
      } else {
        m.type = c->hint == EntityType::kUnspecified ? EntityType::kMisc : c->hint;
        m.reason = LinkReason::kUnspecified;
      }
      out.mentions.push_back(std::move(m));
    }
    for (const DateMatch& d : dates_) {
      AnnotatedMention m;
      m.begin = tt_.tokens[d.token_begin].begin;
      m.end = tt_.tokens[d.token_end - 1].end;
      m.text = std::string(text_.substr(m.begin, m.end - m.begin));
      m.type = EntityType::kDate;
      m.confidence = d.confidence;
      m.date = d.date;
      m.timex = d.timex;
      m.sentence = sentence_of_[d.token_begin];
      out.mentions.push_back(std::move(m));
    }
    std::stable_sort(out.mentions.begin(), out.mentions.end(),
                     [](const AnnotatedMention& a, const AnnotatedMention& b) { return a.begin < b.begin; });
    for (int doc : entity_order) out.entities.push_back(MakeEntity(docs_[doc]));
    return out;
  }

 private:
  // ---- token helpers ----
  const Token& Tok(int i) const { return tt_.tokens[i]; }
  std::string_view Norm(int i) const { return tt_.norm(i); }
  bool InSentence(int i, int s) const {
    return i >= sentences_[s].token_begin && i < sentences_[s].token_end;
  }
  bool Blocked(int i) const { return used_[i] || covered_[i]; }
  bool CapWord(int i) const {
    const Token& t = Tok(i);
    return t.word() && t.capitalized();
  }
  int SentenceFirstWord(int s) const {
    for (int i = sentences_[s].token_begin; i < sentences_[s].token_end; ++i) {
      if (Tok(i).word()) return i;
    }
    return -1;
  }

  // ---- sentences ----
  void ClassifySentences() {
    headline_.assign(sentences_.size(), 0);
    shouting_.assign(sentences_.size(), 0);
    for (size_t s = 0; s < sentences_.size(); ++s) {
      int long_words = 0, long_caps = 0, letter_words = 0, all_caps = 0;
      bool terminal = false;
      for (int i = sentences_[s].token_begin; i < sentences_[s].token_end; ++i) {
        const Token& t = Tok(i);
        std::string_view n = Norm(i);
        if (n == "." || n == "!" || n == "?") terminal = true;
        if (!t.word() || t.Has(kTokDigit)) continue;
        ++letter_words;
        if (t.Has(kTokAllCaps)) ++all_caps;
        if (n.size() >= 3 && !IsFunctionWord(n)) {
          ++long_words;
          if (t.capitalized()) ++long_caps;
        }
      }
      // Title case: most content words capitalised (all of them in a sentence
      // with a full stop, which running prose with many names can approach).
      if (long_words >= 2 && long_caps * 4 >= long_words * 3 &&
          (!terminal || (long_caps == long_words && long_words <= 8))) {
        headline_[s] = 1;
      }
      // A short line without a full stop made only of capitalised words.
      if (!terminal && long_words >= 1 && long_caps == long_words && letter_words <= 12) headline_[s] = 1;
      if (letter_words >= 3 && all_caps * 10 >= letter_words * 7) shouting_[s] = 1;
    }
  }

  // ---- stage b: gazetteer ----
  bool CaseOk(const AliasHit& h, int i, int len, int s) const {
    if (!h.text_ok) return false;
    if (h.all_caps) {
      if (shouting_[s]) return false;
      if (!Tok(i).capitalized()) return false;
      for (int k = i; k < i + len; ++k) {
        if (Tok(k).word() && Tok(k).Has(kTokHasLower)) return false;
      }
      return true;
    }
    for (int k = 0; k < len && k < 32; ++k) {
      if (((h.cap_mask >> k) & 1u) && !Tok(i + k).capitalized()) return false;
    }
    return true;
  }

  void ScanGazetteer(int s) {
    const int sb = sentences_[s].token_begin;
    const int se = sentences_[s].token_end;
    const int max_len = kb_.max_phrase_tokens();
    std::vector<AliasHit> tmp;
    std::vector<AliasHit> best_hits;
    int i = sb;
    while (i < se) {
      const Token& t = Tok(i);
      if (used_[i] || !t.word() || !(t.capitalized() || IsNameParticle(Norm(i)))) {
        ++i;
        continue;
      }
      int best_len = 0;
      uint64_t h = KbIndex::kPhraseSeed;
      for (int k = i; k < se && k - i < max_len; ++k) {
        if (used_[k]) break;
        h = KbIndex::ExtendPhraseHash(h, Tok(k).hash);
        bool is_prefix = false;
        const Phrase* p = kb_.LookupPhrase(h, &is_prefix);
        if (p != nullptr) {
          tmp.clear();
          for (const AliasHit& hit : p->hits) {
            if (CaseOk(hit, i, k - i + 1, s)) tmp.push_back(hit);
          }
          // A match may not end inside a word joined by an apostrophe/hyphen
          // that continues with a lower-case letter ("Sino-" is fine).
          if (!tmp.empty()) {
            best_len = k - i + 1;
            best_hits.swap(tmp);
          }
        }
        if (!is_prefix) break;
      }
      if (best_len == 0) {
        ++i;
        continue;
      }
      // "Van der Westhuizen", "Douglas & Lomason": a one-word match that a
      // particle or "&" joins to a capitalised word is part of a longer name.
      const int after = i + best_len;
      if (best_len == 1 && after + 1 < se && CapWord(after + 1) &&
          ((Tok(after).word() && !Tok(after).capitalized() && IsNameParticle(Norm(after))) ||
           Norm(after) == "&")) {
        ++i;
        continue;
      }
      Candidate c;
      c.tb = i;
      c.te = i + best_len;
      c.sentence = s;
      c.gazetteer = true;
      c.hits = best_hits;
      for (int k = c.tb; k < c.te; ++k) covered_[k] = 1;
      cands_.push_back(std::move(c));
      i += best_len;
    }
  }

  // ---- stage b: capitalised sequences ----
  bool ChunkWord(int j, int se) const {
    if (j >= se || Blocked(j)) return false;
    const Token& t = Tok(j);
    if (!t.word() || !t.capitalized()) return false;
    std::string_view n = Norm(j);
    if (IsFunctionWord(n) || IsCalendarWord(n)) return false;
    if (IsPersonTitle(n)) {
      // "General Assembly", "Secretary General" inside an organisation name.
      return j + 1 < se && CapWord(j + 1) && !Blocked(j + 1) && IsOrgKeyword(Norm(j + 1));
    }
    return true;
  }

  bool HasKeyword(int b, int e) const {
    for (int k = b; k < e; ++k) {
      std::string_view n = Norm(k);
      if (IsOrgKeyword(n) || IsMiscKeyword(n) || IsLocationKeyword(n)) return true;
    }
    return false;
  }
  bool HasMiscOrOrgKeyword(int b, int e) const {
    for (int k = b; k < e; ++k) {
      if (IsOrgKeyword(Norm(k)) || IsMiscKeyword(Norm(k))) return true;
    }
    return false;
  }

  void ScanChunks(int s) {
    const int sb = sentences_[s].token_begin;
    const int se = sentences_[s].token_end;
    const int first_word = SentenceFirstWord(s);
    int i = sb;
    while (i < se) {
      bool position = false;
      if (!Blocked(i) && CapWord(i) && IsPersonTitle(Norm(i)) && i + 1 < se && Norm(i + 1) == "of" &&
          ((i + 2 < se && ChunkWord(i + 2, se)) ||
           (i + 3 < se && Norm(i + 2) == "the" && ChunkWord(i + 3, se)))) {
        position = true;
      } else if (!ChunkWord(i, se)) {
        ++i;
        continue;
      }
      int j = i + 1;
      bool has_of = false;
      while (j < se && !Blocked(j)) {
        const Token& t = Tok(j);
        std::string_view n = Norm(j);
        if (ChunkWord(j, se)) {
          ++j;
          continue;
        }
        if (n == "-" && !t.Has(kTokSpaceBefore) && j + 1 < se && !Blocked(j + 1) && Tok(j + 1).word() &&
            !Tok(j + 1).Has(kTokSpaceBefore)) {
          j += 2;
          continue;
        }
        if (n == "'s" && ChunkWord(j + 1, se)) {
          ++j;
          continue;
        }
        if (t.word() && !t.capitalized()) {
          if (IsNameParticle(n) && ChunkWord(j + 1, se) && n != "y") {
            ++j;
            continue;
          }
          if (n == "of" || n == "for" || n == "on") {
            const bool allowed = position || (n == "on" ? HasMiscOrOrgKeyword(i, j) : HasKeyword(i, j));
            int k = j + 1;
            if (k < se && Norm(k) == "the") ++k;
            // "the Joint Statement of the PRC": an acronym after "of" is a name of its own.
            if (allowed && ChunkWord(k, se) && !Tok(k).Has(kTokAllCaps)) {
              has_of = has_of || n == "of";
              j = k;
              continue;
            }
          }
          if (n == "and" && has_of && HasMiscOrOrgKeyword(i, j) && ChunkWord(j + 1, se) &&
              !(j + 2 < se && (ChunkWord(j + 2, se) || Norm(j + 2) == "-"))) {
            j += 2;
            break;
          }
        }
        if (n == "&" && ChunkWord(j + 1, se)) {
          ++j;
          continue;
        }
        if (n == "," && has_of && HasMiscOrOrgKeyword(i, j) && ChunkWord(j + 1, se) && j + 2 < se &&
            (Norm(j + 2) == "," || Norm(j + 2) == "and")) {
          ++j;
          continue;
        }
        break;
      }
      int end = j;
      while (end > i + 1 && (!Tok(end - 1).word() || IsNameConnector(Norm(end - 1)))) --end;
      // "Sharing Jiang's views": a sentence-initial verb form is not part of a name.
      if (!position && i == first_word && end - i >= 2) {
        std::string_view n = Norm(i);
        if ((EndsWith(n, "ing") || EndsWith(n, "ed") || EndsWith(n, "ly")) && !kb_.IsGivenName(n)) {
          AddChunk(i, i + 1, s, false, false);
          i = i + 1;
          continue;
        }
      }
      // "Prime" (Minister), "Vice-Premier": titles are evidence, not names.
      if (!position && IsTitleOnly(i, end, se)) {
        i = std::max(end, i + 1);
        continue;
      }
      AddChunk(i, end, s, position, has_of);
      i = std::max(end, i + 1);
    }
  }

  // True when [b, e) holds only title words and title modifiers ("Vice",
  // "Prime", "-", "Premier") and either contains a title or comes right
  // before one ("Prime" in "Prime Minister"). Modifiers that are organisation
  // keywords ("Party", "Council") make a name, not a title.
  bool IsTitleOnly(int b, int e, int se) const {
    bool any_title = false;
    for (int k = b; k < e; ++k) {
      if (!Tok(k).word()) {
        if (Norm(k) != "-") return false;
        continue;
      }
      const std::string_view n = Norm(k);
      if (IsPersonTitle(n)) {
        any_title = true;
      } else if (!IsTitleModifier(n) || IsOrgKeyword(n)) {
        return false;
      }
    }
    if (any_title) return true;
    return e < se && CapWord(e) && IsPersonTitle(Norm(e));
  }

  void AddChunk(int b, int e, int s, bool position, bool has_of) {
    Candidate c;
    c.tb = b;
    c.te = e;
    c.sentence = s;
    c.position = position;
    c.has_of = has_of;
    cands_.push_back(std::move(c));
  }

  bool IsHyphenJoinedLeft(int tb) const {
    return tb >= 2 && Norm(tb - 1) == "-" && !Tok(tb - 1).Has(kTokSpaceBefore) &&
           !Tok(tb).Has(kTokSpaceBefore);
  }
  bool IsHyphenJoinedRight(int te) const {
    return te + 1 < tt_.size() && Norm(te) == "-" && !Tok(te).Has(kTokSpaceBefore) &&
           !Tok(te + 1).Has(kTokSpaceBefore);
  }

  bool HitsArePlaceOrOrg(const Candidate& c) const {
    for (const AliasHit& h : c.hits) {
      const IndexedEntity& e = kb_.entity(h.entity);
      if (e.type == EntityType::kPerson) return false;
    }
    return !c.hits.empty();
  }
  bool HitsAreDemonym(const Candidate& c) const {
    for (const AliasHit& h : c.hits) {
      if (h.kind == AliasKind::kDemonym || h.kind == AliasKind::kAdjective) return true;
    }
    return false;
  }
  bool HitsAreIntlOrgName(const Candidate& c) const {
    if (c.hits.empty()) return false;
    for (const AliasHit& h : c.hits) {
      const IndexedEntity& e = kb_.entity(h.entity);
      if (e.kind != "international_organization" || h.kind == AliasKind::kAcronym) return false;
    }
    return true;
  }
  bool HitsAreLocation(const Candidate& c) const {
    for (const AliasHit& h : c.hits) {
      if (kb_.entity(h.entity).type == EntityType::kLocation && h.kind != AliasKind::kDemonym &&
          h.kind != AliasKind::kAdjective) {
        return true;
      }
    }
    return false;
  }

  // Joins neighbours into one name: "China Daily", "Beijing Declaration",
  // "UN Charter", "Russian Security Council", "Bank of China", "South China Sea".
  void MergeAdjacent(size_t first) {
    std::vector<Candidate>& v = cands_;
    for (size_t k = first; k + 1 < v.size(); ++k) {
      Candidate& a = v[k];
      Candidate& b = v[k + 1];
      if (a.state == Candidate::kDropped || b.state == Candidate::kDropped) continue;
      if (a.position || b.position || a.te != b.tb) continue;
      const std::string_view last = Norm(b.te - 1);
      // G modifier + keyword chunk.
      if (a.gazetteer && !b.gazetteer && !b.has_of && !IsHyphenJoinedLeft(a.tb) &&
          !IsHyphenJoinedRight(a.te - 1) && HitsArePlaceOrOrg(a) &&
          (IsOrgKeyword(last) || IsMiscKeyword(last) || IsLocationKeyword(last)) &&
          !(b.te - b.tb == 1 && IsGenericHead(last))) {
        int begin = a.tb;
        // An uncovered capitalised prefix joins too ("South" China "Sea").
        if (k > first && v[k - 1].te == a.tb && !v[k - 1].gazetteer && !v[k - 1].position &&
            !HasKeyword(v[k - 1].tb, v[k - 1].te)) {
          begin = v[k - 1].tb;
          v[k - 1].state = Candidate::kDropped;
        }
        a.tb = begin;
        a.te = b.te;
        a.gazetteer = false;
        a.hits.clear();
        b.state = Candidate::kDropped;
        continue;
      }
      // Demonym + an international organisation's generic name:
      // "Russian Security Council" is not the UN's.
      if (a.gazetteer && b.gazetteer && HitsAreDemonym(a) && HitsAreIntlOrgName(b) &&
          !IsHyphenJoinedLeft(a.tb)) {
        a.te = b.te;
        a.gazetteer = false;
        a.hits.clear();
        b.state = Candidate::kDropped;
        continue;
      }
    }
    // "<Org keyword> of [the] <place>": "Bank of China".
    for (size_t k = first; k + 1 < v.size(); ++k) {
      Candidate& a = v[k];
      if (a.state == Candidate::kDropped || a.gazetteer || a.position) continue;
      int j = a.te;
      if (j >= tt_.size() || Norm(j) != "of") continue;
      if (!IsOrgKeyword(Norm(a.te - 1))) continue;
      ++j;
      if (j < tt_.size() && Norm(j) == "the") ++j;
      for (size_t m = k + 1; m < v.size(); ++m) {
        Candidate& b = v[m];
        if (b.state == Candidate::kDropped) continue;
        if (b.tb != j) break;
        const bool ends = b.te >= tt_.size() || !CapWord(b.te);
        if (b.gazetteer && HitsAreLocation(b) && ends && b.te - b.tb <= 3 && InSentence(b.tb, a.sentence)) {
          a.te = b.te;
          b.state = Candidate::kDropped;
        }
        break;
      }
    }
    // Remove dropped ones from this sentence's range.
    v.erase(std::remove_if(v.begin() + first, v.end(),
                           [](const Candidate& c) { return c.state == Candidate::kDropped; }),
            v.end());
  }

  // ---- evidence ----
  int CandidateEndingAt(int te) const {
    // Candidates are sorted per sentence; a linear scan is fine for the few
    // look-ups needed.
    for (size_t k = 0; k < cands_.size(); ++k) {
      if (cands_[k].te == te) return static_cast<int>(k);
    }
    return -1;
  }

  void AddEvidence(int idx) {
    Candidate& c = cands_[idx];
    c.hyphen_part = IsHyphenJoinedLeft(c.tb) || IsHyphenJoinedRight(c.te);
    const int s = c.sentence;
    const int sb = sentences_[s].token_begin;
    int k = c.tb - 1;
    if (k >= sb) {
      std::string_view n = Norm(k);
      int title_at = -1;
      if (IsPersonTitle(n) && Tok(k).word()) {
        title_at = k;
        c.title = std::string(n);
      } else {
        const int pc = CandidateEndingAt(c.tb);
        if (pc >= 0 && cands_[pc].position) {
          title_at = cands_[pc].tb;
          c.title = std::string(Norm(cands_[pc].tb));
        }
      }
      if (title_at >= 0) {
        int m = title_at - 1;
        while (m >= sb && (IsTitleModifier(Norm(m)) || IsPersonTitle(Norm(m)))) {
          const int ce = CandidateEndingAt(m + 1);
          if (ce >= 0 && cands_[ce].gazetteer && CountryOfHits(cands_[ce]).size() == 3) break;
          --m;
        }
        if (m >= sb) {
          const int ce = CandidateEndingAt(m + 1);
          if (ce >= 0 && cands_[ce].gazetteer) c.country = CountryOfHits(cands_[ce]);
        }
      }
      if (Tok(k).word() && !Tok(k).capitalized() && IsLocationPreposition(n)) c.location_cue = true;
      if (n == "the" && k - 1 >= sb && IsLocationPreposition(Norm(k - 1))) c.location_cue = true;
    }
    if (!c.gazetteer) {
      if (headline_[s]) c.weak = true;
      if (c.te - c.tb == 1 && c.tb == SentenceFirstWord(s)) c.weak = true;
      // After an opening quote or bracket at the start of a line.
    }
  }

  std::string CountryOfHits(const Candidate& c) const {
    for (const AliasHit& h : c.hits) {
      const IndexedEntity& e = kb_.entity(h.entity);
      if ((e.kind == "country" || e.kind == "former_country") && !e.country.empty()) return e.country;
    }
    return "";
  }

  static std::string Initials(const TokenizedText& tt, int b, int e) {
    std::string out;
    for (int k = b; k < e; ++k) {
      const Token& t = tt.tokens[k];
      if (!t.word() || !t.capitalized()) continue;
      std::string_view n = tt.norm(k);
      if (n.empty()) continue;
      char c = n[0];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      out.push_back(c);
    }
    return out;
  }

  static std::string AcronymKey(std::string_view folded) {
    std::string out;
    for (char c : folded) {
      if (c >= 'a' && c <= 'z')
        out.push_back(static_cast<char>(c - 32));
      else if (c >= '0' && c <= '9')
        out.push_back(c);
    }
    return out;
  }

  void FindAcronymDefinitions() {
    for (size_t k = 0; k + 1 < cands_.size(); ++k) {
      const Candidate& a = cands_[k];
      if (a.position || a.te - a.tb < 2) continue;
      if (a.te + 2 >= tt_.size() || Norm(a.te) != "(") continue;
      Candidate& b = cands_[k + 1];
      if (b.tb != a.te + 1 || b.te != b.tb + 1 || Norm(b.te) != ")") continue;
      if (!Tok(b.tb).Has(kTokAllCaps)) continue;
      const std::string acronym = AcronymKey(Norm(b.tb));
      const std::string initials = Initials(tt_, a.tb, a.te);
      if (acronym.empty() || initials.empty() || acronym[0] != initials[0]) continue;
      // Every letter of the acronym in order among the initials.
      size_t p = 0;
      for (char ch : initials) {
        if (p < acronym.size() && acronym[p] == ch) ++p;
      }
      if (p < acronym.size() && acronym.size() > initials.size()) continue;
      b.defines = static_cast<int>(k);
      b.weak = false;
    }
  }

  // ---- stage c: typing of capitalised sequences ----
  EntityType TypeChunk(const Candidate& c) const {
    if (!c.title.empty()) return EntityType::kPerson;
    // The head: words before the first "of"/"for"/"on".
    int head_end = c.te;
    for (int k = c.tb; k < c.te; ++k) {
      std::string_view n = Norm(k);
      if (!Tok(k).capitalized() && (n == "of" || n == "for" || n == "on")) {
        head_end = k;
        break;
      }
    }
    for (int k = head_end - 1; k >= c.tb; --k) {
      std::string_view n = Norm(k);
      if (!Tok(k).word()) continue;
      if (IsOrgKeyword(n)) return EntityType::kOrganization;
      if (IsMiscKeyword(n)) return EntityType::kMisc;
      if (IsLocationKeyword(n)) return EntityType::kLocation;
    }
    // A disease ("SARS", "Novel Coronavirus") is MISC.
    if (IsDiseaseName(Norm(head_end - 1))) return EntityType::kMisc;
    // No title, keyword or disease decides: the model's type, when it found
    // exactly this span, before the shape rules below.
    if (const EntityType model = ModelTypeOf(c.tb, c.te); model != EntityType::kUnspecified) return model;
    const int words = WordCount(c);
    if (words == 1 && Tok(c.tb).Has(kTokAllCaps) && Norm(c.tb).size() <= 8) return EntityType::kOrganization;
    if (words >= 2 && words <= 4 && LooksLikePerson(c)) return EntityType::kPerson;
    if (c.location_cue) return EntityType::kLocation;
    return EntityType::kMisc;
  }

  int WordCount(const Candidate& c) const {
    int words = 0;
    for (int k = c.tb; k < c.te; ++k) {
      if (Tok(k).word()) ++words;
    }
    return words;
  }

  bool LooksLikePerson(const Candidate& c) const {
    int first = -1, last = -1;
    for (int k = c.tb; k < c.te; ++k) {
      if (!Tok(k).word()) continue;
      if (Tok(k).Has(kTokDigit) || (!Tok(k).capitalized() && !IsNameParticle(Norm(k)))) return false;
      if (first < 0) first = k;
      last = k;
    }
    if (first < 0) return false;
    if (kb_.IsGivenName(Norm(first))) return true;
    const auto* surname = kb_.PersonsByToken(Norm(last));
    if (surname != nullptr) {
      for (const auto& pt : *surname) {
        if (pt.position & 2) return true;
      }
    }
    return false;
  }

  void CountRepeats() {
    for (const Candidate& c : cands_) {
      if (c.gazetteer || c.weak || c.te - c.tb != 1) continue;
      ++repeats_[std::string(Norm(c.tb))];
    }
  }

  // ---- document context ----
  int DocForKb(int kb_index) {
    auto it = doc_by_kb_.find(kb_index);
    if (it != doc_by_kb_.end()) return it->second;
    const IndexedEntity& e = kb_.entity(kb_index);
    DocEntity de;
    de.kb = kb_index;
    de.id = e.id;
    de.name = e.name;
    de.type = e.type;
    de.kind = e.kind;
    docs_.push_back(std::move(de));
    const int doc = static_cast<int>(docs_.size()) - 1;
    doc_by_kb_.emplace(kb_index, doc);
    return doc;
  }

  int DocForNew(EntityType type, std::string_view name) {
    std::string id = NewEntityId(type, name);
    if (id.empty()) return -1;
    // Curation may have merged the new id into another entity, or given the
    // extracted entity aliases: then it is in the index.
    const int known = kb_.Find(id);
    if (known >= 0) return DocForKb(known);
    auto it = doc_by_new_.find(id);
    if (it != doc_by_new_.end()) return it->second;
    DocEntity de;
    de.id = id;
    de.name = CollapseName(name);
    de.type = type;
    de.kind = NewEntityKind(type);
    de.is_new = true;
    docs_.push_back(std::move(de));
    const int doc = static_cast<int>(docs_.size()) - 1;
    doc_by_new_.emplace(docs_.back().id, doc);
    return doc;
  }

  static std::string CollapseName(std::string_view name) {
    std::string out;
    bool space = false;
    for (char c : name) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  void RegisterKbNameTokens(int doc, int position) {
    const DocEntity& de = docs_[doc];
    if (de.type != EntityType::kPerson) return;
    TokenizedText tt = Tokenize(de.name);
    for (int k = 0; k < tt.size(); ++k) {
      if (!tt.tokens[k].word() || tt.norm(k).size() < 2 || IsNameParticle(tt.norm(k))) continue;
      auto& list = person_tokens_[std::string(tt.norm(k))];
      bool dup = false;
      for (const auto& [d, p] : list) {
        if (d == doc && p == position) dup = true;
      }
      if (!dup) list.push_back({doc, position});
    }
  }

  // Remembers a resolved mention for later short forms.
  void Register(const Candidate& c) {
    if (c.doc < 0) return;
    const DocEntity& de = docs_[c.doc];
    const int words = WordCount(c);
    if (de.type == EntityType::kPerson) {
      if (words >= 2 || c.reason == LinkReason::kExactAlias || c.reason == LinkReason::kRole ||
          c.reason == LinkReason::kFuzzy) {
        for (int k = c.tb; k < c.te; ++k) {
          if (!Tok(k).word() || Norm(k).size() < 2 || IsNameParticle(Norm(k)) || Tok(k).Has(kTokAbbreviation))
            continue;
          person_tokens_[std::string(Norm(k))].push_back({c.doc, c.tb});
        }
        RegisterKbNameTokens(c.doc, c.tb);
      }
    } else if (words >= 2) {
      const std::string initials = Initials(tt_, c.tb, c.te);
      if (initials.size() >= 2) initials_.emplace(initials, c.doc);
    }
    if (words >= 1) {
      names_.emplace(FoldName(text_.substr(Tok(c.tb).begin, Tok(c.te - 1).end - Tok(c.tb).begin)), c.doc);
    }
  }

  void Resolve(Candidate& c, int doc, LinkReason reason, float confidence) {
    if (doc < 0) {
      c.state = Candidate::kDropped;
      return;
    }
    c.state = Candidate::kResolved;
    c.doc = doc;
    c.reason = reason;
    c.confidence = confidence;
    Register(c);
  }

  // ---- stage d: resolution ----
  float HitScore(const Candidate& c, const AliasHit& h) const {
    const IndexedEntity& e = kb_.entity(h.entity);
    float score = KindBase(h.kind) + 0.3f * e.prominence;
    if (doc_by_kb_.contains(static_cast<int>(h.entity))) score += 0.5f;
    if (e.type == EntityType::kPerson) score += 0.4f * std::clamp(RoleFit(e, pub_, c.country), -1.0f, 1.0f);
    if (h.curated) score += 0.2f;
    return score;
  }

  bool IsShortPersonG(const Candidate& c) const {
    if (!c.gazetteer || c.te - c.tb != 1) return false;
    bool any_person = false;
    bool all_person = true;
    for (const AliasHit& h : c.hits) {
      if (kb_.entity(h.entity).type == EntityType::kPerson) {
        any_person = true;
      } else {
        all_person = false;
      }
    }
    return all_person || (any_person && !c.title.empty());
  }

  void ResolveGazetteer(Candidate& c) {
    // An acronym the document defined wins over the KB's reading of it.
    if (c.te - c.tb == 1 && Tok(c.tb).Has(kTokAllCaps)) {
      auto it = acronyms_.find(AcronymKey(Norm(c.tb)));
      if (it != acronyms_.end()) {
        const int doc = it->second;
        for (const AliasHit& h : c.hits) {
          if (docs_[doc].kb == static_cast<int>(h.entity)) {
            Resolve(c, doc, LinkReasonForAlias(h.kind), 0.95f);
            return;
          }
        }
        Resolve(c, doc, LinkReason::kCoreference, 0.85f);
        return;
      }
    }
    const AliasHit* best = nullptr;
    float best_score = -1e9f, second = -1e9f;
    for (const AliasHit& h : c.hits) {
      const float s = HitScore(c, h);
      if (s > best_score) {
        second = best_score;
        best_score = s;
        best = &h;
      } else if (s > second) {
        second = s;
      }
    }
    if (best == nullptr) {
      c.state = Candidate::kDropped;
      return;
    }
    float confidence = best->kind == AliasKind::kName ? 0.95f : 0.9f;
    if (c.hits.size() > 1 && best_score - second < 0.15f) confidence *= 0.75f;
    Resolve(c, DocForKb(static_cast<int>(best->entity)), LinkReasonForAlias(best->kind), confidence);
    if (c.defines >= 0) DefineAcronym(c);
  }

  void DefineAcronym(const Candidate& c) {
    if (c.doc < 0) return;
    acronyms_[AcronymKey(Norm(c.tb))] = c.doc;
  }

  // Fuzzy match of a name to KB names; -2 when two are equally close.
  // The type a candidate's context suggests, when it is one fuzzy matching
  // can use (person, organisation, place); kUnspecified otherwise.
  static EntityType HintedType(const Candidate& c) {
    return (c.hint == EntityType::kPerson || c.hint == EntityType::kLocation ||
            c.hint == EntityType::kOrganization)
               ? c.hint
               : EntityType::kUnspecified;
  }

  // Links `c` to the one knowledge-base name of `type` close to it in
  // spelling. Returns FuzzyResolve's answer: the entity (>= 0, linked), -2
  // when several names are equally close, -1 when none is.
  int ResolveBySpelling(Candidate& c, EntityType type) {
    const std::string_view name = SpanText(c);
    int distance = 0;
    std::string alias;
    const int fuzzy = FuzzyResolve(name, type, &distance, &alias);
    if (fuzzy >= 0) Resolve(c, DocForKb(fuzzy), LinkReason::kFuzzy, FuzzyConfidence(distance, name.size()));
    return fuzzy;
  }

  int FuzzyResolve(std::string_view name, EntityType type, int* distance, std::string* alias) const {
    const std::string key = MatchKey(name);
    const int words = KbIndex::NameWords(name);
    // Short single words are too often other words ("Asian" is not "Aswan").
    if (words == 1 && key.size() < 6) return -1;
    const int budget = std::min<int>(FuzzyBudget(key.size()), static_cast<int>(key.size()) / 4);
    if (budget <= 0) return -1;
    std::vector<KbIndex::FuzzyHit> hits = kb_.Fuzzy(key, budget, type, words);
    if (hits.empty()) return -1;
    if (hits.size() >= 2 && hits[1].distance <= hits[0].distance) return -2;
    if (hits[0].distance == 0) return -1;  // an exact key match is a different tokenisation; leave it
    *distance = hits[0].distance;
    *alias = hits[0].alias;
    return static_cast<int>(hits[0].entity);
  }

  std::string_view SpanText(const Candidate& c) const {
    return text_.substr(Tok(c.tb).begin, Tok(c.te - 1).end - Tok(c.tb).begin);
  }

  // Multi-token names not in the KB.
  void ResolveUnknownChunk(Candidate& c) {
    const std::string_view name = SpanText(c);
    const std::string folded = FoldName(name);
    auto seen = names_.find(folded);
    if (seen != names_.end()) {
      Resolve(c, seen->second, LinkReason::kCoreference, 0.85f);
      return;
    }
    const int fuzzy = ResolveBySpelling(c, HintedType(c));
    if (fuzzy >= 0) return;
    if (fuzzy == -2) {
      c.state = Candidate::kUnresolved;
      return;
    }
    if (c.weak) return;  // decided in pass B
    // Chunks of generic words are not names unless an organisation keyword ends them.
    bool all_generic = true;
    for (int k = c.tb; k < c.te; ++k) {
      if (Tok(k).word() && !IsGenericWord(Norm(k)) && !IsNameConnector(Norm(k))) all_generic = false;
    }
    const std::string_view last = Norm(c.te - 1);
    if (!HasKeyword(c.tb, c.te) && (all_generic || IsGenericWord(last))) {
      c.state = Candidate::kDropped;
      return;
    }
    const float confidence = c.hint == EntityType::kMisc ? 0.5f : 0.7f;
    Resolve(c, DocForNew(c.hint == EntityType::kUnspecified ? EntityType::kMisc : c.hint, name),
            LinkReason::kNewEntity, confidence);
  }

  static float FuzzyConfidence(int distance, size_t length) {
    const float rel = static_cast<float>(distance) / static_cast<float>(std::max<size_t>(length, 1));
    return std::clamp(0.8f - rel * 1.2f, 0.4f, 0.8f);
  }

  void PassA() {
    for (Candidate& c : cands_) {
      if (c.state != Candidate::kPending) continue;
      if (c.position) {
        c.state = Candidate::kDropped;
        continue;
      }
      if (c.defines >= 0) {
        const Candidate& longform = cands_[c.defines];
        if (longform.state == Candidate::kResolved && longform.doc >= 0) {
          const int doc = longform.doc;
          LinkReason reason = LinkReason::kCoreference;
          for (const AliasHit& h : c.hits) {
            if (docs_[doc].kb == static_cast<int>(h.entity)) reason = LinkReasonForAlias(h.kind);
          }
          acronyms_[AcronymKey(Norm(c.tb))] = doc;
          Resolve(c, doc, reason, reason == LinkReason::kCoreference ? 0.9f : 0.95f);
          continue;
        }
      }
      if (c.gazetteer) {
        if (IsShortPersonG(c)) continue;
        ResolveGazetteer(c);
        continue;
      }
      if (WordCount(c) >= 2) ResolveUnknownChunk(c);
    }
  }

  void PassB() {
    const size_t n = cands_.size();
    for (size_t k = 0; k < n; ++k) {
      Candidate& c = cands_[k];
      if (c.state != Candidate::kPending) continue;
      if (WordCount(c) >= 2) {
        // Weak multi-word sequence (headline): try its words as short forms.
        const std::string folded = FoldName(SpanText(c));
        auto seen = names_.find(folded);
        if (seen != names_.end()) {
          Resolve(c, seen->second, LinkReason::kCoreference, 0.8f);
          continue;
        }
        // Its words that link to something known ("Xi" in "Xi Telephoned").
        std::vector<Candidate> parts;
        for (int t = c.tb; t < c.te; ++t) {
          if (!CapWord(t) || IsStopWord(Norm(t))) continue;
          Candidate part;
          part.tb = t;
          part.te = t + 1;
          part.sentence = c.sentence;
          part.weak = true;
          part.hint = EntityType::kUnspecified;
          if (t == c.tb) part.title = c.title;
          ResolveShort(part);
          if (part.state == Candidate::kResolved) parts.push_back(std::move(part));
        }
        if (parts.empty() && ModelTypeOf(c.tb, c.te) != EntityType::kUnspecified) {
          // None, but the model found this very span: a new name, even in a
          // headline or a table.
          c.weak = false;
          ResolveUnknownChunk(c);
          if (c.state != Candidate::kPending) continue;
        }
        c.state = Candidate::kDropped;
        for (Candidate& part : parts) extra_.push_back(std::move(part));
        continue;
      }
      ResolveShort(c);
    }
    for (Candidate& e : extra_) cands_.push_back(std::move(e));
    extra_.clear();
    std::stable_sort(cands_.begin(), cands_.end(),
                     [](const Candidate& a, const Candidate& b) { return a.tb < b.tb; });
  }

  // Nearest earlier (else later) person in the document with this name token.
  int PersonByToken(std::string_view folded, int position) const {
    auto it = person_tokens_.find(AV(folded));
    if (it == person_tokens_.end()) return -1;
    int best = -1, best_pos = -2;
    int later = -1, later_pos = 1 << 30;
    for (const auto& [doc, pos] : it->second) {
      if (pos < position) {
        if (pos > best_pos) {
          best_pos = pos;
          best = doc;
        }
      } else if (pos > position && pos < later_pos) {
        later_pos = pos;
        later = doc;
      }
    }
    return best >= 0 ? best : later;
  }

  // KB people a single name token may mean, scored by role on the date,
  // country cue and title; the best if it stands out.
  int PersonByRole(const Candidate& c, std::string_view token, bool* used_date) const {
    absl::flat_hash_map<uint32_t, float> scores;
    auto add = [&](uint32_t e, float bonus) { scores[e] += bonus; };
    if (!c.title.empty()) {
      std::string title = c.title;
      if (const auto* titled = kb_.PersonsByTitle(title, token)) {
        for (uint32_t e : *titled) add(e, 1.0f);
      }
    }
    if (const auto* people = kb_.PersonsByToken(token)) {
      for (const auto& pt : *people) add(pt.entity, (pt.position & 3) ? 0.2f : -0.3f);
    }
    for (const AliasHit& h : c.hits) {
      if (kb_.entity(h.entity).type == EntityType::kPerson) add(h.entity, 0.3f);
    }
    if (scores.empty()) return -1;
    *used_date = false;
    if (scores.size() == 1) {
      const uint32_t only = scores.begin()->first;
      const float fit = RoleFit(kb_.entity(only), pub_, c.country);
      if (!c.country.empty() && fit < 0) return -1;
      *used_date = pub_.year != 0 && fit > 0;
      return static_cast<int>(only);
    }
    int best = -1;
    float best_score = -1e9f, second = -1e9f;
    for (const auto& [e, bonus] : scores) {
      const IndexedEntity& ent = kb_.entity(e);
      const float fit = RoleFit(ent, pub_, c.country);
      const float s = bonus + 2.0f * fit + 0.5f * ent.prominence;
      if (s > best_score || (s == best_score && static_cast<int>(e) < best)) {
        second = best_score;
        best_score = s;
        best = static_cast<int>(e);
      } else if (s > second) {
        second = s;
      }
    }
    if (best_score - second < 0.5f) return -1;
    if (RoleFit(kb_.entity(best), pub_, c.country) <= 0 && scores.size() > 1) return -1;
    *used_date = true;
    return best;
  }

  // The named-entity model over every sentence. Its tokens are ours, but
  // with hyphenated compounds joined ("Sino-Russian"), as in the CoNLL data
  // it learnt from; model_spans_ holds its spans in our token indices.
  void TagWithModel() {
    if (ner_ == nullptr) return;
    std::vector<std::vector<std::string_view>> sentences;
    std::vector<std::vector<std::pair<int, int>>> ranges;  // our tokens of each model token
    sentences.reserve(sentences_.size());
    ranges.reserve(sentences_.size());
    for (const Sentence& s : sentences_) {
      std::vector<std::string_view> words;
      std::vector<std::pair<int, int>> range;
      for (int i = s.token_begin; i < s.token_end; ++i) {
        const bool joins = !range.empty() && i + 1 < s.token_end && Norm(i) == "-" &&
                           !Tok(i).Has(kTokSpaceBefore) && !Tok(i + 1).Has(kTokSpaceBefore) && Tok(i - 1).word() &&
                           Tok(i + 1).word();
        if (joins) {
          range.back().second = i + 2;
          const uint32_t b = Tok(range.back().first).begin;
          words.back() = text_.substr(b, Tok(i + 1).end - b);
          ++i;
          continue;
        }
        range.emplace_back(i, i + 1);
        words.push_back(text_.substr(Tok(i).begin, Tok(i).end - Tok(i).begin));
      }
      sentences.push_back(std::move(words));
      ranges.push_back(std::move(range));
    }
    // Per document: a thread-local one would keep the buffers of the longest
    // sentence a thread ever tagged (a 1 MB table: ~100 MB) for good.
    ner::NerWorkspace workspace;
    const std::vector<std::vector<ner::Span>> spans = ner_->TagDocument(sentences, &workspace);
    for (size_t s = 0; s < spans.size(); ++s) {
      for (const ner::Span& span : spans[s]) {
        const EntityType type = span.type == "PER"   ? EntityType::kPerson
                                : span.type == "ORG" ? EntityType::kOrganization
                                : span.type == "LOC" ? EntityType::kLocation
                                                     : EntityType::kMisc;
        model_spans_.push_back({ranges[s][span.begin].first, ranges[s][span.end - 1].second, type});
      }
    }
  }

  // The model's type for exactly the tokens [tb, te); unspecified if the
  // model found no such span.
  EntityType ModelTypeOf(int tb, int te) const {
    for (const ModelSpan& m : model_spans_) {
      if (m.tb == tb && m.te == te) return m.type;
    }
    return EntityType::kUnspecified;
  }

  // Spans the model found where no rule did: candidates of the model's type
  // (a date or a title word inside keeps them out).
  void AddModelCandidates() {
    if (model_spans_.empty()) return;
    std::vector<uint8_t> taken(tt_.size(), 0);
    for (const Candidate& c : cands_) {
      for (int i = c.tb; i < c.te; ++i) taken[i] = 1;
    }
    bool added = false;
    for (const ModelSpan& m : model_spans_) {
      bool free = true;
      for (int i = m.tb; i < m.te && free; ++i) {
        free = !taken[i] && !used_[i] && !(Tok(i).word() && IsPersonTitle(Norm(i)));
      }
      if (!free) continue;
      Candidate c;
      c.tb = m.tb;
      c.te = m.te;
      c.sentence = sentence_of_[m.tb];
      c.hint = m.type;
      cands_.push_back(std::move(c));
      added = true;
    }
    if (added) {
      std::stable_sort(cands_.begin(), cands_.end(), [](const Candidate& a, const Candidate& b) { return a.tb < b.tb; });
    }
  }

  // The ISO3 code of the country a resolved candidate ending at token `te`
  // names ("Russian", "China", "Russia's" with te after "'s"); "" if none.
  // `*start` is where the country's candidate begins.
  std::string CountryEndingAt(int te, int* start) const {
    if (te > 0 && (Norm(te - 1) == "'s" || Norm(te - 1) == "\u2019s")) --te;
    const int k = CandidateEndingAt(te);
    if (k < 0 || cands_[k].state != Candidate::kResolved || cands_[k].doc < 0) return "";
    const DocEntity& de = docs_[cands_[k].doc];
    *start = cands_[k].tb;
    return de.id.starts_with("country:") && de.id.size() == 11 ? de.id.substr(8) : "";
  }

  std::string CountryStartingAt(int tb) const {
    for (const Candidate& c : cands_) {
      if (c.tb != tb || c.state != Candidate::kResolved || c.doc < 0) continue;
      const std::string& id = docs_[c.doc].id;
      return id.starts_with("country:") && id.size() == 11 ? id.substr(8) : "";
    }
    return "";
  }

  // A head of state without a name: "the Russian President", "China's
  // President", "the President of Russia", "the King of Spain". It becomes a
  // mention of the one person the knowledge base has in that office (a
  // title_name alias) with a government role for that country on the
  // publication date; none when no one or several fit, the date is unknown,
  // or the office is qualified as past ("former"). Ministers are left out:
  // the knowledge base's titles carry no dates and ministers' government
  // roles outlast their offices, so "the Russian Foreign Minister" in 2001
  // would find Lavrov (then at the UN), not Ivanov.
  void FindOfficeMentions() {
    if (pub_.year == 0) return;
    const int n = tt_.size();
    std::vector<char> taken(n, 0);
    for (const Candidate& c : cands_) {
      if (c.state != Candidate::kResolved && c.state != Candidate::kUnresolved) continue;
      for (int i = c.tb; i < c.te; ++i) taken[i] = 1;
    }
    std::vector<Candidate> found;
    for (size_t s = 0; s < sentences_.size(); ++s) {
      const int sb = sentences_[s].token_begin;
      const int se = sentences_[s].token_end;
      for (int i = sb; i < se; ++i) {
        if (taken[i] || used_[i] || !Tok(i).word() || !IsOfficeTitle(Norm(i))) continue;
        // A name right after makes it a title, which the name's own rules read.
        if (i + 1 < se && (taken[i + 1] || (CapWord(i + 1) && !IsFunctionWord(Norm(i + 1)) &&
                                            Norm(i + 1) != "of"))) {
          continue;
        }
        int b = i;
        while (b - 1 >= sb && !taken[b - 1] && Tok(b - 1).word() && IsOfficeModifier(Norm(b - 1))) --b;
        const int e = i + 1;
        std::vector<std::string_view> words;
        for (int k = b; k <= i; ++k) words.push_back(Norm(k));
        const std::string office = OfficeKey(words);
        if (!IsHeadOfStateOffice(office)) continue;
        int country_at = b;
        std::string country = b > sb ? CountryEndingAt(b, &country_at) : "";
        // "the former Russian President", "the late President of ...".
        const int before = std::min(b, country_at) - 1;
        if (before >= sb && IsPastQualifier(Norm(before))) continue;
        if (country.empty() && e + 1 < se && Norm(e) == "of") {
          country = CountryStartingAt(Norm(e + 1) == "the" && e + 2 < se ? e + 2 : e + 1);
        }
        if (country.empty()) continue;
        const auto* holders = kb_.PersonsByOffice(office);
        if (holders == nullptr) continue;
        int holder = -1;
        int fits = 0;
        for (uint32_t p : *holders) {
          if (HoldsGovernmentRoleOn(kb_.entity(p), pub_, country)) {
            holder = static_cast<int>(p);
            ++fits;
          }
        }
        if (fits != 1) continue;
        Candidate c;
        c.tb = b;
        c.te = e;
        c.sentence = static_cast<int>(s);
        c.hint = EntityType::kPerson;
        Resolve(c, DocForKb(holder), LinkReason::kRole, 0.75f);
        if (c.state != Candidate::kResolved) continue;
        for (int k = b; k < e; ++k) taken[k] = 1;
        found.push_back(std::move(c));
      }
    }
    for (Candidate& c : found) cands_.push_back(std::move(c));
  }

  static bool IsHeadOfStateOffice(std::string_view office) {
    return office == "president" || office == "king" || office == "queen" || office == "emperor" ||
           office == "empress";
  }

  static bool IsPastQualifier(std::string_view w) {
    return w == "former" || w == "late" || w == "ex" || w == "then" || w == "previous" || w == "past";
  }

  static bool HoldsGovernmentRoleOn(const IndexedEntity& e, const DateParts& date, std::string_view country) {
    for (const KbRole& r : e.roles) {
      const bool dated = r.start.year != 0 || r.end.year != 0;
      if (dated && r.code.size() >= 6 && r.code.compare(0, 3, country.data(), 3) == 0 &&
          r.code.find("GOV") != std::string::npos && RoleActiveOn(r, date)) {
        return true;
      }
    }
    return false;
  }

  void ResolveShort(Candidate& c) {
    const std::string_view token = Norm(c.tb);
    const Token& tok = Tok(c.tb);
    // Single letters and initials are never names by themselves.
    if (token.size() < 2 || (tok.Has(kTokAbbreviation) && token.size() <= 3)) {
      c.state = Candidate::kDropped;
      return;
    }
    // Acronyms.
    if (tok.Has(kTokAllCaps)) {
      const std::string key = AcronymKey(token);
      auto a = acronyms_.find(key);
      if (a != acronyms_.end()) {
        Resolve(c, a->second, LinkReason::kCoreference, 0.85f);
        return;
      }
      auto i = initials_.find(key);
      if (i != initials_.end() && key.size() >= 2) {
        Resolve(c, i->second, LinkReason::kCoreference, 0.75f);
        return;
      }
    }
    // Short form of a person named earlier (or later) in the document.
    const int person = PersonByToken(token, c.tb);
    if (person >= 0) {
      for (const AliasHit& h : c.hits) {
        if (docs_[person].kb == static_cast<int>(h.entity)) {
          Resolve(c, person, LinkReason::kExactAlias, 0.95f);
          return;
        }
      }
      Resolve(c, person, LinkReason::kCoreference, 0.85f);
      return;
    }
    auto seen = names_.find(FoldName(SpanText(c)));
    if (seen != names_.end()) {
      Resolve(c, seen->second, LinkReason::kCoreference, 0.8f);
      return;
    }
    // Title + surname, or a surname the KB knows, read against roles.
    const bool person_like = !c.title.empty() || IsShortPersonG(c);
    if (person_like || (!IsStopWord(token) && !c.location_cue && tok.capitalized())) {
      bool used_date = false;
      const int e = PersonByRole(c, token, &used_date);
      if (e >= 0) {
        const bool is_alias = [&] {
          for (const AliasHit& h : c.hits) {
            if (static_cast<int>(h.entity) == e) return true;
          }
          return false;
        }();
        if (!c.title.empty()) {
          Resolve(c, DocForKb(e), LinkReason::kRole, used_date ? 0.8f : 0.7f);
          return;
        }
        if (is_alias) {
          Resolve(c, DocForKb(e), used_date ? LinkReason::kRole : LinkReason::kExactAlias, 0.7f);
          return;
        }
        // A bare token that happens to be a surname: only with a dated role.
        if (used_date && !c.weak) {
          Resolve(c, DocForKb(e), LinkReason::kRole, 0.55f);
          return;
        }
      }
    }
    if (!c.title.empty() && !c.gazetteer && tok.capitalized() && !IsStopWord(token)) {
      // A titled name the role rules could not pin down: a misspelled
      // surname, an ambiguous one (unresolved) or a new person.
      const int fuzzy = ResolveBySpelling(c, EntityType::kPerson);
      if (fuzzy >= 0) return;
      c.hint = EntityType::kPerson;
      if (fuzzy == -2 || kb_.PersonsByToken(token) != nullptr) {
        c.state = Candidate::kUnresolved;
        return;
      }
      Resolve(c, DocForNew(EntityType::kPerson, SpanText(c)), LinkReason::kNewEntity, 0.6f);
      return;
    }
    if (c.gazetteer) {
      // A person alias we could not pin down: ambiguous.
      if (!c.weak && !c.hits.empty()) {
        c.hint = EntityType::kPerson;
        c.state = Candidate::kUnresolved;
      } else {
        c.state = Candidate::kDropped;
      }
      return;
    }
    // Headline and sentence-initial words must link to something known
    // (above), unless the model found the same span.
    const bool unconfirmed = c.weak && ModelTypeOf(c.tb, c.te) == EntityType::kUnspecified;
    // A common keyword alone ("the Group of Eight", "the Council") is not a name.
    if (IsStopWord(token) || IsKeywordNoun(token) || !tok.capitalized() || unconfirmed) {
      c.state = Candidate::kDropped;
      return;
    }
    // Misspelling of a KB name.
    const int fuzzy = ResolveBySpelling(c, HintedType(c));
    if (fuzzy >= 0) return;
    if (fuzzy == -2) {
      c.state = Candidate::kUnresolved;
      return;
    }
    // A new single-word name needs some evidence.
    const bool evidence = !c.title.empty() || tok.Has(kTokAllCaps) || IsOrgKeyword(token) || c.location_cue ||
                          repeats_[std::string(token)] >= 2 || ModelTypeOf(c.tb, c.te) != EntityType::kUnspecified;
    if (!evidence) {
      c.state = Candidate::kDropped;
      return;
    }
    EntityType type = c.hint;
    if (type == EntityType::kUnspecified) type = EntityType::kMisc;
    Resolve(c, DocForNew(type, SpanText(c)), LinkReason::kNewEntity, !c.title.empty() ? 0.6f : 0.5f);
  }

  AnnotatedEntity MakeEntity(const DocEntity& de) const {
    AnnotatedEntity out;
    out.id = de.id;
    out.name = de.name;
    out.type = de.type;
    out.kind = de.kind;
    out.is_new = de.is_new;
    if (de.kb < 0) {
      out.provenance = "extracted";
      return out;
    }
    const IndexedEntity& e = kb_.entity(de.kb);
    out.provenance = e.provenance;
    out.attributes = ParseAttributes(e.attributes);
    if (e.type == EntityType::kPerson) out.roles = e.roles;
    static constexpr const char* kOrder[] = {"name",    "acronym",   "spelling",
                                             "demonym", "adjective", "title_name"};
    for (const char* kind : kOrder) {
      for (const KbAlias& a : e.aliases) {
        if (static_cast<int>(out.aliases.size()) >= kMaxEntityAliases) break;
        if (a.kind != kind || a.alias == e.name) continue;
        if (std::find(out.aliases.begin(), out.aliases.end(), a.alias) != out.aliases.end()) continue;
        out.aliases.push_back(a.alias);
      }
    }
    return out;
  }

  struct ModelSpan {
    int tb;
    int te;
    EntityType type;
  };

  const KbIndex& kb_;
  std::string_view text_;
  DateParts pub_;
  const ner::NerModel* ner_;
  std::vector<ModelSpan> model_spans_;
  TokenizedText tt_;
  std::vector<Sentence> sentences_;
  std::vector<int> sentence_of_;
  std::vector<uint8_t> used_;
  std::vector<uint8_t> covered_;
  std::vector<uint8_t> headline_;
  std::vector<uint8_t> shouting_;
  std::vector<DateMatch> dates_;
  std::vector<Candidate> cands_;
  std::vector<Candidate> extra_;
  std::vector<DocEntity> docs_;
  absl::flat_hash_map<int, int> doc_by_kb_;
  absl::flat_hash_map<std::string, int> doc_by_new_;
  absl::flat_hash_map<std::string, std::vector<std::pair<int, int>>> person_tokens_;
  absl::flat_hash_map<std::string, int> acronyms_;
  absl::flat_hash_map<std::string, int> initials_;
  absl::flat_hash_map<std::string, int> names_;
  absl::flat_hash_map<std::string, int> repeats_;
};

}  // namespace

std::string NewEntityId(EntityType type, std::string_view name) {
  std::string slug = Slugify(name);
  if (slug.empty()) return "";
  std::string id = NewIdPrefix(type);
  id.append(":x-");
  id.append(slug);
  return id;
}

float RoleFit(const IndexedEntity& entity, const DateParts& date, std::string_view country) {
  if (entity.type != EntityType::kPerson) return 0;
  float fit = 0;
  bool any_dated = false;
  bool dated_active = false;
  bool undated = false;
  bool gov = false;
  bool country_match = false;
  bool country_known = false;
  for (const KbRole& r : entity.roles) {
    const bool dated = r.start.year != 0 || r.end.year != 0;
    const bool active = RoleActiveOn(r, date);
    if (dated) {
      any_dated = true;
      if (active) {
        dated_active = true;
        if (r.code.find("GOV") != std::string::npos) gov = true;
      }
    } else {
      undated = true;
    }
    if (!country.empty() && r.code.size() >= 3) {
      country_known = true;
      if (r.code.compare(0, 3, country.data(), 3) == 0 && (active || !dated)) country_match = true;
    }
  }
  if (date.year != 0) {
    if (dated_active) {
      fit = gov ? 1.1f : 1.0f;
    } else if (any_dated) {
      fit = undated ? -0.3f : -0.5f;
    } else if (undated) {
      fit = 0.2f;
    }
  }
  if (!country.empty()) {
    if (!entity.country.empty()) {
      country_known = true;
      if (entity.country == country) country_match = true;
    }
    if (country_match) {
      fit += 0.5f;
    } else if (country_known) {
      fit -= 0.8f;
    }
  }
  return fit;
}

Annotation Annotate(const KbIndex& kb, std::string_view text, const AnnotateOptions& options) {
  Annotator body(kb, text, options.published, options.ner);
  if (!options.title.empty()) {
    // The body's context starts from the names in the title.
    Annotator title(kb, options.title, options.published, options.ner);
    title.Run(/*with_dates=*/false);
    body.ImportContext(title);
  }
  body.Run(/*with_dates=*/true);
  return body.Output();
}

}  // namespace dossier::entity
