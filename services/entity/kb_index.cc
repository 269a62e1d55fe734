#include "services/entity/kb_index.h"

#include <algorithm>

#include "services/entity/lexicon.h"
#include "services/entity/name_text.h"
#include "services/entity/tokenizer.h"

namespace dossier::entity {

namespace {

constexpr int kMaxPhraseTokens = 12;

// Lower is better when one phrase names the same entity in several ways.
int KindRank(AliasKind kind) {
  switch (kind) {
    case AliasKind::kName:
      return 0;
    case AliasKind::kTitleName:
      return 1;
    case AliasKind::kSpelling:
      return 2;
    case AliasKind::kAcronym:
      return 3;
    case AliasKind::kDemonym:
      return 4;
    case AliasKind::kAdjective:
      return 5;
    case AliasKind::kCode:
      return 6;
  }
  return 7;
}

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsTextCode(std::string_view alias) {
  return alias == "US" || alias == "USA" || alias == "UAE" || alias == "UK";
}

float Prominence(const IndexedEntity& e) {
  float p = 0.5f;
  if (e.kind == "country") {
    p = 1.0f;
  } else if (e.kind == "international_organization") {
    p = 0.9f;
  } else if (e.kind == "former_country") {
    p = 0.6f;
  } else if (e.kind == "city") {
    p = 0.75f;
  } else if (e.kind == "subdivision") {
    p = 0.55f;
  } else if (e.type == EntityType::kPerson) {
    p = 0.5f + std::min(0.25f, 0.025f * static_cast<float>(e.aliases.size())) +
        std::min(0.2f, 0.02f * static_cast<float>(e.roles.size()));
  } else if (e.type == EntityType::kOrganization) {
    p = 0.75f;
  }
  if (e.origin == Origin::kCurated) p += 0.05f;
  if (e.origin == Origin::kExtracted) p = std::min(p, 0.45f);
  return std::min(p, 1.0f);
}

std::string CountryOf(const IndexedEntity& e) {
  if (e.kind == "country" || e.kind == "former_country") {
    for (const auto& [k, v] : ParseAttributes(e.attributes)) {
      if (k == "iso3") return v;
    }
    const size_t colon = e.id.find(':');
    if (colon != std::string::npos && e.id.size() - colon - 1 == 3) return e.id.substr(colon + 1);
    return "";
  }
  for (const auto& [k, v] : ParseAttributes(e.attributes)) {
    if (k == "country") return v.substr(0, 3);
  }
  return "";
}

bool IsInitialToken(const TokenizedText& tt, int i) {
  const Token& t = tt.tokens[i];
  if (!t.word()) return true;
  std::string_view n = tt.norm(i);
  if (t.Has(kTokAbbreviation) && n.size() <= 3) return true;  // "v.", "jr."
  return n.size() < 2;
}

}  // namespace

AliasKind AliasKindFromName(std::string_view name) {
  if (name == "acronym") return AliasKind::kAcronym;
  if (name == "demonym") return AliasKind::kDemonym;
  if (name == "adjective") return AliasKind::kAdjective;
  if (name == "code") return AliasKind::kCode;
  if (name == "title_name") return AliasKind::kTitleName;
  if (name == "spelling") return AliasKind::kSpelling;
  return AliasKind::kName;
}

std::vector<uint64_t> KbIndex::PhraseTokenHashes(std::string_view alias) {
  TokenizedText tt = Tokenize(alias);
  std::vector<uint64_t> out;
  out.reserve(tt.tokens.size());
  for (const Token& t : tt.tokens) out.push_back(t.hash);
  return out;
}

void KbIndex::AddPhraseTokens(uint32_t entity, std::string_view alias_text, AliasKind kind, bool curated,
                              size_t first_token) {
  TokenizedText tt = Tokenize(alias_text);
  const int n = tt.size() - static_cast<int>(first_token);
  if (n <= 0 || n > kMaxPhraseTokens) return;
  AliasHit hit;
  hit.entity = entity;
  hit.kind = kind;
  hit.curated = curated;
  int words = 0;
  for (int k = 0; k < n; ++k) {
    const Token& t = tt.tokens[first_token + k];
    if (t.word()) ++words;
    if (t.capitalized()) hit.cap_mask |= (1u << k);
  }
  if (words == 0) return;
  const Token& first = tt.tokens[first_token];
  if (kind == AliasKind::kAcronym || kind == AliasKind::kCode || (n == 1 && first.Has(kTokAllCaps))) {
    hit.all_caps = true;
  }
  if (hit.cap_mask == 0 && first.word() && !first.Has(kTokDigit)) hit.cap_mask = 1;
  // Which aliases may be matched in running text.
  if (kind == AliasKind::kCode && !IsTextCode(alias_text)) hit.text_ok = false;
  if (n == 1) {
    std::string_view folded = tt.norm(static_cast<int>(first_token));
    if (IsStopWord(folded) || folded.size() < 2 || first.Has(kTokDigit)) hit.text_ok = false;
  }

  uint64_t h = kPhraseSeed;
  for (int k = 0; k < n; ++k) {
    h = ExtendPhraseHash(h, tt.tokens[first_token + k].hash);
    auto [it, inserted] = phrase_by_hash_.try_emplace(h, std::make_pair(-1, false));
    if (k + 1 < n) {
      it->second.second = true;
      continue;
    }
    if (it->second.first < 0) {
      it->second.first = static_cast<int32_t>(phrases_.size());
      phrases_.emplace_back();
      phrases_.back().tokens = static_cast<uint8_t>(n);
    }
    Phrase& phrase = phrases_[it->second.first];
    bool merged = false;
    for (AliasHit& existing : phrase.hits) {
      if (existing.entity != entity) continue;
      if (KindRank(kind) < KindRank(existing.kind)) existing.kind = kind;
      existing.text_ok = existing.text_ok || hit.text_ok;
      existing.all_caps = existing.all_caps && hit.all_caps;
      existing.cap_mask &= hit.cap_mask;
      existing.curated = existing.curated || curated;
      merged = true;
      break;
    }
    if (!merged) phrase.hits.push_back(hit);
  }
  max_phrase_tokens_ = std::max(max_phrase_tokens_, n);
}

std::shared_ptr<const KbIndex> KbIndex::Build(KbData data) {
  std::shared_ptr<KbIndex> index(new KbIndex());
  KbIndex& x = *index;
  x.version_ = std::move(data.version);
  x.entities_.reserve(data.entities.size());
  for (KbEntity& e : data.entities) {
    IndexedEntity ie;
    ie.id = std::move(e.id);
    ie.name = std::move(e.name);
    ie.type = e.type;
    ie.kind = std::move(e.kind);
    ie.provenance = std::move(e.provenance);
    ie.attributes = std::move(e.attributes);
    ie.origin = e.origin;
    ie.aliases = std::move(e.aliases);
    ie.roles = std::move(e.roles);
    x.entities_.push_back(std::move(ie));
  }
  const uint32_t n = static_cast<uint32_t>(x.entities_.size());
  x.by_id_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) x.by_id_.emplace(x.entities_[i].id, i);

