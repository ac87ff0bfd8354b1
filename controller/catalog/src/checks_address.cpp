// Address checks (SLAAC, DAD) and DHCPv6 checks (RFC 4862, RFC 8415).
#include <algorithm>

#include "check_util.hpp"

namespace v6c::catalog {

namespace {

using namespace detail;
using wire::Dhcp6Message;
using wire::Dhcp6Type;

constexpr std::uint16_t kDhcp6ServerPort = 547;  // RFC 8415 §7.2
constexpr std::uint16_t kDhcp6ClientPort = 546;  // RFC 8415 §7.2

std::string addresses(const std::vector<wire::Ip6>& v) {
  std::string out;
  for (const auto& a : v) out += (out.empty() ? "" : ", ") + a.str();
  return out.empty() ? "none" : out;
}

bool holds(const model::Port& p, const wire::Ip6& a) {
  return std::find(p.fixed_ips.begin(), p.fixed_ips.end(), a) != p.fixed_ips.end();
}

constexpr unsigned kInterfaceIdBits = 64;  // RFC 4291 §2.5.1: the EUI-64 interface identifier

// The router RA whose PIO lets a host form its address in the subnet (RFC 4862 §5.5.3: A=1,
// preferred <= valid, prefix length + interface identifier = 128 bits), or why none does.
std::pair<const wire::Packet*, std::string> slaac_pio(const CheckInput& in, const wire::DiscoverResult& d) {
  const auto& subnet = in.network->subnet;
  std::string refused;
  for (const auto* p : router_ras(in, d))
    for (const auto& pio : p->as<wire::RouterAdvert>()->prefixes) {
      if (!pio.autonomous || !same_prefix(pio.prefix, subnet.prefix, subnet.prefix_length)) continue;
      const std::string offered = "the router's RA offers " + pio.prefix.str() + "/" + std::to_string(pio.length) + " with A=1";
      if (pio.length + kInterfaceIdBits != 128)
        refused = offered + ", but a /" + std::to_string(pio.length) + " leaves no room for a 64-bit interface "
                  "identifier: SLAAC ignores it (RFC 4862 §5.5.3 d), no address formed";
      else if (pio.preferred_s > pio.valid_s)
        refused = offered + ", but preferred lifetime > valid: SLAAC ignores it (RFC 4862 §5.5.3 c)";
      else
        return {p, ""};
    }
  return {nullptr, refused};
}

Outcome addr_slaac_matches_api(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (!forms_slaac(subnet.mode)) return skip("subnet mode " + mode_name(subnet.mode) + ": addresses come from DHCPv6");
  return for_each_host(in, [&](const HostObservations& h) {
    const std::string expected = "the port's fixed IP " + addresses(h.port->fixed_ips);
    auto found_ra = find_result<wire::DiscoverResult>(h, proc::kDiscover);
    if (!found_ra.result) return found_ra.problem;
    auto found_dad = find_result<wire::DadResult>(h, proc::kDad);
    if (!found_dad.result) return found_dad.problem;
    if (h.report->mac != h.port->mac)
      return error(host_name(h) + ": the agent's MAC " + h.report->mac.str() + " is not the port's " + h.port->mac.str());
    // SLAAC needs the router's A=1 PIO for the subnet's prefix, usable as RFC 4862 §5.5.3 says;
    // the address is then the EUI-64 of the MAC.
    const auto [advertised, refused] = slaac_pio(in, *found_ra.result);
    if (!advertised)
      return on_host(h, fail(expected, refused.empty() ? "no RA from the router offers " + subnet.prefix.str() +
                                                             " for SLAAC (A=1), no address formed"
                                                       : refused));
    const auto formed = found_dad.result->address;
    const std::string actual = "SLAAC address " + formed.str();
    std::vector<Evidence> ev = {
        packet_evidence(h, proc::kDiscover, *advertised, "RA with A=1 PIO " + subnet.prefix.str(), "RFC 4862 §5.5.3"),
        note_evidence(h, proc::kDad, "formed " + formed.str() + " from MAC " + h.report->mac.str() +
                                         " (RFC 4291 App. A)")};
    return on_host(h, holds(*h.port, formed) ? pass(expected, actual, ev) : fail(expected, actual, ev));
  });
}

Outcome addr_dad(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (!forms_slaac(subnet.mode)) return skip("subnet mode " + mode_name(subnet.mode) + ": no SLAAC address to defend");
  const std::string expected = "DAD completes with no NA or NS claiming the address";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DadResult>(h, proc::kDad);
    if (!found.result) return found.problem;
    const auto& d = *found.result;
    if (d.ns_sent == 0) return error(host_name(h) + ": no DAD NS was sent for " + d.address.str());
    if (d.duplicate || !d.conflicts.empty()) {
      std::vector<Evidence> ev;
      for (const auto& p : d.conflicts)
        ev.push_back(packet_evidence(h, proc::kDad, p, "claims " + d.address.str(), "RFC 4862 §5.4.3"));
      return on_host(h, fail(expected, d.address.str() + " is a duplicate (" + std::to_string(d.conflicts.size()) +
                                           " conflicting packets)", ev));
    }
    return on_host(h, pass(expected, d.address.str() + " unique after " + std::to_string(d.ns_sent) + " NS",
                           {note_evidence(h, proc::kDad, std::to_string(d.ns_sent) + " DAD NS for " +
                                                             d.address.str() + ", no answer (RFC 4862 §5.4)")}));
  });
}

