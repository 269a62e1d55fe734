#include "services/ingest/date_parser.h"

#include <array>
#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dossier::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A cursor over ASCII text. Every Read* leaves `pos` unchanged on failure.
class Cursor {
 public:
  explicit Cursor(std::string_view s, size_t pos = 0) : s_(s), pos_(pos) {}
  size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
  }
  bool ReadChar(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads between `min` and `max` digits, not followed by another digit.
  std::optional<int> ReadNumber(int min, int max) {
    size_t n = 0;
    while (pos_ + n < s_.size() && IsDigit(s_[pos_ + n])) ++n;
    if (n < static_cast<size_t>(min) || n > static_cast<size_t>(max)) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < n; ++i) value = value * 10 + (s_[pos_ + i] - '0');
    pos_ += n;
    return value;
  }
  // Reads a run of letters, lower-cased.
  std::string ReadWord() {
    size_t n = 0;
    while (pos_ + n < s_.size() && IsAlpha(s_[pos_ + n])) ++n;
    std::string word = absl::AsciiStrToLower(absl::string_view(s_.data() + pos_, n));
    pos_ += n;
    return word;
  }

 private:
  std::string_view s_;
  size_t pos_;
};

int MonthFromName(const std::string& word) {
  static constexpr std::array<const char*, 12> kFull = {"january",   "february", "march",    "april",
                                                        "may",       "june",     "july",     "august",
                                                        "september", "october",  "november", "december"};
  for (int i = 0; i < 12; ++i) {
    const std::string full = kFull[i];
    if (word == full || word == full.substr(0, 3)) return i + 1;
  }
  if (word == "sept") return 9;
  return 0;
}

bool IsWeekdayName(const std::string& word) {
  static constexpr std::array<const char*, 7> kDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                       "friday", "saturday", "sunday"};
  for (const char* day : kDays) {
    const std::string full = day;
    if (word == full || word == full.substr(0, 3)) return true;
  }
  return word == "tues" || word == "thur" || word == "thurs";
}

// Reads a month name with an optional trailing period ("Sept.", "July.").
std::optional<int> ReadMonthName(Cursor& c) {
  Cursor save = c;
  int month = MonthFromName(c.ReadWord());
  if (month == 0) {
    c = save;
    return std::nullopt;
  }
  c.ReadChar('.');
  return month;
}

// Reads a day of month with an optional ordinal suffix ("19", "19th", "1st").
std::optional<int> ReadDay(Cursor& c) {
  Cursor save = c;
  std::optional<int> day = c.ReadNumber(1, 2);
  if (!day) return std::nullopt;
  Cursor after = c;
  std::string suffix = after.ReadWord();
  if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") {
    c = after;
  } else if (!suffix.empty()) {
    c = save;  // "19abc" is not a day
    return std::nullopt;
  }
  return day;
}

std::optional<int> ReadYear(Cursor& c) { return c.ReadNumber(4, 4); }

// Skips separators between the parts of a written date: spaces, one comma,
// one hyphen.
void SkipDateSeparators(Cursor& c) {
  c.SkipSpaces();
  if (c.ReadChar(',') || c.ReadChar('-')) c.SkipSpaces();
}

bool Validate(const PartialDate& d) {
  if (d.year < 1000 || d.year > 9999) return false;
  if (d.month == 0) return d.day == 0;
  if (d.month < 1 || d.month > 12) return false;
  if (d.day == 0) return true;
  return IsValidDay(d.year, d.month, d.day);
}

// 2001-09-19, 2001/09/19, 2001.09.19, 2001-09, 2001.
std::optional<PartialDate> ReadYearFirst(Cursor& c) {
  Cursor save = c;
  std::optional<int> year = ReadYear(c);
  if (!year) return std::nullopt;
  PartialDate date{*year, 0, 0};
  const char sep = c.Peek();
  if (sep == '-' || sep == '/' || sep == '.') {
    Cursor after = c;
    after.ReadChar(sep);
    if (std::optional<int> month = after.ReadNumber(1, 2)) {
      date.month = *month;
      c = after;
      Cursor day_cursor = c;
      if (day_cursor.ReadChar(sep)) {
        if (std::optional<int> day = day_cursor.ReadNumber(1, 2)) {
          date.day = *day;
          c = day_cursor;
        }
      }
    }
  }
  if (IsAlpha(c.Peek()) && c.Peek() != 'T') {  // "2001abc"
    c = save;
    return std::nullopt;
  }
  return date;
}

