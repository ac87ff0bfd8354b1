// Probe procedures on real links: radvd, the Linux kernel's ND and ICMPv6, in namespaces
// this test creates. Each RA field decoded must equal what radvd's configuration says,
// and agree with rdisc6 on every field rdisc6 prints.
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <sstream>
#include <thread>
#include <atomic>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "netlab.hpp"
#include "v6c/probe/observer.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/build.hpp"
#include "fixtures.hpp"
#include "literals.hpp"
#include "radvd_neutron.hpp"

using namespace v6c;
using namespace std::chrono_literals;
using namespace v6c::test;

namespace {

struct RadvdCase {
  const char* name;
  const char* body;  // the interface block's contents
  wire::RouterAdvert expected;
};

// Expected values are what each configuration states, or radvd 2.19's documented defaults
// (AdvDefaultLifetime 3 × MaxRtrAdvInterval, AdvValidLifetime 86400, AdvPreferredLifetime 14400,
// AdvRDNSSLifetime/AdvDNSSLLifetime MaxRtrAdvInterval, AdvRouteLifetime 3 × MaxRtrAdvInterval).
std::vector<RadvdCase> radvd_cases(const Mac& router_mac) {
  std::vector<RadvdCase> cases;
  cases.push_back({"neutron-slaac", test::kNeutronSlaacRadvdBody, test::neutron_slaac_ra(router_mac)});
  {
    wire::RouterAdvert e;
    e.cur_hop_limit = 64;
    e.other = true;
    e.router_lifetime_s = 300;
    e.source_lla = router_mac;
    e.mtu = 1450;
    e.prefixes = {{ip("2001:db8:2::"), 64, true, true, 86400, 14400}};
    e.routes = {{ip("fe80::a9fe:a9fe"), 128, 0, 300}};
    cases.push_back({"neutron-stateless",
                     "AdvSendAdvert on; MinRtrAdvInterval 30; MaxRtrAdvInterval 100; AdvLinkMTU 1450;\n"
                     "AdvOtherConfigFlag on;\n"
                     "prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };\n"
                     "route fe80::a9fe:a9fe/128 { };\n",
                     e});
  }
  {
    wire::RouterAdvert e;
    e.cur_hop_limit = 64;
    e.managed = true;
    e.router_lifetime_s = 300;
    e.source_lla = router_mac;
    e.mtu = 1450;
    e.prefixes = {{ip("2001:db8:3::"), 64, true, false, 86400, 14400}};
    cases.push_back({"neutron-stateful",
                     "AdvSendAdvert on; MinRtrAdvInterval 30; MaxRtrAdvInterval 100; AdvLinkMTU 1450;\n"
                     "AdvManagedFlag on;\n"
                     "prefix 2001:db8:3::/64 { AdvOnLink on; AdvAutonomous off; };\n",
                     e});
  }
  {
    // OVN's constants as far as radvd goes: hop limit 255, infinite prefix lifetimes; radvd
    // 2.19 refuses router lifetimes above RFC 4861's 9000 s, so not OVN's 65535 (RFC 8319).
    wire::RouterAdvert e;
    e.cur_hop_limit = 255;
    e.router_lifetime_s = 9000;
    e.preference = 1;
    e.reachable_ms = 30000;
    e.retrans_ms = 1000;
    e.source_lla = router_mac;
    e.mtu = 1442;
    e.prefixes = {{ip("2001:db8:4::"), 64, true, true, wire::kInfiniteLifetime, wire::kInfiniteLifetime}};
    e.routes = {{ip("2001:db8:f0::"), 48, -1, 1800}};
    e.dnssl = {{600, {"example.test", "lab.example.test"}}};
    cases.push_back({"ovn-like",
                     "AdvSendAdvert on; MinRtrAdvInterval 200; MaxRtrAdvInterval 600; AdvLinkMTU 1442;\n"
                     "AdvCurHopLimit 255; AdvDefaultLifetime 9000; AdvDefaultPreference high;\n"
                     "AdvReachableTime 30000; AdvRetransTimer 1000;\n"
                     "prefix 2001:db8:4::/64 { AdvOnLink on; AdvAutonomous on; AdvValidLifetime infinity; "
                     "AdvPreferredLifetime infinity; };\n"
                     "route 2001:db8:f0::/48 { AdvRoutePreference low; AdvRouteLifetime 1800; };\n"
                     "DNSSL example.test lab.example.test { AdvDNSSLLifetime 600; };\n",
                     e});
  }
  return cases;
}

// Labels rdisc6 prints → value text (repeated labels keep every value).
std::multimap<std::string, std::string> rdisc6_by_label(const std::string& out) {
  const auto in_order = test::rdisc6_fields(out);
  return {in_order.begin(), in_order.end()};
}

using test::first_word;

struct Radvd {
  test::TempDir dir{"radvd"};
  std::unique_ptr<host::Process> proc;
  Radvd(const test::NetPair& net, const std::string& body) {
    auto conf = dir.file("radvd.conf", "interface " + net.r_if + " {\n" + body + "};\n");
    proc = std::make_unique<host::Process>(
        host::Argv{"radvd", "-n", "-C", conf, "-p", dir.file("radvd.pid"), "-m", "stderr"}, net.r->name(),
        dir.file("radvd.log"));
  }
};

}  // namespace

