#ifndef DOSSIER_LIBS_COMMON_PAGE_TOKEN_H_
#define DOSSIER_LIBS_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dossier {

// Opaque page tokens: an offset into a result list, bound to the kind of
// list (`scope`, e.g. "search") and a fingerprint of the request's filters,
// so a token from one request is rejected by another.
std::string EncodePageToken(std::string_view scope, uint64_t fingerprint, int64_t offset);

// The offset in `token`, 0 for an empty token. INVALID_ARGUMENT when the
// token is malformed or was made for another list or other filters.
absl::StatusOr<int64_t> DecodePageToken(std::string_view token, std::string_view scope, uint64_t fingerprint);

// Clamps a requested page size: 0 or less gives `default_size`, more than
// `max_size` gives `max_size`.
int ClampPageSize(int requested, int default_size, int max_size);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_PAGE_TOKEN_H_