// a/b/yyyy, a-b-yyyy, a.b.yyyy: day first unless only month first fits.
std::optional<PartialDate> ReadNumericDayMonthYear(Cursor& c) {
  Cursor save = c;
  std::optional<int> a = c.ReadNumber(1, 2);
  const char sep = c.Peek();
  if (!a || (sep != '/' && sep != '-' && sep != '.')) {
    c = save;
    return std::nullopt;
  }
  c.ReadChar(sep);
  std::optional<int> b = c.ReadNumber(1, 2);
  if (!b || !c.ReadChar(sep)) {
    c = save;
    return std::nullopt;
  }
  std::optional<int> year = ReadYear(c);
  if (!year) {
    c = save;
    return std::nullopt;
  }
  if (*b > 12 && *a <= 12) return PartialDate{*year, *a, *b};
  return PartialDate{*year, *b, *a};
}

// After a day and a month: separators and a year complete the date;
// without a year the cursor goes back to `save` and nothing is read.
std::optional<PartialDate> FinishWithYear(Cursor& c, const Cursor& save, int month, int day) {
  SkipDateSeparators(c);
  std::optional<int> year = ReadYear(c);
  if (!year) {
    c = save;
    return std::nullopt;
  }
  return PartialDate{*year, month, day};
}

// 19 September 2001, 19th Sept. 2001, 19-Sep-2001, 18th of July 2002.
std::optional<PartialDate> ReadDayMonthYear(Cursor& c) {
  Cursor save = c;
  std::optional<int> day = ReadDay(c);
  if (!day) return std::nullopt;
  SkipDateSeparators(c);
  Cursor of = c;
  if (of.ReadWord() == "of") {
    of.SkipSpaces();
    c = of;
  }
  std::optional<int> month = ReadMonthName(c);
  if (!month) {
    c = save;
    return std::nullopt;
  }
  return FinishWithYear(c, save, *month, *day);
}

// September 19, 2001; Sept. 19 2001; July. 18, 2002; September 2001.
std::optional<PartialDate> ReadMonthFirst(Cursor& c) {
  Cursor save = c;
  std::optional<int> month = ReadMonthName(c);
  if (!month) return std::nullopt;
  SkipDateSeparators(c);
  Cursor year_cursor = c;
  if (std::optional<int> year = ReadYear(year_cursor)) {
    c = year_cursor;
    return PartialDate{*year, *month, 0};
  }
  std::optional<int> day = ReadDay(c);
  if (!day) {
    c = save;
    return std::nullopt;
  }
  return FinishWithYear(c, save, *month, *day);
}

// Time of day after a date: "10:35", "10:35:00", "10:35:00.123", with an
// optional "T" or "at" before it.
bool ReadTime(Cursor& c) {
  Cursor save = c;
  if (!c.ReadChar('T')) {
    c.SkipSpaces();
    Cursor at = c;
    if (at.ReadWord() == "at") {
      at.SkipSpaces();
      c = at;
    }
  }
  if (!c.ReadNumber(1, 2) || !c.ReadChar(':') || !c.ReadNumber(2, 2)) {
    c = save;
    return false;
  }
  Cursor sec = c;
  if (sec.ReadChar(':') && sec.ReadNumber(2, 2)) {
    c = sec;
    Cursor frac = c;
    if ((frac.ReadChar('.') || frac.ReadChar(',')) && frac.ReadNumber(1, 9)) c = frac;
  }
  // am / pm / a.m. / p.m.
  Cursor ampm = c;
  ampm.SkipSpaces();
  std::string word = ampm.ReadWord();
  if (word == "am" || word == "pm") {
    c = ampm;
  } else if ((word == "a" || word == "p") && ampm.ReadChar('.') && ampm.ReadWord() == "m") {
    ampm.ReadChar('.');
    c = ampm;
  }
  return true;
}

