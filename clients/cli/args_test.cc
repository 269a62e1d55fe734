#include "clients/cli/args.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<FlagSpec> kSpecs = {
    {"limit", FlagKind::kValue, "N", ""},
    {"entity", FlagKind::kRepeated, "ID", ""},
    {"json", FlagKind::kBool, "", ""},
};

TEST(ParseArgsTest, ValuesWithEqualsOrSpaceAndPositionals) {
  auto parsed =
      ParseArgs({"terrorism", "--limit=5", "--entity", "country:RUS", "--entity=org:SCO", "more"}, kSpecs);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("limit"), "5");
  EXPECT_THAT(parsed->GetAll("entity"), ElementsAre("country:RUS", "org:SCO"));
  EXPECT_THAT(parsed->positionals(), ElementsAre("terrorism", "more"));
  EXPECT_FALSE(parsed->help());
}

TEST(ParseArgsTest, LastValueWinsAndAbsentFlagsFallBack) {
  auto parsed = ParseArgs({"--limit", "5", "--limit", "7"}, kSpecs);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Get("limit"), "7");
  EXPECT_FALSE(parsed->Has("entity"));
  EXPECT_EQ(parsed->Get("entity", "none"), "none");
  EXPECT_TRUE(parsed->GetAll("entity").empty());
}

TEST(ParseArgsTest, BoolFlags) {
  auto on = ParseArgs({"--json"}, kSpecs);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->GetBool("json"));
  auto off = ParseArgs({"--json", "--json=false"}, kSpecs);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->GetBool("json"));
  // A bool flag does not swallow the next word.
  auto next = ParseArgs({"--json", "word"}, kSpecs);
  ASSERT_TRUE(next.ok());
  EXPECT_THAT(next->positionals(), ElementsAre("word"));
  auto bad = ParseArgs({"--json=maybe"}, kSpecs);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseArgsTest, DashIsPositionalAndDoubleDashEndsFlags) {
  auto parsed = ParseArgs({"-", "--", "--limit", "-x"}, kSpecs);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->positionals(), ElementsAre("-", "--limit", "-x"));
  EXPECT_FALSE(parsed->Has("limit"));
}

TEST(ParseArgsTest, Help) {
  EXPECT_TRUE(ParseArgs({"-h"}, kSpecs)->help());
  EXPECT_TRUE(ParseArgs({"x", "--help"}, kSpecs)->help());
}

TEST(ParseArgsTest, Errors) {
  auto unknown = ParseArgs({"--nope=1"}, kSpecs);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown flag --nope"));
  auto missing = ParseArgs({"--limit"}, kSpecs);
  EXPECT_THAT(missing.status().message(), HasSubstr("--limit needs a value: --limit=N"));
  auto short_flag = ParseArgs({"-l", "5"}, kSpecs);
  EXPECT_THAT(short_flag.status().message(), HasSubstr("unknown flag -l"));
}

TEST(FindCommandIndexTest, SkipsGlobalFlagsAndTheirValues) {
  const auto& globals = GlobalFlagSpecs();
  EXPECT_EQ(FindCommandIndex({"search", "x"}, globals), 0);
  EXPECT_EQ(FindCommandIndex({"--query_addr", "h:1", "search"}, globals), 2);
  EXPECT_EQ(FindCommandIndex({"--query_addr=h:1", "--json", "docs"}, globals), 2);
  EXPECT_EQ(FindCommandIndex({"--json", "-h"}, globals), -1);
  EXPECT_EQ(FindCommandIndex({}, globals), -1);
}

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

GlobalOptions Resolve(const std::vector<std::string>& args, const EnvLookup& env) {
  auto parsed = ParseArgs(args, GlobalFlagSpecs());
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  auto options = ResolveGlobalOptions(*parsed, env);
  EXPECT_TRUE(options.ok()) << options.status();
  return options.value_or(GlobalOptions{});
}

TEST(ResolveGlobalOptionsTest, Defaults) {
  GlobalOptions options = Resolve({}, FakeEnv({}));
  EXPECT_EQ(options.ingest_addr, "localhost:50051");
  EXPECT_EQ(options.entity_addr, "localhost:50052");
  EXPECT_EQ(options.query_addr, "localhost:50053");
  EXPECT_EQ(options.timeout, std::chrono::seconds(30));
  EXPECT_FALSE(options.timeout_set);
  EXPECT_FALSE(options.json);
}

