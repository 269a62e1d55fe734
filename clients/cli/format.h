#ifndef DOSSIER_CLIENTS_CLI_FORMAT_H_
#define DOSSIER_CLIENTS_CLI_FORMAT_H_

// Text building blocks of the CLI's human output: display widths, truncation
// and wrapping, aligned tables, dates with unknown parts, short enum names,
// parsing of DATE and enum arguments, and JSON output. Pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dossier/common/v1/common.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace dossier::cli {

// Terminal columns `text` occupies: one per code point, two for East Asian
// wide characters, none for combining marks and ANSI escape sequences.
int DisplayWidth(std::string_view text);

// `text` cut to at most `width` columns, ending in "…" when it was cut.
std::string TruncateToWidth(std::string_view text, int width);

// `text` with newlines, tabs and other control characters replaced by spaces
// (for table cells and one-line fields).
std::string OneLine(std::string_view text);

// Greedy word wrap to lines of at most `width` columns. Newlines in `text`
// start new lines; words longer than `width` are split.
std::vector<std::string> WrapText(std::string_view text, int width);

// An aligned table: columns separated by two spaces, a header row, no
// borders. When the table is wider than the given width, the widest
// flexible columns are shrunk (cells cut with "…") until it fits; fixed
// columns (ids) are never cut. Not thread-safe.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  // Cells beyond the header count are dropped; missing ones are empty.
  void AddRow(std::vector<std::string> cells);
  // Column `column` keeps its full width.
  void SetFixed(int column);
  // Column `column` is right-aligned (numbers).
  void SetRightAligned(int column);
  bool empty() const { return rows_.empty(); }
  size_t size() const { return rows_.size(); }
  // The table, each line ending in "\n", at most `max_width` columns wide
  // when the fixed columns allow it.
  std::string Render(int max_width) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> fixed_;
  std::vector<bool> right_;
};

// "2001-09-19"; unknown parts as ?? (????-09-17, 2001-09-??, 2001-??-??);
// "unknown" when every part is unknown.
std::string FormatDate(const common::v1::DateValue& date);

// Parses a DATE argument: YYYY, YYYY-MM or YYYY-MM-DD (month and day may
// have one digit). INVALID_ARGUMENT with the reason (bad shape, month out of
// range, day past the end of the month) and the accepted forms.
absl::StatusOr<common::v1::DateValue> ParseDateArg(std::string_view text);

// INVALID_ARGUMENT when the range [from, to] is empty, comparing `from` as
// early as it may be (2001 = 2001-01-01) and `to` as late (2002 = 2002-12-31).
// Dates with no year never conflict.
absl::Status CheckDateRange(const common::v1::DateValue& from, const common::v1::DateValue& to);

// The enum value's name without its type prefix, lower case:
// ENTITY_TYPE_PERSON -> "person", LINK_REASON_EXACT_ALIAS -> "exact_alias".
std::string ShortEnumName(const google::protobuf::EnumDescriptor* type, int value);
template <typename E>
std::string ShortEnumName(E value) {
  return ShortEnumName(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

// Parses a short or full enum name ("person", "PERSON", "ENTITY_TYPE_PERSON";
// for entity types also "org", "place"). The UNSPECIFIED value is refused.
// INVALID_ARGUMENT naming `flag` and the accepted values.
absl::StatusOr<int> ParseEnumArg(const google::protobuf::EnumDescriptor* type, const std::string& flag,
                                 std::string_view text);
absl::StatusOr<common::v1::EntityType> ParseEntityType(const std::string& flag, std::string_view text);
absl::StatusOr<common::v1::DocumentState> ParseDocumentState(const std::string& flag, std::string_view text);

// A search snippet with its [matched] words: bold (ANSI) without the
// brackets when `bold`, unchanged otherwise.
std::string HighlightSnippet(std::string_view snippet, bool bold);

// "[#########           ] 120/240 docs": a bar `bar_width` cells wide.
std::string RenderProgressBar(int done, int total, int bar_width);

// A JSON string literal (quotes included) for UTF-8 `text`.
std::string JsonQuote(std::string_view text);

// `message` as one line of JSON: proto field names (snake_case), enum
// names, every field printed even when it has its default value.
std::string ToJson(const google::protobuf::Message& message);

// "1.2 s", "350 ms", "2 min 5 s".
std::string FormatDuration(double seconds);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_FORMAT_H_
