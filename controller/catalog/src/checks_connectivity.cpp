// Connectivity checks: gateway, east-west, north-south, MTU, ICMPv6 errors, DNS, metadata.
#include <algorithm>

#include "check_util.hpp"

namespace v6c::catalog {

namespace {

using namespace detail;
using wire::IcmpErrorKind;

constexpr std::string_view kFarSeenProcedure = "far-seen";  // evidence: the capture beyond the router
constexpr std::string_view kControlProcedure = "errors-sent";  // evidence: icmp6-errors' control path
constexpr std::uint8_t kAddressUnreachable = 3;                 // Destination Unreachable code (RFC 4443 §3.1)
constexpr unsigned kLinkPrefixLength = 64;  // every IPv6 link here is a /64, the far link too

// "3/3 echo replies from 2001:db8::1", with the first reply as evidence.
Outcome echo_outcome(const HostObservations& h, std::string_view id, const wire::EchoResult& e,
                     std::int64_t min_replies, const std::string& expected, std::string_view clause) {
  const std::string actual = std::to_string(e.replies.size()) + "/" + std::to_string(e.sent) + " echo replies from " +
                             e.target.str() + " (" + std::to_string(e.size) + " bytes)";
  std::vector<Evidence> ev;
  if (!e.replies.empty()) ev.push_back(packet_evidence(h, id, e.replies.front(), actual, clause));
  else ev.push_back(note_evidence(h, id, actual + (e.errors.empty() ? "" : ", " + wire::describe(e.errors.front().msg))));
  if (e.sent == 0) return error(host_name(h) + ": " + std::string(id) + " sent no echo request", ev);
  const bool ok = static_cast<std::int64_t>(e.replies.size()) >= min_replies;
  return on_host(h, ok ? pass(expected, actual, ev) : fail(expected, actual, ev));
}

Outcome echo_check(const HostObservations& h, std::string_view id, std::int64_t min_replies,
                   const std::string& expected, std::string_view clause) {
  auto found = find_result<wire::EchoResult>(h, id);
  if (!found.result) return found.problem;
  return echo_outcome(h, id, *found.result, min_replies, expected, clause);
}

bool has_gateway(const CheckInput& in) { return !in.network->subnet.gateway_ip.is_unspecified(); }

Outcome gw_nd(const CheckInput& in) {
  const std::string expected = "a solicited NA with the router flag, for the link-local and the global address";
  return for_each_host(in, [&](const HostObservations& h) {
    std::vector<Outcome> parts;
    for (auto id : {proc::kNdGwLl, proc::kNdGwGlobal}) {
      if (id == proc::kNdGwGlobal && !has_gateway(in)) continue;
      auto found = find_result<wire::NeighborResult>(h, id);
      if (!found.result) {
        parts.push_back(found.problem);
        continue;
      }
      const auto& r = *found.result;
      if (!r.na) {
        parts.push_back(on_host(h, fail(expected, "no NA for " + r.target.str() + " after " + std::to_string(r.ns_sent) + " NS",
                                        {note_evidence(h, id, "NS for " + r.target.str() + " unanswered")})));
        continue;
      }
      const auto& na = *r.na->as<wire::NeighborAdvert>();
      const std::string actual = "NA for " + na.target.str() + " R=" + std::to_string(na.router) +
                                 " S=" + std::to_string(na.solicited);
      auto ev = packet_evidence(h, id, *r.na, actual, "RFC 4861 §7.2.4");
      const bool ok = na.router && na.solicited && na.target == r.target;
      parts.push_back(on_host(h, ok ? pass(expected, actual, {ev}) : fail(expected, actual, {ev})));
    }
    return combine(std::move(parts));
  });
}

Outcome gw_echo(const CheckInput& in) {
  const auto min_replies = int_param(in, "min_replies");
  const std::string expected = "echo replies from the gateway's link-local and global address";
  return for_each_host(in, [&](const HostObservations& h) {
    std::vector<Outcome> parts{echo_check(h, proc::kEchoGwLl, min_replies, expected, "RFC 4443 §4.2")};
    if (has_gateway(in)) parts.push_back(echo_check(h, proc::kEchoGwGlobal, min_replies, expected, "RFC 4443 §4.2"));
    return combine(std::move(parts));
  });
}

Outcome east_west(const CheckInput& in) {
  const auto min_replies = int_param(in, "min_replies");
  return for_each_host(in, [&](const HostObservations& h) {
    auto peers = peers_of(in.facts, *in.network, *h.port);
    if (peers.empty()) return not_measured("no second probe VM to reach");
    std::vector<Outcome> parts;
    for (const auto& peer : peers) {
      const std::string expected = "echo replies from every other VM" + std::string(peer.on_link ? "" : " (also behind the router)");
      parts.push_back(echo_check(h, std::string(proc::kEchoPeerPrefix) + peer.port->name, min_replies, expected, "IaaS"));
    }
    return combine(std::move(parts));
  });
}

// A check of two parts where one could not be asked (no target for it): what was measured
// still fails or errs, but its pass is no PASS of the whole. SKIP, saying what was measured.
Outcome partly_measured(Outcome measured, const std::string& what_not) {
  if (measured.status != Status::pass) return measured;
  Outcome out = catalog::not_measured(what_not + "; measured: " + measured.actual);
  out.evidence = std::move(measured.evidence);
  return out;
}

// NAT66: the external target must have seen the VM's own address as the source.
Outcome seen_beyond_router(const FarSeen& far, const HostObservations& h, const wire::EchoResult& e, Outcome out,
                           const std::string& expected) {
  const model::Port observer{far.host, {}, {}, model::Role::observer};
  const HostObservations beyond{&observer, nullptr, far.pcap};
  const auto& seen = far.echo_requests;
  const auto& source = e.source;
  // Nothing at all arrived where the observer watched, though the VM had its replies: the
  // requests took another way in, and the observer cannot tell a translation from that.
  if (seen.empty())
    return partly_measured(std::move(out), "no NAT66 not measured: " + far.host + " saw no echo request for the target");
  // The evidence is the request this procedure sent (its echo id), else any from the VM.
  const auto* reply = e.replies.empty() ? nullptr : e.replies.front().as<wire::Echo>();
  auto own = std::find_if(seen.begin(), seen.end(), [&](const wire::Packet& p) {
    return p.ctx.src_ip == source && reply && p.as<wire::Echo>() && p.as<wire::Echo>()->id == reply->id;
  });
  if (own == seen.end())
    own = std::find_if(seen.begin(), seen.end(), [&](const wire::Packet& p) { return p.ctx.src_ip == source; });
  if (own != seen.end()) {
    out.evidence.push_back(
        packet_evidence(beyond, kFarSeenProcedure, *own, "beyond the router, from " + source.str(), "no NAT66"));
    return out;
  }
  std::vector<std::string> sources;
  for (const auto& p : seen)
    if (std::find(sources.begin(), sources.end(), p.ctx.src_ip.str()) == sources.end()) sources.push_back(p.ctx.src_ip.str());
  std::string actual = "the external host saw ";
  if (sources.empty()) actual += "no echo request";
  else {
    actual += "echo requests only from";
    for (const auto& s : sources) actual += " " + s;
  }
  actual += ", none from " + source.str() + " (translated on the way: NAT66)";
  std::vector<Evidence> ev = out.evidence;
  if (!seen.empty()) ev.push_back(packet_evidence(beyond, kFarSeenProcedure, seen.front(), actual, "no NAT66"));
  return on_host(h, fail(expected, actual, ev));
}

Outcome north_south_out(const CheckInput& in) {
  if (!in.facts.external_target) return not_measured("no external IPv6 target configured (--external-target)");
  if (!has_gateway(in)) return skip("the subnet has no gateway");
  const auto min_replies = int_param(in, "min_replies");
  const std::string expected = "echo replies from " + in.facts.external_target->str() + " to the VM's own address";
  auto measured = for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::EchoResult>(h, proc::kEchoFar);
    if (!found.result) return found.problem;
    const auto& e = *found.result;
    auto out = echo_outcome(h, proc::kEchoFar, e, min_replies, expected, "scs-0126");
    // The source must be the VM's own global address, and arrive as such beyond the router.
    if (out.status != Status::pass) return out;
    if (std::find(h.port->fixed_ips.begin(), h.port->fixed_ips.end(), e.source) == h.port->fixed_ips.end())
      return on_host(h, fail(expected, "sent from " + e.source.str() + ", not the port's fixed IP", out.evidence));
    if (in.far_seen) return seen_beyond_router(*in.far_seen, h, e, std::move(out), expected);
    return out;
  });
  if (in.far_seen) return measured;
  // A NAT66 that translates back is invisible from the VM: replies and quoted errors are
  // translated too. Without an observer beyond the router, "no NAT66" is not measured.
  return partly_measured(std::move(measured),
                         "no NAT66 not measured: nobody beyond the router saw the source address arrive" +
                             (in.far_why_not.empty() ? std::string() : " (" + std::string(in.far_why_not) + ")"));
}