// "Z", "+02:00", "+0000", "-05", "UTC", "GMT+8", "KST", "(UTC)".
bool ReadZone(Cursor& c) {
  Cursor save = c;
  c.SkipSpaces();
  const bool paren = c.ReadChar('(');
  bool ok = false;
  if (c.ReadChar('Z')) {
    ok = true;
  } else if (c.Peek() == '+' || c.Peek() == '-') {
    c.ReadChar(c.Peek());
    if (c.ReadNumber(2, 2)) {
      Cursor minutes = c;
      minutes.ReadChar(':');
      if (minutes.ReadNumber(2, 2)) c = minutes;
      ok = true;
    } else if (c.ReadNumber(4, 4)) {
      ok = true;
    }
  } else {
    Cursor word_cursor = c;
    size_t start = word_cursor.pos();
    std::string word = word_cursor.ReadWord();
    size_t length = word_cursor.pos() - start;
    if (length >= 2 && length <= 5) {
      c = word_cursor;
      ok = true;
      // GMT+8, UTC+08:00
      Cursor offset = c;
      if ((offset.ReadChar('+') || offset.ReadChar('-')) && offset.ReadNumber(1, 4)) {
        Cursor minutes = offset;
        if (minutes.ReadChar(':') && minutes.ReadNumber(2, 2)) offset = minutes;
        c = offset;
      }
    }
  }
  if (ok && paren && !c.ReadChar(')')) ok = false;
  if (!ok) c = save;
  return ok;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string PartialDate::ToString() const {
  if (!known()) return "";
  if (month == 0) return absl::StrFormat("%04d", year);
  if (day == 0) return absl::StrFormat("%04d-%02d", year, month);
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

bool IsValidDay(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max_day;
}

std::optional<PartialDate> ParseDatePrefix(std::string_view text, size_t* consumed) {
  Cursor c(text);
  c.SkipSpaces();
  // An optional weekday: "Wed, ", "Wednesday ".
  {
    Cursor weekday = c;
    if (IsWeekdayName(weekday.ReadWord())) {
      weekday.ReadChar('.');
      weekday.SkipSpaces();
      if (weekday.ReadChar(',')) weekday.SkipSpaces();
      c = weekday;
    }
  }
  std::optional<PartialDate> date;
  if (IsDigit(c.Peek())) {
    date = ReadNumericDayMonthYear(c);
    if (!date) date = ReadYearFirst(c);
    if (!date) date = ReadDayMonthYear(c);
  } else {
    date = ReadMonthFirst(c);
  }
  if (!date || !Validate(*date)) return std::nullopt;
  if (consumed) *consumed = c.pos();
  return date;
}

std::optional<PartialDate> ParseDate(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 &&
      ((text.front() == '(' && text.back() == ')') || (text.front() == '[' && text.back() == ']'))) {
    text = Trim(text.substr(1, text.size() - 2));
  }
  size_t consumed = 0;
  std::optional<PartialDate> date = ParseDatePrefix(text, &consumed);
  if (!date) return std::nullopt;
  Cursor c(text, consumed);
  Cursor after_comma = c;
  after_comma.SkipSpaces();
  if (after_comma.ReadChar(',')) c = after_comma;
  if (ReadTime(c)) ReadZone(c);
  // Trailing punctuation and white space only.
  while (!c.AtEnd() && (IsSpace(c.Peek()) || c.Peek() == ',' || c.Peek() == '.' || c.Peek() == ';')) {
    c.ReadChar(c.Peek());
  }
  if (!c.AtEnd()) return std::nullopt;
  return date;
}

absl::StatusOr<PartialDate> ParsePublishedDate(std::string_view text) {
  std::optional<PartialDate> date = ParseDate(text);
  if (!date) {
    return absl::InvalidArgumentError(
        absl::StrCat("published \"", absl::string_view(text.data(), text.size()),
                     "\" is not a valid date; accepted forms: ", kAcceptedDateForms));
  }
  return *date;
}

}  // namespace dossier::ingest