  // Redirects: final[i] is the entity that entity i's names resolve to.
  std::vector<uint32_t> final_index(n);
  for (uint32_t i = 0; i < n; ++i) final_index[i] = i;
  for (auto& [from, to] : data.redirects) {
    auto target = x.by_id_.find(to);
    if (target == x.by_id_.end()) continue;
    auto source = x.by_id_.find(from);
    if (source != x.by_id_.end()) {
      final_index[source->second] = target->second;
      source->second = target->second;
    } else {
      x.by_id_.emplace(from, target->second);
    }
    x.redirects_[from] = to;
  }

  for (IndexedEntity& e : x.entities_) {
    e.country = CountryOf(e);
    e.prominence = Prominence(e);
  }

  x.phrases_.reserve(n * 2);
  x.phrase_by_hash_.reserve(n * 4);
  absl::flat_hash_set<std::string> name_tokens;
  absl::flat_hash_set<std::string> fuzzy_keys;
  for (uint32_t i = 0; i < n; ++i) {
    const IndexedEntity& e = x.entities_[i];
    const uint32_t target = final_index[i];
    const bool person = e.type == EntityType::kPerson;
    const bool curated_entity = e.origin == Origin::kCurated;
    // The preferred name is a name alias too.
    x.AddPhraseTokens(target, e.name, AliasKind::kName, curated_entity, 0);

    // Name tokens of the entity, to split title_name aliases.
    name_tokens.clear();
    auto add_name_tokens = [&](std::string_view text) {
      TokenizedText tt = Tokenize(text);
      for (int k = 0; k < tt.size(); ++k) {
        if (tt.tokens[k].word()) name_tokens.insert(std::string(tt.norm(k)));
      }
    };
    add_name_tokens(e.name);
    for (const KbAlias& a : e.aliases) {
      const AliasKind kind = AliasKindFromName(a.kind);
      if (kind == AliasKind::kName || kind == AliasKind::kSpelling) add_name_tokens(a.alias);
    }

    auto index_person_name = [&](std::string_view text) {
      TokenizedText tt = Tokenize(text);
      std::vector<int> words;
      for (int k = 0; k < tt.size(); ++k) {
        if (IsInitialToken(tt, k) || IsNameParticle(tt.norm(k)) || IsPersonTitle(tt.norm(k))) continue;
        words.push_back(k);
      }
      for (size_t w = 0; w < words.size(); ++w) {
        uint8_t pos = 0;
        if (w == 0) pos |= 1;
        if (w + 1 == words.size()) pos |= 2;
        std::string token(tt.norm(words[w]));
        auto& list = x.person_tokens_[token];
        bool found = false;
        for (PersonToken& pt : list) {
          if (pt.entity == target) {
            pt.position |= pos;
            found = true;
            break;
          }
        }
        if (!found) list.push_back(PersonToken{target, pos});
      }
      if (words.size() >= 2) x.first_tokens_.insert(std::string(tt.norm(words[0])));
    };
    fuzzy_keys.clear();
    auto add_fuzzy = [&](std::string_view text) {
      std::string key = MatchKey(text);
      if (key.size() < 4 || !fuzzy_keys.insert(key).second) return;
      x.fuzzy_entries_.push_back(FuzzyEntry{std::move(key), std::string(text), target,
                                            static_cast<uint8_t>(std::min(NameWords(text), 255))});
    };

    if (person) index_person_name(e.name);
    add_fuzzy(e.name);
    for (const KbAlias& a : e.aliases) {
      const AliasKind kind = AliasKindFromName(a.kind);
      const bool curated = a.origin == Origin::kCurated;
      if (kind == AliasKind::kTitleName) {
        TokenizedText tt = Tokenize(a.alias);
        int s = tt.size();
        while (s > 0 && tt.tokens[s - 1].word() && name_tokens.contains(AV(tt.norm(s - 1)))) --s;
        // Keep initials inside the name part ("Vladimir V. Putin").
        if (s == tt.size()) continue;
        if (s == 0) {
          x.AddPhraseTokens(target, a.alias, AliasKind::kName, curated, 0);
          continue;
        }
        int t = s - 1;
        while (t >= 0 && !tt.tokens[t].word()) --t;
        if (t < 0) continue;
        if (IsOfficeTitle(tt.norm(t))) {
          int m = t;
          while (m > 0 && tt.tokens[m - 1].word() && IsOfficeModifier(tt.norm(m - 1))) --m;
          std::vector<std::string_view> words;
          for (int k = m; k <= t; ++k) words.push_back(tt.norm(k));
          auto& holders = x.offices_[OfficeKey(words)];
          if (std::find(holders.begin(), holders.end(), target) == holders.end()) holders.push_back(target);
        }
        std::string name_part;
        int words = 0;
        for (int k = s; k < tt.size(); ++k) {
          if (!name_part.empty()) name_part.push_back(' ');
          name_part.append(tt.norm(k));
          if (tt.tokens[k].word()) ++words;
        }
        std::string key(tt.norm(t));
        key.push_back('\x1f');
        key.append(name_part);
        auto& list = x.titled_[key];
        if (std::find(list.begin(), list.end(), target) == list.end()) list.push_back(target);
        if (words >= 2) {
          const std::string_view text = std::string_view(a.alias).substr(tt.tokens[s].begin);
          x.AddPhraseTokens(target, text, AliasKind::kTitleName, curated, 0);
          if (person) index_person_name(text);
        }
        continue;
      }
      x.AddPhraseTokens(target, a.alias, kind, curated, 0);
      if (kind == AliasKind::kName || kind == AliasKind::kSpelling) {
        if (person) index_person_name(a.alias);
        add_fuzzy(a.alias);
      }
    }
  }