Outcome north_south_in(const CheckInput& in) {
  if (!in.external)
    return not_measured(in.external_why_not.empty() ? "no agent outside the cloud reported (north-south-in needs one)"
                                            : std::string(in.external_why_not));
  const auto min_replies = int_param(in, "min_replies");
  const std::string expected = "the external host gets echo replies from the VM's global address";
  const model::Port outside_port{in.external->host, in.external->mac, {}, model::Role::external};
  HostObservations outside{&outside_port, in.external, in.external->host + ".pcap"};
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::EchoResult>(outside, std::string(proc::kEchoInPrefix) + host_name(h));
    if (!found.result) return found.problem;
    auto out = echo_outcome(outside, found.record->id, *found.result, min_replies, expected, "north-south draft");
    if (!out.actual.empty()) out.actual = host_name(h) + " from " + out.actual;  // "vm1 from external: 3/3 ..."
    return out;
  });
}

Outcome mtu_1280(const CheckInput& in) {
  if (!has_gateway(in)) return skip("the subnet has no gateway to send to");
  const auto min_mtu = std::to_string(int_param(in, "min_mtu"));
  const std::string expected =
      min_mtu + "-byte packets end to end and " + std::to_string(in.network->mtu) + "-byte packets on the link";
  const bool e2e = offlink_target(in.facts, *in.network).has_value();
  auto measured = for_each_host(in, [&](const HostObservations& h) {
    std::vector<Outcome> parts{echo_check(h, proc::kEchoMtuLink, 1, expected, "RFC 8200 §5")};
    if (e2e) parts.push_back(echo_check(h, proc::kEcho1280, 1, expected, "RFC 8200 §5"));
    return combine(std::move(parts));
  });
  if (e2e) return measured;
  return partly_measured(std::move(measured), min_mtu + "-byte packets end to end not measured: no off-link target "
                                                        "(external target, second network or far host)");
}

