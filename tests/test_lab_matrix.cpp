// The fault matrix: the conforming lab passes what it can exercise; each fault
// profile makes exactly its requirement fail and changes no other verdict; and every
// requirement in the catalogue has a fault or a stated reason why the lab cannot break it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "netlab.hpp"
#include "ovn_release.hpp"
#include "v6c/catalog/catalog.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/faults.hpp"
#include "v6c/lab/lab.hpp"
#include "v6c/lab/run.hpp"

using namespace v6c;
using catalog::Status;

namespace {

using Verdicts = std::map<std::string, catalog::Verdict>;  // "id @ scope" → verdict

const catalog::Catalog& shipped() {
  static const auto c = catalog::load_catalog(catalog::default_catalog_path());
  return c;
}

Verdicts run_lab(lab::Flavour flavour, const std::vector<std::string>& faults = {}) {
  auto m = lab::make_model(lab::unique_prefix(), flavour, lab::kAllModes);
  if (auto unknown = lab::apply_faults(m, faults)) FAIL("unknown fault " << *unknown);
  lab::Lab lab(m);
  std::vector<std::pair<int, int>> steps;  // (done, total): `v6conform lab` shows them on a TTY
  auto result = lab::run_catalogue(lab, shipped(), V6C_AGENT_BIN, nullptr, {},
                                   [&](int done, int total, const std::string&) { steps.emplace_back(done, total); });
  REQUIRE_FALSE(steps.empty());
  CHECK(steps.front().first == 0);
  CHECK(steps.back().first == steps.back().second);
  CHECK(steps.back().second > 0);
  Verdicts v;
  for (auto& verdict : result.verdicts) v.emplace(verdict.id + " @ " + verdict.scope.label(), verdict);
  return v;
}

const Verdicts& baseline(lab::Flavour flavour) {
  static const Verdicts radvd = run_lab(lab::Flavour::radvd);
  if (flavour == lab::Flavour::radvd) return radvd;
  static const Verdicts ovn = run_lab(lab::Flavour::ovn);
  return ovn;
}

std::string status(const catalog::Verdict& v) { return std::string(catalog::to_string(v.status)); }

bool exercised(const std::string& requirement) {
  for (const auto& u : lab::unexercised_requirements())
    if (u.requirement == requirement) return false;
  return true;
}

// The fault makes its requirement FAIL (a MUST) or WARN (a SHOULD or MAY) and changes no
// other verdict of the flavour's conforming lab, but those that rest on it (also_breaks).
void check_fault(lab::Flavour flavour, const lab::Fault& fault, const catalog::Requirement& req) {
  const auto& base = baseline(flavour);
  auto broken = run_lab(flavour, {fault.name});
  REQUIRE(broken.size() == base.size());
  bool target_failed = false;
  std::set<std::string> also_failed;
  for (const auto& [key, before] : base) {
    const auto& after = broken.at(key);
    CAPTURE(key, status(before), status(after), after.actual, after.reason);
    if (after.id == fault.requirement) {
      // A MUST fails; a SHOULD or MAY not met is WARN (catalogue levels decide).
      target_failed |= after.status == (req.level == catalog::Level::must ? Status::fail : Status::warn);
    } else if (std::count(fault.also_breaks.begin(), fault.also_breaks.end(), after.id)) {
      // Rests on the broken requirement: it fails where it applies, or stays as it was.
      if (after.status == Status::fail || after.status == Status::warn) also_failed.insert(after.id);
      else CHECK(after.status == before.status);
    } else {
      CHECK(after.status == before.status);
    }
  }
  CHECK(target_failed);
  CHECK(also_failed.size() == fault.also_breaks.size());
}

// Every fault whose requirement lies in one of these catalogue sections and that this lab
// run can exercise (the slow section only runs with --slow), in each flavour that builds it.
void check_faults_in(const std::set<std::string>& sections) {
  int checked = 0;
  for (auto flavour : {lab::Flavour::radvd, lab::Flavour::ovn})
    for (const auto& fault : lab::faults()) {
      const auto* req = shipped().find(fault.requirement);
      REQUIRE(req);
      if (!sections.count(std::string(catalog::to_string(req->section))) || !exercised(fault.requirement)) continue;
      if (flavour == lab::Flavour::ovn ? !fault.on_ovn : !fault.on_radvd) continue;
      DYNAMIC_SECTION(lab::to_string(flavour) << ": " << fault.name << " breaks " << fault.requirement) {
        check_fault(flavour, fault, *req);
      }
      ++checked;
    }
  CHECK(checked > 0);  // the sections hold faults the lab exercises
}


}  // namespace

