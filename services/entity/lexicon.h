#ifndef DOSSIER_SERVICES_ENTITY_LEXICON_H_
#define DOSSIER_SERVICES_ENTITY_LEXICON_H_

#include <string>
#include <string_view>
#include <vector>

// Closed word lists used by candidate detection and typing. Every function
// takes a folded (lower-case) token and is a constant-time hash look-up.

namespace dossier::entity {

// Function words, pronouns, auxiliaries, numerals: never start or form a
// name ("The", "On", "He").
bool IsFunctionWord(std::string_view folded);
// Month and weekday names (also abbreviations like "sept.").
bool IsCalendarWord(std::string_view folded);
// Titles that announce a person's name: "president", "premier", "minister",
// "secretary", "chairman", "king", "chancellor", "general", "mr." ...
bool IsPersonTitle(std::string_view folded);
// Words that may stand between a demonym and a title ("vice", "deputy",
// "prime", "foreign", "former", "acting", "-").
bool IsTitleModifier(std::string_view folded);

// Offices one person holds at a time in a country, named by a head word
// ("president", "premier", "minister", "chancellor", "king" ...) and the
// modifiers that make it one office ("prime", "foreign", "vice", "defence").
bool IsOfficeTitle(std::string_view folded);
bool IsOfficeModifier(std::string_view folded);
// The key of an office from its folded words: modifiers then the head word,
// space-separated, spelling variants made one ("defense" -> "defence"), e.g.
// {"foreign", "minister"} -> "foreign minister".
std::string OfficeKey(const std::vector<std::string_view>& words);
// Common nouns that are capitalised in headlines or page furniture but are
// not entities on their own ("Government", "Home", "Series", "Island").
bool IsGenericWord(std::string_view folded);
// Any of the above: a single capitalised token that is never an entity.
bool IsStopWord(std::string_view folded);

// Heads that make a capitalised sequence an organisation ("Council",
// "Ministry", "Daily", "University"), a MISC name ("Treaty", "Declaration",
// "Charter", "War") or a place ("Province", "River", "Hall", "Square").
bool IsOrgKeyword(std::string_view folded);
bool IsMiscKeyword(std::string_view folded);
bool IsLocationKeyword(std::string_view folded);
// A keyword that is a common noun ("group", "council", "treaty", "island"):
// it heads a name but is not one on its own. False for keywords that are
// names themselves ("xinhua").
bool IsKeywordNoun(std::string_view folded);
// Diseases ("hiv", "aids", "sars", "ebola"): MISC, never organisations.
bool IsDiseaseName(std::string_view folded);
// Lower-case words allowed inside names ("of", "the", "for", "and", "de").
bool IsNameConnector(std::string_view folded);
// Particles inside personal names ("van", "de", "bin", "al").
bool IsNameParticle(std::string_view folded);
// Prepositions that announce a place ("in", "at", "from", "to", "near").
bool IsLocationPreposition(std::string_view folded);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_LEXICON_H_
