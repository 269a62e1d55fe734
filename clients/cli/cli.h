#ifndef DOSSIER_CLIENTS_CLI_CLI_H_
#define DOSSIER_CLIENTS_CLI_CLI_H_

// The `dossier` command as a function, so that tests can run it in-process.

#include <iosfwd>
#include <string>
#include <vector>

#include "clients/cli/args.h"

namespace dossier::cli {

// What the CLI knows about where it writes.
struct Terminal {
  bool stdout_tty = false;
  bool stderr_tty = false;
  // Columns of stdout: the terminal's width, or 100 when not a terminal.
  int width = 100;
  // ANSI bold for search matches (stdout is a terminal and NO_COLOR unset).
  bool color = false;
};

struct Io {
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  Terminal terminal;
  EnvLookup env;  // may be empty: no environment
};

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // an RPC failed, a document was rejected, a service is not serving
inline constexpr int kExitUsage = 2;    // unknown command, bad flag or argument

// Runs `dossier <args...>` (args without the program name) and returns the
// exit code. Results go to io.out, messages and progress to io.err.
int Run(const std::vector<std::string>& args, const Io& io);

// The terminal as seen by the current process (isatty, TIOCGWINSZ, NO_COLOR).
Terminal DetectTerminal();

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_CLI_H_