// Why there is no far link to provoke a Packet Too Big with: what the cloud answered when a
// run asked for one (Facts.api.far_network), else that nobody offered one.
// What a cloud run recorded of the far link it asked for; null in the lab.
nlohmann::json far_network_fact(const CheckInput& in) {
  return in.facts.api.is_object() ? in.facts.api.value("far_network", nlohmann::json()) : nlohmann::json();
}

std::string why_no_far_link(const CheckInput& in) {
  const auto far = far_network_fact(in);
  if (far.is_object() && !far.value("ok", false))
    return "the cloud would not build a network with the minimum MTU for the far link: " + far.value("error", std::string());
  if (far.is_object())
    return "the cloud gave the far link's network MTU " + std::to_string(far.value("mtu", 0)) + ", not the minimum asked";
  return "no far host behind a link with a smaller MTU";
}

Outcome ptb_delivered(const CheckInput& in) {
  if (!far_link_is_smaller(in.facts, *in.network)) return not_measured(why_no_far_link(in));
  if (!has_gateway(in)) return skip("the subnet has no gateway");
  const auto far_mtu = *in.facts.far_mtu;
  const std::string expected = "Packet Too Big with MTU " + std::to_string(far_mtu) + " for packets above it";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::PmtuResult>(h, proc::kPmtuFar);
    if (!found.result) return found.problem;
    std::vector<Outcome> parts;
    for (const auto& step : found.result->steps) {
      if (step.size <= far_mtu) continue;
      const std::string what = std::to_string(step.size) + "-byte packet";
      const auto* err = step.ptb ? step.ptb->as<wire::IcmpError>() : nullptr;
      if (!err || err->kind != IcmpErrorKind::packet_too_big) {
        parts.push_back(on_host(h, fail(expected, what + ": no Packet Too Big" + (step.replied ? " (it was answered)" : ""),
                                        {note_evidence(h, proc::kPmtuFar, what + " drew no PTB")})));
        continue;
      }
      const std::string actual = what + ": Packet Too Big MTU " + std::to_string(err->mtu_or_pointer);
      auto ev = packet_evidence(h, proc::kPmtuFar, *step.ptb, actual, "RFC 4443 §3.2");
      parts.push_back(on_host(h, err->mtu_or_pointer == far_mtu ? pass(expected, actual, {ev}) : fail(expected, actual, {ev})));
    }
    if (parts.empty()) return error(host_name(h) + ": no packet above " + std::to_string(far_mtu) + " bytes was tried");
    return combine(std::move(parts));
  });
}

