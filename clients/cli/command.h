#ifndef DOSSIER_CLIENTS_CLI_COMMAND_H_
#define DOSSIER_CLIENTS_CLI_COMMAND_H_

// What every command handler gets, and the shared error reporting. Internal
// to the CLI.

#include <string>

#include "absl/status/status.h"
#include "clients/cli/args.h"
#include "clients/cli/cli.h"

namespace dossier::cli {

enum class Service { kIngest, kEntity, kQuery };

struct ServiceInfo {
  const char* short_name;   // "ingest"
  const char* binary;       // "dossier-ingest"
  const char* flag;         // "ingest_addr"
  const char* env;          // "DOSSIER_INGEST_ADDR"
  const char* health_name;  // "dossier.ingest.v1.IngestService"
};
const ServiceInfo& InfoOf(Service service);

struct CommandContext {
  const ParsedArgs& args;
  const GlobalOptions& options;
  const Io& io;
  std::ostream& out() const { return *io.out; }
  std::ostream& err() const { return *io.err; }
  int width() const { return io.terminal.width; }
  std::string AddressOf(Service service) const;
};

// "error: CODE: message" on stderr, plus a hint for UNAVAILABLE (is the
// service running at the address? which flag/env var sets it) and
// DEADLINE_EXCEEDED (--timeout). Returns kExitFailure.
int ReportRpcError(const CommandContext& ctx, Service service, const absl::Status& status);

// The hint line(s) ReportRpcError prints for `status`, or "".
std::string RpcErrorHint(Service service, const std::string& address, const absl::Status& status,
                         const GlobalOptions& options);

// "error: message" on stderr, then "run 'dossier <command> --help' ...";
// returns kExitUsage.
int ReportUsageError(const CommandContext& ctx, const std::string& command, const std::string& message);

// Command handlers (commands.cc, ingest_command.cc).
int IngestCommand(const CommandContext& ctx);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_COMMAND_H_
