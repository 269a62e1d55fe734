#include "clients/cli/format.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace dossier::cli {
namespace {

constexpr char kEllipsis[] = "\xE2\x80\xA6";  // U+2026 …

// Decodes the code point at `text[*pos]` and advances `*pos`. A byte that
// does not start a valid sequence decodes as itself (one column).
char32_t NextCodePoint(std::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b = byte(*pos);
  int length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (length <= 1 || *pos + length > text.size()) {
    ++*pos;
    return b;
  }
  char32_t cp = b & (0xFF >> (length + 1));
  for (int i = 1; i < length; ++i) {
    unsigned char c = byte(*pos + i);
    if ((c & 0xC0) != 0x80) {
      ++*pos;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *pos += length;
  return cp;
}

int CodePointWidth(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F))
    return 0;
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

// Length of an ANSI CSI escape sequence ("\033[...m") starting at `pos`, or 0.
size_t EscapeLength(std::string_view text, size_t pos) {
  if (text[pos] != '\033' || pos + 1 >= text.size() || text[pos + 1] != '[') return 0;
  size_t end = pos + 2;
  while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7E)) ++end;
  return end < text.size() ? end + 1 - pos : text.size() - pos;
}

std::string PadTo(const std::string& cell, int width, bool right) {
  int pad = std::max(0, width - DisplayWidth(cell));
  return right ? std::string(pad, ' ') + cell : cell + std::string(pad, ' ');
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

// "EntityType" -> "ENTITY_TYPE_".
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  std::string prefix;
  for (char c : type->name()) {
    if (absl::ascii_isupper(c) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(c);
  }
  return prefix + "_";
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

int DisplayWidth(std::string_view text) {
  int width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (size_t esc = EscapeLength(text, pos)) {
      pos += esc;
      continue;
    }
    width += CodePointWidth(NextCodePoint(text, &pos));
  }
  return width;
}

std::string TruncateToWidth(std::string_view text, int width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width <= 0) return "";
  std::string out;
  int used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int w = CodePointWidth(NextCodePoint(text, &pos));
    if (used + w > width - 1) break;
    out.append(text.substr(start, pos - start));
    used += w;
  }
  return out + kEllipsis;
}

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::vector<std::string> WrapText(std::string_view text, int width) {
  width = std::max(width, 1);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view paragraph = text.substr(start, end - start);
    std::string line;
    int line_width = 0;
    size_t pos = 0;
    while (pos < paragraph.size()) {
      if (paragraph[pos] == ' ' || paragraph[pos] == '\t' || paragraph[pos] == '\r') {
        ++pos;
        continue;
      }
      size_t word_end = pos;
      while (word_end < paragraph.size() && paragraph[word_end] != ' ' && paragraph[word_end] != '\t' &&
             paragraph[word_end] != '\r') {
        ++word_end;
      }
      std::string word(paragraph.substr(pos, word_end - pos));
      pos = word_end;
      int word_width = DisplayWidth(word);
      if (line_width > 0 && line_width + 1 + word_width <= width) {
        line += ' ';
        line += word;
        line_width += 1 + word_width;
        continue;
      }
      if (line_width > 0) lines.push_back(std::move(line));
      line.clear();
      line_width = 0;
      // Split a word wider than a line into line-sized pieces.
      size_t wpos = 0;
      while (wpos < word.size()) {
        size_t cp_start = wpos;
        int w = CodePointWidth(NextCodePoint(word, &wpos));
        if (line_width + w > width && line_width > 0) {
          lines.push_back(std::move(line));
          line.clear();
          line_width = 0;
        }
        line.append(word, cp_start, wpos - cp_start);
        line_width += w;
      }
    }
    lines.push_back(std::move(line));
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), fixed_(headers_.size(), false), right_(headers_.size(), false) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (auto& cell : cells) cell = OneLine(cell);
  rows_.push_back(std::move(cells));
}

void Table::SetFixed(int column) { fixed_.at(column) = true; }
void Table::SetRightAligned(int column) { right_.at(column) = true; }