// The first ICMPv6 error of this kind that an echo series drew, if any.
const wire::Packet* first_error(const wire::EchoResult& e, IcmpErrorKind kind) {
  for (const auto& p : e.errors)
    if (const auto* err = p.as<wire::IcmpError>(); err && err->kind == kind) return &p;
  return nullptr;
}

bool saw_icmp_error(const HostObservations& h, std::string_view id, IcmpErrorKind kind) {
  auto found = find_result<wire::EchoResult>(h, id);
  return found.result && first_error(*found.result, kind);
}

Outcome icmp_error_seen(const HostObservations& h, std::string_view id, IcmpErrorKind kind, const std::string& name,
                        const std::string& expected) {
  auto found = find_result<wire::EchoResult>(h, id);
  if (!found.result) return found.problem;
  const auto& e = *found.result;
  if (e.sent == 0) return error(host_name(h) + ": " + std::string(id) + " sent nothing");
  if (const auto* p = first_error(e, kind))
    return on_host(h, pass(expected, name + " from " + p->ctx.src_ip.str(),
                           {packet_evidence(h, id, *p, name + " for " + e.target.str(), "RFC 4890 §4.3.1")}));
  return on_host(h, fail(expected, "no " + name + " for " + e.target.str() + " (" + std::to_string(e.errors.size()) +
                                       " other errors)",
                         {note_evidence(h, id, std::to_string(e.sent) + " sent to " + e.target.str() + ", no " + name)}));
}

// The Destination Unreachable the router sent for this echo series where no group filters
// it (the control path): the lab's, addressed to this VM; a control VM's, any it received.
const wire::Packet* sent_anyway(const ErrorsSent& s, const wire::EchoResult& e) {
  for (const auto& p : s.dest_unreachables) {
    const auto* err = p.as<wire::IcmpError>();
    if (!s.addressed_to_probes || (err && p.ctx.dst_ip == e.source && err->invoking_dst == e.target)) return &p;
  }
  return nullptr;
}

