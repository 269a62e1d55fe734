#include "services/entity/date_normalizer.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace dossier::entity {

namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"january",   "february", "march",    "april",
                                                          "may",       "june",     "july",     "august",
                                                          "september", "october",  "november", "december"};
constexpr std::array<std::string_view, 12> kMonthAbbrev = {"jan", "feb", "mar", "apr", "may", "jun",
                                                           "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 31;
  if (month == 2) return (year == 0 || IsLeap(year)) ? 29 : 28;
  return kDays[month - 1];
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (s == o) return true;
  }
  return false;
}

// Function words that may follow a bare ordinal day or a year.
bool IsFollowerFunctionWord(std::string_view s) {
  return OneOf(s, {"to",    "and",   "or",    "in",     "at",     "when", "with",    "for",  "as",  "that",
                   "this",  "the",   "but",   "after",  "before", "he",   "she",     "they", "it",  "which",
                   "where", "while", "a",     "an",     "by",     "from", "on",      "we",   "i",   "was",
                   "were",  "is",    "will",  "had",    "has",    "have", "said",    "his",  "her", "their",
                   "its",   "until", "since", "during", "about",  "amid", "because", "if"});
}

class DateFinder {
 public:
  DateFinder(const TokenizedText& tt, const DateParts& pub) : tt_(tt), pub_(pub) {}

  void Run(const Sentence& s, std::vector<DateMatch>* out) {
    sb_ = s.token_begin;
    se_ = s.token_end;
    int i = sb_;
    while (i < se_) {
      std::optional<DateMatch> m = MatchAt(i);
      if (m && m->token_end > i) {
        i = m->token_end;
        out->push_back(std::move(*m));
      } else {
        ++i;
      }
    }
  }

 private:
  std::string_view N(int i) const {
    if (i < sb_ || i >= se_) return {};
    return tt_.norm(i);
  }
  const Token* T(int i) const {
    if (i < sb_ || i >= se_) return nullptr;
    return &tt_.tokens[i];
  }
  bool Cap(int i) const {
    const Token* t = T(i);
    return t && t->capitalized();
  }
  bool NoSpaceBefore(int i) const {
    const Token* t = T(i);
    return t && !t->Has(kTokSpaceBefore);
  }

  int MonthOf(int i) const {
    const Token* t = T(i);
    if (!t || !t->word() || !t->capitalized()) return 0;
    std::string_view n = N(i);
    const bool dotted = !n.empty() && n.back() == '.';
    if (dotted) n.remove_suffix(1);
    for (int m = 0; m < 12; ++m) {
      if (n == kMonthNames[m]) return m + 1;
    }
    // Abbreviations: with their period, or directly before a day number.
    const Token* next = T(i + 1);
    const bool next_digit = next && next->Has(kTokDigit);
    if (dotted || next_digit) {
      if (n == "sept") return 9;
      for (int m = 0; m < 12; ++m) {
        if (n == kMonthAbbrev[m]) return m + 1;
      }
    }
    return 0;
  }

  // Day of month 1-31 ("18", "18th"); *ordinal set when suffixed.
  int DayOf(int i, bool* ordinal = nullptr) const {
    const Token* t = T(i);
    if (!t || !t->Has(kTokDigit)) return 0;
    std::string_view n = N(i);
    int value = 0;
    size_t k = 0;
    while (k < n.size() && n[k] >= '0' && n[k] <= '9') {
      if (++k > 2) return 0;
      value = value * 10 + (n[k - 1] - '0');
    }
    if (k == 0) return 0;
    std::string_view suffix = n.substr(k);
    bool ord = false;
    if (!suffix.empty()) {
      if (!OneOf(suffix, {"st", "nd", "rd", "th"})) return 0;
      ord = true;
    }
    if (value < 1 || value > 31) return 0;
    if (ordinal) *ordinal = ord;
    return value;
  }

  int YearOf(int i, int lo = 1000, int hi = 2999) const {
    const Token* t = T(i);
    if (!t || !t->Has(kTokDigit)) return 0;
    std::string_view n = N(i);
    if (n.size() != 4) return 0;
    int value = 0;
    for (char c : n) {
      if (c < '0' || c > '9') return 0;
      value = value * 10 + (c - '0');
    }
    return (value >= lo && value <= hi) ? value : 0;
  }

