#include "v6c/host/host.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>

namespace v6c::host {
namespace {

using Clock = std::chrono::steady_clock;

std::string joined(const Argv& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// In the child after fork: enter the namespace, wire stdio, exec. Never returns.
[[noreturn]] void exec_child(const Argv& argv, const std::string& netns, int out_fd, int err_fd, int in_fd) {
  if (!netns.empty()) {
    if (!enter_netns(netns)) {
      dprintf(err_fd >= 0 ? err_fd : 2, "cannot enter network namespace %s: %s\n", netns.c_str(), strerror(errno));
      _exit(126);
    }
  }
  if (in_fd >= 0) dup2(in_fd, 0);
  if (out_fd >= 0) dup2(out_fd, 1);
  if (err_fd >= 0) dup2(err_fd, 2);
  setpgid(0, 0);  // its own group, so a terminal's Ctrl-C reaches only us and we end it
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  dprintf(2, "cannot run %s: %s\n", args[0], strerror(errno));
  _exit(127);
}

std::shared_mutex g_spawn_gate;
std::optional<std::thread::id> g_sole_spawner;  // set by stop_spawning()

// Forks the child and returns once it has exec'd (or failed to): the close-on-exec pipe
// closes then. Under the gate, so once stop_spawning() returns no child of ours is half-way
// to its program, and other threads start none.
pid_t spawn(const Argv& argv, const std::string& netns, int out_fd, int err_fd, int in_fd) {
  std::shared_lock gate(g_spawn_gate);
  if (g_sole_spawner && *g_sole_spawner != std::this_thread::get_id()) {
    gate.unlock();
    for (;;) pause();  // the stopping thread ends the process
  }
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0) throw HostError("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    close(sync[0]);
    close(sync[1]);
    throw HostError("fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) exec_child(argv, netns, out_fd, err_fd, in_fd);
  close(sync[1]);
  char c;
  while (read(sync[0], &c, 1) < 0 && errno == EINTR) {}
  close(sync[0]);
  return pid;
}

int decode_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

CommandResult run_with_input(const Argv& argv, const std::string& netns, std::chrono::milliseconds timeout,
                             const std::string& input) {
  CommandResult r;
  int out[2], err[2], in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw HostError("pipe: " + std::string(strerror(errno)));
  if (!input.empty() && pipe2(in, O_CLOEXEC) != 0) throw HostError("pipe: " + std::string(strerror(errno)));
  pid_t pid = spawn(argv, netns, out[1], err[1], in[0]);
  close(out[1]);
  close(err[1]);
  if (in[0] >= 0) {
    close(in[0]);
    // Small batches only: fits the pipe buffer, so no deadlock with the reader below.
    if (write(in[1], input.data(), input.size()) < 0) {}
    close(in[1]);
  }
  auto deadline = Clock::now() + timeout;
  std::array<pollfd, 2> fds{{{out[0], POLLIN, 0}, {err[0], POLLIN, 0}}};
  int open_fds = 2;
  bool timed_out = false;
  char buf[4096];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) { timed_out = true; break; }
    int n = poll(fds.data(), fds.size(), static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      }
    }
  }
  for (auto& f : fds) if (f.fd >= 0) close(f.fd);
  if (timed_out) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    r.status = -1;
    r.err += "timed out after " + std::to_string(timeout.count()) + " ms";
    return r;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  r.status = decode_status(st);
  return r;
}

}  // namespace

CommandResult run(const Argv& argv, const std::string& netns, std::chrono::milliseconds timeout) {
  return run_with_input(argv, netns, timeout, "");
}

std::string must(const Argv& argv, const std::string& netns, std::chrono::milliseconds timeout) {
  auto r = run(argv, netns, timeout);
  if (!r.ok()) {
    std::string err = r.err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    throw HostError((netns.empty() ? "" : "[" + netns + "] ") + joined(argv) + ": " +
                    (err.empty() ? "exit " + std::to_string(r.status) : err));
  }
  return r.out;
}

void ip_batch(const std::vector<std::string>& lines, const std::string& netns) {
  if (lines.empty()) return;
  std::string input;
  for (const auto& l : lines) input += l + "\n";
  auto r = run_with_input({"ip", "-batch", "-"}, netns, 20s, input);
  if (!r.ok()) throw HostError((netns.empty() ? "" : "[" + netns + "] ") + "ip -batch: " + r.err);
}

