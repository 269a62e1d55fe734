#ifndef DOSSIER_CLIENTS_CLI_ARGS_H_
#define DOSSIER_CLIENTS_CLI_ARGS_H_

// Command-line parsing for the `dossier` CLI: long flags (--name=value,
// --name value, --bool, --bool=false), positional arguments, "--" to end
// flags, "-" as a positional (stdin), -h/--help. Abseil flags is not used:
// it has no notion of subcommands with flags of their own.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/common/client.h"

namespace dossier::cli {

enum class FlagKind {
  kBool,      // --json, --json=true, --json=false
  kValue,     // --limit 5, --limit=5; the last one wins
  kRepeated,  // --entity a --entity b: every value is kept, in order
};

// One flag a command accepts. `name` is without the leading "--".
struct FlagSpec {
  std::string name;
  FlagKind kind = FlagKind::kValue;
  std::string value_name;  // shown in usage, e.g. "N", "DATE"
  std::string help;
};

// The result of ParseArgs. Values are kept as strings; commands convert them.
class ParsedArgs {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given for `name`, or `fallback` when absent.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value given for `name`, in order (empty when absent).
  std::vector<std::string> GetAll(const std::string& name) const;
  // True when a bool flag was given without "=false".
  bool GetBool(const std::string& name) const;
  // The names of the flags that were given.
  std::vector<std::string> FlagNames() const;

  const std::vector<std::string>& positionals() const { return positionals_; }
  std::vector<std::string>& mutable_positionals() { return positionals_; }
  bool help() const { return help_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>&, const std::vector<FlagSpec>&);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

// Parses `args` (without the program name) against `specs`. Errors
// (INVALID_ARGUMENT) for an unknown flag, a value flag without a value, a
// bad bool value, or a short flag other than -h.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs);

// Index in `args` of the command word: the first positional that is not the
// value of one of `global_specs`. -1 when there is none.
int FindCommandIndex(const std::vector<std::string>& args, const std::vector<FlagSpec>& global_specs);

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Options every command shares.
struct GlobalOptions {
  std::string ingest_addr = "localhost:50051";
  std::string entity_addr = "localhost:50052";
  std::string query_addr = "localhost:50053";
  std::chrono::milliseconds timeout{30000};
  bool timeout_set = false;  // --timeout was given explicitly
  bool json = false;
  // TLS and token for every call (--tls_ca, --tls_cert, --tls_key,
  // --tls_server_name, --auth_token, --auth_token_file); default plaintext.
  ClientSecurity security;
};

// The global flags: --ingest_addr, --entity_addr, --query_addr, --timeout,
// --json, and the security flags --tls_ca, --tls_cert, --tls_key,
// --tls_server_name, --auth_token, --auth_token_file.
const std::vector<FlagSpec>& GlobalFlagSpecs();

// Global options from parsed flags; an address flag that is absent falls
// back to DOSSIER_<NAME> (e.g. DOSSIER_QUERY_ADDR) when set and non-empty,
// then to the default; the security flags likewise fall back to
// DOSSIER_TLS_CA, DOSSIER_AUTH_TOKEN, ... and their files are read here.
// INVALID_ARGUMENT for a --timeout that is not a positive number of seconds,
// an empty address, or a bad security flag (a file that cannot be read, see
// LoadClientSecurity).
absl::StatusOr<GlobalOptions> ResolveGlobalOptions(const ParsedArgs& args, const EnvLookup& env);

// Parses a positive integer flag value (e.g. --limit). INVALID_ARGUMENT
// naming the flag when it is not an integer in [1, max].
absl::StatusOr<int> ParsePositiveInt(const std::string& flag, const std::string& value, int max);

}  // namespace dossier::cli

#endif  // DOSSIER_CLIENTS_CLI_ARGS_H_
