#include "libs/common/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dossier {

std::string EncodePageToken(std::string_view scope, uint64_t fingerprint, int64_t offset) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", absl::string_view(scope.data(), scope.size()), ":",
                                                absl::Hex(fingerprint), ":", offset));
}

absl::StatusOr<int64_t> DecodePageToken(std::string_view token, std::string_view scope,
                                        uint64_t fingerprint) {
  if (token.empty()) return 0;
  const auto invalid = [] {
    return absl::InvalidArgumentError(
        "page_token is not valid: pass the next_page_token of the previous response unchanged, "
        "with the same filters");
  };
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw)) return invalid();
  std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  if (parts.size() != 4 || parts[0] != "v1" || parts[1] != absl::string_view(scope.data(), scope.size()))
    return invalid();
  uint64_t fp = 0;
  int64_t offset = 0;
  if (!absl::SimpleHexAtoi(parts[2], &fp) || fp != fingerprint) return invalid();
  if (!absl::SimpleAtoi(parts[3], &offset) || offset < 0) return invalid();
  return offset;
}

int ClampPageSize(int requested, int default_size, int max_size) {
  if (requested <= 0) return default_size;
  return requested > max_size ? max_size : requested;
}

}  // namespace dossier
