#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "libs/common/pg_testing.h"

extern char** environ;

namespace dossier::testing {
namespace fs = std::filesystem;

std::string BinDir() {
  const char* dir = std::getenv("DOSSIER_BIN_DIR");
  return dir ? dir : DOSSIER_TEST_BIN_DIR;
}

std::string SourceDir() {
  const char* dir = std::getenv("DOSSIER_SOURCE_DIR");
  return dir ? dir : DOSSIER_TEST_SOURCE_DIR;
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = absl::StrCat(tmp ? tmp : "/tmp", "/", prefix, "-XXXXXX");
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return buf.data();
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) fs::remove_all(path, ec);
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// posix_spawn with stdout/stderr redirected to files.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
            const std::string& out_path, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child must get SIGTERM even if the test blocked it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const auto& e : extra_env) env.push_back(e);
  std::vector<char*> envp, args;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` up to `timeout`; returns the wait status or -1 on timeout.
int WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return 0;
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

ServiceProcess::ServiceProcess(std::string binary, std::string health_name, std::vector<std::string> args,
                               int port)
    : binary_(std::move(binary)),
      health_name_(std::move(health_name)),
      args_(std::move(args)),
      requested_port_(port) {
  dir_ = MakeTempDir("dossier-proc");
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Kill();
  RemoveTree(dir_);
}

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string ServiceProcess::Log() const { return ReadFile(dir_ + "/stderr"); }

absl::Status ServiceProcess::Start(std::chrono::seconds timeout) {
  const std::string port_file = dir_ + "/port";
  port_ = requested_port_;  // a restart with port 0 gets a new port
  std::error_code ec;
  fs::remove(port_file, ec);
  const std::string metrics_port_file = dir_ + "/metrics_port";
  metrics_port_ = 0;
  fs::remove(metrics_port_file, ec);
  std::vector<std::string> argv = {
      BinDir() + "/" + binary_,   "--host=127.0.0.1", absl::StrCat("--port=", requested_port_),
      "--port_file=" + port_file, "--metrics_port=0", "--metrics_port_file=" + metrics_port_file};
  argv.insert(argv.end(), args_.begin(), args_.end());
  pid_ = Spawn(argv, {}, dir_ + "/stdout", dir_ + "/stderr");
  if (pid_ <= 0) return absl::InternalError("cannot start " + argv[0]);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat(binary_, " exited during start-up; log:\n", Log()));
    }
    if (port_ == 0 && fs::exists(port_file)) port_ = std::atoi(ReadFile(port_file).c_str());
    if (port_ > 0) {
      auto serving = CheckHealth(address(), health_name_, std::chrono::milliseconds(500), client_security_);
      if (serving.ok() && *serving) {
        // Written just before the gRPC port file, so there by now unless the
        // port was fixed (health can answer a moment before) or metrics are off.
        const bool metrics_off = std::find(args_.begin(), args_.end(), "--metrics_port=-1") != args_.end();
        for (int i = 0; i < 250 && !metrics_off && !fs::exists(metrics_port_file); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (fs::exists(metrics_port_file)) metrics_port_ = std::atoi(ReadFile(metrics_port_file).c_str());
        return absl::OkStatus();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(binary_, " did not become healthy; log:\n", Log()));
}

absl::StatusOr<int> ServiceProcess::Stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  kill(pid_, SIGTERM);
  int status = WaitFor(pid_, timeout);
  if (status == -1) {
    Kill();
    return absl::DeadlineExceededError(binary_ + " did not stop after SIGTERM");
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServiceProcess::Freeze() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitFor(pid_, std::chrono::seconds(10));
  pid_ = -1;
}

CommandResult RunCommand(const std::vector<std::string>& argv_in, const std::vector<std::string>& env,
                         std::chrono::seconds timeout) {
  CommandResult result;
  std::string dir = MakeTempDir("dossier-cmd");
  std::vector<std::string> argv = argv_in;
  if (argv[0].find('/') == std::string::npos) argv[0] = BinDir() + "/" + argv[0];
  pid_t pid = Spawn(argv, env, dir + "/out", dir + "/err");
  if (pid > 0) {
    int status = WaitFor(pid, timeout);
    if (status == -1) {
      kill(pid, SIGKILL);
      WaitFor(pid, std::chrono::seconds(5));
      result.exit_code = -1;
    } else {
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
  result.out = ReadFile(dir + "/out");
  result.err = ReadFile(dir + "/err");
  RemoveTree(dir);
  return result;
}

absl::StatusOr<HttpResult> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(10));
  auto response = client.Get(path.c_str());
  if (!response) {
    return absl::UnavailableError(
        absl::StrCat("GET http://127.0.0.1:", port, path, ": ", httplib::to_string(response.error())));
  }
  return HttpResult{response->status, response->get_header_value("Content-Type"), response->body};
}

bool UsePostgres() {
  const char* backend = std::getenv("DOSSIER_TEST_BACKEND");
  return backend != nullptr && std::string(backend) == "postgresql";
}

namespace {

// Skips every test of a PostgreSQL run when there is no server to run on.
class BackendEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (UsePostgres() && TestPostgresUrl().empty()) GTEST_SKIP() << kNoPostgresMessage;
  }
};
[[maybe_unused]] ::testing::Environment* const kBackendEnvironment =
    ::testing::AddGlobalTestEnvironment(new BackendEnvironment);

}  // namespace

Cluster::Cluster() : data_dir_(MakeTempDir("dossier-data")), query_port_(PickFreePort()) {
  if (UsePostgres()) {
    auto url = CreateTestDatabase("cluster");
    // Without a database the services fail to start, and Start says why.
    db_args_.push_back("--db=" + (url.ok() ? *url : std::string("postgresql://unavailable/") +
                                                        std::string(url.status().message())));
  }
  std::vector<std::string> args = db_args_;
  args.push_back("--data_dir=" + data_dir_);
  entity_ = std::make_unique<ServiceProcess>("dossier-entity", "dossier.entity.v1.EntityService", args);
  query_ = std::make_unique<ServiceProcess>("dossier-query", "dossier.query.v1.QueryService", args, query_port_);
}

Cluster::~Cluster() {
  ingest_.reset();
  query_.reset();
  entity_.reset();
  RemoveTree(data_dir_);
}

absl::Status Cluster::Start(bool start_query, std::vector<std::string> ingest_args) {
  if (auto st = entity_->Start(); !st.ok()) return st;
  if (start_query) {
    if (auto st = query_->Start(); !st.ok()) return st;
  }
  ingest_args.push_back("--data_dir=" + data_dir_);
  ingest_args.insert(ingest_args.end(), db_args_.begin(), db_args_.end());
  ingest_args.push_back("--entity_addr=" + entity_->address());
  ingest_args.push_back(absl::StrCat("--query_addr=127.0.0.1:", query_port_));
  ingest_args.push_back("--retry_max_backoff_ms=500");
  ingest_args.insert(ingest_args.end(), security_args_.begin(), security_args_.end());
  ingest_ =
      std::make_unique<ServiceProcess>("dossier-ingest", "dossier.ingest.v1.IngestService", ingest_args);
  ingest_->SetClientSecurity(client_security_);
  return ingest_->Start();
}

void Cluster::Secure(const std::vector<std::string>& server_args,
                     const std::vector<std::string>& ingest_client_args, const ClientSecurity& client) {
  security_args_ = server_args;
  security_args_.insert(security_args_.end(), ingest_client_args.begin(), ingest_client_args.end());
  client_security_ = client;
  for (ServiceProcess* service : {entity_.get(), query_.get()}) {
    service->AddArgs(server_args);
    service->SetClientSecurity(client);
  }
}

std::vector<std::string> Cluster::CliEnv() const {
  return {"DOSSIER_INGEST_ADDR=" + ingest_->address(), "DOSSIER_ENTITY_ADDR=" + entity_->address(),
          absl::StrCat("DOSSIER_QUERY_ADDR=127.0.0.1:", query_port_)};
}

}  // namespace dossier::testing
