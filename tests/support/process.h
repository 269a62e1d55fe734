#ifndef DOSSIER_TESTS_SUPPORT_PROCESS_H_
#define DOSSIER_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/common/client.h"

namespace dossier::testing {

// Where the built binaries are: $DOSSIER_BIN_DIR, else the build tree's bin/.
std::string BinDir();
// The repository root: $DOSSIER_SOURCE_DIR, else the source tree built from.
std::string SourceDir();
// A new empty directory under $TMPDIR (or /tmp); removed by RemoveTree.
std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);
// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, close).
int PickFreePort();

// One real service process (dossier-ingest, -entity or -query) started with
// --host=127.0.0.1 and --port_file, so a port of 0 lets the kernel choose,
// and --metrics_port=0 with --metrics_port_file (parallel tests must not
// collide on the default metrics ports; `args` may override it).
// The destructor kills a process still running.
class ServiceProcess {
 public:
  // `binary` is a file name in BinDir(); `health_name` the service name to
  // poll; `args` further flags. `port` 0 means any free port.
  ServiceProcess(std::string binary, std::string health_name, std::vector<std::string> args, int port = 0);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Starts the process and waits until its health check says SERVING.
  absl::Status Start(std::chrono::seconds timeout = std::chrono::seconds(60));
  // SIGTERM, then waits for exit; returns the exit status (0 on a clean exit).
  absl::StatusOr<int> Stop(std::chrono::seconds timeout = std::chrono::seconds(30));
  // SIGKILL and reap (a frozen process too).
  void Kill();
  // SIGSTOP: the process keeps its port but answers nothing, like a hung
  // server; calls to it run into their deadlines. Kill() it afterwards.
  void Freeze();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string address() const;
  // The port of its HTTP metrics endpoint once started (0: none).
  int metrics_port() const { return metrics_port_; }
  // More flags for the next Start.
  void AddArgs(const std::vector<std::string>& args) { args_.insert(args_.end(), args.begin(), args.end()); }
  // TLS (and token) of the health checks Start polls with; set it when the
  // process serves TLS.
  void SetClientSecurity(const ClientSecurity& security) { client_security_ = security; }
  const ClientSecurity& client_security() const { return client_security_; }
  // Everything the process wrote to stderr so far (its log).
  std::string Log() const;

 private:
  std::string binary_, health_name_;
  std::vector<std::string> args_;
  int requested_port_;
  int port_ = 0;
  int metrics_port_ = 0;
  ClientSecurity client_security_;
  pid_t pid_ = -1;
  std::string dir_;
};

// Runs a command (argv[0] resolved in BinDir() if it has no '/'), with extra
// environment "K=V" entries, and returns its exit code and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(120));

// GET http://127.0.0.1:<port><path> (cpp-httplib): the status and body.
struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};
absl::StatusOr<HttpResult> HttpGet(int port, const std::string& path);

// The storage backend integration tests run on: PostgreSQL when the
// environment has DOSSIER_TEST_BACKEND=postgresql (ctest registers every
// integration test a second time that way), else SQLite. PostgreSQL runs
// need DOSSIER_TEST_POSTGRES_URL (scripts/test.sh sets it) and skip without.
bool UsePostgres();

// The three services on free ports, sharing one temporary data directory
// and, on PostgreSQL, one new database (as in a cluster).
// `query_port` may be fixed (PickFreePort) so query can be started later.
class Cluster {
 public:
  Cluster();
  ~Cluster();
  // Starts entity and query (unless start_query is false), then ingest.
  absl::Status Start(bool start_query = true, std::vector<std::string> ingest_args = {});
  ServiceProcess& entity() { return *entity_; }
  ServiceProcess& query() { return *query_; }
  ServiceProcess& ingest() { return *ingest_; }
  // CLI environment pointing the `dossier` command at this cluster.
  std::vector<std::string> CliEnv() const;
  // Before Start: `server_args` (TLS and token flags) go to all three
  // services and `ingest_client_args` (--tls_ca...) to ingest only; health
  // checks use `client`.
  void Secure(const std::vector<std::string>& server_args, const std::vector<std::string>& ingest_client_args,
              const ClientSecurity& client);
  const std::string& data_dir() const { return data_dir_; }
  // "--db=postgresql://..." on PostgreSQL; empty on SQLite.
  const std::vector<std::string>& db_args() const { return db_args_; }

 private:
  std::string data_dir_;
  std::vector<std::string> db_args_;
  int query_port_;
  std::vector<std::string> security_args_;
  ClientSecurity client_security_;
  std::unique_ptr<ServiceProcess> entity_, query_, ingest_;
};

}  // namespace dossier::testing

#endif  // DOSSIER_TESTS_SUPPORT_PROCESS_H_
