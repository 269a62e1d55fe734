#include "libs/common/security.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class SecurityFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp ? tmp : "/tmp") + "/dossier-security-XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }
  std::string dir_;
};

TEST_F(SecurityFlagsTest, TokenFromFlag) {
  auto token = LoadAuthToken("s3cret", "");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "s3cret");
  EXPECT_EQ(*LoadAuthToken("", ""), "");
}

TEST_F(SecurityFlagsTest, TokenFileIsTrimmedAsKubernetesSecretsAreMounted) {
  auto token = LoadAuthToken("", Write("token", "s3cret\n"));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "s3cret");
  EXPECT_EQ(*LoadAuthToken("", Write("crlf", "  abc.def\r\n")), "abc.def");
}

TEST_F(SecurityFlagsTest, BadTokenConfigurationNamesTheFlag) {
  auto both = LoadAuthToken("x", Write("token", "y"));
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(both.status().message()),
              HasSubstr("only one of --auth_token and --auth_token_file"));

  auto missing = LoadAuthToken("", dir_ + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()),
              StartsWith("--auth_token_file=" + dir_ + "/nope: cannot read"));

  auto empty = LoadAuthToken("", Write("empty", "\n"));
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("the file is empty"));

  auto spaces = LoadAuthToken("two words", "");
  EXPECT_THAT(std::string(spaces.status().message()),
              StartsWith("--auth_token: the token may only hold printable ASCII"));
}

TEST_F(SecurityFlagsTest, ReadPemFile) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  auto ok = ReadPemFile("tls_cert", Write("cert.pem", pem));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, pem);

  auto missing = ReadPemFile("tls_cert", "/nonexistent/cert.pem");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            "--tls_cert=/nonexistent/cert.pem: cannot read: No such file or directory");

  auto not_pem = ReadPemFile("tls_key", Write("key.txt", "hello"));
  EXPECT_THAT(std::string(not_pem.status().message()), HasSubstr("--tls_key="));
  EXPECT_THAT(std::string(not_pem.status().message()), HasSubstr("not a PEM file"));
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0", 2), "a"));
}

TEST(CheckBearerTokenTest, SaysWhatIsMissingOrWrong) {
  absl::Status missing = CheckBearerToken(std::nullopt, "tok");
  EXPECT_EQ(missing.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(missing.message(), "missing authorization metadata: send 'authorization: Bearer <token>'");

  absl::Status basic = CheckBearerToken("Basic dXNlcjpwYXNz", "tok");
  EXPECT_EQ(basic.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(basic.message()), StartsWith("authorization metadata is not a bearer token"));

  absl::Status wrong = CheckBearerToken("Bearer nope", "tok");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), "invalid bearer token");
  EXPECT_EQ(CheckBearerToken("Bearer tok2", "tok").message(), "invalid bearer token");
  EXPECT_EQ(CheckBearerToken("Bearer ", "tok").message(), "invalid bearer token");

  EXPECT_TRUE(CheckBearerToken("Bearer tok", "tok").ok());
  EXPECT_TRUE(CheckBearerToken("bearer tok", "tok").ok());  // the scheme is case-insensitive
}

}  // namespace
}  // namespace dossier
