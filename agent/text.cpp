#include "text.hpp"

#include "diagnose.hpp"

#include <cstdio>
#include <string>
#include <type_traits>

namespace v6c::agent {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// UTC time of day by arithmetic: gmtime_r would first load the time zone file, a few syscalls
// between the first RA and its line on the screen.
std::string clock_time(std::int64_t us) {
  const auto day_s = static_cast<int>(us / 1000000 % 86400);
  return fmt("%02d:%02d:%02d.%03d", day_s / 3600, day_s / 60 % 60, day_s % 60, static_cast<int>(us % 1000000 / 1000));
}

std::string yes_no(bool b) { return b ? "Yes" : "No"; }

std::string lifetime(std::uint32_t s) {
  if (s == wire::kInfiniteLifetime) return "    infinite (0xffffffff)";
  return fmt("%12u (0x%08x) seconds", s, s);
}

std::string preference(int p) {
  switch (p) {
    case 1: return "high";
    case -1: return "low";
    case 2: return "reserved";
    default: return "medium";
  }
}

std::string line(const char* label, const std::string& value) { return fmt("    %-26s: %s\n", label, value.c_str()); }

std::string checksum_note(const wire::Context& c) {
  if (c.checksum_offloaded) return ", checksum not computed (offload)";
  return c.checksum_ok ? "" : ", BAD CHECKSUM";
}

// Each departure from the message format on its own line, with its bytes.
std::string departures_note(const std::vector<wire::Departure>& departures) {
  std::string s;
  for (const auto& d : departures) {
    s += "\n      FORMAT: " + d.what + ", at offset " + std::to_string(d.offset) + ":";
    for (auto b : d.bytes) s += fmt(" %02x", b);
  }
  return s;
}

std::string where(const wire::Packet& p) {
  return "from " + p.ctx.src_ip.str() + " (" + p.ctx.src_mac.str() + ") at " + clock_time(p.ctx.time_us) +
         ", hop limit " + std::to_string(p.ctx.hop_limit) + checksum_note(p.ctx) +
         (p.ctx.fragmented ? ", FRAGMENTED" : "") + (p.ctx.ext_headers.empty() ? "" : ", behind extension headers") + departures_note(p.ctx.departures);
}

std::string render_ra(const wire::Packet& p) {
  const auto& ra = *p.as<wire::RouterAdvert>();
  std::string s = "  RA " + where(p) + "\n";
  s += line("Hop limit", ra.cur_hop_limit ? fmt("%12u", ra.cur_hop_limit) : "   undefined");
  s += line("Stateful address conf.", fmt("%12s", yes_no(ra.managed).c_str()));
  s += line("Stateful other conf.", fmt("%12s", yes_no(ra.other).c_str()));
  s += line("Mobile home agent", fmt("%12s", yes_no(ra.home_agent).c_str()));
  s += line("Router preference", fmt("%12s", preference(ra.preference).c_str()));
  s += line("Neighbor discovery proxy", fmt("%12s", yes_no(ra.proxy).c_str()));
  s += line("Router lifetime", fmt("%12u (0x%08x) seconds", ra.router_lifetime_s, ra.router_lifetime_s));
  s += line("Reachable time", ra.reachable_ms ? fmt("%12u (0x%08x) milliseconds", ra.reachable_ms, ra.reachable_ms)
                                              : " unspecified (0x00000000)");
  s += line("Retransmit time", ra.retrans_ms ? fmt("%12u (0x%08x) milliseconds", ra.retrans_ms, ra.retrans_ms)
                                             : " unspecified (0x00000000)");
  for (const auto& pi : ra.prefixes) {
    s += line(" Prefix", pi.prefix.str() + "/" + std::to_string(pi.length));
    s += line("  On-link", fmt("%12s", yes_no(pi.on_link).c_str()));
    s += line("  Autonomous address conf.", fmt("%12s", yes_no(pi.autonomous).c_str()));
    s += line("  Valid time", lifetime(pi.valid_s));
    s += line("  Pref. time", lifetime(pi.preferred_s));
  }
  if (ra.mtu) s += line(" MTU", fmt("%12u bytes (%s)", *ra.mtu, *ra.mtu >= 1280 ? "valid" : "invalid"));
  for (const auto& r : ra.routes) {
    s += line(" Route", r.prefix.str() + "/" + std::to_string(r.length));
    s += line("  Route preference", fmt("%12s", preference(r.preference).c_str()));
    s += line("  Route lifetime", lifetime(r.lifetime_s));
  }
  for (const auto& r : ra.rdnss) {
    for (const auto& srv : r.servers) s += line(" Recursive DNS server", srv.str());
    s += line("  DNS server lifetime", lifetime(r.lifetime_s));
  }
  for (const auto& d : ra.dnssl) {
    std::string doms;
    for (const auto& x : d.domains) doms += (doms.empty() ? "" : " ") + x;
    s += line(" DNS search list", doms);
    s += line("  DNS search list lifetime", lifetime(d.lifetime_s));
  }
  if (ra.source_lla) s += line(" Source link-layer address", ra.source_lla->str());
  for (const auto& u : ra.unknown) s += line(" Unknown option", "type " + std::to_string(u.type) + ", " +
                                                                   std::to_string(u.data.size() + 2) + " bytes");
  return s;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string render_attack(const wire::AttackResult& r) {
  std::string s = r.announced ? fmt("  started on the victim's announcement after %.1f ms", r.waited_ms)
                              : fmt("  NO ANNOUNCEMENT from the victim: started at the deadline, %.0f ms", r.waited_ms);
  s += fmt("; %u control NS sent\n", r.control_sent);
  for (const auto& a : r.attacks) {
    s += fmt("    %-22s ", a.id.c_str());
    if (a.status != wire::RunStatus::ok) {
      s += "ERROR: " + a.error + "\n";
      continue;
    }
    s += fmt("%u frames, %s to %s", a.sent, clock_time(a.first_us).c_str(), clock_time(a.last_us).c_str());
    if (a.sample) s += ": " + wire::describe(a.sample->msg);
    s += "\n";
  }
  return s;
}

std::string render_kernel_state(const wire::VictimResult& r) {
  if (!r.state_error.empty()) return "  kernel state NOT READ: " + r.state_error + "\n";
  if (!r.state_before) return "";
  const auto& k = *r.state_before;
  // Linux (ip-sysctl.rst): accept_ra 1 acts on RAs unless the interface forwards, 2 even then.
  const bool reacts = k.accept_ra == 2 || (k.accept_ra == 1 && k.forwarding == 0);
  std::string s = fmt("  kernel: accept_ra %d, forwarding %d, autoconf %d, accept_redirects %d (%s)\n", k.accept_ra,
                      k.forwarding, k.autoconf, k.accept_redirects,
                      reacts ? "acts on RAs" : "ignores RAs: a rogue RA cannot change its routes");
  s += fmt("  kernel state before: %zu routes, %zu addresses, %zu neighbours; ", k.routes.size(), k.addresses.size(),
           k.neighbours.size());
  if (r.state_changes.empty()) return s + "unchanged after the attacks\n";
  s += fmt("%zu changes after the attacks\n", r.state_changes.size());
  for (const auto& c : r.state_changes) {
    s += "    " + c.what + " " + c.change + ": " + c.detail;
    s += c.attacks.empty() ? " (not the attacker's)\n" : " (BY " + joined(c.attacks) + ")\n";
  }
  return s;
}

std::string render_victim(const wire::VictimResult& r) {
  std::string s = fmt("  captured %u ms; attacker %s; %u control NS received; %u RAs and %u NAs from others\n",
                      r.window_ms,
                      r.attacker_done      ? "started and finished"
                      : r.attacker_started ? "started, NOT FINISHED"
                                           : "NEVER STARTED",
                      r.control_received, r.ras, r.nas);
  s += fmt("  sent %u announcements, %u RS, %u NS\n", r.announcements, r.rs_sent, r.ns_sent);
  if (r.received.empty()) s += "  none of the attacks arrived\n";
  for (const auto& a : r.received) {
    s += fmt("  ARRIVED %s: %zu packets\n", a.id.c_str(), a.packets.size());
    for (const auto& p : a.packets) s += "    " + wire::describe(p.msg) + " " + where(p) + "\n";
  }
  if (!r.incomplete.empty())
    s += fmt("  %zu attack fragments arrived without the rest (no whole packet)\n", r.incomplete.size());
  return s + render_kernel_state(r);
}

// Appends each argument: text as it is, numbers in decimal. Plain appends rather than an
// ostringstream: a process's first ostringstream costs ~80 us (its locale), and that sat
// between the first RA and its line on the screen.
void put(std::string&) {}
template <class T, class... Rest>
void put(std::string& s, const T& v, const Rest&... rest) {
  if constexpr (std::is_arithmetic_v<T>)
    s += std::to_string(v);
  else
    s += v;
  put(s, rest...);
}

std::string render_result(const wire::ProcedureResult& result) {
  std::string o;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, wire::DiscoverResult>) {
          put(o, "  ", r.sent.size(), " RS sent, ", r.ras.size(), " RA received in ", r.window_ms, " ms");
          if (r.first_ra_ms) o += fmt(" (first after %.1f ms)", *r.first_ra_ms);
          if (r.ras_dropped) put(o, "; ", r.ras_dropped, " more of ", r.ras_seen, " not kept (flood bounds)");
          o += "\n";
          for (const auto& p : r.ras) o += render_ra(p);
        } else if constexpr (std::is_same_v<T, wire::DadResult>) {
          put(o, "  address ", r.address.str(), " from prefix ", r.prefix.str(), "/", int(r.prefix_length), ": ",
              (r.duplicate ? "DUPLICATE" : "unique"), " (", r.ns_sent, " DAD NS sent)\n");
          for (const auto& c : r.conflicts) put(o, "    conflict: ", wire::describe(c.msg), " ", where(c), "\n");
        } else if constexpr (std::is_same_v<T, wire::Dhcp6Result>) {
          put(o, "  ", r.mode, ": ",
              r.outcome == wire::kDhcp6EmptyAdvertise
                  ? "an Advertise without addresses and without a status code (RFC 8415 §18.3.9)"
                  : r.outcome);
          if (r.elapsed_ms) o += fmt(" in %.1f ms", *r.elapsed_ms);
          o += "\n";
          if (r.address) put(o, "    address      ", r.address->str(), "\n");
          for (const auto& d : r.dns_servers) put(o, "    DNS server   ", d.str(), "\n");
          for (const auto& d : r.domains) put(o, "    domain       ", d, "\n");
          for (const auto& p : r.exchange) put(o, "    ", wire::describe(p.msg), " ", where(p), "\n");
        } else if constexpr (std::is_same_v<T, wire::NeighborResult>) {
          put(o, "  ", r.target.str(), ": ");
          if (r.na) {
            const auto& na = *r.na->template as<wire::NeighborAdvert>();
            put(o, "is at ", (na.target_lla ? na.target_lla->str() : std::string("(no link-layer option)")),
                (na.router ? ", router" : ""), (na.solicited ? ", solicited" : ""),
                fmt(" (%.1f ms)", r.rtt_ms.value_or(0)), "\n");
          } else {
            put(o, "no answer to ", r.ns_sent, " NS\n");
          }
        } else if constexpr (std::is_same_v<T, wire::EchoResult>) {
          put(o, "  ", r.source.str(), " -> ", r.target.str(), ", ", r.size, " bytes, hop limit ", int(r.hop_limit),
              ": ", r.sent, " sent, ", r.replies.size(), " replies");
          if (!r.rtt_ms.empty()) o += fmt(", first rtt %.2f ms", r.rtt_ms.front());
          o += "\n";
          for (const auto& e : r.errors) put(o, "    ", wire::describe(e.msg), " ", where(e), "\n");
        } else if constexpr (std::is_same_v<T, wire::PmtuResult>) {
          for (const auto& st : r.steps) {
            put(o, "  ", st.size, " bytes: ", (st.replied ? "reply" : "no reply"));
            if (st.ptb) put(o, ", ", wire::describe(st.ptb->msg), " ", where(*st.ptb));
            o += "\n";
          }
        } else if constexpr (std::is_same_v<T, wire::AttackResult>) {
          o += render_attack(r);
        } else if constexpr (std::is_same_v<T, wire::VictimResult>) {
          o += render_victim(r);
        } else if constexpr (std::is_same_v<T, wire::AdvertiseResult>) {
          put(o, "  ", r.solicited, " RAs answering RSs, ", r.unsolicited, " periodic\n");
        } else if constexpr (std::is_same_v<T, wire::DnsResult>) {
          put(o, "  AAAA ", r.name, " @", r.server.str(), ": ");
          if (!r.rcode) {
            o += "no answer\n";
            for (const auto& e : r.errors) put(o, "    ", wire::describe(e.msg), " ", where(e), "\n");
          } else {
            put(o, "rcode ", *r.rcode);
            for (const auto& a : r.aaaa) put(o, " ", a.str());
            o += fmt(" (%.1f ms)", r.rtt_ms.value_or(0)) + departures_note(r.departures) + "\n";
          }
        }
      },
      result);
  return o;
}

}  // namespace

