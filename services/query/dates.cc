#include "services/query/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dossier::query {
namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::string Field(std::string_view field) { return std::string(field); }

}  // namespace

absl::Status CheckDateParts(const PartialDate& date, std::string_view field) {
  if (date.year < 0 || date.year > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(field), ".year is ", date.year, ": give a four-digit year, or 0 when unknown"));
  }
  if (date.month < 0 || date.month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(field), ".month is ", date.month, ": give a month 1-12, or 0 when unknown"));
  }
  if (date.day < 0 || date.day > 31) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(field), ".day is ", date.day, ": give a day 1-31, or 0 when unknown"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFilterDate(const PartialDate& date, std::string_view field) {
  if (date.empty()) return absl::OkStatus();
  if (absl::Status st = CheckDateParts(date, field); !st.ok()) return st;
  if (date.year == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(field), " has no year: a date bound needs at least a year (e.g. {year: 2001})"));
  }
  if (date.day != 0 && date.month == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Field(field), " has a day but no month: give the month too, or leave the day 0"));
  }
  if (date.day != 0 && date.day > DaysInMonth(date.year, date.month)) {
    return absl::InvalidArgumentError(absl::StrCat(Field(field), " is ", FormatDate(date),
                                                   ", which does not exist: that month has ",
                                                   DaysInMonth(date.year, date.month), " days"));
  }
  return absl::OkStatus();
}

int SortKey(const PartialDate& date) {
  const int day = date.month == 0 ? 0 : date.day;
  return date.year * 10000 + date.month * 100 + day;
}

PartialDate FromSortKey(int key) {
  PartialDate date;
  date.year = key / 10000;
  date.month = key / 100 % 100;
  date.day = key % 100;
  return date;
}

int EarliestKey(const PartialDate& date) {
  if (!date.has_year()) return 0;
  const int month = date.month == 0 ? 1 : date.month;
  const int day = date.month == 0 || date.day == 0 ? 1 : date.day;
  return date.year * 10000 + month * 100 + day;
}

int LatestKey(const PartialDate& date) {
  if (!date.has_year()) return 0;
  const int month = date.month == 0 ? 12 : date.month;
  const int day = date.month == 0 || date.day == 0 ? 31 : date.day;
  return date.year * 10000 + month * 100 + day;
}

absl::StatusOr<DateRange> MakeDateRange(const PartialDate& from, const PartialDate& to,
                                        std::string_view from_field, std::string_view to_field) {
  if (absl::Status st = ValidateFilterDate(from, from_field); !st.ok()) return st;
  if (absl::Status st = ValidateFilterDate(to, to_field); !st.ok()) return st;
  DateRange range;
  if (!from.empty()) {
    range.active = true;
    range.from_key = EarliestKey(from);
  }
  if (!to.empty()) {
    range.active = true;
    range.to_key = LatestKey(to);
  }
  if (range.from_key > range.to_key) {
    return absl::InvalidArgumentError(absl::StrCat(Field(from_field), " (", FormatDate(from), ") is after ",
                                                   Field(to_field), " (", FormatDate(to),
                                                   "): swap them or widen the range"));
  }
  return range;
}

std::string FormatDate(const PartialDate& date) {
  if (date.empty()) return "";
  std::string year = date.year > 0 ? absl::StrFormat("%04d", date.year) : "XXXX";
  if (date.month == 0)
    return date.year > 0 ? year : absl::StrCat(year, "-XX-", absl::StrFormat("%02d", date.day));
  if (date.day == 0) return absl::StrFormat("%s-%02d", year, date.month);
  return absl::StrFormat("%s-%02d-%02d", year, date.month, date.day);
}

}  // namespace dossier::query