  // Fuzzy buckets by first byte and length.
  for (uint32_t i = 0; i < x.fuzzy_entries_.size(); ++i) {
    const std::string& key = x.fuzzy_entries_[i].key;
    const uint32_t bucket = (static_cast<uint32_t>(static_cast<unsigned char>(key[0])) << 8) |
                            static_cast<uint32_t>(std::min<size_t>(key.size(), 255));
    x.fuzzy_buckets_[bucket].push_back(i);
  }
  return index;
}

int KbIndex::Find(std::string_view id) const {
  auto it = by_id_.find(AV(id));
  return it == by_id_.end() ? -1 : static_cast<int>(it->second);
}

std::string KbIndex::RedirectTarget(std::string_view id) const {
  auto it = redirects_.find(AV(id));
  return it == redirects_.end() ? std::string() : it->second;
}

const Phrase* KbIndex::LookupPhrase(uint64_t phrase_hash, bool* is_prefix) const {
  auto it = phrase_by_hash_.find(phrase_hash);
  if (it == phrase_by_hash_.end()) {
    *is_prefix = false;
    return nullptr;
  }
  *is_prefix = it->second.second;
  return it->second.first >= 0 ? &phrases_[it->second.first] : nullptr;
}

const std::vector<KbIndex::PersonToken>* KbIndex::PersonsByToken(std::string_view folded) const {
  auto it = person_tokens_.find(AV(folded));
  return it == person_tokens_.end() ? nullptr : &it->second;
}

