#include "services/entity/kb_types.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace dossier::entity {

EntityType EntityTypeFromName(std::string_view name) {
  if (name == "PERSON") return EntityType::kPerson;
  if (name == "ORGANIZATION") return EntityType::kOrganization;
  if (name == "LOCATION") return EntityType::kLocation;
  if (name == "DATE") return EntityType::kDate;
  if (name == "MISC") return EntityType::kMisc;
  return EntityType::kUnspecified;
}

const char* EntityTypeName(EntityType type) {
  switch (type) {
    case EntityType::kPerson:
      return "PERSON";
    case EntityType::kOrganization:
      return "ORGANIZATION";
    case EntityType::kLocation:
      return "LOCATION";
    case EntityType::kDate:
      return "DATE";
    case EntityType::kMisc:
      return "MISC";
    default:
      return "";
  }
}

const char* OriginName(Origin origin) {
  switch (origin) {
    case Origin::kExtracted:
      return "extracted";
    case Origin::kCurated:
      return "curated";
    default:
      return "kb";
  }
}

Origin OriginFromName(std::string_view name) {
  if (name == "extracted") return Origin::kExtracted;
  if (name == "curated") return Origin::kCurated;
  return Origin::kKb;
}

namespace {

bool ParseFixedInt(std::string_view text, int* out) {
  if (text.empty()) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

// Sortable bounds of a partial date: unknown parts widen the range.
int LowKey(const DateParts& d) {
  return d.year * 10000 + (d.month ? d.month : 1) * 100 + (d.day ? d.day : 1);
}
int HighKey(const DateParts& d) {
  return d.year * 10000 + (d.month ? d.month : 12) * 100 + (d.day ? d.day : 31);
}

}  // namespace

DateParts ParseIsoDate(std::string_view text) {
  DateParts d;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return d;
  int year = 0, month = 0, day = 0;
  if (!ParseFixedInt(text.substr(0, 4), &year)) return d;
  if (text.size() >= 7 &&
      (text[4] != '-' || !ParseFixedInt(text.substr(5, 2), &month) || month < 1 || month > 12)) {
    return d;
  }
  if (text.size() == 10 &&
      (text[7] != '-' || !ParseFixedInt(text.substr(8, 2), &day) || day < 1 || day > 31)) {
    return d;
  }
  d.year = year;
  d.month = month;
  d.day = day;
  return d;
}

std::string FormatIsoDate(const DateParts& date) {
  if (date.year == 0) return "";
  char buf[16];
  if (date.month == 0) {
    std::snprintf(buf, sizeof(buf), "%04d", date.year);
  } else if (date.day == 0) {
    std::snprintf(buf, sizeof(buf), "%04d-%02d", date.year, date.month);
  } else {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", date.year, date.month, date.day);
  }
  return buf;
}

bool RoleActiveOn(const KbRole& role, const DateParts& date) {
  if (date.year == 0) return true;
  const int lo = LowKey(date);
  const int hi = HighKey(date);
  if (role.start.year != 0 && hi < LowKey(role.start)) return false;
  if (role.end.year != 0 && lo > HighKey(role.end)) return false;
  return true;
}

std::vector<std::pair<std::string, std::string>> ParseAttributes(std::string_view attributes) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(attributes.data(), attributes.size()), ';')) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos || eq == 0) continue;
    out.emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
  }
  return out;
}

}  // namespace dossier::entity
