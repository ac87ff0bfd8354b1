// The security probes' two roles: the attack frames and their classification on bytes
// ([probe], pure), then an attacker and a victim namespace on a bridge this test creates
// ([link]), once with no filter (every attack arrives) and once with an nft bridge filter
// like Neutron's port security (the filtered attacks do not), and the agent's refusal to
// attack on an interface the plan does not name.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

#include "netlab.hpp"
#include "v6c/probe/procedures.hpp"

using namespace v6c;
using namespace std::chrono_literals;
using wire::Ip6;
using wire::Mac;

namespace {

Ip6 ip(const char* s) { return *Ip6::parse(s); }
Mac mac(const char* s) { return *Mac::parse(s); }

probe::AttackParties parties() {
  probe::AttackParties p;
  p.attacker_mac = mac("fa:16:3e:05:00:0a");
  p.victim_mac = mac("fa:16:3e:05:00:0b");
  p.attacker_link_local = wire::link_local_of(p.attacker_mac);
  p.victim_link_local = wire::link_local_of(p.victim_mac);
  p.attacker_address = ip("2001:db8:5ec::a");
  p.victim_address = ip("2001:db8:5ec::b");
  p.gateway = ip("2001:db8:5ec::1");
  return p;
}

const wire::Bytes& frame_of(const std::vector<wire::Bytes>& frames) { return frames.front(); }

std::set<std::string> ids_received(const wire::VictimResult& r) {
  std::set<std::string> ids;
  for (const auto& a : r.received)
    if (!a.packets.empty()) ids.insert(a.id);
  return ids;
}

}  // namespace

TEST_CASE("attack frames classify as their own attack and nothing else does", "[wire]") {
  const auto p = parties();
  for (const auto& id : probe::all_attacks()) {
    CAPTURE(id);
    auto frames = probe::attack_frames(id, p);
    REQUIRE(!frames.empty());
    for (const auto& f : frames) {
      auto pkt = wire::decode_frame(f);
      CHECK(probe::classify_attack(pkt, p) == id);
      CHECK(pkt.ctx.dst_mac == p.victim_mac);  // unicast to the victim: no other host sees it
    }
  }
  SECTION("the catalogue's names, each once") {
    auto ids = probe::all_attacks();
    CHECK(ids.size() == 13);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  }
  SECTION("legitimate traffic from the attacker and the cloud is no attack") {
    wire::Addressing from_attacker{p.attacker_mac, p.victim_mac, p.attacker_link_local, p.victim_link_local};
    auto ns = wire::decode_frame(wire::build_ns(from_attacker, wire::NeighborSolicit{p.victim_link_local, p.attacker_mac, {}}));
    CHECK_FALSE(probe::classify_attack(ns, p));
    auto own_na = wire::decode_frame(
        wire::build_na(from_attacker, wire::NeighborAdvert{false, true, true, p.attacker_link_local, p.attacker_mac, {}}));
    CHECK_FALSE(probe::classify_attack(own_na, p));
    wire::Addressing from_router{mac("fa:16:3e:05:00:01"), p.victim_mac, ip("fe80::1"), p.victim_link_local};
    wire::RouterAdvert ra;
    ra.router_lifetime_s = 300;
    CHECK_FALSE(probe::classify_attack(wire::decode_frame(wire::build_ra(from_router, ra)), p));
    auto gw_na = wire::decode_frame(
        wire::build_na(from_router, wire::NeighborAdvert{true, true, true, *p.gateway, from_router.src_mac, {}}));
    CHECK_FALSE(probe::classify_attack(gw_na, p));
  }
  SECTION("an attack that lacks what it needs is an error, not a frame") {
    auto q = p;
    q.gateway.reset();
    CHECK_THROWS_AS(probe::attack_frames(probe::attack_id::kNaSpoofGateway, q), std::invalid_argument);
    q.attacker_address.reset();
    CHECK_THROWS_AS(probe::attack_frames(probe::attack_id::kUnsolicitedTcp, q), std::invalid_argument);
    CHECK_THROWS_AS(probe::attack_frames("no-such-attack", p), std::invalid_argument);
  }
}