TEST_CASE("discover decodes every RA field radvd is configured with", "[link][ra]") {
  test::NetPair net("pl");
  test::wait_link_local(*net.h, net.h_if);
  for (const auto& c : radvd_cases(*Mac::parse(net.r_mac))) {
    SECTION(c.name) {
      Radvd radvd(net, c.body);
      wire::DiscoverResult r;
      test::in_netns(net.h->name(), [&] {
        probe::Link link(net.h_if);
        r = probe::discover(link, {false, 3000ms, 3, 1000ms, true});
      });
      REQUIRE(r.ras.size() == 1);
      const auto& p = r.ras.front();
      CHECK(p.ctx.hop_limit == 255);
      CHECK(p.ctx.src_ip.is_link_local());
      CHECK(p.ctx.checksum_ok);
      CHECK_FALSE(p.ctx.fragmented);
      CHECK(*p.as<wire::RouterAdvert>() == c.expected);

      // rdisc6, the peer, reads the same configuration the same way.
      auto out = net.h->must({"rdisc6", "-1", "-w", "3000", net.h_if});
      auto f = rdisc6_by_label(out);
      const auto& ra = c.expected;
      CAPTURE(out);
      CHECK(first_word(f.find("Hop limit")->second) == std::to_string(ra.cur_hop_limit));
      CHECK(f.find("Stateful address conf.")->second == (ra.managed ? "Yes" : "No"));
      CHECK(f.find("Stateful other conf.")->second == (ra.other ? "Yes" : "No"));
      CHECK(first_word(f.find("Router lifetime")->second) == std::to_string(ra.router_lifetime_s));
      CHECK(f.find("Router preference")->second == (ra.preference == 1 ? "high" : ra.preference == -1 ? "low" : "medium"));
      CHECK(f.count("Prefix") == ra.prefixes.size());
      for (const auto& pi : ra.prefixes) {
        CHECK(f.find("Prefix")->second == pi.prefix.str() + "/" + std::to_string(pi.length));
        CHECK(f.find("Autonomous address conf.")->second == (pi.autonomous ? "Yes" : "No"));
        auto valid = f.find("Valid time")->second;
        bool agrees = pi.valid_s == wire::kInfiniteLifetime ? valid.find("infinite") != std::string::npos
                                                            : first_word(valid) == std::to_string(pi.valid_s);
        CHECK(agrees);
      }
      if (ra.mtu) CHECK(first_word(f.find("MTU")->second) == std::to_string(*ra.mtu));
      CHECK(f.count("Recursive DNS server") == (ra.rdnss.empty() ? 0 : ra.rdnss.front().servers.size()));
      CHECK(f.count("Route") == ra.routes.size());
      std::string lla = f.find("Source link-layer address")->second;
      std::transform(lla.begin(), lla.end(), lla.begin(), ::tolower);
      CHECK(lla == ra.source_lla->str());
    }
  }
}

