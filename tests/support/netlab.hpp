// Test support: small namespace topologies for [link] tests, built with v6c_host and
// removed unconditionally (RAII), with names that carry a per-process prefix.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "v6c/host/host.hpp"

namespace v6c::test {

using host::Netns;

// A temporary directory for daemon configs, pid and lease files; removed with the object.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() / (host::run_prefix("v6c-" + tag) + std::to_string(rand()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name, const std::string& content = "") const {
    auto p = path / name;
    if (!content.empty()) std::ofstream(p) << content;
    return p.string();
  }
};

// Quiet namespaces: no kernel DAD delay and no kernel autoconfiguration, so the probes are
// the only ones soliciting and the link-local addresses are usable at once.
inline void quiet(const Netns& ns, bool router) {
  for (const char* scope : {"all", "default"}) {
    ns.sysctl(std::string("net.ipv6.conf.") + scope + ".accept_dad", "0");
    ns.sysctl(std::string("net.ipv6.conf.") + scope + ".accept_ra", "0");
    ns.sysctl(std::string("net.ipv6.conf.") + scope + ".forwarding", router ? "1" : "0");
  }
}

// Two namespaces joined by a veth: "r" (router side) and "h" (host side).
struct NetPair {
  std::string prefix;
  std::unique_ptr<Netns> r, h;
  std::string r_if, h_if;
  std::string r_mac = "fa:16:3e:00:00:01", h_mac = "fa:16:3e:00:00:02";

  explicit NetPair(const std::string& tag) : prefix(host::run_prefix("v6c-" + tag)) {
    r = std::make_unique<Netns>(prefix + "r");
    h = std::make_unique<Netns>(prefix + "h");
    quiet(*r, true);
    quiet(*h, false);
    r_if = prefix + "r0";
    h_if = prefix + "h0";
    host::ip_batch({"link add " + r_if + " netns " + r->name() + " address " + r_mac + " type veth peer name " + h_if +
                    " netns " + h->name() + " address " + h_mac});
    r->must({"ip", "link", "set", r_if, "up"});
    h->must({"ip", "link", "set", h_if, "up"});
  }
};

// Live processes whose command line names the prefix (the lab's daemons carry it in their
// config and pid file paths), so a daemon that outlived its namespace is seen too.
inline std::vector<int> processes_naming(const std::string& prefix) {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
    const std::string cmdline = host::process_cmdline(std::stoi(name));
    if (cmdline.find(prefix) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

// True when nothing with this prefix is left: namespaces, links, or processes naming it.
inline bool nothing_left(const std::string& prefix) {
  return host::list_netns(prefix).empty() && host::list_links(prefix).empty() && processes_naming(prefix).empty();
}

// Runs `fn` inside a namespace on a thread that entered it, so in-process code (probe::Link)
// sees that namespace's interfaces. The calling thread is untouched.
template <class F>
void in_netns(const std::string& netns, F&& fn) {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      if (!host::enter_netns(netns)) throw std::runtime_error("cannot enter " + netns);
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace v6c::test

namespace v6c::test {

// Waits until the interface has a link-local address (the kernel adds it once the link
// has carrier), so tools that send from it do not fail with EADDRNOTAVAIL.
inline void wait_link_local(const Netns& ns, const std::string& ifname) {
  for (int i = 0; i < 200; ++i) {
    auto r = ns.run({"ip", "-6", "-o", "addr", "show", "dev", ifname, "scope", "link"});
    if (r.out.find("fe80") != std::string::npos && r.out.find("tentative") == std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("no link-local address on " + ifname + " in " + ns.name());
}

}  // namespace v6c::test