std::string Table::Render(int max_width) const {
  const size_t n = headers_.size();
  if (n == 0) return "";
  std::vector<int> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  const int separators = 2 * static_cast<int>(n - 1);
  int total = std::accumulate(widths.begin(), widths.end(), 0) + separators;
  if (total > max_width) {
    // Water-filling: flexible columns narrower than the cap keep their width;
    // the others share what is left equally.
    int available = max_width - separators;
    std::vector<size_t> flexible;
    for (size_t c = 0; c < n; ++c) {
      if (fixed_[c]) {
        available -= widths[c];
      } else {
        flexible.push_back(c);
      }
    }
    std::sort(flexible.begin(), flexible.end(), [&](size_t a, size_t b) { return widths[a] < widths[b]; });
    size_t left = flexible.size();
    for (size_t i = 0; i < flexible.size(); ++i, --left) {
      size_t c = flexible[i];
      int share = std::max(available, 0) / static_cast<int>(left);
      if (widths[c] <= share) {
        available -= widths[c];
        continue;
      }
      // Every remaining column is at least as wide: cap them all.
      int extra = std::max(available, 0) % static_cast<int>(left);
      for (size_t j = i; j < flexible.size(); ++j) {
        size_t d = flexible[j];
        widths[d] = std::max(3, share + (j - i < static_cast<size_t>(extra) ? 1 : 0));
      }
      break;
    }
  }
  std::string out;
  auto emit_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      std::string cell = TruncateToWidth(cells[c], widths[c]);
      bool last = c + 1 == n;
      if (c > 0) line += "  ";
      line += last && !right_[c] ? cell : PadTo(cell, widths[c], right_[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit_row(headers_);
  for (const auto& row : rows_) emit_row(row);
  return out;
}

std::string FormatDate(const common::v1::DateValue& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "unknown";
  std::string year = date.year() > 0 ? absl::StrFormat("%04d", date.year()) : "????";
  std::string month = date.month() > 0 ? absl::StrFormat("%02d", date.month()) : "??";
  std::string day = date.day() > 0 ? absl::StrFormat("%02d", date.day()) : "??";
  return absl::StrCat(year, "-", month, "-", day);
}

absl::StatusOr<common::v1::DateValue> ParseDateArg(std::string_view text) {
  const std::string shown(text);
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("bad date \"", shown, "\": ", why,
                                                   "; use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2001-09-18)"));
  };
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dash = text.find('-', start);
    parts.push_back(
        text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() > 3) return bad("too many parts");
  for (auto part : parts) {
    if (!AllDigits(part)) return bad(part.empty() ? "empty part" : "not a number");
  }
  if (parts[0].size() != 4) return bad("the year needs four digits");
  common::v1::DateValue date;
  int year = 0, month = 0, day = 0;
  absl::SimpleAtoi(std::string(parts[0]), &year);
  if (year < 1) return bad("year 0000 does not exist");
  date.set_year(year);
  if (parts.size() >= 2) {
    if (parts[1].size() > 2) return bad("the month has at most two digits");
    absl::SimpleAtoi(std::string(parts[1]), &month);
    if (month < 1 || month > 12) return bad("month must be 01-12");
    date.set_month(month);
  }
  if (parts.size() == 3) {
    if (parts[2].size() > 2) return bad("the day has at most two digits");
    absl::SimpleAtoi(std::string(parts[2]), &day);
    int last = DaysInMonth(year, month);
    if (day < 1 || day > last) {
      return bad(absl::StrCat("day must be 01-", last, " in ", kMonthNames[month - 1], " ", year));
    }
    date.set_day(day);
  }
  return date;
}

absl::Status CheckDateRange(const common::v1::DateValue& from, const common::v1::DateValue& to) {
  if (from.year() == 0 || to.year() == 0) return absl::OkStatus();
  int from_month = from.month() > 0 ? from.month() : 1;
  int from_key = from.year() * 10000 + from_month * 100 + (from.day() > 0 ? from.day() : 1);
  int to_month = to.month() > 0 ? to.month() : 12;
  int to_key =
      to.year() * 10000 + to_month * 100 + (to.day() > 0 ? to.day() : DaysInMonth(to.year(), to_month));
  if (from_key > to_key) {
    return absl::InvalidArgumentError(absl::StrCat("--from ", FormatDate(from), " is after --to ",
                                                   FormatDate(to), "; swap them or widen the range"));
  }
  return absl::OkStatus();
}

std::string ShortEnumName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  std::string name = v->name();
  std::string prefix = EnumPrefix(type);
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnumArg(const google::protobuf::EnumDescriptor* type, const std::string& flag,
                                 std::string_view text) {
  std::string upper = absl::AsciiStrToUpper(std::string(text));
  const std::string prefix = EnumPrefix(type);
  if (type == common::v1::EntityType_descriptor()) {
    if (upper == "ORG") upper = "ORGANIZATION";
    if (upper == "PLACE" || upper == "LOC") upper = "LOCATION";
  }
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByName(upper);
  if (v == nullptr) v = type->FindValueByName(prefix + upper);
  if (v != nullptr && v->number() != 0) return v->number();
  std::vector<std::string> accepted;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) accepted.push_back(ShortEnumName(type, type->value(i)->number()));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", std::string(text), " is not one of ", absl::StrJoin(accepted, ", ")));
}

absl::StatusOr<common::v1::EntityType> ParseEntityType(const std::string& flag, std::string_view text) {
  auto value = ParseEnumArg(common::v1::EntityType_descriptor(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<common::v1::EntityType>(*value);
}

absl::StatusOr<common::v1::DocumentState> ParseDocumentState(const std::string& flag, std::string_view text) {
  auto value = ParseEnumArg(common::v1::DocumentState_descriptor(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<common::v1::DocumentState>(*value);
}

std::string HighlightSnippet(std::string_view snippet, bool bold) {
  if (!bold) return std::string(snippet);
  std::string out;
  for (char c : snippet) {
    if (c == '[') {
      out += "\033[1m";
    } else if (c == ']') {
      out += "\033[0m";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderProgressBar(int done, int total, int bar_width) {
  int filled = total > 0 ? static_cast<int>(static_cast<int64_t>(done) * bar_width / total) : bar_width;
  filled = std::clamp(filled, 0, bar_width);
  return absl::StrCat("[", std::string(filled, '#'), std::string(bar_width - filled, ' '), "] ", done, "/",
                      total, " docs");
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::StrCat("{\"error\":", JsonQuote(status.ToString()), "}");
  return out;
}

std::string FormatDuration(double seconds) {
  if (seconds < 1) return absl::StrFormat("%d ms", static_cast<int>(seconds * 1000 + 0.5));
  if (seconds < 60) return absl::StrFormat("%.1f s", seconds);
  int whole = static_cast<int>(seconds + 0.5);
  return absl::StrFormat("%d min %d s", whole / 60, whole % 60);
}

}  // namespace dossier::cli
