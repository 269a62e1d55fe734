#ifndef DOSSIER_SERVICES_ENTITY_NAME_TEXT_H_
#define DOSSIER_SERVICES_ENTITY_NAME_TEXT_H_

#include <string>
#include <string_view>

// Small text helpers for names: case folding, slugs for ids, match keys and
// edit distance. All are pure functions, safe from any thread.

namespace dossier::entity {

// Lower-cases `text` for matching: ASCII fast path; typographic apostrophes
// become "'", Unicode hyphens "-", runs of white space one space (trimmed).
// Non-ASCII letters are NFKD-decomposed, stripped of diacritics and
// case-folded ("Erdoğan" -> "erdogan").
std::string FoldName(std::string_view text);

// Appends FoldName(token) to `out` for a token without white space (no
// trimming or space handling); returns false if nothing was appended.
void AppendFoldedToken(std::string_view token, std::string* out);

// Lower-case ASCII slug as in tools/kb_build.py: diacritics folded,
// apostrophes dropped, other runs of non-alphanumerics "-":
// "People's Daily" -> "peoples-daily". Empty when nothing is left.
std::string Slugify(std::string_view text);

// Letters and digits of FoldName(text) only: "Sankt-Peterburg" ->
// "sanktpeterburg". The key of the fuzzy index.
std::string MatchKey(std::string_view text);

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance between
// byte strings; returns `max_distance + 1` as soon as it must exceed it.
int DamerauLevenshtein(std::string_view a, std::string_view b, int max_distance);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_NAME_TEXT_H_