bool have_tool(const std::string& name) {
  const char* path = getenv("PATH");
  std::string p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  p += ":/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

bool is_root() { return geteuid() == 0; }

bool enter_netns(const std::string& netns) {
  int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool entered = ::setns(fd, CLONE_NEWNET) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return entered;
}

void in_netns(const std::string& netns, const std::function<void()>& fn) {
  int self = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0 || !enter_netns(netns)) {
    const int saved = errno;
    if (self >= 0) ::close(self);
    throw HostError("cannot enter namespace " + netns + ": " + std::strerror(saved));
  }
  struct Back {
    int fd;
    ~Back() {
      ::setns(fd, CLONE_NEWNET);
      ::close(fd);
    }
  } back{self};
  fn();
}

void stop_spawning() {
  std::unique_lock gate(g_spawn_gate);
  g_sole_spawner = std::this_thread::get_id();
}

Netns::Netns(std::string name) : name_(std::move(name)) {
  host::must({"ip", "netns", "add", name_});
  try {
    host::must({"ip", "link", "set", "lo", "up"}, name_);
  } catch (...) {
    remove_netns(name_);
    throw;
  }
}

Netns::~Netns() { remove_netns(name_); }

void Netns::sysctl(const std::string& key, const std::string& value) const {
  host::must({"sysctl", "-q", "-w", key + "=" + value}, name_);
}

Process::Process(const Argv& argv, const std::string& netns, const std::string& log_path) {
  int log_fd = -1;
  if (!log_path.empty()) {
    log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) throw HostError("cannot write " + log_path + ": " + strerror(errno));
  } else {
    log_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  }
  int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  try {
    pid_ = spawn(argv, netns, log_fd, log_fd, null_in);
  } catch (...) {
    close(log_fd);
    close(null_in);
    throw;
  }
  close(log_fd);
  close(null_in);
}

Process::~Process() { stop(); }

bool Process::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = decode_status(st);
    pid_ = -1;
    return false;
  }
  return r == 0;
}

int Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
  return status_;
}

void Process::stop() {
  if (!running()) return;
  kill(pid_, SIGTERM);
  if (wait(1500ms) == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::vector<std::string> list_netns(const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/run/netns", ec)) {
    auto n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0) names.push_back(n);
  }
  return names;
}

std::vector<std::string> list_links(const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/class/net", ec)) {
    auto n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0) names.push_back(n);
  }
  return names;
}

std::vector<pid_t> pids_in_netns(const std::vector<std::string>& namespaces) {
  std::set<std::pair<dev_t, ino_t>> wanted;
  for (const auto& n : namespaces) {
    struct stat st{};
    if (stat(("/run/netns/" + n).c_str(), &st) == 0) wanted.insert({st.st_dev, st.st_ino});
  }
  std::vector<pid_t> pids;
  if (wanted.empty()) return pids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    auto n = e.path().filename().string();
    if (n.empty() || !std::isdigit(static_cast<unsigned char>(n[0]))) continue;
    struct stat st{};
    if (stat((e.path() / "ns/net").c_str(), &st) != 0) continue;
    if (wanted.contains({st.st_dev, st.st_ino})) pids.push_back(std::stoi(n));
  }
  return pids;
}

std::string process_cmdline(pid_t pid) {
  std::string text;
  const int fd = ::open(("/proc/" + std::to_string(pid) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return text;
}

void remove_netns(const std::string& netns) {
  // Only processes living inside our own namespace: never anything of the host's.
  auto pids = pids_in_netns({netns});
  for (pid_t p : pids) kill(p, SIGTERM);
  for (int i = 0; i < 100 && !pids.empty(); ++i) {
    std::this_thread::sleep_for(10ms);
    std::erase_if(pids, [](pid_t p) { return kill(p, 0) != 0; });
  }
  for (pid_t p : pids) kill(p, SIGKILL);
  run({"ip", "netns", "del", netns});
}

std::string run_prefix(const std::string& base) {
  return base + std::to_string(getpid() % 100000) + "-";
}

}  // namespace v6c::host