TEST_CASE("RA-Guard evasions keep the RA and move it behind extension headers", "[wire]") {
  const auto p = parties();
  const auto plain = frame_of(probe::attack_frames(probe::attack_id::kRogueRa, p));
  const auto plain_pkt = wire::decode_frame(plain);
  REQUIRE(plain_pkt.as<wire::RouterAdvert>());
  CHECK(plain_pkt.as<wire::RouterAdvert>()->prefixes.front().prefix == probe::kRoguePrefix);
  CHECK(plain_pkt.as<wire::RouterAdvert>()->preference == 1);  // high (RFC 4191 §2.2)

  SECTION("hop-by-hop and destination options: same RA, valid checksum") {
    for (auto header : {wire::kNextHeaderHopByHop, wire::kNextHeaderDstOpts}) {
      CAPTURE(int(header));
      auto pkt = wire::decode_frame(wire::with_extension_header(plain, header));
      CHECK(pkt.ctx.ext_headers == std::vector<std::uint8_t>{header});
      REQUIRE(pkt.as<wire::RouterAdvert>());
      CHECK(*pkt.as<wire::RouterAdvert>() == *plain_pkt.as<wire::RouterAdvert>());
      CHECK(pkt.ctx.checksum_ok);
    }
  }
  SECTION("fragmented: the ICMPv6 header is only in the second fragment, and they reassemble") {
    auto frags = wire::fragment_behind_options(plain, 0x1234);
    REQUIRE(frags.size() == 2);
    auto first = wire::decode_frame(frags[0]), second = wire::decode_frame(frags[1]);
    auto i1 = wire::fragment_info(first), i2 = wire::fragment_info(second);
    REQUIRE(i1);
    REQUIRE(i2);
    CHECK(i1->identification == 0x1234);
    CHECK(i2->identification == 0x1234);
    CHECK(i1->offset_bytes == 0);
    CHECK(i1->more);
    CHECK_FALSE(i2->more);
    CHECK_FALSE(first.as<wire::RouterAdvert>());   // the chain is cut inside the options header
    CHECK_FALSE(second.as<wire::RouterAdvert>());  // a later fragment is not decoded
    // Reassembly (RFC 8200 §4.5): the fragments' data in order is a Destination Options header
    // followed by the RA exactly as built.
    constexpr std::size_t kHeaders = 14 + 40 + 8;  // Ethernet, IPv6, Fragment
    std::vector<std::uint8_t> data(frags[0].begin() + kHeaders, frags[0].end());
    CHECK(data.size() == i2->offset_bytes);
    data.insert(data.end(), frags[1].begin() + kHeaders, frags[1].end());
    REQUIRE(data.size() > 16);
    CHECK(data[0] == 58);                         // the options header's next header: ICMPv6
    const std::size_t options = (data[1] + 1) * 8u;
    std::vector<std::uint8_t> upper(data.begin() + options, data.end());
    std::vector<std::uint8_t> original(plain.begin() + 14 + 40, plain.end());
    CHECK(upper == original);
  }
  SECTION("a frame that already has extension headers is refused") {
    auto hbh = wire::with_extension_header(plain, wire::kNextHeaderHopByHop);
    CHECK_THROWS_AS(wire::with_extension_header(hbh, wire::kNextHeaderDstOpts), std::invalid_argument);
    CHECK_THROWS_AS(wire::fragment_behind_options(std::vector<std::uint8_t>(20, 0), 1), std::invalid_argument);
  }
}

namespace {

// Attacker and victim namespaces on a bridge in a third one, optionally with an nft bridge
// filter on the attacker's port like Neutron's port security (lab: controller/lab config.cpp).
struct AttackLink {
  std::string prefix = host::run_prefix("v6c-sec");
  std::unique_ptr<host::Netns> sw, attacker, victim;
  probe::AttackParties p = parties();

  AttackLink() {
    sw = std::make_unique<host::Netns>(prefix + "sw");
    attacker = std::make_unique<host::Netns>(prefix + "a");
    victim = std::make_unique<host::Netns>(prefix + "v");
    sw->sysctl("net.ipv6.conf.default.disable_ipv6", "1");
    test::quiet(*attacker, false);
    test::quiet(*victim, false);
    host::ip_batch({"link add eth0 netns " + attacker->name() + " address " + p.attacker_mac.str() +
                        " type veth peer name tapa netns " + sw->name(),
                    "link add eth0 netns " + victim->name() + " address " + p.victim_mac.str() +
                        " type veth peer name tapv netns " + sw->name()});
    host::ip_batch({"link add br0 type bridge mcast_snooping 0", "link set br0 up", "link set tapa master br0 up",
                    "link set tapv master br0 up"},
                   sw->name());
    host::ip_batch({"link set eth0 up", "addr add " + p.attacker_address->str() + "/64 dev eth0 nodad"},
                   attacker->name());
    host::ip_batch({"link set eth0 up", "addr add " + p.victim_address->str() + "/64 dev eth0 nodad"}, victim->name());
    test::wait_link_local(*attacker, "eth0");
    test::wait_link_local(*victim, "eth0");
  }