Evidence control_evidence(const ErrorsSent& s, const wire::Packet& p, const std::string& what) {
  const model::Port where{s.host, {}, {}, model::Role::observer};
  return packet_evidence(HostObservations{&where, nullptr, s.pcap}, kControlProcedure, p, what, "RFC 4443 §3.1");
}

// A VM got no Destination Unreachable: did its group drop one (RFC 4890: fail), or did the
// router send none (not this requirement's to judge: icmp6-addr-unreachable)? The control path
// tells; without one, a Time Exceeded that passed the same group points at the router, but a
// filter that drops only type 1 looks the same: not measured.
std::optional<Outcome> attribute_missing_du(const CheckInput& in, const HostObservations& h, Outcome du,
                                            bool te_passed, std::string& unsent) {
  auto found = find_result<wire::EchoResult>(h, proc::kUnreachFar);
  const auto& e = *found.result;
  if (in.errors_sent) {
    const auto& s = *in.errors_sent;
    if (const auto* p = sent_anyway(s, e)) {
      du.actual += ", though the router sent one (seen " + s.where + "): a filter on the way dropped it";
      du.evidence.push_back(control_evidence(s, *p, "the router's Destination Unreachable, seen " + s.where));
      return du;
    }
    unsent = du.actual + ", and the router sent none (none seen " + s.where + ")";
    return std::nullopt;
  }
  if (!te_passed) return du;
  unsent = du.actual + ", while the router's Time Exceeded passed the same security group; whether the router "
                       "sent one is unknown (" + std::string(in.errors_sent_why_not) + ")";
  return std::nullopt;
}

// The errors a router sends reach the VM through its group (RFC 4890). A Destination
// Unreachable the router never sent is not measured here, never PASS (icmp6-addr-unreachable
// judges the router). A missing Time Exceeded fails either way: the router MUST send it
// (RFC 4443 §3.3).
Outcome icmp6_errors(const CheckInput& in) {
  if (!has_gateway(in)) return skip("the subnet has no gateway");
  const bool hop = offlink_target(in.facts, *in.network).has_value();
  const bool unreach = unassigned_target(in.facts, *in.network).has_value();
  if (!hop && !unreach) return not_measured("no off-link target to provoke ICMPv6 errors with");
  const std::string expected = "Time Exceeded and Destination Unreachable reach the VM";
  std::string unsent;
  auto measured = for_each_host(in, [&](const HostObservations& h) {
    std::optional<Outcome> te, du;
    if (hop) te = icmp_error_seen(h, proc::kHoplimitFar, IcmpErrorKind::time_exceeded, "Time Exceeded", expected);
    if (unreach) {
      du = icmp_error_seen(h, proc::kUnreachFar, IcmpErrorKind::dest_unreachable, "Destination Unreachable", expected);
      if (du->status == Status::fail)
        du = attribute_missing_du(in, h, std::move(*du), te && te->status == Status::pass, unsent);
    }
    if (te && du) return combine({std::move(*te), std::move(*du)});
    if (te || du) return te ? std::move(*te) : std::move(*du);
    return not_measured(host_name(h) + ": Destination Unreachable not measured: " + unsent);
  });
  if (!unsent.empty()) return partly_measured(std::move(measured), "Destination Unreachable not measured: " + unsent);
  if (hop && unreach) return measured;
  return partly_measured(std::move(measured), hop ? "Destination Unreachable not measured: no unassigned address behind the router"
                                                  : "Time Exceeded not measured: no off-link target");
}

