#include "clients/cli/args.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/flags.h"

namespace dossier::cli {
namespace {

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const auto& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool IsLongFlag(const std::string& arg) { return arg.size() > 2 && arg[0] == '-' && arg[1] == '-'; }

}  // namespace

std::string ParsedArgs::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

bool ParsedArgs::GetBool(const std::string& name) const { return Get(name, "false") == "true"; }

std::vector<std::string> ParsedArgs::FlagNames() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : values_) names.push_back(name);
  return names;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || arg == "-" || arg.empty() || arg[0] != '-') {
      parsed.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      parsed.help_ = true;
      continue;
    }
    if (!IsLongFlag(arg)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", arg, " (flags are long: --name=value or --name value)"));
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (spec->kind == FlagKind::kBool) {
      std::string v = value ? absl::AsciiStrToLower(*value) : "true";
      if (v == "1" || v == "yes") v = "true";
      if (v == "0" || v == "no") v = "false";
      if (v != "true" && v != "false") {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value or =true/=false, not \"", *value, "\""));
      }
      parsed.values_[name].push_back(v);
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value: --", name, "=",
                         spec->value_name.empty() ? "VALUE" : spec->value_name));
      }
      value = args[++i];
    }
    parsed.values_[name].push_back(*value);
  }
  return parsed;
}

int FindCommandIndex(const std::vector<std::string>& args, const std::vector<FlagSpec>& global_specs) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return i + 1 < args.size() ? static_cast<int>(i + 1) : -1;
    if (IsLongFlag(arg)) {
      if (arg.find('=') != std::string::npos) continue;
      const FlagSpec* spec = FindSpec(global_specs, arg.substr(2));
      if (spec != nullptr && spec->kind != FlagKind::kBool) ++i;  // skip its value
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') continue;  // -h and friends
    return static_cast<int>(i);
  }
  return -1;
}

const std::vector<FlagSpec>& GlobalFlagSpecs() {
  static const auto* specs = new std::vector<FlagSpec>{
      {"ingest_addr", FlagKind::kValue, "HOST:PORT",
       "ingest service address (env DOSSIER_INGEST_ADDR, default localhost:50051)"},
      {"entity_addr", FlagKind::kValue, "HOST:PORT",
       "entity service address (env DOSSIER_ENTITY_ADDR, default localhost:50052)"},
      {"query_addr", FlagKind::kValue, "HOST:PORT",
       "query service address (env DOSSIER_QUERY_ADDR, default localhost:50053)"},
      {"timeout", FlagKind::kValue, "SECONDS",
       "deadline of each call (default 30; `health` 5, a whole `events` export 600)"},
      {"json", FlagKind::kBool, "", "machine output: JSON on stdout (see `dossier help`)"},
      {"tls_ca", FlagKind::kValue, "FILE",
       "use TLS and verify the services' certificates against this CA (env DOSSIER_TLS_CA)"},
      {"tls_cert", FlagKind::kValue, "FILE",
       "client certificate, for services that require one (mutual TLS; with --tls_key and --tls_ca; env "
       "DOSSIER_TLS_CERT)"},
      {"tls_key", FlagKind::kValue, "FILE", "private key of --tls_cert (env DOSSIER_TLS_KEY)"},
      {"tls_server_name", FlagKind::kValue, "NAME",
       "name expected in the services' certificates instead of the address's host, e.g. through a "
       "port-forward (env DOSSIER_TLS_SERVER_NAME)"},
      {"auth_token", FlagKind::kValue, "TOKEN",
       "shared token sent as 'authorization: Bearer TOKEN' (env DOSSIER_AUTH_TOKEN; a flag is visible in "
       "`ps`, prefer the environment or --auth_token_file)"},
      {"auth_token_file", FlagKind::kValue, "FILE",
       "file holding the token (env DOSSIER_AUTH_TOKEN_FILE); set it or --auth_token, not both"},
  };
  return *specs;
}

absl::StatusOr<GlobalOptions> ResolveGlobalOptions(const ParsedArgs& args, const EnvLookup& env) {
  GlobalOptions options;
  struct Address {
    const char* flag;
    const char* env;
    std::string* target;
  };
  for (const Address& a : {Address{"ingest_addr", "DOSSIER_INGEST_ADDR", &options.ingest_addr},
                           Address{"entity_addr", "DOSSIER_ENTITY_ADDR", &options.entity_addr},
                           Address{"query_addr", "DOSSIER_QUERY_ADDR", &options.query_addr}}) {
    if (args.Has(a.flag)) {
      *a.target = args.Get(a.flag);
      if (a.target->empty()) {
        return absl::InvalidArgumentError(absl::StrCat("--", a.flag, " is empty; give HOST:PORT"));
      }
    } else if (env) {
      std::optional<std::string> from_env = env(a.env);
      if (from_env && !from_env->empty()) *a.target = *from_env;
    }
  }
  if (args.Has("timeout")) {
    double seconds = 0;
    if (!absl::SimpleAtod(args.Get("timeout"), &seconds) || !(seconds > 0) || !std::isfinite(seconds) ||
        seconds > 24 * 3600) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout=", args.Get("timeout"), " is not a positive number of seconds (e.g. --timeout=5)"));
    }
    options.timeout = std::chrono::milliseconds(std::max<int64_t>(1, std::llround(seconds * 1000)));
    options.timeout_set = true;
  }
  options.json = args.GetBool("json");

  ClientSecurityFlags security;
  for (const auto& [flag, target] : {std::pair<const char*, std::string*>{"tls_ca", &security.tls_ca},
                                     {"tls_cert", &security.tls_cert},
                                     {"tls_key", &security.tls_key},
                                     {"tls_server_name", &security.tls_server_name},
                                     {"auth_token", &security.auth_token},
                                     {"auth_token_file", &security.auth_token_file}}) {
    if (args.Has(flag)) {
      *target = args.Get(flag);
    } else if (env) {
      std::optional<std::string> from_env = env(FlagEnvName(flag));
      if (from_env) *target = *from_env;
    }
  }
  absl::StatusOr<ClientSecurity> loaded = LoadClientSecurity(security);
  if (!loaded.ok()) return loaded.status();
  options.security = *std::move(loaded);
  return options;
}

absl::StatusOr<int> ParsePositiveInt(const std::string& flag, const std::string& value, int max) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < 1 || n > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", value, " is not a whole number between 1 and ", max));
  }
  return n;
}

}  // namespace dossier::cli
