#include "clients/cli/files.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dossier::cli {
namespace fs = std::filesystem;

namespace {

// A folder's own documentation (README.md next to the articles), not an
// article: README, LICENSE, NOTICE, COPYING with any extension.
bool IsFolderDocumentation(const fs::path& path) {
  std::string stem = absl::AsciiStrToUpper(path.stem().string());
  return stem == "README" || stem == "LICENSE" || stem == "NOTICE" || stem == "COPYING";
}

bool IsHidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// A key that identifies a file however it was named.
std::string FileKey(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal().string() : canonical.string();
}

}  // namespace

InputKind KindForPath(const std::string& path) {
  std::string ext = absl::AsciiStrToLower(fs::path(path).extension().string());
  if (ext == ".txt" || ext == ".text" || ext == ".md") return InputKind::kText;
  if (ext == ".html" || ext == ".htm") return InputKind::kHtml;
  return InputKind::kGuess;
}

absl::StatusOr<Discovery> DiscoverFiles(const std::vector<std::string>& paths) {
  Discovery discovery;
  std::set<std::string> seen;
  auto add = [&](const fs::path& path, InputKind kind) {
    if (seen.insert(FileKey(path)).second) discovery.files.push_back({path.string(), kind});
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return absl::NotFoundError(absl::StrCat("no such file or folder: ", path));
    }
    if (fs::is_regular_file(status)) {
      add(path, KindForPath(path));
      continue;
    }
    if (!fs::is_directory(status)) {
      return absl::InvalidArgumentError(absl::StrCat(path, " is neither a file nor a folder"));
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot read folder ", path, ": ", ec.message()));
    for (; it != end; it.increment(ec)) {
      if (ec)
        return absl::PermissionDeniedError(absl::StrCat("cannot read folder ", path, ": ", ec.message()));
      if (IsHidden(it->path())) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    for (const fs::path& file : found) {
      InputKind kind = KindForPath(file.string());
      if (kind == InputKind::kGuess || IsFolderDocumentation(file)) {
        discovery.skipped.push_back(file.string());
      } else {
        add(file, kind);
      }
    }
  }
  return discovery;
}

}  // namespace dossier::cli
