#ifndef DOSSIER_SERVICES_ENTITY_KB_INDEX_H_
#define DOSSIER_SERVICES_ENTITY_KB_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "services/entity/kb_types.h"

// The in-memory knowledge-base index (gazetteer) that annotation reads.
//
// Built once from a KbData snapshot and immutable afterwards, so any number
// of threads may read one index while a new one is being built (readers hold
// a std::shared_ptr<const KbIndex>). It holds:
//   - the entities with their aliases and roles, by id (merged ids redirect);
//   - a phrase table: folded alias token sequences -> (entity, alias kind,
//     case requirements), with every proper prefix marked so a scan over text
//     can stop early (longest match);
//   - people by name token (surnames, given names) and by "title surname"
//     from title_name aliases ("President Putin");
//   - a fuzzy index of name keys bucketed by first letter and length.

namespace dossier::entity {

enum class AliasKind : uint8_t {
  kName = 0,
  kAcronym,
  kDemonym,
  kAdjective,
  kCode,
  kTitleName,
  kSpelling,
};
AliasKind AliasKindFromName(std::string_view name);
// How a match on an alias of this kind is reported: acronyms and codes as
// kAcronym, demonyms and adjectives as kDemonym, anything else kExactAlias.
LinkReason LinkReasonForAlias(AliasKind kind);

struct IndexedEntity {
  std::string id;
  std::string name;
  EntityType type = EntityType::kUnspecified;
  std::string kind;
  std::string provenance;
  std::string attributes;
  Origin origin = Origin::kKb;
  std::vector<KbAlias> aliases;
  std::vector<KbRole> roles;
  // ISO 3166 alpha-3 code: a country's own, or the "country" attribute.
  std::string country;
  // 0..1 prior used to break ties between entities sharing a name.
  float prominence = 0.5f;
};

// One way a phrase names an entity.
struct AliasHit {
  uint32_t entity = 0;
  AliasKind kind = AliasKind::kName;
  bool curated = false;
  // The alias may be matched in running text (codes and common words may not;
  // ResolveName still finds them).
  bool text_ok = true;
  // The text must be written in capitals (acronyms: "SCO" but not "sco").
  bool all_caps = false;
  // Bit k set: token k of the alias is capitalised, so the text token must be.
  uint32_t cap_mask = 0;
};

struct Phrase {
  std::vector<AliasHit> hits;
  uint8_t tokens = 0;
};

class KbIndex {
 public:
  // Builds the index; entities whose id is redirected are kept for look-up
  // but their names resolve to the redirect target.
  static std::shared_ptr<const KbIndex> Build(KbData data);

  int size() const { return static_cast<int>(entities_.size()); }
  const IndexedEntity& entity(uint32_t i) const { return entities_[i]; }
  const std::string& version() const { return version_; }

  // Index of the entity with `id` (after following redirects), or -1.
  int Find(std::string_view id) const;
  // The id that `id` was merged into, or "" when it was not merged.
  std::string RedirectTarget(std::string_view id) const;

  // Phrase hashing: h = ExtendPhraseHash(kPhraseSeed, token hash of the first
  // token), then extended by each further token.
  static constexpr uint64_t kPhraseSeed = 0x51ed270b27f1a3c5ull;
  static uint64_t ExtendPhraseHash(uint64_t h, uint64_t token_hash) {
    h ^= token_hash + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
  }
  // The phrase for a hash: nullptr when no alias has this token sequence;
  // `*is_prefix` tells whether a longer alias starts with it.
  const Phrase* LookupPhrase(uint64_t phrase_hash, bool* is_prefix) const;
  int max_phrase_tokens() const { return max_phrase_tokens_; }

  // People whose name has the folded token (any position). Position bits:
  // 1 first token, 2 last token.
  struct PersonToken {
    uint32_t entity;
    uint8_t position;
  };
  const std::vector<PersonToken>* PersonsByToken(std::string_view folded) const;
  // People known as "<title> <name>" by a title_name alias, e.g. ("president",
  // "putin"): folded title word and folded name part.
  const std::vector<uint32_t>* PersonsByTitle(std::string_view title, std::string_view name) const;
  // People a title_name alias gives an office, by OfficeKey: "President
  // Putin" and "Russian President Vladimir Putin" put Putin under
  // "president", "Foreign Minister Lavrov" Lavrov under "foreign minister".
  // Which of them held it when is for their dated roles to tell.
  const std::vector<uint32_t>* PersonsByOffice(std::string_view office) const;
  // True when the folded token starts the name of some person in the KB.
  bool IsGivenName(std::string_view folded) const {
    return first_tokens_.contains(absl::string_view(folded.data(), folded.size()));
  }

  struct FuzzyHit {
    uint32_t entity;
    int distance;
    std::string alias;  // the alias as written
  };
  // KB names whose MatchKey is within `max_distance` edits of `key` (same
  // first letter), best per entity, sorted by distance. `type` filters unless
  // kUnspecified; `words` (space-separated parts of the name, hyphenated
  // compounds count once) must match unless 0.
  std::vector<FuzzyHit> Fuzzy(std::string_view key, int max_distance, EntityType type, int words = 0) const;

  // Space-separated parts of a name ("Sankt-Peterburg" 1, "Qian Qichen" 2).
  static int NameWords(std::string_view name);

  // Folded alias tokens of a string, as the phrase table keys them.
  static std::vector<uint64_t> PhraseTokenHashes(std::string_view alias);

 private:
  KbIndex() = default;
  void AddPhrase(uint32_t entity, const KbAlias& alias, AliasKind kind);
  void AddPhraseTokens(uint32_t entity, std::string_view alias_text, AliasKind kind, bool curated,
                       size_t first_token);

  std::vector<IndexedEntity> entities_;
  absl::flat_hash_map<std::string, uint32_t> by_id_;
  absl::flat_hash_map<std::string, std::string> redirects_;
  std::vector<Phrase> phrases_;
  // phrase hash -> index in phrases_, or -1 for a pure prefix; the second
  // member is true when some longer alias extends it.
  absl::flat_hash_map<uint64_t, std::pair<int32_t, bool>> phrase_by_hash_;
  int max_phrase_tokens_ = 1;
  absl::flat_hash_map<std::string, std::vector<PersonToken>> person_tokens_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> titled_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> offices_;
  absl::flat_hash_set<std::string> first_tokens_;

  struct FuzzyEntry {
    std::string key;
    std::string alias;
    uint32_t entity;
    uint8_t words;
  };
  std::vector<FuzzyEntry> fuzzy_entries_;
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> fuzzy_buckets_;
  std::string version_;
};

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_KB_INDEX_H_
