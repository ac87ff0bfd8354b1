// Processes and network namespaces on this host, for the lab and the [link] tests.
// Everything started here is tracked by PID and ended by PID; namespaces are removed by
// name. Nothing here touches a host file.
#pragma once
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace v6c::host {

using namespace std::chrono_literals;
using Argv = std::vector<std::string>;

struct HostError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CommandResult {
  int status = -1;  // exit status, or 128 + signal, or -1 when it could not start / timed out
  std::string out, err;
  bool ok() const { return status == 0; }
};

// Runs argv (PATH lookup) inside `netns` (empty: this namespace) and waits for it, killing
// it at the timeout. Output is captured.
CommandResult run(const Argv& argv, const std::string& netns = "", std::chrono::milliseconds timeout = 10s);
// As run(), but throws HostError naming the command and its stderr unless it exits 0.
std::string must(const Argv& argv, const std::string& netns = "", std::chrono::milliseconds timeout = 10s);
// Runs several `ip` commands in one process (ip -batch), much faster than one exec each.
void ip_batch(const std::vector<std::string>& lines, const std::string& netns = "");

bool have_tool(const std::string& name);  // on PATH and executable
bool is_root();
// Moves the calling thread into the named network namespace; false (errno set) if it cannot.
bool enter_netns(const std::string& netns);
// Runs fn with the calling thread inside netns, then moves the thread back (no exec): for
// sysctls and ioctls. Throws HostError when it cannot enter.
void in_netns(const std::string& netns, const std::function<void()>& fn);
// From now on only the calling thread starts processes; any other thread that tries blocks
// for good. For the thread that tears down after a signal and then ends the process: what
// it lists is then all there is. Returns once no child is between fork and exec.
void stop_spawning();

// A named network namespace, created on construction, deleted on destruction.
class Netns {
 public:
  explicit Netns(std::string name);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  const std::string& name() const { return name_; }
  std::string must(const Argv& argv) const { return host::must(argv, name_); }
  CommandResult run(const Argv& argv, std::chrono::milliseconds timeout = 10s) const {
    return host::run(argv, name_, timeout);
  }
  void sysctl(const std::string& key, const std::string& value) const;

 private:
  std::string name_;
};

// A long-running process (a daemon kept in the foreground) inside a namespace. Ended by
// PID on destruction: SIGTERM, then SIGKILL after a grace period.
class Process {
 public:
  Process(const Argv& argv, const std::string& netns = "", const std::string& log_path = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  pid_t pid() const { return pid_; }
  bool running();
  // Waits for it to exit on its own; returns its status, or -1 at the timeout.
  int wait(std::chrono::milliseconds timeout);
  void stop();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Namespaces whose names start with prefix (for `lab down` and leak checks).
std::vector<std::string> list_netns(const std::string& prefix);
// Links in the current namespace whose names start with prefix.
std::vector<std::string> list_links(const std::string& prefix);
// PIDs of processes inside any of the namespaces (to end what a killed run left), in one
// pass over /proc.
std::vector<pid_t> pids_in_netns(const std::vector<std::string>& namespaces);
// The process's command line, NUL-separated; empty when it has exited (which it may do
// between listing /proc and reading: the read then fails with ESRCH).
std::string process_cmdline(pid_t pid);
// Kills every process inside the namespace and deletes it; ignores errors.
void remove_netns(const std::string& netns);

// A name prefix unique to this process, e.g. "v6c-t1234-": short, because interface
// names have 15 characters at most.
std::string run_prefix(const std::string& base);

}  // namespace v6c::host