TEST_CASE("an RA flood next to radvd: discover finds radvd's RA and keeps a bounded number", "[link][ra][flood][serial]") {
  std::string prefix;
  {
    test::NetPair net("pf");
    prefix = net.prefix;
    test::wait_link_local(*net.h, net.h_if);
    Radvd radvd(net, "AdvSendAdvert on; MinRtrAdvInterval 30; MaxRtrAdvInterval 100;\n"
                     "prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };\n");
    // 4,000 RAs, each from its own link-local source with its own prefix, from one MAC that
    // is not radvd's, sent over about a second while discover listens.
    const auto flooder = *Mac::parse("02:00:00:76:36:66");
    constexpr int kFlood = 4000;
    std::vector<wire::Bytes> frames;
    for (int i = 0; i < kFlood; ++i) {
      auto src = ip("fe80::1:0:0:0"), pfx = ip("2001:db8::");
      src.bytes[14] = static_cast<std::uint8_t>(i >> 8), src.bytes[15] = static_cast<std::uint8_t>(i);
      pfx.bytes[4] = static_cast<std::uint8_t>(i >> 8), pfx.bytes[5] = static_cast<std::uint8_t>(i);
      wire::RouterAdvert ra;
      ra.router_lifetime_s = 1800;
      ra.prefixes = {{pfx, 64, true, true, 86400, 14400}};
      frames.push_back(wire::build_ra({flooder, wire::multicast_mac(wire::kAllNodes), src, wire::kAllNodes}, ra));
    }
    std::atomic<int> flooded{0};
    std::thread flood([&] {
      test::in_netns(net.r->name(), [&] {
        probe::Link link(net.r_if);
        for (int i = 0; i < kFlood; ++i) {
          try {
            link.send(frames[static_cast<std::size_t>(i)]);
            ++flooded;
          } catch (const probe::LinkError&) {  // a full socket buffer: this one is lost
          }
          if (i % 40 == 39) std::this_thread::sleep_for(10ms);
        }
      });
    });
    std::this_thread::sleep_for(100ms);  // the flood is under way before the RS goes out
    wire::DiscoverResult r;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      r = probe::discover(link, {false, 1500ms, 1, 1000ms, false});
    });
    flood.join();
    CAPTURE(flooded.load(), r.ras_seen, r.ras_dropped, r.ras.size());
    const auto router = *Mac::parse(net.r_mac);
    auto from = [&](const Mac& m) {
      return std::count_if(r.ras.begin(), r.ras.end(), [&](const wire::Packet& p) { return p.ctx.src_mac == m; });
    };
    CHECK(from(router) >= 1);  // radvd's answer to our RS is kept however many came before it
    CHECK(from(flooder) == 8);  // the flooder's first 8, no more
    CHECK(r.ras.size() == static_cast<std::size_t>(from(router) + from(flooder)));
    CHECK(r.ras_seen >= 1000);  // most of the flood was seen while the window was open
    CHECK(r.ras_dropped == r.ras_seen - r.ras.size());
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("passive discover notes when other hosts send RSs, not its own", "[link][ra]") {
  test::NetPair net("pr");
  test::wait_link_local(*net.h, net.h_if);
  auto rs_from = [](const Mac& m) {
    return wire::build_rs({m, wire::multicast_mac(wire::kAllRouters), wire::link_local_of(m), wire::kAllRouters},
                          wire::RouterSolicit{m, {}});
  };
  // Neither kernel solicits (a router, and a host with accept_ra 0): every RS is one of these.
  auto send_later = [&](const std::string& netns, const std::string& ifname, const Mac& m, int count) {
    return std::thread([&, netns, ifname, m, count] {
      test::in_netns(netns, [&] {
        probe::Link link(ifname);
        std::this_thread::sleep_for(300ms);
        for (int i = 0; i < count; ++i) link.send(rs_from(m));
      });
    });
  };
  auto other = send_later(net.r->name(), net.r_if, mac("02:00:00:00:52:53"), 2);
  auto own = send_later(net.h->name(), net.h_if, mac(net.h_mac.c_str()), 1);  // this host's MAC, from another socket
  wire::DiscoverResult r;
  test::in_netns(net.h->name(), [&] {
    probe::Link link(net.h_if);
    r = probe::discover(link, {.passive = true, .window = 900ms, .rs_count = 0});
  });
  other.join();
  own.join();
  CHECK(r.sent.empty());
  CHECK(r.others_rs_us.size() == 2);
}