const std::vector<uint32_t>* KbIndex::PersonsByTitle(std::string_view title, std::string_view name) const {
  std::string key(title);
  key.push_back('\x1f');
  key.append(name);
  auto it = titled_.find(key);
  return it == titled_.end() ? nullptr : &it->second;
}

const std::vector<uint32_t>* KbIndex::PersonsByOffice(std::string_view office) const {
  auto it = offices_.find(AV(office));
  return it == offices_.end() ? nullptr : &it->second;
}

int KbIndex::NameWords(std::string_view name) {
  int words = 0;
  bool in_word = false;
  for (char c : name) {
    const bool space = c == ' ' || c == '\t' || c == '\n';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::vector<KbIndex::FuzzyHit> KbIndex::Fuzzy(std::string_view key, int max_distance, EntityType type,
                                              int words) const {
  std::vector<FuzzyHit> out;
  if (key.size() < 4 || max_distance <= 0) return out;
  const uint32_t first = static_cast<unsigned char>(key[0]);
  const int len = static_cast<int>(key.size());
  for (int l = std::max(1, len - max_distance); l <= len + max_distance; ++l) {
    auto it = fuzzy_buckets_.find((first << 8) | static_cast<uint32_t>(std::min(l, 255)));
    if (it == fuzzy_buckets_.end()) continue;
    for (uint32_t idx : it->second) {
      const FuzzyEntry& fe = fuzzy_entries_[idx];
      if (type != EntityType::kUnspecified && entities_[fe.entity].type != type) continue;
      if (words != 0 && fe.words != words) continue;
      const int d = DamerauLevenshtein(key, fe.key, max_distance);
      if (d > max_distance) continue;
      bool found = false;
      for (FuzzyHit& h : out) {
        if (h.entity == fe.entity) {
          if (d < h.distance) {
            h.distance = d;
            h.alias = fe.alias;
          }
          found = true;
          break;
        }
      }
      if (!found) out.push_back(FuzzyHit{fe.entity, d, fe.alias});
    }
  }
  std::sort(out.begin(), out.end(), [](const FuzzyHit& a, const FuzzyHit& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.entity < b.entity;
  });
  return out;
}

LinkReason LinkReasonForAlias(AliasKind kind) {
  switch (kind) {
    case AliasKind::kAcronym:
    case AliasKind::kCode:
      return LinkReason::kAcronym;
    case AliasKind::kDemonym:
    case AliasKind::kAdjective:
      return LinkReason::kDemonym;
    default:
      return LinkReason::kExactAlias;
  }
}

}  // namespace dossier::entity
