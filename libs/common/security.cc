#include "libs/common/security.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dossier {
namespace {

absl::StatusOr<std::string> ReadFlagFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", path, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": cannot read"));
  return ss.str();
}

}  // namespace

absl::StatusOr<std::string> ReadPemFile(const std::string& flag, const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFlagFile(flag, path);
  if (!pem.ok()) return pem.status();
  if (pem->find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", path, ": not a PEM file (no \"-----BEGIN\" line)"));
  }
  return pem;
}

absl::Status ReadKeyPair(const std::string& cert_path, const std::string& key_path, std::string* cert_pem,
                         std::string* key_pem) {
  absl::StatusOr<std::string> cert = ReadPemFile("tls_cert", cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile("tls_key", key_path);
  if (!key.ok()) return key.status();
  *cert_pem = *std::move(cert);
  *key_pem = *std::move(key);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LoadAuthToken(const std::string& token, const std::string& token_file) {
  if (!token.empty() && !token_file.empty()) {
    return absl::InvalidArgumentError("set only one of --auth_token and --auth_token_file");
  }
  std::string value;
  std::string source = "--auth_token";
  if (!token_file.empty()) {
    absl::StatusOr<std::string> contents = ReadFlagFile("auth_token_file", token_file);
    if (!contents.ok()) return contents.status();
    value = std::string(absl::StripAsciiWhitespace(*contents));
    source = absl::StrCat("--auth_token_file=", token_file);
    if (value.empty()) return absl::InvalidArgumentError(source + ": the file is empty");
  } else {
    value = token;
  }
  for (char c : value) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the token may only hold printable ASCII characters without spaces"));
    }
  }
  return value;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  const size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

absl::Status CheckBearerToken(std::optional<std::string_view> authorization, std::string_view token) {
  if (!authorization.has_value() || authorization->empty()) {
    return absl::UnauthenticatedError("missing authorization metadata: send 'authorization: Bearer <token>'");
  }
  std::string_view value = *authorization;
  // The scheme is case-insensitive (RFC 7235).
  const absl::string_view scheme(value.data(), std::min<size_t>(value.size(), 7));
  if (!absl::EqualsIgnoreCase(scheme, kBearerPrefix)) {
    return absl::UnauthenticatedError(
        "authorization metadata is not a bearer token: send 'authorization: Bearer <token>'");
  }
  value.remove_prefix(7);
  const absl::string_view presented =
      absl::StripAsciiWhitespace(absl::string_view(value.data(), value.size()));
  if (!ConstantTimeEquals(std::string_view(presented.data(), presented.size()), token)) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  return absl::OkStatus();
}

}  // namespace dossier
