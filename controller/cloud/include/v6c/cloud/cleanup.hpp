// Nothing is left behind: every resource is registered here the moment the cloud says it
// exists, and deleted in dependency order (servers first, router interfaces before routers,
// ports before networks) with retries, also when the run ends by an exception. The same stack
// deletes what a killed run left: cleanup_by_prefix lists by name prefix and fills it.
#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

class Session;

// Deletion order: a kind is deleted only after every kind above it (what might still use it).
enum class ResourceKind {
  server,            // holds ports, uses images, flavors and security groups
  router_interface,  // a router's port on a subnet; blocks the subnet and the router
  port,
  rbac_policy,       // shares a network
  router,
  security_group_rule,
  security_group,
  subnet,
  network,
  subnetpool,
  image,
  flavor,
};
const char* kind_name(ResourceKind k);

// The prefix every v6conform resource name starts with (SCS's cleanup.py --prefix _scs- finds it too).
inline const std::string kDefaultPrefix = "_scs-v6c-";

struct CleanupOutcome {
  std::vector<std::string> deleted;  // "server _scs-v6c-1-vm (0c4…)"
  std::vector<std::string> failed;   // the same, with the last error
  bool ok() const { return failed.empty(); }
};

class CleanupStack {
 public:
  struct Entry {
    ResourceKind kind;
    std::string id, name;
    std::function<void()> remove;  // NotFound counts as removed
  };

  explicit CleanupStack(Sleep sleep = real_sleep, RetryPolicy retry = kDeleteRetry) : sleep_(std::move(sleep)), retry_(retry) {}
  // Deletes whatever is still registered; never throws (the outcome is lost: call run() to see it).
  ~CleanupStack();
  CleanupStack(const CleanupStack&) = delete;
  CleanupStack& operator=(const CleanupStack&) = delete;

  void push(ResourceKind kind, std::string id, std::string name, std::function<void()> remove);
  // The caller deleted it itself (a check that creates and deletes).
  void forget(ResourceKind kind, const std::string& id);
  void forget_all();  // keep everything (a dry run, or resources handed on to a later run)
  std::size_t size() const;
  std::vector<Entry> pending() const;  // in the order run() will delete them

  // Deletes everything in dependency order: a kind only after the kinds above it, the
  // entries of one kind concurrently (newest first in the outcome). Conflict (still in use),
  // ServerFault and transport failures are retried with backoff; other errors are recorded
  // and the rest goes on. Empties the stack. `sleep` is called from several threads.
  CleanupOutcome run();

  // A deleted network may keep ports of a deleted server for a while: retry for ~1 min.
  static constexpr RetryPolicy kDeleteRetry{6, std::chrono::seconds(2), std::chrono::seconds(16)};

 private:
  Sleep sleep_;
  RetryPolicy retry_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

// Lists servers, routers (with their interfaces), ports, RBAC policies on such networks,
// security groups, subnets, networks, subnet pools, images and flavors whose names start with
// `prefix` and belong to the session's project, and deletes them through a CleanupStack.
// Throws ConfigError for an empty prefix (that would mean everything). With dry_run nothing is
// deleted: `deleted` lists what would be, in the order it would be.
CleanupOutcome cleanup_by_prefix(Session& session, const std::string& prefix, Sleep sleep = real_sleep,
                                 bool dry_run = false);

}  // namespace v6c::cloud