std::string render_record(const wire::ProcedureRecord& rec) {
  std::string s = rec.id + (rec.id == rec.kind ? "" : " (" + rec.kind + ")") + ": ";
  if (rec.status != wire::RunStatus::ok) return s + "ERROR: " + rec.error + "\n";
  return s + fmt("%.0f ms\n", rec.duration_ms) + render_result(rec.result);
}

std::string render_diagnosis(const std::vector<wire::DiagnosisStep>& steps) {
  std::string s = "\nWhy has this host no IPv6? The chain, link by link:\n";
  const wire::DiagnosisStep* unchecked = nullptr;
  for (const auto& st : steps) {
    const char* state = st.state == wire::LinkState::holds    ? "holds"
                        : st.state == wire::LinkState::broken ? "BROKEN"
                                                              : "not tried";
    s += fmt("  %-22s %-10s ", link_name(st.link), state) + st.why + "\n";
    if (st.state == wire::LinkState::not_tried && !unchecked) unchecked = &st;
  }
  if (const auto* b = first_broken(steps))
    return s + "Answer: the first broken link is the " + link_name(b->link) + ": " + b->why + "\nCheck next: " +
           b->next + "\n";
  if (unchecked)
    return s + "Answer: no link found broken, but the " + link_name(unchecked->link) + " was not checked: " +
           unchecked->why + (unchecked->next.empty() ? "" : "\nCheck next: " + unchecked->next) + "\n";
  return s + "Answer: IPv6 works on this link: every link of the chain holds\n";
}

std::string render_header(const wire::AgentReport& r) {
  // Appends, not `"literal" + string`: that form trips GCC 12's false -Wrestrict (PR 105329).
  std::string s = "v6agent " + r.agent_version + " on " + r.interface + " (" + r.mac.str() + ", MTU " +
                  std::to_string(r.mtu);
  if (r.link_local) s.append(", ").append(r.link_local->str());
  return s.append(")\n");
}

}  // namespace v6c::agent
