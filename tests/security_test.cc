// TLS, mutual TLS and the shared bearer token, against the real binaries.
// The certificates are made at test time with the openssl command: a CA, a
// certificate for localhost/127.0.0.1 (server and client use), a client
// certificate, and an unrelated CA with a client certificate of its own for
// the "wrong certificate" cases.
#include <grpcpp/generic/generic_stub.h>

#include <fstream>
#include <future>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "s3cret-token.for_tests";

void WriteFile(const std::string& path, const std::string& contents) { std::ofstream(path) << contents; }

// Runs openssl with `args`; an error with its output when it fails.
absl::Status OpenSsl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env", "openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::CommandResult r = testing::RunCommand(argv, {}, std::chrono::seconds(60));
  if (r.exit_code != 0) {
    return absl::InternalError(absl::StrCat("openssl ", args[0], " failed (exit ", r.exit_code,
                                            "; is the openssl package installed?): ", r.err));
  }
  return absl::OkStatus();
}

// The throwaway PKI, made once per test program.
struct Pki {
  std::string dir;
  std::string ca, other_ca;             // CA certificates
  std::string cert, key;                // localhost / 127.0.0.1 / dossier.test, server and client use
  std::string client_cert, client_key;  // signed by ca
  std::string other_client_cert, other_client_key;  // signed by other_ca

  absl::Status Make() {
    dir = testing::MakeTempDir("dossier-pki");
    auto path = [this](const std::string& name) { return dir + "/" + name; };
    WriteFile(path("req.cnf"), "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ignored\n");
    WriteFile(path("ca.ext"),
              "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
              "subjectKeyIdentifier = hash\n");
    WriteFile(path("service.ext"),
              "basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,keyEncipherment\n"
              "extendedKeyUsage = serverAuth,clientAuth\n"
              "subjectAltName = DNS:localhost,IP:127.0.0.1,DNS:dossier.test\n");
    WriteFile(
        path("client.ext"),
        "basicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n");
    int serial = 1;
    auto make_ca = [&](const std::string& name, const std::string& cn) -> absl::Status {
      if (auto st = OpenSsl({"req", "-new", "-config", path("req.cnf"), "-subj", "/CN=" + cn, "-newkey", "ec",
                             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                             path(name + ".key"), "-out", path(name + ".csr")});
          !st.ok()) {
        return st;
      }
      return OpenSsl({"x509", "-req", "-in", path(name + ".csr"), "-signkey", path(name + ".key"), "-days",
                      "2", "-set_serial", std::to_string(serial++), "-extfile", path("ca.ext"), "-out",
                      path(name + ".pem")});
    };
    auto make_leaf = [&](const std::string& name, const std::string& cn, const std::string& ca_name,
                         const std::string& ext) -> absl::Status {
      if (auto st = OpenSsl({"req", "-new", "-config", path("req.cnf"), "-subj", "/CN=" + cn, "-newkey", "ec",
                             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                             path(name + ".key"), "-out", path(name + ".csr")});
          !st.ok()) {
        return st;
      }
      return OpenSsl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path(ca_name + ".pem"), "-CAkey",
                      path(ca_name + ".key"), "-days", "2", "-set_serial", std::to_string(serial++),
                      "-extfile", path(ext), "-out", path(name + ".pem")});
    };
    for (const absl::Status& st : {make_ca("ca", "Dossier Test CA"), make_ca("other-ca", "Unrelated Test CA"),
                                   make_leaf("service", "localhost", "ca", "service.ext"),
                                   make_leaf("client", "dossier-cli", "ca", "client.ext"),
                                   make_leaf("other-client", "intruder", "other-ca", "client.ext")}) {
      if (!st.ok()) return st;
    }
    ca = path("ca.pem");
    other_ca = path("other-ca.pem");
    cert = path("service.pem");
    key = path("service.key");
    client_cert = path("client.pem");
    client_key = path("client.key");
    other_client_cert = path("other-client.pem");
    other_client_key = path("other-client.key");
    return absl::OkStatus();
  }
};

ClientSecurity Security(const ClientSecurityFlags& flags) {
  absl::StatusOr<ClientSecurity> security = LoadClientSecurity(flags);
  EXPECT_TRUE(security.ok()) << security.status();
  return security.value_or(ClientSecurity{});
}