// The router's answer where the VM's group dropped it or the router sent none: the control path's.
Outcome addr_unreachable_by_control(const ErrorsSent& s, const HostObservations& h, const wire::EchoResult& e,
                                    const std::string& expected) {
  const auto* p = sent_anyway(s, e);
  if (!p)
    return on_host(h, fail(expected, "none after " + std::to_string(e.sent) + " echo requests, and none seen " + s.where,
                           {note_evidence(h, proc::kUnreachFar, std::to_string(e.sent) + " sent to " + e.target.str() +
                                                                   ", no Destination Unreachable")}));
  const auto code = p->as<wire::IcmpError>()->code;
  const auto actual = "Destination Unreachable code " + std::to_string(code) + " from " + p->ctx.src_ip.str() +
                      ", seen " + s.where + " (the VM's group dropped it: icmp6-errors)";
  auto ev = control_evidence(s, *p, actual);
  return on_host(h, code == kAddressUnreachable ? pass(expected, actual, {ev}) : fail(expected, actual, {ev}));
}

// RFC 4443 §3.1 (code 3) and RFC 4861 §7.2.2: a packet for an address on one of the router's
// own links that does not resolve is answered with Address Unreachable. Judged only where the
// probed address is on a tenant network: beyond the provider's upstream it is not the cloud's
// router that answers.
Outcome icmp6_addr_unreachable(const CheckInput& in) {
  if (!has_gateway(in)) return skip("the subnet has no gateway");
  const auto target = unassigned_target(in.facts, *in.network);
  if (!target) return not_measured("no unassigned address behind the router");
  // A cloud run's far link hangs on the cloud's own router (Facts.api.far_network); the lab's
  // lies beyond the upstream router.
  const auto far = far_network_fact(in);
  const bool far_link_on_router = far.is_object() && far.value("ok", false);
  const bool on_router_link =
      (far_link_on_router && in.facts.far_target &&
       target->prefix(kLinkPrefixLength) == in.facts.far_target->prefix(kLinkPrefixLength)) ||
      std::any_of(in.facts.networks.begin(), in.facts.networks.end(), [&](const auto& n) {
        return target->prefix(n.subnet.prefix_length) == n.subnet.prefix.prefix(n.subnet.prefix_length);
      });
  if (!on_router_link)
    return not_measured("the unassigned address probed (" + target->str() +
                        ") lies beyond the upstream router, not on the cloud router's own links");
  const std::string expected = "Destination Unreachable, code 3 (address unreachable), for " + target->str();
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::EchoResult>(h, proc::kUnreachFar);
    if (!found.result) return found.problem;
    const auto& e = *found.result;
    if (e.sent == 0) return error(host_name(h) + ": " + std::string(proc::kUnreachFar) + " sent nothing");
    if (const auto* p = first_error(e, IcmpErrorKind::dest_unreachable)) {
      const auto code = p->as<wire::IcmpError>()->code;
      const auto actual = "Destination Unreachable code " + std::to_string(code) + " from " + p->ctx.src_ip.str();
      auto ev = packet_evidence(h, proc::kUnreachFar, *p, actual, "RFC 4443 §3.1");
      return on_host(h, code == kAddressUnreachable ? pass(expected, actual, {ev}) : fail(expected, actual, {ev}));
    }
    if (in.errors_sent) return addr_unreachable_by_control(*in.errors_sent, h, e, expected);
    if (!saw_icmp_error(h, proc::kHoplimitFar, IcmpErrorKind::time_exceeded))
      return not_measured(host_name(h) + ": no Destination Unreachable, and no Time Exceeded either: a filter may have "
                          "dropped both (icmp6-errors)");
    return on_host(h, fail(expected, "none after " + std::to_string(e.sent) + " echo requests, while the router's Time "
                                         "Exceeded reached the VM",
                           {note_evidence(h, proc::kUnreachFar, std::to_string(e.sent) + " sent to " + e.target.str() +
                                                                   ", no Destination Unreachable")}));
  });
}

