#ifndef DOSSIER_SERVICES_ENTITY_DATE_NORMALIZER_H_
#define DOSSIER_SERVICES_ENTITY_DATE_NORMALIZER_H_

#include <string>
#include <vector>

#include "services/entity/kb_types.h"
#include "services/entity/tokenizer.h"

// Stage (e) of annotation: date expressions, HeidelTime-style rules over
// tokens, resolved against the publication date (which may be unknown).
//
// Recognized (examples with publication date 2001-09-19):
//   "18th September", "September 18", "the 17th of July"   -> 2001-09-18 ...
//   "June 14, 2001", "14 June 2001", "July. 18, 2002"       -> full dates
//   "19/09/2001" (day first), "2001-09-19"                   -> full dates
//   "the evening of 18th September" (span includes "the evening of")
//   "on 17th", "on the 17th" (day of the publication month; the month before
//     if that day is after the publication day)            -> 2001-09-17
//   "today", "tonight", "this evening", "yesterday", "tomorrow"
//   "last June" (most recent June before publication), "next month",
//   "this year", "last year", "next year", "July this year", "June 2001"
//   "in March" (bare month: the year that keeps it closest to the
//     publication date, preferring the past unless the sentence speaks of
//     the future), weekdays ("on Monday": the latest Monday on or before the
//     publication date; "next Monday", or "will meet on Monday", after it),
//     years ("2001", "in 2001"), "two days ago", "3 weeks ago" (a day),
//     "eight months ago" (a month), "a year ago" (a year).
//   A month and day without a year take the publication year, or the year
//     before when the day would lie well ahead of publication ("Sept. 11"
//     in July 2002 is 2001-09-11) and the sentence does not speak of the
//     future.
// A prepositions before the expression ("on", "in") is not part of the span.
// Ordinals followed by a noun ("the 20th anniversary") are not dates.
// Without a publication date, parts that depend on it stay 0 ("XXXX-09-18");
// expressions that are only relative ("tomorrow", "on Monday") are skipped.

namespace dossier::entity {

struct DateMatch {
  int token_begin = 0;  // [token_begin, token_end)
  int token_end = 0;
  DateParts date;     // unknown parts 0
  std::string timex;  // "2001-09-18", "XXXX-09-17", "2002-06", "2001"
  float confidence = 0;
};

// TIMEX3-style value of a partial date: "2001-09-18", "XXXX-09-18",
// "XXXX-XX-17", "2001-09", "XXXX-03", "2001".
std::string FormatTimex(const DateParts& date);

// Finds the date expressions in `sentences` of `tokens`, in text order, not
// overlapping.
std::vector<DateMatch> FindDates(const TokenizedText& tokens, const std::vector<Sentence>& sentences,
                                 const DateParts& published);

// Days since 1970-01-01 of a complete date (proleptic Gregorian), and back.
int DaysFromCivil(int year, int month, int day);
DateParts CivilFromDays(int days);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_DATE_NORMALIZER_H_
