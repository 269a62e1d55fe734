#ifndef DOSSIER_CLIENTS_CLI_FILES_H_
#define DOSSIER_CLIENTS_CLI_FILES_H_

// Which files `dossier ingest PATH...` sends, and how each is to be read.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dossier::cli {

enum class InputKind {
  kText,   // .txt .text .md
  kHtml,   // .html .htm
  kGuess,  // another extension, named explicitly: the server guesses
};

struct InputFile {
  std::string path;
  InputKind kind = InputKind::kGuess;
};

struct Discovery {
  // Files to ingest: explicit files in the order given, then each folder's
  // files sorted by path. A file reached twice is listed once.
  std::vector<InputFile> files;
  // Files inside folders skipped for their extension or their name (not
  // hidden ones).
  std::vector<std::string> skipped;
};

// The kind a file name's extension (case-insensitive) implies: kText,
// kHtml, or kGuess for anything else.
InputKind KindForPath(const std::string& path);

// Expands `paths`: a file is taken whatever its extension; a folder is walked
// recursively, taking .txt .text .md .html .htm files, skipping other files
// and the folder's own documentation (README, LICENSE, NOTICE, COPYING with
// any extension), both listed in `skipped`, and hidden files and folders
// (names starting with '.'), not listed. NOT_FOUND for a path that does not exist; INVALID_ARGUMENT for one
// that is neither a file nor a folder.
absl::StatusOr<Discovery> DiscoverFiles(const std::vector<std::string>& paths);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_FILES_H_