// One Search on the query service; OK on an empty index.
absl::Status Search(const std::string& address, const ClientSecurity& security) {
  QueryClient query(address, std::chrono::seconds(10), security);
  query::v1::SearchRequest request;
  request.set_query("treaty");
  return query.Search(request).status();
}

// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with one
// request, list_services: "" (field 7, empty string). The method is
// bidirectional streaming; one message each way is what a unary call sends.
grpc::Status ListServicesByReflection(const std::string& address, const ClientSecurity& security,
                                      std::string* answer) {
  grpc::GenericStub stub(MakeChannel(address, security));
  grpc::ClientContext context;
  PrepareContext(&context, std::chrono::seconds(10), security.auth_token);
  const char request_bytes[] = {0x3a, 0x00};
  grpc::Slice slice(request_bytes, sizeof(request_bytes));
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  std::vector<grpc::Slice> slices;
  if (status.ok() && response.Dump(&slices).ok()) {
    for (const auto& s : slices) answer->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return status;
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    setup_ = new absl::Status(pki_->Make());
  }
  static void TearDownTestSuite() {
    testing::RemoveTree(pki_->dir);
    delete pki_;
    delete setup_;
  }
  void SetUp() override { ASSERT_TRUE(setup_->ok()) << *setup_; }

  // A query service with `args`, its health polled with `health`.
  std::unique_ptr<testing::ServiceProcess> StartQuery(const std::vector<std::string>& args,
                                                      const ClientSecurity& health = {}) {
    data_dir_ = testing::MakeTempDir("dossier-sec");
    std::vector<std::string> all = {"--data_dir=" + data_dir_};
    all.insert(all.end(), args.begin(), args.end());
    auto query =
        std::make_unique<testing::ServiceProcess>("dossier-query", "dossier.query.v1.QueryService", all);
    query->SetClientSecurity(health);
    absl::Status started = query->Start();
    EXPECT_TRUE(started.ok()) << started;
    return query;
  }
  void TearDown() override { testing::RemoveTree(data_dir_); }
  // These run the same on either storage backend: once (on SQLite) is enough.
  static bool SkipOnPostgres() { return testing::UsePostgres(); }

  static Pki* pki_;
  static absl::Status* setup_;
  std::string data_dir_;
};
Pki* SecurityTest::pki_ = nullptr;
absl::Status* SecurityTest::setup_ = nullptr;

TEST_F(SecurityTest, TokenIsRequiredForEverythingButHealth) {
  if (SkipOnPostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  const std::string token_file = data_dir_ + "-token";
  WriteFile(token_file, std::string(kToken) + "\n");  // as a Kubernetes secret is mounted
  // Start() polls health without a token: health is open.
  auto query = StartQuery({"--auth_token_file=" + token_file});
  ASSERT_TRUE(query->running());
  std::remove(token_file.c_str());

  absl::Status missing = Search(query->address(), {});
  EXPECT_EQ(missing.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(missing.message(), "missing authorization metadata: send 'authorization: Bearer <token>'");
  absl::Status wrong = Search(query->address(), Security({.auth_token = "guess"}));
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), "invalid bearer token");
  absl::Status right = Search(query->address(), Security({.auth_token = kToken}));
  EXPECT_TRUE(right.ok()) << right;

  auto serving = CheckHealth(query->address(), "dossier.query.v1.QueryService");
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);

  std::string services;
  grpc::Status reflection = ListServicesByReflection(query->address(), {}, &services);
  EXPECT_EQ(reflection.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(reflection.error_message(), HasSubstr("missing authorization metadata"));
  EXPECT_EQ(services, "");
  reflection = ListServicesByReflection(query->address(), Security({.auth_token = kToken}), &services);
  EXPECT_TRUE(reflection.ok()) << reflection.error_message();
  EXPECT_THAT(services, HasSubstr("dossier.query.v1.QueryService"));

  // The CLI: DOSSIER_AUTH_TOKEN, or a hint when it is missing.
  const std::string addr = "--query_addr=" + query->address();
  auto denied = testing::RunCommand({"dossier", "search", "treaty", addr});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("error: UNAUTHENTICATED: missing authorization metadata"));
  EXPECT_THAT(denied.err, HasSubstr("requires the shared token: set --auth_token_file, --auth_token or "
                                    "DOSSIER_AUTH_TOKEN"));
  auto allowed = testing::RunCommand({"dossier", "search", "treaty", addr},
                                     {std::string("DOSSIER_AUTH_TOKEN=") + kToken});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  auto by_flag = testing::RunCommand({"dossier", "--auth_token", kToken, "search", "treaty", addr});
  EXPECT_EQ(by_flag.exit_code, 0) << by_flag.err;
}