  void port_security(const test::TempDir& dir) {
    auto u128 = [](const Ip6& a) {
      std::string s = "0x";
      char b[3];
      for (auto byte : a.bytes) {
        std::snprintf(b, sizeof b, "%02x", byte);
        s += b;
      }
      return s;
    };
    const std::string own = p.attacker_link_local.str() + ", " + p.attacker_address->str();
    const std::string own_u128 = u128(p.attacker_link_local) + ", " + u128(*p.attacker_address);
    std::string rules = "table bridge portsec {\n"
                        "  chain forward {\n    type filter hook forward priority filter; policy accept;\n"
                        "    iifname \"tapa\" jump from_attacker\n  }\n"
                        "  chain first_fragment {\n    meta l4proto { tcp, udp, ipv6-icmp } th sport 0-65535 return\n    drop\n  }\n"
                        "  chain from_attacker {\n"
                        "    ether saddr != " + p.attacker_mac.str() + " drop\n"
                        "    frag frag-off 0 jump first_fragment\n"
                        "    ether type ip6 ip6 saddr != { " + own + " } drop\n"
                        "    icmpv6 type nd-router-advert drop\n"
                        "    udp sport 547 udp dport 546 drop\n"
                        "    icmpv6 type nd-neighbor-advert @th,64,128 != { " + own_u128 + " } drop\n"
                        "  }\n}\n";
    sw->must({"nft", "-f", dir.file("portsec.nft", rules)});
  }

  struct Outcome {
    wire::AttackResult sent;
    wire::VictimResult seen;
    std::string refused;  // the attacker's error, if it would not attack
  };
  // Both roles at once, each on a thread inside its namespace.
  Outcome run(const std::string& allowed = "eth0", std::chrono::milliseconds listen = 1000ms) {
    Outcome out;
    auto& sent = out.sent;
    auto& seen = out.seen;
    std::thread v([&] {
      test::in_netns(victim->name(), [&] {
        probe::Link link("eth0");
        probe::VictimOptions o;
        o.parties = p;
        o.listen = listen;
        seen = probe::victim(link, o);
      });
    });
    try {
      test::in_netns(attacker->name(), [&] {
        probe::Link link("eth0");
        probe::AttackOptions o;
        o.allowed_interface = allowed;
        o.parties = p;
        o.wait = 500ms;
        sent = probe::attack(link, o);
      });
    } catch (const probe::LinkError& e) {
      out.refused = e.what();
    }
    v.join();
    return out;
  }
};

}  // namespace

TEST_CASE("attacker and victim on a bridge", "[link]") {
  REQUIRE(host::is_root());
  std::string prefix;
  {
    AttackLink net;
    prefix = net.prefix;
    const auto all = probe::all_attacks();

    SECTION("no filter: every attack arrives, and the controls prove the path") {
      auto [sent, seen, refused] = net.run();
      CHECK(refused.empty());
      CHECK(sent.announced);
      CHECK(sent.waited_ms < 500);
      CHECK(sent.control_sent == 2);
      for (const auto& a : sent.attacks) {
        CAPTURE(a.id, a.error);
        CHECK(a.status == "ok");
        CHECK(a.sent >= 2);
        CHECK(a.first_us <= a.last_us);
      }
      CHECK(seen.attacker_started);
      CHECK(seen.attacker_done);
      CHECK(seen.control_received == 2);
      CHECK(seen.nas > 0);  // the attacker's kernel answered the announcements
      CHECK(ids_received(seen) == std::set<std::string>(all.begin(), all.end()));
      CHECK(seen.incomplete.empty());
    }
    SECTION("port security: what it filters stays away, the rest (no security group here) arrives") {
      test::TempDir dir("sec");
      net.port_security(dir);
      auto [sent, seen, refused] = net.run();
      CHECK(refused.empty());
      CHECK(sent.announced);
      CHECK(seen.control_received == 2);
      namespace id = probe::attack_id;
      CHECK(ids_received(seen) == std::set<std::string>{std::string(id::kRedirect), std::string(id::kUnsolicitedEcho),
                                                          std::string(id::kUnsolicitedTcp),
                                                          std::string(id::kUnsolicitedUdp)});
      // The filter drops the first fragment (its header chain is incomplete, RFC 7112); the
      // second alone is no RA, so it is kept aside rather than counted as arrived. (nft's
      // l4proto alone is not enough: it names ICMPv6 from the truncated options header, so
      // the rule also loads the transport header, which fails when it is not there.)
      CHECK(!seen.incomplete.empty());
    }
    SECTION("without the plan's permission for this interface nothing is sent") {
      auto [sent, seen, refused] = net.run("eth1", 300ms);
      CHECK_THAT(refused, Catch::Contains("refused"));
      CHECK(sent.control_sent == 0);
      CHECK_FALSE(seen.attacker_started);
      CHECK(seen.received.empty());
    }
  }
  CHECK(test::nothing_left(prefix));
}