TEST_CASE("Every requirement has a fault profile or a reason the lab cannot exercise it", "[lab-model]") {
  std::set<std::string> covered;
  for (const auto& f : lab::faults()) {
    CAPTURE(f.name);
    CHECK(shipped().find(f.requirement));  // a fault must target a real requirement
    covered.insert(f.requirement);
    for (const auto& also : f.also_breaks) CHECK(shipped().find(also));
  }
  for (const auto& u : lab::unexercised_requirements()) {
    CHECK_FALSE(u.reason.empty());
    covered.insert(u.requirement);
  }
  for (const auto& r : shipped().requirements) {
    CAPTURE(r.id);
    CHECK(covered.count(r.id));
  }
}

// What a cloud with Neutron's defaults (ML2/OVS or linuxbridge: radvd, dnsmasq) departs from,
// by "id @ scope": docs/lab.md "What the radvd flavour finds". Every other verdict of the
// conforming radvd lab passes or skips.
std::map<std::string, Status> radvd_findings() {
  std::map<std::string, Status> f = {
      // The DHCP agent holds fe80::a9fe:a9fe on-link only with enable_isolated_metadata or
      // force_metadata (off by default); with a router, metadata is reached through the RA's
      // route to it, which the check's on-link Neighbor Solicitation does not take.
      {"metadata-v6 @ slaac (slaac)", Status::warn},
      {"metadata-v6 @ stless (dhcpv6-stateless)", Status::warn},
      {"metadata-v6 @ stful (dhcpv6-stateful)", Status::warn},
  };
  // ra.py states no RDNSS lifetime: radvd up to 2.19 sends MaxRtrAdvInterval, below RFC 8106's
  // 3 × MaxRtrAdvInterval; from 2.20 radvd's default meets it.
  if (lab::installed_radvd_rdnss_lifetime_factor() < 3) f.emplace("ra-rdnss @ slaac (slaac)", Status::warn);
  return f;
}

TEST_CASE("The conforming lab, radvd flavour: what Neutron's defaults depart from, and nothing else", "[lab]") {
  const auto& base = baseline(lab::Flavour::radvd);
  REQUIRE_FALSE(base.empty());
  const auto findings = radvd_findings();
  std::size_t passed = 0, found = 0;
  for (const auto& [key, v] : base) {
    CAPTURE(key, status(v), v.actual, v.reason);
    if (auto it = findings.find(key); it != findings.end()) {
      CHECK(v.status == it->second);
      ++found;
    } else {
      CHECK((v.status == Status::pass || v.status == Status::skip));
    }
    passed += v.status == Status::pass;
  }
  CHECK(found == findings.size());  // each documented finding was measured
  CHECK(passed > base.size() / 2);
}

// Where stock OVN (Debian 12: 23.03.1 with Open vSwitch 3.1) departs from a requirement, by
// "id @ scope": docs/lab.md "Where OVN departs" says the cause of each. Every other verdict of
// the conforming ovn lab passes or skips.
std::map<std::string, Status> ovn_departures() {
  std::map<std::string, Status> d = {
      {"ra-rdnss @ slaac (slaac)", Status::warn},  // Neutron sets no ipv6_ra_configs:rdnss
      // No RA guard: a VM's RA reaches its neighbours; OVN passes nd_ra above every ACL.
      {"sec-ra-guard @ slaac (slaac)", Status::fail},
      {"sec-ra-guard @ stless (dhcpv6-stateless)", Status::fail},
      {"sec-ra-guard @ stful (dhcpv6-stateful)", Status::fail},
  };
  // No echo reply from the router port's link-local address: the router cannot learn the VM's
  // link-local address, whose NA port security drops.
  if (test::ovn_drops_own_nas())
    for (const auto* scope : {"slaac (slaac)", "stless (dhcpv6-stateless)", "stful (dhcpv6-stateful)"})
      d.emplace(std::string("gw-echo @ ") + scope, Status::fail);
  return d;
}

TEST_CASE("The conforming lab, ovn flavour: what stock OVN departs from, and nothing else", "[lab][ovn]") {
  const auto& ovn = baseline(lab::Flavour::ovn);
  REQUIRE_FALSE(ovn.empty());
  const auto expected = ovn_departures();
  std::size_t departures = 0;
  for (const auto& [key, v] : ovn) {
    CAPTURE(key, status(v), v.actual, v.reason);
    if (auto it = expected.find(key); it != expected.end()) {
      CHECK(v.status == it->second);
      ++departures;
    } else {
      CHECK((v.status == Status::pass || v.status == Status::skip));
    }
  }
  CHECK(departures == expected.size());  // each documented departure was measured
}

TEST_CASE("Faults in router advertisements break exactly their requirement", "[lab][matrix]") {
  check_faults_in({"ra"});
}
TEST_CASE("Faults in addressing and DHCPv6 break exactly their requirement", "[lab][matrix]") {
  check_faults_in({"address", "dhcp6"});
}
TEST_CASE("Faults in connectivity break exactly their requirement", "[lab][matrix]") {
  check_faults_in({"connectivity", "slow"});
}
TEST_CASE("Faults in port security break exactly their requirement", "[lab][matrix]") {
  check_faults_in({"security"});
}
