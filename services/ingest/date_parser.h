#ifndef DOSSIER_SERVICES_INGEST_DATE_PARSER_H_
#define DOSSIER_SERVICES_INGEST_DATE_PARSER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dossier::ingest {

// A calendar date in which a part may be unknown (0), like
// dossier.common.v1.DateValue. All parts 0 means "no date".
struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;

  bool known() const { return year != 0 || month != 0 || day != 0; }
  // "2001-09-19", "2001-09", "2001", or "" when unknown.
  std::string ToString() const;
  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// The forms ParsePublishedDate documents to callers (it accepts a few more).
inline constexpr char kAcceptedDateForms[] =
    "\"2001-09-19\", \"2001-09-19T10:35:00Z\" or \"2001-09-19T10:35:00+02:00\" (ISO 8601), "
    "\"Wed, 19 Sep 2001 10:35:00 +0000\" (RFC 2822), \"19/09/2001\" (day first), "
    "\"September 19, 2001\", \"19 September 2001\", \"2001/09/19\", \"2001-09\", \"2001\"";

// Parses a date at the start of `text` (leading white space and a weekday
// such as "Wed," are skipped). Recognized forms:
//   2001-09-19, 2001/09/19, 2001.09.19, 2001-09, 2001   (year first)
//   19/09/2001, 19-09-2001, 19.09.2001                  (see below)
//   19 September 2001, 19th Sept. 2001, 19-Sep-2001      (day, month name, year)
//   September 19, 2001, Sept. 19 2001, July. 18, 2002    (month name, day, year)
//   September 2001                                       (month name, year)
// Numeric a/b/yyyy is read day first, as the seed articles write it
// ("(19/09/2001)"); only when the second number cannot be a month (> 12) and
// the first can, it is read month first (US "09/19/2001").
// Ranges are checked (no 2001-02-30; years 1000-9999). On success `*consumed`
// (if given) is the number of bytes read; what follows is not looked at.
std::optional<PartialDate> ParseDatePrefix(std::string_view text, size_t* consumed = nullptr);

// Parses `text` as exactly one date: a date as above, optionally enclosed in
// parentheses or brackets, optionally followed by a time of day ("10:35",
// "T10:35:00.123", "10:35 pm"), a zone ("Z", "+02:00", "+0000", "GMT", "KST")
// and trailing commas or periods. Nothing else may follow.
std::optional<PartialDate> ParseDate(std::string_view text);

// ParseDate for a caller-given `published` value; INVALID_ARGUMENT naming the
// value and listing kAcceptedDateForms when it is not a date.
absl::StatusOr<PartialDate> ParsePublishedDate(std::string_view text);

// True when day `d` of month `m` of year `y` exists (m in 1..12).
bool IsValidDay(int y, int m, int d);

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_DATE_PARSER_H_
