// The security probes in the lab ([lab]: root, namespaces): with port security and security
// groups as Neutron builds them every sec-* requirement passes; each fault that removes one
// filter makes exactly its requirement fail and leaves every other sec-* verdict as it was.
// ra-single-router (the rogue-router fault) is held to the same rule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "v6c/catalog/catalog.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/faults.hpp"
#include "v6c/lab/lab.hpp"
#include "v6c/lab/run.hpp"
#include "v6c/wire/json.hpp"
#include "netlab.hpp"

using namespace v6c;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using catalog::Status;

namespace {

const std::string kRaSingleRouter = "ra-single-router";
// The whole run: lab up, every agent's plan (the probe VM's is the longest), lab down.
constexpr auto kRunBudget = 15s;
// The victim's capture, announcement to last control plus linger: well under a second.
constexpr double kAttackWindowMs = 1000;

bool watched(const catalog::Requirement& r) { return r.section == catalog::Section::security || r.id == kRaSingleRouter; }

// Only the requirements this test watches: the probe VM still runs its whole plan, but the
// verdicts compared are the security ones.
catalog::Catalog watched_catalogue() {
  auto c = catalog::load_catalog(fs::path(V6C_SOURCE_DIR) / "data" / "catalog.yaml");
  for (auto& r : c.requirements) r.enabled = r.enabled && watched(r);
  return c;
}

struct Run {
  std::map<std::string, catalog::Verdict> verdicts;  // on the network carrying attacker and victim
  std::chrono::milliseconds took{0};
  std::string prefix;
  std::optional<wire::VictimResult> victim;
  std::optional<wire::AttackResult> attacker;
  wire::Ip6 gateway;  // the attacked network's gateway address
};

std::set<std::string> blamed(const wire::VictimResult& r) {
  std::set<std::string> ids;
  for (const auto& c : r.state_changes) ids.insert(c.attacks.begin(), c.attacks.end());
  return ids;
}

bool has_lladdr(const wire::KernelState& k, const wire::Ip6& a) {
  return std::any_of(k.neighbours.begin(), k.neighbours.end(),
                     [&](const wire::KernelNeighbour& n) { return n.address == a && n.lladdr; });
}

template <class T>
std::optional<T> result_in(const fs::path& report) {
  std::ifstream in(report);
  if (!in) return std::nullopt;
  auto r = nlohmann::json::parse(in).get<wire::AgentReport>();
  for (const auto& rec : r.procedures)
    if (const auto* v = std::get_if<T>(&rec.result)) return *v;
  return std::nullopt;
}

Run run_lab(const catalog::Catalog& c, const std::vector<std::string>& faults) {
  Run out;
  auto start = std::chrono::steady_clock::now();
  auto model = lab::make_model(lab::unique_prefix(), lab::Flavour::radvd, {lab::Mode::slaac});
  REQUIRE_FALSE(lab::apply_faults(model, faults));
  out.prefix = model.prefix;
  const auto& net = model.networks.front();
  const std::string network = net.name, victim = net.vms[1].name, attacker = net.vms[2].name;
  out.gateway = net.gateway_ip;
  test::TempDir reports("sec");
  {
    lab::Lab lab(std::move(model));
    auto result = lab::run_catalogue(lab, c, V6C_AGENT_BIN, nullptr, reports.path);
    for (const auto& v : result.verdicts)
      if (v.scope.network == network) out.verdicts[v.id] = v;
  }
  out.victim = result_in<wire::VictimResult>(reports.path / (victim + ".json"));
  out.attacker = result_in<wire::AttackResult>(reports.path / (attacker + ".json"));
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return out;
}

std::string describe(const catalog::Verdict& v) {
  return v.id + ": " + std::string(catalog::to_string(v.status)) + " (" + v.actual + v.reason + ")";
}

}  // namespace

TEST_CASE("lab: security probes with port security on, and with each filter removed", "[lab]") {
  REQUIRE(host::is_root());
  const auto c = watched_catalogue();
  std::vector<const catalog::Requirement*> requirements;
  for (const auto& r : c.requirements)
    if (r.enabled) requirements.push_back(&r);
  REQUIRE(requirements.size() >= 8);  // seven sec-* and ra-single-router

  const auto conforming = run_lab(c, {});
  INFO("conforming run took " << conforming.took.count() << " ms");
  CHECK(conforming.took < kRunBudget);
  CHECK(host::list_netns(conforming.prefix).empty());
  REQUIRE(conforming.attacker);
  REQUIRE(conforming.victim);
  CHECK(conforming.attacker->announced);  // started on the handshake, not at its deadline
  CHECK(conforming.victim->attacker_done);
  CHECK(conforming.victim->window_ms < kAttackWindowMs);
  CHECK(conforming.victim->received.empty());
  // The victim's kernel would have acted on a rogue RA (the lab sets accept_ra 1 there, as in a
  // VM), it resolved the gateway before the attacks, and nothing of its state was the attacker's.
  REQUIRE(conforming.victim->state_before);
  CHECK(conforming.victim->state_error.empty());
  CHECK(conforming.victim->state_before->accept_ra == 1);
  CHECK(conforming.victim->state_before->forwarding == 0);
  CHECK(has_lladdr(*conforming.victim->state_before, conforming.gateway));
  CHECK(blamed(*conforming.victim).empty());
  for (const auto* r : requirements) {
    REQUIRE(conforming.verdicts.count(r->id));
    const auto& v = conforming.verdicts.at(r->id);
    INFO(describe(v));
    CHECK(v.status == Status::pass);
  }

  int faults_seen = 0;
  for (const auto& fault : lab::faults()) {
    const auto* target = c.find(fault.requirement);
    if (!target || !target->enabled) continue;
    ++faults_seen;
    const auto broken = run_lab(c, {fault.name});
    INFO("fault " << fault.name << " (" << broken.took.count() << " ms)");
    CHECK(broken.took < kRunBudget);
    CHECK(host::list_netns(broken.prefix).empty());
    // Whatever the victim's kernel changed is blamed only on the attacks the fault lets through;
    // a rogue RA and a spoofed gateway NA leave their mark in it.
    REQUIRE(broken.victim);
    for (const auto& id : blamed(*broken.victim)) {
      INFO("state change blamed on " << id);
      CHECK(target->params.contains("attacks"));
      const auto attacks = target->params.value("attacks", std::vector<std::string>{});
      CHECK(std::find(attacks.begin(), attacks.end(), id) != attacks.end());
    }
    if (fault.requirement == "sec-ra-guard" || fault.requirement == "sec-na-spoof") CHECK_FALSE(blamed(*broken.victim).empty());
    for (const auto* r : requirements) {
      REQUIRE(broken.verdicts.count(r->id));
      const auto& v = broken.verdicts.at(r->id);
      INFO(describe(v));
      if (r->id == fault.requirement) {
        // A SHOULD that fails is WARN (sec-redirect); a MUST is FAIL.
        CHECK(v.status == catalog::apply_level(r->level, Status::fail));
        CHECK_FALSE(v.evidence.empty());
      } else {
        CHECK(v.status == conforming.verdicts.at(r->id).status);
      }
    }
  }
  CHECK(faults_seen == 8);  // one per sec-* requirement, and rogue-router
}
