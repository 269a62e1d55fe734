#ifndef DOSSIER_SERVICES_ENTITY_EVENTS_CAMEO_CODES_H_
#define DOSSIER_SERVICES_ENTITY_EVENTS_CAMEO_CODES_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

// The CAMEO event code table (data/cameo/cameo_codes.tsv, built by
// tools/events/cameo_codes_build.py): label, GDELT QuadClass and Goldstein
// weight of every event code.
//
// Immutable after loading; Find is const and thread-safe.

namespace dossier::entity::events {

struct CameoCode {
  std::string code;      // "042"
  std::string label;     // "Make a visit"
  std::string root;      // "04"
  int quad_class = 0;    // 1 verbal cooperation .. 4 material conflict
  double goldstein = 0;  // -10 .. +10
};

// Where the shipped CAMEO files are (data/cameo in the source tree, set at
// build time; "data/cameo" when the build does not say).
std::string DefaultCameoDir();

class CameoCodes {
 public:
  CameoCodes() = default;

  // Reads a table: comment lines "# ...", a header line with the columns
  // code, label, quad_class, goldstein (any order), then one row per code.
  // NOT_FOUND when the file cannot be read; INVALID_ARGUMENT (naming the file
  // and line) when the header lacks a column, a code is not 2-4 digits, or a
  // number does not parse.
  static absl::StatusOr<CameoCodes> Load(const std::string& path);
  static absl::StatusOr<CameoCodes> Parse(std::string_view text, std::string_view name = "cameo_codes.tsv");
  // The shipped table (DefaultCameoDir() + "/cameo_codes.tsv").
  static absl::StatusOr<CameoCodes> Default();

  // The entry for `code`; a code the table lacks but whose parent it has
  // ("0431" when only "043" is listed) gets the parent's entry; codes of the
  // PETRARCH dictionaries outside CAMEO ("903", "174K") give nullptr.
  const CameoCode* Find(std::string_view code) const;

  size_t size() const { return codes_.size(); }

 private:
  absl::flat_hash_map<std::string, CameoCode> codes_;
};

}  // namespace dossier::entity::events

#endif  // DOSSIER_SERVICES_ENTITY_EVENTS_CAMEO_CODES_H_