TEST_CASE("an echo-request watch sees what arrives for its address, with the source it carries", "[link][icmp]") {
  test::NetPair net("pw");
  const auto target = ip("2001:db8:fd::2");
  net.r->must({"ip", "-6", "addr", "add", target.str() + "/64", "dev", net.r_if, "nodad"});
  std::optional<std::string> holder, elsewhere;
  test::in_netns(net.r->name(), [&] {
    holder = probe::interface_holding(target);
    elsewhere = probe::interface_holding(ip("2001:db8:fd::3"));
  });
  CHECK(holder == net.r_if);
  CHECK_FALSE(elsewhere);
  test::TempDir dir("watch");
  const auto netns = net.r->name();
  probe::PacketWatch watch(net.r_if, probe::echo_requests_to(target), dir.file("target.pcap"), [netns] {
    if (!host::enter_netns(netns)) throw std::runtime_error("cannot enter " + netns);
  });
  const auto source = ip("2001:db8:1::77");  // as a VM's own address would arrive, or a NAT66's
  test::in_netns(net.h->name(), [&] {
    probe::Link link(net.h_if);
    const wire::Addressing a{mac(net.h_mac.c_str()), mac(net.r_mac.c_str()), source, target, 64};
    link.send(wire::build_echo(a, {false, 0x77, 1, 0}, 100));
    link.send(wire::build_echo(a, {true, 0x77, 2, 0}, 100));  // a reply: not kept
    link.send(wire::build_echo({a.src_mac, a.dst_mac, source, ip("2001:db8:fd::9"), 64}, {false, 0x77, 3, 0}, 100));
  });
  std::this_thread::sleep_for(200ms);
  const auto seen = watch.finish();
  REQUIRE(seen.size() == 1);
  CHECK(seen.front().ctx.src_ip == source);
  CHECK(seen.front().as<wire::Echo>()->seq == 1);
  CHECK(probe::read_pcap(dir.file("target.pcap")).size() >= 1);
}