const wire::Packet* first_of(const wire::Dhcp6Result& r, Dhcp6Type type) {
  for (const auto& p : r.exchange)
    if (const auto* m = p.as<Dhcp6Message>(); m && m->type == type) return &p;
  return nullptr;
}

bool is_server_message(const Dhcp6Message& m) {
  return m.type == Dhcp6Type::advertise || m.type == Dhcp6Type::reply;
}

Outcome dhcp6_stateful_address(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (subnet.mode != Mode::dhcpv6_stateful) return skip("subnet mode " + mode_name(subnet.mode) + ": no stateful DHCPv6");
  return for_each_host(in, [&](const HostObservations& h) {
    const std::string expected = "Advertise and Reply with server id and our client id, IA_NA " +
                                 addresses(h.port->fixed_ips);
    auto found = find_result<wire::Dhcp6Result>(h, proc::kDhcp6);
    if (!found.result) return found.problem;
    const auto& r = *found.result;
    const auto* solicit = first_of(r, Dhcp6Type::solicit);
    if (!solicit) return error(host_name(h) + ": no Solicit was sent");
    const auto& client_id = solicit->as<Dhcp6Message>()->client_id;
    std::vector<Evidence> ev;
    std::vector<std::string> wrong;
    for (auto type : {Dhcp6Type::advertise, Dhcp6Type::reply}) {
      const auto* p = first_of(r, type);
      if (!p) {
        wrong.push_back("no " + wire::to_string(type));
        continue;
      }
      const auto& m = *p->as<Dhcp6Message>();
      if (!m.server_id) wrong.push_back(wire::to_string(type) + " without server id");
      if (m.client_id != client_id) wrong.push_back(wire::to_string(type) + " does not echo our client id");
      ev.push_back(packet_evidence(h, proc::kDhcp6, *p, wire::to_string(type), "RFC 8415 §18"));
    }
    if (!r.address) wrong.push_back("no IA_NA address (outcome: " + r.outcome + ")");
    else if (!holds(*h.port, *r.address)) wrong.push_back("IA_NA " + r.address->str() + " is not the port's fixed IP");
    if (!wrong.empty()) {
      std::string actual;
      for (const auto& w : wrong) actual += (actual.empty() ? "" : ", ") + w;
      return on_host(h, fail(expected, actual, ev));
    }
    return on_host(h, pass(expected, "IA_NA " + r.address->str(), ev));
  });
}