TEST(ResolveGlobalOptionsTest, EnvironmentFillsAddressesTheFlagsLeaveOut) {
  auto env = FakeEnv({{"DOSSIER_INGEST_ADDR", "ingest.example:1"},
                      {"DOSSIER_ENTITY_ADDR", ""},  // empty: ignored
                      {"DOSSIER_QUERY_ADDR", "query.example:3"}});
  GlobalOptions options = Resolve({"--query_addr=flag:9", "--json"}, env);
  EXPECT_EQ(options.ingest_addr, "ingest.example:1");
  EXPECT_EQ(options.entity_addr, "localhost:50052");
  EXPECT_EQ(options.query_addr, "flag:9");  // the flag wins over the environment
  EXPECT_TRUE(options.json);
  // No environment at all is fine too.
  EXPECT_EQ(Resolve({}, nullptr).query_addr, "localhost:50053");
}

TEST(ResolveGlobalOptionsTest, Timeout) {
  GlobalOptions options = Resolve({"--timeout=2.5"}, nullptr);
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(options.timeout_set);
  for (const char* bad : {"0", "-1", "soon", "nan"}) {
    auto parsed = ParseArgs({std::string("--timeout=") + bad}, GlobalFlagSpecs());
    ASSERT_TRUE(parsed.ok());
    auto result = ResolveGlobalOptions(*parsed, nullptr);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(result.status().message(), HasSubstr("positive number of seconds")) << bad;
  }
}

TEST(ResolveGlobalOptionsTest, EmptyAddressFlagIsAnError) {
  auto parsed = ParseArgs({"--ingest_addr="}, GlobalFlagSpecs());
  ASSERT_TRUE(parsed.ok());
  EXPECT_THAT(ResolveGlobalOptions(*parsed, nullptr).status().message(), HasSubstr("--ingest_addr is empty"));
}

TEST(ResolveGlobalOptionsTest, SecurityFlagsAndEnvironment) {
  EXPECT_FALSE(Resolve({}, nullptr).security.tls());
  EXPECT_EQ(Resolve({}, nullptr).security.auth_token, "");
  EXPECT_EQ(Resolve({"--auth_token=abc"}, nullptr).security.auth_token, "abc");
  auto env = FakeEnv({{"DOSSIER_AUTH_TOKEN", "from-env"}});
  EXPECT_EQ(Resolve({}, env).security.auth_token, "from-env");
  EXPECT_EQ(Resolve({"--auth_token", "flag"}, env).security.auth_token, "flag");  // the flag wins
  // The security flags take values, so the command after them is found.
  EXPECT_EQ(FindCommandIndex({"--tls_ca", "ca.pem", "--auth_token", "t", "health"}, GlobalFlagSpecs()), 4);
}

TEST(ResolveGlobalOptionsTest, BadSecurityFlagsNameTheFlag) {
  auto resolve_error = [](const std::vector<std::string>& args, const EnvLookup& env) {
    auto parsed = ParseArgs(args, GlobalFlagSpecs());
    EXPECT_TRUE(parsed.ok());
    auto result = ResolveGlobalOptions(*parsed, env);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(result.status().message());
  };
  EXPECT_THAT(resolve_error({"--tls_ca=/nonexistent/ca.pem"}, nullptr),
              HasSubstr("--tls_ca=/nonexistent/ca.pem: cannot read"));
  EXPECT_THAT(resolve_error({}, FakeEnv({{"DOSSIER_TLS_CA", "/nonexistent/ca.pem"}})),
              HasSubstr("--tls_ca=/nonexistent/ca.pem: cannot read"));
  EXPECT_THAT(resolve_error({"--tls_cert=c.pem"}, nullptr),
              HasSubstr("--tls_cert is set but --tls_key is not"));
  EXPECT_THAT(resolve_error({"--auth_token=a", "--auth_token_file=/f"}, nullptr),
              HasSubstr("only one of --auth_token and --auth_token_file"));
}

TEST(ParsePositiveIntTest, Bounds) {
  EXPECT_EQ(*ParsePositiveInt("limit", "20", 100), 20);
  EXPECT_FALSE(ParsePositiveInt("limit", "0", 100).ok());
  EXPECT_FALSE(ParsePositiveInt("limit", "101", 100).ok());
  EXPECT_FALSE(ParsePositiveInt("limit", "ten", 100).ok());
  EXPECT_THAT(ParsePositiveInt("limit", "x", 100).status().message(),
              HasSubstr("--limit=x is not a whole number between 1 and 100"));
}

}  // namespace
}  // namespace dossier::cli