  int TwoDigits(int i, int lo, int hi) const {
    std::string_view n = N(i);
    if (n.empty() || n.size() > 2) return 0;
    int value = 0;
    for (char c : n) {
      if (c < '0' || c > '9') return 0;
      value = value * 10 + (c - '0');
    }
    return (value >= lo && value <= hi) ? value : 0;
  }

  int WeekdayOf(int i) const {
    if (!Cap(i)) return -1;
    std::string_view n = N(i);
    for (int d = 0; d < 7; ++d) {
      if (n == kWeekdays[d]) return d;
    }
    return -1;
  }

  // A small count written as digits ("3") or a word ("three", "a"); 0 if
  // none.
  int CountOf(int i) const {
    const Token* t = T(i);
    if (t == nullptr) return 0;
    static constexpr std::array<std::string_view, 13> kWords = {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"};
    const std::string_view n = N(i);
    if (n == "a" || n == "an") return 1;
    for (size_t k = 1; k < kWords.size(); ++k) {
      if (n == kWords[k]) return static_cast<int>(k);
    }
    if (n.empty() || n.size() > 3) return 0;
    int value = 0;
    for (char c : n) {
      if (c < '0' || c > '9') return 0;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  bool FutureCue(int upto) const {
    for (int k = sb_; k < upto; ++k) {
      std::string_view n = tt_.norm(k);
      if (OneOf(n, {"will", "shall", "'ll", "scheduled", "expected", "plans", "planned", "upcoming",
                    "forthcoming", "tomorrow", "next"})) {
        return true;
      }
    }
    return false;
  }

  bool PubComplete() const { return pub_.complete(); }

  DateMatch Make(int b, int e, DateParts d, float confidence) const {
    DateMatch m;
    m.token_begin = b;
    m.token_end = e;
    m.date = d;
    m.timex = FormatTimex(d);
    m.confidence = confidence;
    return m;
  }

  // A day and month found, tokens [b, e) so far: takes a year that follows
  // (", 2001" or "2001"), else infers one from the publication date, and
  // makes the match if the date is valid.
  std::optional<DateMatch> DayMonthWithOptionalYear(int b, int e, int month, int day, int sentence_at) const {
    int year = 0;
    if (N(e) == "," && YearOf(e + 1)) {
      year = YearOf(e + 1);
      e += 2;
    } else if (YearOf(e)) {
      year = YearOf(e);
      e += 1;
    }
    DateParts d{year, month, day};
    float conf = 0.95f;
    if (!year) {
      d.year = InferYear(month, day, FutureCue(sentence_at));
      conf = 0.85f;
    }
    if (!Valid(d)) return std::nullopt;
    return Make(b, e, d, conf);
  }

  static bool Valid(const DateParts& d) {
    if (d.month != 0 && (d.month < 1 || d.month > 12)) return false;
    if (d.day != 0 && d.day > DaysInMonth(d.year, d.month == 0 ? 1 : d.month)) return false;
    return true;
  }

  // Year for a month (and day) given without one: the year that keeps the
  // date closest to publication. News reports events that happened, so
  // unless the sentence speaks of the future, a day ahead counts eight times
  // a day back: "Sept. 11" in an article of 2002-07-18 is 2001-09-11, "July
  // 20" is still 2002-07-20. With a future cue the past counts double.
  int InferYear(int month, int day, bool future) const {
    if (pub_.year == 0) return 0;
    if (pub_.month == 0) return pub_.year;
    const int pub_day = pub_.day ? pub_.day : 15;
    const int ref = DaysFromCivil(pub_.year, pub_.month, pub_day);
    int best_year = pub_.year;
    double best_cost = 1e18;
    for (int y = pub_.year - 1; y <= pub_.year + 1; ++y) {
      const int d = day ? std::min(day, DaysInMonth(y, month)) : (month == pub_.month ? pub_day : 15);
      const int diff = DaysFromCivil(y, month, d) - ref;
      const double cost = diff < 0 ? -diff * (future ? 2.0 : 1.0) : diff * (future ? 1.0 : 8.0);
      if (cost < best_cost) {
        best_cost = cost;
        best_year = y;
      }
    }
    return best_year;
  }

  DateParts ShiftDays(int delta) const {
    return CivilFromDays(DaysFromCivil(pub_.year, pub_.month, pub_.day) + delta);
  }

  std::optional<DateMatch> MatchAt(int i) {
    const Token* t = T(i);
    if (!t) return std::nullopt;
    // "the evening of <date>"
    if (N(i) == "the" && OneOf(N(i + 1), {"morning", "afternoon", "evening", "night"}) && N(i + 2) == "of") {
      if (auto core = Core(i + 3, /*allow_relative=*/false)) {
        core->token_begin = i;
        return core;
      }
    }
    return Core(i, /*allow_relative=*/true);
  }

  std::optional<DateMatch> Core(int i, bool allow_relative) {
    if (!T(i)) return std::nullopt;
    const std::string_view n = N(i);
    // Numeric dates.
    if (auto m = Numeric(i)) return m;

    // [the] DAY [of] MONTH [,] [YEAR]
    {
      int j = i;
      bool ordinal = false;
      if (n == "the" && DayOf(i + 1, &ordinal) && ordinal) j = i + 1;
      int day = DayOf(j, &ordinal);
      if (day) {
        int k = j + 1;
        if (N(k) == "of") ++k;
        int month = MonthOf(k);
        if (month) {
          int e = k + 1;
          if (N(e) == "." && NoSpaceBefore(e) && YearOf(e + 1)) ++e;
          if (auto m = DayMonthWithOptionalYear(i, e, month, day, i)) return *m;
        }
      }
    }

    // MONTH ...
    if (int month = MonthOf(i)) {
      int k = i + 1;
      if (N(k) == "." && NoSpaceBefore(k) && (DayOf(k + 1) || YearOf(k + 1))) ++k;
      bool ordinal = false;
      int day = DayOf(k, &ordinal);
      if (day && N(k + 1) != ":" && !(N(k + 1) == "," && DayOf(k + 2) && !YearOf(k + 2))) {
        if (auto m = DayMonthWithOptionalYear(i, k + 1, month, day, i)) return *m;
      }
      int year_at = 0;
      if (YearOf(k)) {
        year_at = k;
      } else if ((N(k) == "," || N(k) == "of") && YearOf(k + 1)) {
        year_at = k + 1;
      }
      if (year_at) return Make(i, year_at + 1, DateParts{YearOf(year_at), month, 0}, 0.95f);
      if (OneOf(N(k), {"this", "last", "next"}) && N(k + 1) == "year") {
        if (pub_.year == 0) return Make(i, k + 2, DateParts{0, month, 0}, 0.6f);
        const int offset = N(k) == "this" ? 0 : (N(k) == "last" ? -1 : 1);
        return Make(i, k + 2, DateParts{pub_.year + offset, month, 0}, 0.85f);
      }
      // Bare month: the latest such month up to publication, or the next
      // one from it when the sentence speaks of the future.
      if (BareMonthAllowed(i, month)) {
        int year = pub_.year;
        if (pub_.year != 0 && pub_.month != 0) {
          if (FutureCue(i)) {
            if (month < pub_.month) ++year;
          } else if (month > pub_.month) {
            --year;
          }
        }
        return Make(i, i + 1, DateParts{year, month, 0}, 0.75f);
      }
      return std::nullopt;
    }

    if (!allow_relative) return std::nullopt;

    // last/next/this MONTH | weekday | year | month
    if (OneOf(n, {"last", "next", "this"})) {
      const int offset = n == "this" ? 0 : (n == "last" ? -1 : 1);
      if (int month = MonthOf(i + 1)) {
        if (DayOf(i + 2)) return std::nullopt;  // "last June 14": the core rule handles "June 14"
        if (pub_.year == 0 || pub_.month == 0) {
          return Make(i, i + 2, DateParts{offset == 0 ? pub_.year : 0, month, 0}, 0.6f);
        }
        int year = pub_.year;
        if (offset < 0 && month >= pub_.month) year -= 1;
        if (offset > 0 && month <= pub_.month) year += 1;
        return Make(i, i + 2, DateParts{year, month, 0}, 0.85f);
      }
      const int wd = WeekdayOf(i + 1);
      if (wd >= 0) {
        if (!PubComplete()) return std::nullopt;
        return Make(i, i + 2, Weekday(wd, offset), 0.8f);
      }
      if (N(i + 1) == "year") {
        if (pub_.year == 0) return std::nullopt;
        return Make(i, i + 2, DateParts{pub_.year + offset, 0, 0}, 0.85f);
      }
      if (N(i + 1) == "month") {
        if (pub_.year == 0 || pub_.month == 0) return std::nullopt;
        int y = pub_.year, m = pub_.month + offset;
        if (m < 1) {
          m += 12;
          --y;
        } else if (m > 12) {
          m -= 12;
          ++y;
        }
        return Make(i, i + 2, DateParts{y, m, 0}, 0.85f);
      }
      if (n == "this" && OneOf(N(i + 1), {"morning", "afternoon", "evening"})) {
        if (!PubComplete()) return std::nullopt;
        return Make(i, i + 2, pub_, 0.8f);
      }
      return std::nullopt;
    }

    // Weekday alone.
    {
      const int wd = WeekdayOf(i);
      if (wd >= 0) {
        if (!PubComplete()) return std::nullopt;
        // "will meet on Friday": the coming one; else the latest on or before
        // publication.
        return Make(i, i + 1, Weekday(wd, FutureCue(i) ? 1 : 0), 0.75f);
      }
    }

    // "two days ago", "3 weeks ago", "five years ago": counted back from
    // publication, as precise as the unit (days and weeks give a day,
    // months a month, years a year).
    if (const int count = CountOf(i); count > 0 && N(i + 2) == "ago") {
      const std::string_view unit = N(i + 1);
      if (!PubComplete()) return std::nullopt;
      if (OneOf(unit, {"day", "days"})) return Make(i, i + 3, ShiftDays(-count), 0.8f);
      if (OneOf(unit, {"week", "weeks"})) return Make(i, i + 3, ShiftDays(-7 * count), 0.6f);
      if (OneOf(unit, {"month", "months"})) {
        const int months = pub_.year * 12 + (pub_.month - 1) - count;
        return Make(i, i + 3, DateParts{months / 12, months % 12 + 1, 0}, 0.7f);
      }
      if (OneOf(unit, {"year", "years"})) return Make(i, i + 3, DateParts{pub_.year - count, 0, 0}, 0.8f);
    }

    if (OneOf(n, {"today", "tonight", "yesterday", "tomorrow"})) {
      if (!PubComplete()) return std::nullopt;
      const int delta = n == "yesterday" ? -1 : (n == "tomorrow" ? 1 : 0);
      return Make(i, i + 1, ShiftDays(delta), 0.8f);
    }

    // "on 17th", "on the 17th": a day of the publication month.
    {
      int j = i;
      if (n == "the") j = i + 1;
      bool ordinal = false;
      const int day = DayOf(j, &ordinal);
      const bool after_on = (j == i && N(i - 1) == "on") || (j == i + 1 && N(i - 1) == "on");
      if (day && ordinal && after_on && !MonthOf(j + 1) && N(j + 1) != "of") {
        const Token* next = T(j + 1);
        const bool ok_follower = next == nullptr || !next->word() || IsFollowerFunctionWord(N(j + 1));
        if (ok_follower) {
          DateParts d{0, 0, day};
          if (pub_.year != 0 && pub_.month != 0) {
            d.year = pub_.year;
            d.month = pub_.month;
            if (pub_.day != 0 && day > pub_.day) {
              d.month -= 1;
              if (d.month == 0) {
                d.month = 12;
                d.year -= 1;
              }
            }
          }
          if (Valid(d)) return Make(i, j + 1, d, 0.7f);
        }
      }
    }

    // A year alone.
    if (int year = YearOf(i, 1800, 2199)) {
      const std::string_view prev = N(i - 1);
      if (prev == "$" || prev == "no." || prev == "#") return std::nullopt;
      const Token* next = T(i + 1);
      if (next && (N(i + 1) == "%" ||
                   (next->word() && !next->capitalized() && !next->Has(kTokDigit) &&
                    !IsFollowerFunctionWord(N(i + 1)) && !N(i + 1).empty() && N(i + 1).back() == 's'))) {
        return std::nullopt;
      }
      return Make(i, i + 1, DateParts{year, 0, 0}, 0.8f);
    }
    return std::nullopt;
  }

  bool BareMonthAllowed(int i, int month) const {
    const std::string_view prev = N(i - 1);
    const bool after_preposition =
        OneOf(prev, {"in",         "since",  "until", "till",  "by",      "during", "of",
                     "from",       "before", "after", "early", "late",    "mid",    "through",
                     "throughout", "last",   "next",  "this",  "between", "and"});
    if (month == 5) return after_preposition;  // "may" is usually the verb
    // Part of a name: "Long March", "October Revolution".
    const Token* p = T(i - 1);
    if (p && p->word() && p->capitalized() && i - 1 > sb_) return false;
    const Token* nx = T(i + 1);
    if (nx && nx->word() && nx->capitalized()) return false;
    // Abbreviations alone ("Mar.") are too ambiguous.
    if (N(i).size() <= 5 && N(i).back() == '.' && !after_preposition) return false;
    return true;
  }

  DateParts Weekday(int wd, int offset) const {
    const int days = DaysFromCivil(pub_.year, pub_.month, pub_.day);
    const int pub_wd = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
    int delta;
    if (offset > 0) {
      delta = (wd - pub_wd + 7) % 7;
      if (delta == 0) delta = 7;
    } else {
      delta = -((pub_wd - wd + 7) % 7);
      if (offset < 0 && delta == 0) delta = -7;
    }
    return CivilFromDays(days + delta);
  }

  std::optional<DateMatch> Numeric(int i) {
    const Token* t = T(i);
    if (!t->Has(kTokDigit)) return std::nullopt;
    // YYYY-MM-DD or YYYY/MM/DD, written without spaces.
    if (int year = YearOf(i)) {
      const std::string_view sep = N(i + 1);
      if ((sep == "-" || sep == "/") && NoSpaceBefore(i + 1) && NoSpaceBefore(i + 2) && N(i + 3) == sep &&
          NoSpaceBefore(i + 3) && NoSpaceBefore(i + 4)) {
        const int month = TwoDigits(i + 2, 1, 12);
        const int day = TwoDigits(i + 4, 1, 31);
        DateParts d{year, month, day};
        if (month && day && Valid(d)) return Make(i, i + 5, d, 0.95f);
      }
      return std::nullopt;
    }
    // DD/MM/YYYY (day first; month first only when the day cannot be a month).
    const std::string_view sep = N(i + 1);
    if ((sep == "/" || sep == "-") && NoSpaceBefore(i + 1) && NoSpaceBefore(i + 2) && N(i + 3) == sep &&
        NoSpaceBefore(i + 3) && NoSpaceBefore(i + 4)) {
      int a = TwoDigits(i, 1, 31);
      int b = TwoDigits(i + 2, 1, 31);
      int year = YearOf(i + 4);
      if (a && b && year) {
        int day = a, month = b;
        if (month > 12 && day <= 12) std::swap(day, month);
        DateParts d{year, month, day};
        if (month <= 12 && Valid(d)) return Make(i, i + 5, d, 0.9f);
      }
      return std::nullopt;
    }
    // "19.09.2001" is one token.
    const std::string_view n = N(i);
    if (n.size() == 10 && n[2] == '.' && n[5] == '.') {
      int day = std::atoi(std::string(n.substr(0, 2)).c_str());
      int month = std::atoi(std::string(n.substr(3, 2)).c_str());
      int year = std::atoi(std::string(n.substr(6, 4)).c_str());
      DateParts d{year, month, day};
      if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && Valid(d)) return Make(i, i + 1, d, 0.9f);
    }
    return std::nullopt;
  }

  const TokenizedText& tt_;
  const DateParts pub_;
  int sb_ = 0;
  int se_ = 0;
};

}  // namespace

int DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

DateParts CivilFromDays(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return DateParts{y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

std::string FormatTimex(const DateParts& d) {
  char buf[32];
  if (d.month == 0 && d.day == 0) {
    if (d.year == 0) return "";
    std::snprintf(buf, sizeof(buf), "%04d", d.year);
    return buf;
  }
  char year[8];
  if (d.year == 0) {
    std::snprintf(year, sizeof(year), "XXXX");
  } else {
    std::snprintf(year, sizeof(year), "%04d", d.year);
  }
  if (d.day == 0) {
    std::snprintf(buf, sizeof(buf), "%s-%02d", year, d.month);
  } else if (d.month == 0) {
    std::snprintf(buf, sizeof(buf), "%s-XX-%02d", year, d.day);
  } else {
    std::snprintf(buf, sizeof(buf), "%s-%02d-%02d", year, d.month, d.day);
  }
  return buf;
}

std::vector<DateMatch> FindDates(const TokenizedText& tokens, const std::vector<Sentence>& sentences,
                                 const DateParts& published) {
  std::vector<DateMatch> out;
  DateFinder finder(tokens, published);
  for (const Sentence& s : sentences) finder.Run(s, &out);
  return out;
}

}  // namespace dossier::entity