Outcome dhcp6_stateless_dns(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (subnet.mode != Mode::dhcpv6_stateless) return skip("subnet mode " + mode_name(subnet.mode) + ": no Information-Request");
  std::string expected = subnet.dns_servers.empty() ? "a Reply (the subnet has no dns_nameservers)"
                                                    : "DNS servers " + addresses(subnet.dns_servers);
  if (!subnet.dns_domain.empty()) expected += ", domain search " + subnet.dns_domain;
  auto strip_dot = [](std::string d) {
    if (!d.empty() && d.back() == '.') d.pop_back();
    return d;
  };
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::Dhcp6Result>(h, proc::kDhcp6);
    if (!found.result) return found.problem;
    const auto& r = *found.result;
    const auto* reply = first_of(r, Dhcp6Type::reply);
    if (!reply) return on_host(h, fail(expected, "no Reply (outcome: " + r.outcome + ")"));
    std::string actual = "DNS servers " + addresses(r.dns_servers);
    for (const auto& d : r.domains) actual += ", domain " + d;
    bool ok = std::all_of(subnet.dns_servers.begin(), subnet.dns_servers.end(), [&](const wire::Ip6& a) {
      return std::find(r.dns_servers.begin(), r.dns_servers.end(), a) != r.dns_servers.end();
    });
    if (!subnet.dns_domain.empty())
      ok = ok && std::any_of(r.domains.begin(), r.domains.end(),
                             [&](const std::string& d) { return strip_dot(d) == strip_dot(subnet.dns_domain); });
    auto ev = packet_evidence(h, proc::kDhcp6, *reply, actual, "RFC 8415 §18.3.6, RFC 3646");
    return on_host(h, ok ? pass(expected, actual, {ev}) : fail(expected, actual, {ev}));
  });
}

Outcome dhcp6_transport(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (!runs_dhcp6(subnet.mode)) return skip("subnet mode " + mode_name(subnet.mode) + ": no DHCPv6");
  const std::string expected = "server messages from a link-local address, UDP 547 → 546";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::Dhcp6Result>(h, proc::kDhcp6);
    if (!found.result) return found.problem;
    std::vector<Outcome> parts;
    for (const auto& p : found.result->exchange) {
      const auto* m = p.as<Dhcp6Message>();
      if (!m || !is_server_message(*m)) continue;
      const std::string actual = wire::to_string(m->type) + " from " + p.ctx.src_ip.str() + " UDP " +
                                 std::to_string(m->src_port) + " → " + std::to_string(m->dst_port);
      const bool ok = p.ctx.src_ip.is_link_local() && m->src_port == kDhcp6ServerPort && m->dst_port == kDhcp6ClientPort;
      auto ev = packet_evidence(h, proc::kDhcp6, p, actual, "RFC 8415 §7");
      parts.push_back(on_host(h, ok ? pass(expected, actual, {ev}) : fail(expected, actual, {ev})));
    }
    if (parts.empty()) return error(host_name(h) + ": no server message arrived, nothing to judge");
    return combine(std::move(parts));
  });
}

}  // namespace

std::vector<CheckSpec> address_checks() {
  return {
      {"addr_slaac_matches_api", false, {}, "discover (PIO), dad (the address formed)", addr_slaac_matches_api, true},
      {"addr_dad", false, {}, "dad", addr_dad, true},
      {"dhcp6_stateful_address", false, {}, "dhcp6 (stateful exchange)", dhcp6_stateful_address, true},
      {"dhcp6_stateless_dns", false, {}, "dhcp6 (Information-Request)", dhcp6_stateless_dns, true},
      {"dhcp6_transport", false, {}, "dhcp6 (every Advertise and Reply)", dhcp6_transport, true},
  };
}

}  // namespace v6c::catalog