TEST_CASE("a watch for errors a router sends sees them leave, only when it asks for outgoing", "[link][icmp]") {
  test::NetPair net("pu");
  const auto source = ip("2001:db8:1::77"), unrouted = ip("2001:db8:9::1");
  net.r->must({"ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
  net.r->must({"ip", "-6", "route", "add", "unreachable", "2001:db8:9::/64"});
  net.h->must({"ip", "-6", "addr", "add", source.str() + "/64", "dev", net.h_if, "nodad"});  // answers the router's NS
  test::wait_link_local(*net.r, net.r_if);
  test::wait_link_local(*net.h, net.h_if);
  const auto netns = net.r->name();
  auto enter = [netns] {
    if (!host::enter_netns(netns)) throw std::runtime_error("cannot enter " + netns);
  };
  auto arriving_only = probe::dest_unreachables_sent();
  arriving_only.outgoing = false;
  probe::PacketWatch leaving(net.r_if, probe::dest_unreachables_sent(), "", enter);
  probe::PacketWatch arriving(net.r_if, arriving_only, "", enter);
  test::in_netns(net.h->name(), [&] {
    probe::Link link(net.h_if);
    link.send(wire::build_echo({mac(net.h_mac.c_str()), mac(net.r_mac.c_str()), source, unrouted, 64},
                               {false, 0x78, 1, 0}, 100));
  });
  std::this_thread::sleep_for(500ms);
  const auto seen = leaving.finish();
  REQUIRE(seen.size() == 1);
  const auto* err = seen.front().as<wire::IcmpError>();
  REQUIRE(err);
  CHECK(seen.front().ctx.dst_ip == source);
  CHECK(err->invoking_dst == unrouted);
  CHECK(arriving.finish().empty());
}

TEST_CASE("neighbour, echo and DAD against the Linux kernel", "[link][nd]") {
  std::string prefix;
  {
    test::NetPair net("pn");
    prefix = net.prefix;
    net.r->must({"ip", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
    test::wait_link_local(*net.r, net.r_if);
    test::wait_link_local(*net.h, net.h_if);
    auto r_ll = wire::link_local_of(*Mac::parse(net.r_mac));
    auto taken = wire::eui64_address(ip("2001:db8:9::"), *Mac::parse(net.h_mac));
    // The router namespace already holds the address the host would form from 2001:db8:9::/64.
    net.r->must({"ip", "addr", "add", taken.str() + "/64", "dev", net.r_if, "nodad"});

    wire::NeighborResult nd_ll, nd_global;
    wire::EchoResult ping;
    wire::DadResult dup, unique;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      nd_ll = probe::neighbor(link, {r_ll, std::nullopt, 1000ms, 2});
      nd_global = probe::neighbor(link, {ip("2001:db8:1::1"), std::nullopt, 1000ms, 2});
      dup = probe::dad(link, {ip("2001:db8:9::"), 64, 1, 300ms, true});
      unique = probe::dad(link, {ip("2001:db8:1::"), 64, 1, 300ms, true});
      probe::EchoOptions e;
      e.target = ip("2001:db8:1::1");
      e.source = unique.address;
      e.count = 2;
      ping = probe::echo(link, e);
    });
    REQUIRE(nd_ll.na);
    const auto& na = *nd_ll.na->as<wire::NeighborAdvert>();
    CHECK(na.router);  // forwarding is on in the router namespace (RFC 4861 §4.4)
    CHECK(na.solicited);
    CHECK(na.target_lla == Mac::parse(net.r_mac));
    REQUIRE(nd_global.na);
    CHECK(nd_global.na->as<wire::NeighborAdvert>()->target == ip("2001:db8:1::1"));

    CHECK(dup.address == taken);
    CHECK(dup.duplicate);
    REQUIRE_FALSE(dup.conflicts.empty());
    CHECK(dup.conflicts.front().ctx.src_mac == *Mac::parse(net.r_mac));
    CHECK_FALSE(unique.duplicate);

    // The router answers our global source: the link answers its NS for the owned address.
    CHECK(ping.sent == 2);
    CHECK(ping.replies.size() == 2);
    CHECK(ping.errors.empty());
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("echo through the host's own stack: a routed target answers, a dropped one does not, no route is an error",
          "[link][icmp]") {
  std::string prefix;
  {
    test::NetPair net("pk");
    prefix = net.prefix;
    net.r->must({"ip", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
    net.r->must({"ip", "addr", "add", "2001:db8:2::1/128", "dev", "lo"});
    net.r->must({"ip", "addr", "add", "2001:db8:2::2/128", "dev", "lo"});
    net.h->must({"ip", "addr", "add", "2001:db8:1::2/64", "dev", net.h_if, "nodad"});
    test::wait_link_local(*net.r, net.r_if);
    test::wait_link_local(*net.h, net.h_if);
    net.h->must({"ip", "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8:1::1"});
    // The router drops echo requests to its second address, as a security group would.
    net.r->must({"nft", "add table ip6 v6c; add chain ip6 v6c in { type filter hook input priority 0; }; "
                        "add rule ip6 v6c in ip6 daddr 2001:db8:2::2 icmpv6 type echo-request drop"});
    const bool ping_socket = GENERATE(false, true);
    CAPTURE(ping_socket);
    // A new namespace allows no ping sockets ("1 0"): the raw socket is used unless opened up.
    if (ping_socket) net.h->sysctl("net.ipv4.ping_group_range", "0 2147483647");

    wire::EchoResult answered, dropped;
    std::string no_route;
    test::in_netns(net.h->name(), [&] {
      answered = probe::echo_from_host({ip("2001:db8:2::1"), 104, 3, 200ms, 1000ms});
      dropped = probe::echo_from_host({ip("2001:db8:2::2"), 104, 2, 100ms, 300ms});
      try {
        probe::echo_from_host({ip("2001:db8:3::1"), 104, 1, 100ms, 100ms});
      } catch (const probe::LinkError& e) {
        no_route = e.what();
      }
    });
    CHECK(answered.sent == 3);
    CHECK(answered.replies.size() == 3);
    CHECK(answered.rtt_ms.size() == 3);
    CHECK(answered.source == ip("2001:db8:1::2"));  // the kernel's choice for that route
    for (const auto& r : answered.replies) {
      CHECK(r.ctx.src_ip == ip("2001:db8:2::1"));
      CHECK(r.ctx.dst_ip == ip("2001:db8:1::2"));
      CHECK(r.ctx.hop_limit == 64);  // the router's own reply, not forwarded
      REQUIRE(r.as<wire::Echo>());
      CHECK(r.as<wire::Echo>()->reply);
    }
    CHECK(dropped.sent == 2);
    CHECK(dropped.replies.empty());
    CHECK(no_route.find("no IPv6 route from this host to 2001:db8:3::1") != std::string::npos);
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("a router's lost ICMPv6 error: echo sends its series once more after retry_after", "[link][icmp]") {
  std::string prefix;
  {
    test::NetPair net("rl");
    prefix = net.prefix;
    net.r->must({"ip", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
    net.r->must({"ip", "-6", "route", "add", "unreachable", "2001:db8:2::/64"});
    // As a rate limiter would: the router's Destination Unreachable for request 1 never
    // leaves (its quoted echo's sequence number: ICMPv6 header 8 + IPv6 40 + 6 bytes in).
    net.r->must({"nft", "add table ip6 v6c_rl; add chain ip6 v6c_rl out { type filter hook output priority 0; }; "
                        "add rule ip6 v6c_rl out icmpv6 type destination-unreachable @th,432,16 1 drop"});
    test::wait_link_local(*net.r, net.r_if);
    test::wait_link_local(*net.h, net.h_if);

    wire::EchoResult once, retried;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      probe::EchoOptions e;
      e.source = probe::dad(link, {ip("2001:db8:1::"), 64, 1, 100ms, true}).address;
      e.target = ip("2001:db8:2::2");
      e.gateway = ip("2001:db8:1::1");
      e.count = 1;
      e.timeout = 300ms;
      once = probe::echo(link, e);  // no retry: request 1's error is lost, nothing else comes
      e.retry_after = 200ms;
      retried = probe::echo(link, e);
    });
    CHECK(once.sent == 1);
    CHECK(once.errors.empty());
    CHECK(retried.sent == 2);
    REQUIRE(retried.errors.size() == 1);
    const auto* du = retried.errors.front().as<wire::IcmpError>();
    REQUIRE(du);
    CHECK(du->kind == wire::IcmpErrorKind::dest_unreachable);
    REQUIRE(du->invoking_echo);
    CHECK(du->invoking_echo->seq == 2);
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("Packet Too Big from a router forwarding onto a smaller-MTU link", "[link][icmp]") {
  std::string prefix;
  {
    test::NetPair net("pt");
    prefix = net.prefix;
    host::Netns far(net.prefix + "f");
    test::quiet(far, false);
    host::ip_batch({"link add " + net.prefix + "r1 netns " + net.r->name() + " mtu 1280 type veth peer name " +
                    net.prefix + "f0 netns " + far.name() + " mtu 1280"});
    net.r->must({"ip", "link", "set", net.prefix + "r1", "up"});
    far.must({"ip", "link", "set", net.prefix + "f0", "up"});
    net.r->must({"ip", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
    net.r->must({"ip", "addr", "add", "2001:db8:2::1/64", "dev", net.prefix + "r1", "nodad"});
    far.must({"ip", "addr", "add", "2001:db8:2::2/64", "dev", net.prefix + "f0", "nodad"});
    far.must({"ip", "-6", "route", "add", "default", "via", "2001:db8:2::1"});
    test::wait_link_local(*net.r, net.r_if);
    test::wait_link_local(*net.h, net.h_if);

    wire::PmtuResult r;
    wire::EchoResult hop1;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      auto addr = probe::dad(link, {ip("2001:db8:1::"), 64, 1, 100ms, true}).address;
      probe::PmtuOptions o;
      o.echo.target = ip("2001:db8:2::2");
      o.echo.source = addr;
      o.echo.gateway = ip("2001:db8:1::1");
      o.sizes = {1280, 1400};
      r = probe::pmtu(link, o);
      probe::EchoOptions e = o.echo;
      e.hop_limit = 1;
      e.count = 1;
      hop1 = probe::echo(link, e);
    });
    REQUIRE(r.steps.size() == 2);
    CHECK(r.steps[0].replied);
    CHECK_FALSE(r.steps[0].ptb);
    CHECK_FALSE(r.steps[1].replied);
    REQUIRE(r.steps[1].ptb);
    const auto* ptb = r.steps[1].ptb->as<wire::IcmpError>();
    REQUIRE(ptb);
    CHECK(ptb->kind == wire::IcmpErrorKind::packet_too_big);
    CHECK(ptb->mtu_or_pointer == 1280);
    CHECK(ptb->invoking_dst == ip("2001:db8:2::2"));
    REQUIRE(hop1.errors.size() == 1);
    CHECK(hop1.errors.front().as<wire::IcmpError>()->kind == wire::IcmpErrorKind::time_exceeded);
  }
  CHECK(test::nothing_left(prefix));
}

namespace {

// One UDP datagram from the namespace's own stack, as any program there would send it.
void send_udp_from_stack(const std::string& netns, const Ip6& to, std::uint16_t port) {
  test::in_netns(netns, [&] {
    int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("udp socket");
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    std::memcpy(&sa.sin6_addr, to.bytes.data(), 16);
    const char data[] = "offloaded";
    const auto sent = ::sendto(fd, data, sizeof data, 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::close(fd);
    if (sent != static_cast<ssize_t>(sizeof data)) throw std::runtime_error("udp sendto");
  });
}

}  // namespace

TEST_CASE("a checksum left to offload is not computed, not bad: a wrong one is still bad", "[link][checksum]") {
  std::string prefix;
  {
    test::NetPair net("pk");
    prefix = net.prefix;
    net.r->must({"ethtool", "-K", net.r_if, "tx", "on"});  // veth's default, made sure of
    net.r->must({"ip", "addr", "add", "2001:db8:7::1/64", "dev", net.r_if, "nodad"});
    net.h->must({"ip", "addr", "add", "2001:db8:7::2/64", "dev", net.h_if, "nodad"});
    constexpr std::uint16_t kPort = 9, kCraftedPort = 40000;  // to discard
    constexpr std::size_t kUdpChecksumAt = 14 + 40 + 6;  // Ethernet, IPv6, UDP ports and length
    std::vector<wire::Packet> seen;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      link.set_filter("ip6 and udp dst port 9");
      send_udp_from_stack(net.r->name(), ip("2001:db8:7::2"), kPort);
      test::in_netns(net.r->name(), [&] {
        probe::Link r(net.r_if);
        const std::uint8_t payload[] = {'w', 'r', 'o', 'n', 'g'};
        auto frame = wire::build_udp({*Mac::parse(net.r_mac), *Mac::parse(net.h_mac), ip("2001:db8:7::1"),
                                      ip("2001:db8:7::2"), 64},
                                     kCraftedPort, kPort, payload);
        frame.at(kUdpChecksumAt) ^= 0xff;
        r.send(frame);
      });
      const auto deadline = probe::Clock::now() + 3s;
      // The link also admits NS (it answers for its own addresses): only the datagrams count.
      while (seen.size() < 2)
        if (auto p = link.receive(deadline)) {
          if (p->as<wire::OtherPacket>() && p->as<wire::OtherPacket>()->dst_port == kPort) seen.push_back(*p);
        } else {
          break;
        }
    });
    REQUIRE(seen.size() == 2);
    // The crafted one may come first: the stack's waits for neighbour discovery.
    auto from_port = [&](std::uint16_t port) -> const wire::Packet* {
      for (const auto& p : seen)
        if (p.as<wire::OtherPacket>() && p.as<wire::OtherPacket>()->src_port == port) return &p;
      return nullptr;
    };
    const auto* crafted_p = from_port(kCraftedPort);
    REQUIRE(crafted_p);
    const auto& crafted = *crafted_p;
    const auto& stack = &seen[0] == crafted_p ? seen[1] : seen[0];
    CHECK(stack.ctx.checksum_offloaded);
    CHECK(stack.ctx.checksum_ok);
    CHECK_FALSE(crafted.ctx.checksum_offloaded);
    CHECK_FALSE(crafted.ctx.checksum_ok);
  }
  CHECK(test::nothing_left(prefix));
}
