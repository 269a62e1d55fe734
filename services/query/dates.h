#ifndef DOSSIER_SERVICES_QUERY_DATES_H_
#define DOSSIER_SERVICES_QUERY_DATES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dossier::query {

// A calendar date in which any part may be unknown (0), as in
// dossier.common.v1.DateValue. A day without a month is treated as unknown.
struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;

  bool empty() const { return year == 0 && month == 0 && day == 0; }
  bool has_year() const { return year > 0; }
  friend bool operator==(const PartialDate& a, const PartialDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
};

// Checks only the ranges of the parts (year 0-9999, month 0-12, day 0-31):
// what any stored date must satisfy. INVALID_ARGUMENT naming `field`.
absl::Status CheckDateParts(const PartialDate& date, std::string_view field);

// Checks a date used as a filter bound: empty, or a year with optional month
// and day, the day existing in that month. INVALID_ARGUMENT naming `field`.
absl::Status ValidateFilterDate(const PartialDate& date, std::string_view field);

// yyyymmdd with unknown parts 0 (a day without month counts as unknown):
// the sort key of a date. 2001-09 is 20010900, which sorts before
// 2001-09-01. 0 for an empty date.
int SortKey(const PartialDate& date);

// The inverse of SortKey.
PartialDate FromSortKey(int key);

// The earliest / latest yyyymmdd the date can stand for (2001 is
// 20010101..20011231; days are filled with 31 whatever the month, which is
// fine for comparisons). 0 when the year is unknown.
int EarliestKey(const PartialDate& date);
int LatestKey(const PartialDate& date);

// An inclusive range of yyyymmdd keys built from two filter bounds. A date
// D is in the range when it may fall inside it: LatestKey(D) >= from_key and
// EarliestKey(D) <= to_key. Dates without a year are never in an active range.
struct DateRange {
  bool active = false;
  int from_key = 0;
  int to_key = 99991231;
};

// Validates both bounds (see ValidateFilterDate) and that from is not after
// to. Empty bounds are open. INVALID_ARGUMENT on a bad bound or order.
absl::StatusOr<DateRange> MakeDateRange(const PartialDate& from, const PartialDate& to,
                                        std::string_view from_field = "date_from",
                                        std::string_view to_field = "date_to");

// "2001-09-18", "2001-09", "2001", "XXXX-09-17"; "" for an empty date.
std::string FormatDate(const PartialDate& date);

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_DATES_H_