TEST_F(SecurityTest, TlsServerAcceptsTlsClientsOnly) {
  if (SkipOnPostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  const ClientSecurity tls = Security({.tls_ca = pki_->ca});
  auto query = StartQuery({"--tls_cert=" + pki_->cert, "--tls_key=" + pki_->key}, tls);
  ASSERT_TRUE(query->running());

  absl::Status ok = Search(query->address(), tls);
  EXPECT_TRUE(ok.ok()) << ok;
  // A client that does not speak TLS, or trusts another CA, gets nowhere.
  EXPECT_EQ(Search(query->address(), {}).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Search(query->address(), Security({.tls_ca = pki_->other_ca})).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(CheckHealth(query->address(), "", std::chrono::seconds(5)).ok());
  // The name in the certificate may be given instead of the address's host.
  absl::Status by_name =
      Search(query->address(), Security({.tls_ca = pki_->ca, .tls_server_name = "dossier.test"}));
  EXPECT_TRUE(by_name.ok()) << by_name;
  EXPECT_EQ(Search(query->address(), Security({.tls_ca = pki_->ca, .tls_server_name = "other.test"})).code(),
            absl::StatusCode::kUnavailable);

  // The CLI, by flag and by environment.
  const std::string addr = "--query_addr=" + query->address();
  auto cli = testing::RunCommand({"dossier", "search", "treaty", addr, "--tls_ca=" + pki_->ca});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  auto cli_env = testing::RunCommand({"dossier", "search", "treaty", addr}, {"DOSSIER_TLS_CA=" + pki_->ca});
  EXPECT_EQ(cli_env.exit_code, 0) << cli_env.err;
  auto plaintext = testing::RunCommand({"dossier", "search", "treaty", addr});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("error: UNAVAILABLE"));
  auto wrong_ca = testing::RunCommand({"dossier", "search", "treaty", addr, "--tls_ca=" + pki_->other_ca});
  EXPECT_EQ(wrong_ca.exit_code, 1);
  EXPECT_THAT(wrong_ca.err, HasSubstr("error: UNAVAILABLE"));
}

TEST_F(SecurityTest, MutualTlsRejectsClientsWithoutATrustedCertificate) {
  if (SkipOnPostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  const ClientSecurity with_cert =
      Security({.tls_ca = pki_->ca, .tls_cert = pki_->client_cert, .tls_key = pki_->client_key});
  auto query = StartQuery(
      {"--tls_cert=" + pki_->cert, "--tls_key=" + pki_->key, "--tls_client_ca=" + pki_->ca}, with_cert);
  ASSERT_TRUE(query->running());

  absl::Status ok = Search(query->address(), with_cert);
  EXPECT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(Search(query->address(), Security({.tls_ca = pki_->ca})).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Search(query->address(), Security({.tls_ca = pki_->ca,
                                               .tls_cert = pki_->other_client_cert,
                                               .tls_key = pki_->other_client_key}))
                .code(),
            absl::StatusCode::kUnavailable);
  // Health too needs the certificate: the handshake comes first.
  EXPECT_FALSE(
      CheckHealth(query->address(), "", std::chrono::seconds(5), Security({.tls_ca = pki_->ca})).ok());

  auto cli = testing::RunCommand({"dossier", "search", "treaty", "--query_addr=" + query->address(),
                                  "--tls_ca=" + pki_->ca, "--tls_cert=" + pki_->client_cert,
                                  "--tls_key=" + pki_->client_key});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
}

TEST_F(SecurityTest, BadSecurityFlagsStopStartUpWithExitCode2) {
  if (SkipOnPostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  const std::string dir = testing::MakeTempDir("dossier-badflags");
  struct Case {
    std::string binary;
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"dossier-query", {"--tls_cert=" + pki_->cert}, "--tls_cert is set but --tls_key is not"},
      {"dossier-entity", {"--tls_key=" + pki_->key}, "--tls_key is set but --tls_cert is not"},
      {"dossier-query",
       {"--tls_cert=/nonexistent/cert.pem", "--tls_key=" + pki_->key},
       "--tls_cert=/nonexistent/cert.pem: cannot read"},
      {"dossier-query", {"--tls_cert=" + pki_->cert, "--tls_key=" + pki_->ca + ".missing"}, "--tls_key="},
      {"dossier-query", {"--tls_client_ca=" + pki_->ca}, "--tls_client_ca needs TLS"},
      {"dossier-query",
       {"--auth_token_file=/nonexistent/token"},
       "--auth_token_file=/nonexistent/token: cannot read"},
      {"dossier-query", {"--auth_token=a", "--auth_token_file=" + pki_->ca}, "only one of --auth_token and"},
      {"dossier-query", {"--metrics_port=70000"}, "--metrics_port=70000 is not a port"},
      {"dossier-ingest", {"--tls_ca=/nonexistent/ca.pem"}, "--tls_ca=/nonexistent/ca.pem: cannot read"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {c.binary, "--host=127.0.0.1", "--port=0", "--data_dir=" + dir,
                                     "--metrics_port=-1"};
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    auto r = testing::RunCommand(argv, {}, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 2) << c.binary << " " << c.flags[0] << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.binary << " " << c.flags[0];
  }
  auto cli = testing::RunCommand({"dossier", "--tls_ca=/nonexistent/ca.pem", "search", "x"});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_THAT(cli.err, HasSubstr("--tls_ca=/nonexistent/ca.pem: cannot read"));
  testing::RemoveTree(dir);
}

// All three services with mutual TLS and the token: ingest's calls to
// entity and query carry its certificate and the token, so a document goes
// all the way to the index.
TEST_F(SecurityTest, PipelineRunsWithTlsAndTokenEverywhere) {
  const std::string token_file = testing::MakeTempDir("dossier-token") + "/token";
  WriteFile(token_file, std::string(kToken) + "\n");
  const ClientSecurity client = Security(
      {.tls_ca = pki_->ca, .tls_cert = pki_->client_cert, .tls_key = pki_->client_key, .auth_token = kToken});
  testing::Cluster cluster;
  cluster.Secure({"--tls_cert=" + pki_->cert, "--tls_key=" + pki_->key, "--tls_client_ca=" + pki_->ca,
                  "--auth_token_file=" + token_file},
                 {"--tls_ca=" + pki_->ca}, client);
  absl::Status started = cluster.Start();
  ASSERT_TRUE(started.ok()) << started;

  IngestClient ingest(cluster.ingest().address(), std::chrono::seconds(60), client);
  ingest::v1::IngestRequest request;
  request.set_body(
      "Leaders meet in Astana\n\nPosted May. 3, 2002 10:00\n\n"
      "President Nursultan Nazarbayev received Chinese Premier Zhu Rongji in Astana on Thursday.");
  request.set_wait_for_indexing(true);
  auto response = ingest.Ingest(request);
  ASSERT_TRUE(response.ok()) << response.status() << "\ningest log:\n" << cluster.ingest().Log();
  EXPECT_EQ(response->state(), common::v1::DOCUMENT_STATE_INDEXED) << cluster.ingest().Log();

  QueryClient query(cluster.query().address(), std::chrono::seconds(10), client);
  query::v1::SearchRequest search;
  search.set_query("Astana");
  auto hits = query.Search(search);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->hits_size(), 1);
  EXPECT_EQ(hits->hits(0).document_id(), response->document_id());

  // The same calls without the token are refused.
  ClientSecurity no_token = client;
  no_token.auth_token.clear();
  EXPECT_EQ(IngestClient(cluster.ingest().address(), std::chrono::seconds(10), no_token)
                .Ingest(request)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);

  // The CLI with every security flag from the environment.
  std::vector<std::string> env = cluster.CliEnv();
  env.insert(env.end(), {"DOSSIER_TLS_CA=" + pki_->ca, "DOSSIER_TLS_CERT=" + pki_->client_cert,
                         "DOSSIER_TLS_KEY=" + pki_->client_key, "DOSSIER_AUTH_TOKEN_FILE=" + token_file});
  auto health = testing::RunCommand({"dossier", "health"}, env);
  EXPECT_EQ(health.exit_code, 0) << health.out << health.err;
  EXPECT_THAT(health.out, Not(HasSubstr("not_serving")));
  testing::RemoveTree(token_file.substr(0, token_file.rfind('/')));
}

}  // namespace
}  // namespace dossier
