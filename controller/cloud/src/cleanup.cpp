#include "v6c/cloud/cleanup.hpp"

#include <algorithm>
#include <future>
#include <set>

#include "v6c/cloud/compute.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/image.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/cloud/session.hpp"

namespace v6c::cloud {
namespace {

// Router ports that remove_router_interface takes away (Neutron's constants.ROUTER_INTERFACE_OWNERS).
const std::set<std::string> kRouterInterfaceOwners = {"network:router_interface",
                                                      "network:router_interface_distributed",
                                                      "network:ha_router_replicated_interface"};

std::string describe(const CleanupStack::Entry& e) {
  return std::string(kind_name(e.kind)) + " " + (e.name.empty() ? "" : e.name + " ") + "(" + e.id + ")";
}

// Still in use, or the cloud or the path hiccuped: worth another try after a pause.
bool transient(const CloudError& e) {
  return dynamic_cast<const Conflict*>(&e) || dynamic_cast<const ServerFault*>(&e) ||
         dynamic_cast<const Timeout*>(&e) || dynamic_cast<const Unreachable*>(&e);
}

// Deletes of one kind are independent of each other: a wave of at most this many at a time
// (a server's delete waits until Nova has let it go, which is most of a cleanup).
constexpr std::size_t kWave = 8;

struct Deleted {
  bool ok;
  std::string line;  // describe(), and how it ended
};

// One delete, retried while the cloud says "not yet" or hiccups.
Deleted remove_one(const CleanupStack::Entry& e, const Sleep& sleep, RetryPolicy retry) {
  for (int attempt = 1;; ++attempt) {
    try {
      e.remove();
      return {true, describe(e)};
    } catch (const NotFound&) {
      return {true, describe(e) + ", already gone"};
    } catch (const CloudError& err) {
      if (transient(err) && attempt < retry.max_attempts) {
        sleep(backoff(retry, attempt + 1));
        continue;
      }
      return {false, describe(e) + ": " + err.what()};
    } catch (const std::exception& err) {
      return {false, describe(e) + ": " + err.what()};
    }
  }
}

}  // namespace

const char* kind_name(ResourceKind k) {
  switch (k) {
    case ResourceKind::server: return "server";
    case ResourceKind::router_interface: return "router interface";
    case ResourceKind::port: return "port";
    case ResourceKind::rbac_policy: return "rbac policy";
    case ResourceKind::router: return "router";
    case ResourceKind::security_group_rule: return "security group rule";
    case ResourceKind::security_group: return "security group";
    case ResourceKind::subnet: return "subnet";
    case ResourceKind::network: return "network";
    case ResourceKind::subnetpool: return "subnet pool";
    case ResourceKind::image: return "image";
    case ResourceKind::flavor: return "flavor";
  }
  return "resource";
}

CleanupStack::~CleanupStack() {
  try {
    run();
  } catch (...) {  // a destructor must not throw; run() itself records per-entry failures
  }
}

void CleanupStack::push(ResourceKind kind, std::string id, std::string name, std::function<void()> remove) {
  std::lock_guard lock(mutex_);
  entries_.push_back({kind, std::move(id), std::move(name), std::move(remove)});
}

void CleanupStack::forget(ResourceKind kind, const std::string& id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const Entry& e) { return e.kind == kind && e.id == id; });
}

void CleanupStack::forget_all() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t CleanupStack::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::vector<CleanupStack::Entry> CleanupStack::pending() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> order(entries_.rbegin(), entries_.rend());  // newest first ...
  std::stable_sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) { return a.kind < b.kind; });
  return order;  // ... within each kind, kinds in dependency order
}

CleanupOutcome CleanupStack::run() {
  const auto order = pending();
  {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }
  CleanupOutcome outcome;
  // Kind after kind; within a kind, in waves, reported in stack order.
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last < order.size() && last - first < kWave && order[last].kind == order[first].kind) ++last;
    std::vector<std::future<Deleted>> wave;
    for (std::size_t i = first; i < last; ++i)
      wave.push_back(std::async(std::launch::async, [&, i] { return remove_one(order[i], sleep_, retry_); }));
    for (auto& w : wave) {
      auto d = w.get();
      (d.ok ? outcome.deleted : outcome.failed).push_back(std::move(d.line));
    }
    first = last;
  }
  return outcome;
}