Outcome dns_aaaa(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (subnet.dns_servers.empty()) return skip("the subnet has no dns_nameservers");
  if (in.facts.dns_test_name.empty()) return not_measured("no DNS test name configured");
  if (!has_gateway(in)) return skip("the subnet has no gateway");
  std::string expected = "AAAA for " + in.facts.dns_test_name + " from " + subnet.dns_servers.front().str();
  for (const auto& a : in.facts.dns_test_answer) expected += " containing " + a.str();
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DnsResult>(h, proc::kDns);
    if (!found.result) return found.problem;
    const auto& r = *found.result;
    if (!r.rcode)
      return on_host(h, fail(expected, "no answer from " + r.server.str(),
                             {note_evidence(h, proc::kDns, "AAAA " + r.name + " to " + r.server.str() + ": no answer")}));
    std::string actual = "rcode " + std::to_string(*r.rcode) + ", AAAA";
    for (const auto& a : r.aaaa) actual += " " + a.str();
    const bool ok = *r.rcode == 0 && !r.aaaa.empty() &&
                    std::all_of(in.facts.dns_test_answer.begin(), in.facts.dns_test_answer.end(), [&](const wire::Ip6& a) {
                      return std::find(r.aaaa.begin(), r.aaaa.end(), a) != r.aaaa.end();
                    });
    std::string note = "AAAA " + r.name + " to " + r.server.str() + ": " + actual;
    for (const auto& d : r.departures) note += "; the answer departs from the DNS format: " + d.what;
    auto ev = note_evidence(h, proc::kDns, note);
    return on_host(h, ok ? pass(expected, actual, {ev}) : fail(expected, actual, {ev}));
  });
}

Outcome metadata_v6(const CheckInput& in) {
  // What Neutron's metadata proxy must do first; an HTTP query would need a TCP stack in the agent.
  const std::string expected = "a Neighbor Advertisement for " + kMetadataAddress.str() +
                               " (ND only: the metadata service itself is not queried)";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::NeighborResult>(h, proc::kNdMetadata);
    if (!found.result) return found.problem;
    const auto& r = *found.result;
    if (!r.na)
      return on_host(h, fail(expected, "no NA after " + std::to_string(r.ns_sent) + " NS",
                             {note_evidence(h, proc::kNdMetadata, "NS for " + kMetadataAddress.str() + " unanswered")}));
    const std::string actual = "NA from " + r.na->ctx.src_mac.str();
    return on_host(h, pass(expected, actual, {packet_evidence(h, proc::kNdMetadata, *r.na, actual, "Neutron metadata")}));
  });
}

}  // namespace

std::vector<CheckSpec> connectivity_checks() {
  using T = ParamType;
  const ParamSpec min_replies{"min_replies", T::integer, 1, "echo replies needed", 1};
  return {
      {"gw_nd", false, {}, "nd-gw-ll, nd-gw-global", gw_nd},
      {"gw_echo", false, {min_replies}, "echo-gw-ll, echo-gw-global", gw_echo},
      {"east_west", false, {min_replies}, "echo-peer-<vm> for every other probe VM", east_west},
      {"north_south_out", false, {min_replies}, "echo-far (to the external target)", north_south_out},
      {"north_south_in", false, {min_replies}, "the external agent's echo-in-<vm>", north_south_in},
      {"mtu_1280", false, {{"min_mtu", T::integer, 1280, "the end-to-end size (RFC 8200 §5)", 1280}},
       "echo-mtu-link, echo-1280", mtu_1280},
      {"ptb_delivered", false, {}, "pmtu-far", ptb_delivered},
      {"icmp6_errors", false, {}, "hoplimit-far (Time Exceeded), unreach-far (Destination Unreachable)", icmp6_errors},
      {"icmp6_addr_unreachable", false, {}, "unreach-far (Destination Unreachable code 3), hoplimit-far",
       icmp6_addr_unreachable},
      {"dns_aaaa", false, {}, "dns", dns_aaaa},
      {"metadata_v6", false, {}, "nd-metadata", metadata_v6},
  };
}

}  // namespace v6c::catalog
