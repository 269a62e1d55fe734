#ifndef DOSSIER_SERVICES_ENTITY_KB_TYPES_H_
#define DOSSIER_SERVICES_ENTITY_KB_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

// Plain domain types of the entity service: knowledge-base rows, dates and
// the enums that mirror dossier.common.v1 (same numbers, so the service
// converts them with a cast).

namespace dossier::entity {

// Mirrors dossier.common.v1.EntityType.
enum class EntityType : int {
  kUnspecified = 0,
  kPerson = 1,
  kOrganization = 2,
  kLocation = 3,
  kDate = 4,
  kMisc = 5,
};

// Mirrors dossier.common.v1.LinkReason.
enum class LinkReason : int {
  kUnspecified = 0,
  kExactAlias = 1,
  kAcronym = 2,
  kDemonym = 3,
  kCoreference = 4,
  kFuzzy = 5,
  kRole = 6,
  kNewEntity = 7,
};

// "PERSON" -> kPerson ... ; kUnspecified for anything else.
EntityType EntityTypeFromName(std::string_view name);
// kPerson -> "PERSON" ...; "" for kUnspecified.
const char* EntityTypeName(EntityType type);

// A calendar date in which any part may be unknown (0), like
// dossier.common.v1.DateValue.
struct DateParts {
  int year = 0;
  int month = 0;
  int day = 0;

  bool known() const { return year != 0 || month != 0 || day != 0; }
  bool complete() const { return year != 0 && month != 0 && day != 0; }
  friend bool operator==(const DateParts&, const DateParts&) = default;
};

// Parses "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" (unknown). Anything else is
// unknown too.
DateParts ParseIsoDate(std::string_view text);
// "2001-09-18", "2001-09", "2001", "" (inverse of ParseIsoDate).
std::string FormatIsoDate(const DateParts& date);

// Where a knowledge-base row comes from. Rows from the shipped KB are
// replaced when its VERSION changes; the others survive.
enum class Origin : int {
  kKb = 0,         // the shipped knowledge base (data/kb)
  kExtracted = 1,  // created by Annotate for a name not in the KB
  kCurated = 2,    // AddAlias / MergeEntities
};
const char* OriginName(Origin origin);
Origin OriginFromName(std::string_view name);

struct KbRole {
  std::string code;   // "CHNGOV"
  std::string label;  // "China, government"
  DateParts start;    // unknown: since always
  DateParts end;      // unknown: still holds it
};

struct KbAlias {
  std::string alias;  // as written: "Jiang Zemin", "SCO", "Sino"
  // name|acronym|demonym|adjective|code|title_name|spelling
  std::string kind;
  Origin origin = Origin::kKb;
};

// One entity with everything known about it.
struct KbEntity {
  std::string id;
  EntityType type = EntityType::kUnspecified;
  std::string kind;        // "country", "person", ...
  std::string name;        // preferred name
  std::string provenance;  // "countries:countries.json", "extracted", ...
  std::string attributes;  // "k=v;k=v"
  Origin origin = Origin::kKb;
  std::vector<KbAlias> aliases;
  std::vector<KbRole> roles;
};

// The whole knowledge base as loaded from the store: entities (with their
// aliases and roles) and redirects of merged ids.
struct KbData {
  std::vector<KbEntity> entities;
  // merged id -> id it now resolves to (already followed to the end).
  std::vector<std::pair<std::string, std::string>> redirects;
  std::string version;
  // The store's change counter when the snapshot was read (see KbStore).
  int64_t change_version = 0;
};

// True when `role` holds on `date`. Unknown parts of the date or of the role
// bounds are treated as wide as possible; an unknown date matches every role.
bool RoleActiveOn(const KbRole& role, const DateParts& date);

// Parses "k=v;k=v" attributes into pairs (empty keys skipped).
std::vector<std::pair<std::string, std::string>> ParseAttributes(std::string_view attributes);

}  // namespace dossier::entity

#endif  // DOSSIER_SERVICES_ENTITY_KB_TYPES_H_