CleanupOutcome cleanup_by_prefix(Session& session, const std::string& prefix, Sleep sleep, bool dry_run) {
  if (prefix.empty()) throw ConfigError("cleanup: an empty prefix would match every resource; give one (default " + kDefaultPrefix + ")");
  const auto project = session.project_id();
  auto ours = [&](const json& r, const char* owner_key) {
    return r.value("name", "").rfind(prefix, 0) == 0 && r.value(owner_key, "") == project;
  };
  CleanupStack stack(sleep);
  CleanupOutcome listing_failures;
  // One service missing or forbidden must not stop the others from being cleaned.
  auto gather = [&](const char* what, auto&& body) {
    try {
      body();
    } catch (const CloudError& e) {
      listing_failures.failed.push_back(std::string("listing ") + what + ": " + e.what());
    }
  };

  gather("servers", [&] {
    for (const auto& s : ServersClient(session).list_servers())
      if (ours(s, "tenant_id")) {
        const auto id = s.value("id", "");
        stack.push(ResourceKind::server, id, s.value("name", ""), [&session, id] {
          ServersClient servers(session);
          servers.delete_server(id);
          servers.wait_for_server_deletion(id);
        });
      }
  });
  for (const auto* type : {&kRouterType, &kPortType, &kSecurityGroupType, &kSubnetType, &kNetworkType, &kSubnetpoolType}) {
    gather(type->collection, [&, t = *type] {
      for (const auto& r : NeutronResource(session, t).list()) {
        if (!ours(r, "project_id")) continue;
        const auto id = r.value("id", "");
        stack.push(t.kind, id, r.value("name", ""), [&session, t, id] { NeutronResource(session, t).remove(id); });
        if (t.kind == ResourceKind::router) {
          for (const auto& p : NeutronResource(session, kPortType).list({{"device_id", id}})) {
            if (!kRouterInterfaceOwners.count(p.value("device_owner", ""))) continue;
            const auto port_id = p.value("id", "");
            stack.push(ResourceKind::router_interface, id + "/" + port_id, r.value("name", ""),
                       [&session, id, port_id] { RoutersClient(session).remove_router_interface_port(id, port_id); });
          }
        }
        if (t.kind == ResourceKind::network) {
          // RBAC policies have no name: they go with the prefixed network they share.
          for (const auto& p : NeutronResource(session, kRbacPolicyType).list({{"object_id", id}})) {
            const auto policy_id = p.value("id", "");
            stack.push(ResourceKind::rbac_policy, policy_id, r.value("name", ""),
                       [&session, policy_id] { NeutronResource(session, kRbacPolicyType).remove(policy_id); });
          }
        }
      }
    });
  }
  gather("images", [&] {
    for (const auto& i : ImagesClient(session).list_images())
      if (ours(i, "owner")) {
        const auto id = i.value("id", "");
        stack.push(ResourceKind::image, id, i.value("name", ""), [&session, id] { ImagesClient(session).delete_image(id); });
      }
  });
  gather("flavors", [&] {
    // Flavors have no owner; only an admin can have made one with our prefix.
    for (const auto& f : FlavorsClient(session).list_flavors({{"is_public", "None"}}))
      if (f.value("name", "").rfind(prefix, 0) == 0) {
        const auto id = f.value("id", "");
        stack.push(ResourceKind::flavor, id, f.value("name", ""), [&session, id] { FlavorsClient(session).delete_flavor(id); });
      }
  });

  CleanupOutcome outcome;
  if (dry_run) {
    for (const auto& e : stack.pending()) outcome.deleted.push_back(describe(e));
    stack.forget_all();
  } else {
    outcome = stack.run();
  }
  outcome.failed.insert(outcome.failed.end(), listing_failures.failed.begin(), listing_failures.failed.end());
  return outcome;
}

}  // namespace v6c::cloud
