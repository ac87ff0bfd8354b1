// Departures from the message format that do not stop decoding: crafted ND and DHCPv6
// messages, each with one departure, must decode and report it with its offset and bytes;
// the same messages built correctly report none.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "v6c/wire/build.hpp"
#include "v6c/wire/dns.hpp"
#include "v6c/wire/packet.hpp"
#include "literals.hpp"

using namespace v6c;
using namespace v6c::test;

namespace {

constexpr std::size_t kIcmp = 14 + 40;  // Ethernet and IPv6 headers before the ICMPv6 message

const Mac kRouterMac = *Mac::parse("fa:16:3e:00:00:01");
const Mac kHostMac = *Mac::parse("fa:16:3e:00:00:02");

wire::Addressing from_router(const char* dst = "ff02::1") {
  return {kRouterMac, wire::multicast_mac(ip(dst)), wire::link_local_of(kRouterMac), ip(dst), 255};
}

wire::RouterAdvert plain_ra() {
  wire::RouterAdvert ra;
  ra.cur_hop_limit = 64;
  ra.router_lifetime_s = 1800;
  ra.source_lla = kRouterMac;
  ra.mtu = 1500;
  ra.prefixes.push_back({ip("2001:db8:1::"), 64, true, true, 86400, 14400});
  return ra;
}

std::string whats(const wire::Packet& p) {
  std::string s;
  for (const auto& d : p.ctx.departures) s += d.what + "\n";
  return s;
}

// The one departure `p` must report, containing `expect`; its bytes must be in the frame at its offset.
void check_one(const wire::Packet& p, const std::string& expect, std::size_t message_at) {
  CAPTURE(wire::describe(p.msg), whats(p));
  CHECK_FALSE(p.as<wire::Malformed>());
  REQUIRE(p.ctx.departures.size() == 1);
  const auto& d = p.ctx.departures.front();
  CHECK(d.what.find(expect) != std::string::npos);
  REQUIRE_FALSE(d.bytes.empty());
  REQUIRE(message_at + d.offset + d.bytes.size() <= p.ctx.raw.size());
  CHECK(std::equal(d.bytes.begin(), d.bytes.end(), p.ctx.raw.begin() + static_cast<long>(message_at + d.offset)));
}

wire::RawOption raw_option(std::uint8_t type, std::vector<std::uint8_t> data) { return {type, std::move(data)}; }

}  // namespace

TEST_CASE("RA departures from the format are reported with their bytes", "[wire][ra]") {
  SECTION("a well-formed RA departs from nothing") {
    CHECK(wire::decode_frame(wire::build_ra(from_router(), plain_ra())).ctx.departures.empty());
  }
  struct Case {
    const char* name;
    std::function<void(wire::RouterAdvert&)> change_ra;
    std::function<void(wire::Bytes&)> change_bytes;
    const char* expect;
  };
  auto none_ra = [](wire::RouterAdvert&) {};
  auto none_bytes = [](wire::Bytes&) {};
  const std::vector<Case> cases = {
      {"PIO preferred lifetime longer than valid", [](auto& ra) { ra.prefixes[0].preferred_s = 90000; }, none_bytes,
       "preferred lifetime 90000 s longer than valid lifetime 86400 s"},
      {"PIO bits after the prefix length", [](auto& ra) { ra.prefixes[0].prefix = ip("2001:db8:1::1"); }, none_bytes,
       "bits after the prefix length 64 are not zero"},
      {"PIO prefix length over 128", [](auto& ra) { ra.prefixes[0].length = 129; }, none_bytes,
       "prefix length 129 over 128"},
      {"RA code not 0", none_ra, [](auto& f) { f[kIcmp + 1] = 1; }, "RA code 1, must be 0"},
      {"RA reserved flag bit", none_ra, [](auto& f) { f[kIcmp + 5] |= 0x01; }, "RA reserved flag bits set"},
      {"RA reserved router preference", none_ra, [](auto& f) { f[kIcmp + 5] = (f[kIcmp + 5] & 0xe7) | 0x10; },
       "preference 10 is reserved"},
      {"target link-layer address option in an RA",
       [](auto& ra) { ra.unknown.push_back(raw_option(2, {0xfa, 0x16, 0x3e, 0, 0, 9})); }, none_bytes,
       "target link-layer address option does not belong in a RA"},
      {"source link-layer address option of 16 bytes",
       [](auto& ra) {
         ra.source_lla.reset();
         ra.unknown.push_back(raw_option(1, std::vector<std::uint8_t>(14, 0x11)));
       },
       none_bytes, "source link-layer address option of 16 bytes, must be 8"},
      {"MTU option with Reserved set",
       [](auto& ra) {
         ra.mtu.reset();
         ra.unknown.push_back(raw_option(5, {0, 1, 0, 0, 0x05, 0xdc}));
       },
       none_bytes, "MTU option: Reserved is not zero"},
      {"RDNSS option of even length",
       [](auto& ra) {
         std::vector<std::uint8_t> d(30, 0);
         d[5] = 60;
         ra.unknown.push_back(raw_option(25, d));
       },
       none_bytes, "length 4, must be odd and at least 3"},
      {"DNSSL name with a compression pointer",
       [](auto& ra) { ra.unknown.push_back(raw_option(31, {0, 0, 0, 0, 0, 60, 3, 'f', 'o', 'o', 0xc0, 0x00, 0, 0})); },
       none_bytes, "compression pointer"},
      {"DNSSL padding not zero",
       [](auto& ra) { ra.unknown.push_back(raw_option(31, {0, 0, 0, 0, 0, 60, 3, 'f', 'o', 'o', 0, 0, 7, 0})); },
       none_bytes, "padding after the names is not zero"},
      {"route information option too short for its prefix",
       [](auto& ra) { ra.unknown.push_back(raw_option(24, {64, 0, 0, 0, 0, 60})); }, none_bytes,
       "length 1 for prefix length 64"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto ra = plain_ra();
      c.change_ra(ra);
      auto frame = wire::build_ra(from_router(), ra);
      c.change_bytes(frame);
      check_one(wire::decode_frame(frame), c.expect, kIcmp);
    }
  }
}

TEST_CASE("NS and NA departures from the format are reported with their bytes", "[wire][nd]") {
  const auto target = ip("2001:db8:1::1");
  const wire::Addressing to_router{kHostMac, kRouterMac, wire::link_local_of(kHostMac), wire::link_local_of(kRouterMac),
                                   255};
  SECTION("well-formed NS and NA depart from nothing") {
    CHECK(wire::decode_frame(wire::build_ns(to_router, {target, kHostMac, {}})).ctx.departures.empty());
    CHECK(wire::decode_frame(wire::build_na(to_router, {false, true, true, target, kHostMac, {}}))
              .ctx.departures.empty());
  }
  SECTION("DAD NS from :: with a source link-layer address") {
    wire::Addressing dad{kHostMac, wire::multicast_mac(ip("ff02::1:ff00:1")), ip("::"), ip("ff02::1:ff00:1"), 255};
    check_one(wire::decode_frame(wire::build_ns(dad, {target, kHostMac, {}})), "does not belong in a NS from ::", kIcmp);
  }
  SECTION("NS for a multicast target") {
    check_one(wire::decode_frame(wire::build_ns(to_router, {ip("ff02::1"), kHostMac, {}})),
              "target is a multicast address", kIcmp);
  }
  SECTION("solicited NA to all-nodes") {
    check_one(wire::decode_frame(wire::build_na(from_router(), {false, true, true, target, kRouterMac, {}})),
              "Solicited flag set", kIcmp);
  }
  SECTION("NA with a reserved bit") {
    auto frame = wire::build_na(to_router, {false, true, true, target, kHostMac, {}});
    frame[kIcmp + 7] = 1;
    check_one(wire::decode_frame(frame), "NA Reserved is not zero", kIcmp);
  }
}

TEST_CASE("DHCPv6 departures from the format are reported with their bytes", "[wire][dhcpv6]") {
  constexpr std::size_t kDhcp6 = 14 + 40 + 8;  // Ethernet, IPv6, UDP
  const wire::Addressing a{kRouterMac, kHostMac, wire::link_local_of(kRouterMac), wire::link_local_of(kHostMac), 1};
  auto reply = [] {
    wire::Dhcp6Message m;
    m.type = wire::Dhcp6Type::reply;
    m.transaction_id = 0x123456;
    m.src_port = 547;
    m.dst_port = 546;
    m.client_id = wire::Duid{3, 1, 0, 0, {kHostMac.bytes.begin(), kHostMac.bytes.end()}, {}};
    m.server_id = wire::Duid{3, 1, 0, 0, {kRouterMac.bytes.begin(), kRouterMac.bytes.end()}, {}};
    wire::IaNa ia;
    ia.iaid = 1;
    ia.t1_s = 1800;
    ia.t2_s = 2880;
    ia.addresses.push_back({ip("2001:db8:1::10"), 3600, 7200, std::nullopt});
    m.ia_na.push_back(ia);
    return m;
  };
  auto decoded = [&](const wire::Dhcp6Message& m) { return wire::decode_frame(wire::build_dhcp6(a, m)); };
  SECTION("a well-formed Reply departs from nothing") { CHECK(decoded(reply()).ctx.departures.empty()); }
  SECTION("IA_NA T1 after T2") {
    auto m = reply();
    m.ia_na[0].t1_s = 4000;
    check_one(decoded(m), "T1 4000 s after T2 2880 s", kDhcp6);
  }
  SECTION("IA Address preferred lifetime longer than valid") {
    auto m = reply();
    m.ia_na[0].addresses[0].preferred_s = 9000;
    check_one(decoded(m), "preferred lifetime 9000 s longer than valid lifetime 7200 s", kDhcp6);
  }
  SECTION("Preference in a Reply") {
    auto m = reply();
    m.preference = 10;
    check_one(decoded(m), "only an Advertise carries it", kDhcp6);
  }
  SECTION("Elapsed Time from a server") {
    auto m = reply();
    m.elapsed_time_cs = 0;
    check_one(decoded(m), "only clients send it", kDhcp6);
  }
  SECTION("Reply without a Server Identifier") {
    auto m = reply();
    m.server_id.reset();
    check_one(decoded(m), "without Server Identifier", kDhcp6);
  }
  SECTION("Client Identifier twice") {
    auto m = reply();
    m.unknown.push_back({1, m.client_id->raw.empty() ? std::vector<std::uint8_t>{0, 3, 0, 1, 1, 2, 3, 4, 5, 6}
                                                     : m.client_id->raw});
    check_one(decoded(m), "appears more than once", kDhcp6);
  }
  SECTION("IA Address outside an IA_NA") {
    auto m = reply();
    m.unknown.push_back({5, std::vector<std::uint8_t>(24, 0)});
    check_one(decoded(m), "IA Address outside an IA_NA", kDhcp6);
  }
}

namespace {

// An ICMPv6 error from the router to the host, built by hand (the wire layer builds none):
// `field` is the MTU, pointer or Unused word, `quoted` what it quotes of the invoking packet.
wire::Bytes icmp_error(std::uint8_t type, std::uint8_t code, std::uint32_t field, const wire::Bytes& quoted) {
  const wire::Addressing a{kRouterMac, kHostMac, ip("2001:db8:1::1"), ip("2001:db8:1::10"), 64};
  auto frame = wire::build_echo(a, {}, 48);
  frame.resize(kIcmp);
  const std::size_t length = 8 + quoted.size();
  frame[14 + 4] = static_cast<std::uint8_t>(length >> 8), frame[14 + 5] = static_cast<std::uint8_t>(length);
  frame.insert(frame.end(), {type, code, 0, 0, static_cast<std::uint8_t>(field >> 24), static_cast<std::uint8_t>(field >> 16),
                             static_cast<std::uint8_t>(field >> 8), static_cast<std::uint8_t>(field)});
  frame.insert(frame.end(), quoted.begin(), quoted.end());
  return frame;
}

// The host's echo request of `size` bytes to a far address, without its Ethernet header.
wire::Bytes invoking(std::size_t size) {
  const wire::Addressing a{kHostMac, kRouterMac, ip("2001:db8:1::10"), ip("2001:db8:fe::2"), 64};
  auto frame = wire::build_echo(a, {}, size);
  return {frame.begin() + 14, frame.end()};
}

}  // namespace

TEST_CASE("ICMPv6 echo and error departures from the format are reported with their bytes", "[wire][icmp]") {
  const wire::Addressing to_far{kHostMac, kRouterMac, ip("2001:db8:1::10"), ip("2001:db8:fe::2"), 64};
  SECTION("a well-formed echo and well-formed errors depart from nothing") {
    CHECK(wire::decode_frame(wire::build_echo(to_far, {}, 100)).ctx.departures.empty());
    CHECK(wire::decode_frame(icmp_error(2, 0, 1280, invoking(1232))).ctx.departures.empty());
    CHECK(wire::decode_frame(icmp_error(1, 3, 0, invoking(100))).ctx.departures.empty());
    CHECK(wire::decode_frame(icmp_error(4, 0, 6, invoking(100))).ctx.departures.empty());
  }
  SECTION("Echo Request with code 1") {
    auto frame = wire::build_echo(to_far, {}, 100);
    frame[kIcmp + 1] = 1;
    check_one(wire::decode_frame(frame), "Echo Request code 1, must be 0", kIcmp);
  }
  SECTION("Destination Unreachable with an unassigned code") {
    check_one(wire::decode_frame(icmp_error(1, 9, 0, invoking(100))), "code 9 is unassigned", kIcmp);
  }
  SECTION("Time Exceeded with its Unused field set") {
    check_one(wire::decode_frame(icmp_error(3, 0, 7, invoking(100))), "Unused field is not zero", kIcmp);
  }
  SECTION("Packet Too Big below the minimum MTU") {
    check_one(wire::decode_frame(icmp_error(2, 0, 1000, invoking(1100))), "MTU 1000 below the IPv6 minimum", kIcmp);
  }
  SECTION("an error larger than the minimum MTU") {
    check_one(wire::decode_frame(icmp_error(2, 0, 1400, invoking(1300))), "over the minimum MTU 1280", kIcmp);
  }
  SECTION("an error that quotes less than the invoking IPv6 header") {
    auto part = invoking(100);
    part.resize(20);
    check_one(wire::decode_frame(icmp_error(3, 0, 0, part)), "quotes 20 bytes", kIcmp);
  }
  SECTION("an error that quotes an IPv4 header") {
    auto part = invoking(100);
    part[0] = 0x45;
    check_one(wire::decode_frame(icmp_error(1, 0, 0, part)), "IP version 4", kIcmp);
  }
  SECTION("Parameter Problem pointing beyond the quote") {
    check_one(wire::decode_frame(icmp_error(4, 0, 100, invoking(100))), "pointer 100 beyond the 100 quoted bytes", kIcmp);
  }
}

TEST_CASE("DNS answer departures from the format are reported with their bytes", "[wire][dns]") {
  // The query for host.example.test turned into an answer with one AAAA record pointing back to the name.
  auto answer = [] {
    auto a = wire::encode_aaaa_query(0x1234, "host.example.test");
    a[2] = 0x81, a[3] = 0x80, a[7] = 1;
    const wire::Bytes rr = {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16};
    const auto addr = ip("2001:db8:ff::53");
    a.insert(a.end(), rr.begin(), rr.end());
    a.insert(a.end(), addr.bytes.begin(), addr.bytes.end());
    return a;
  };
  constexpr std::size_t kRecord = 12 + 19 + 4;  // header, the question's name and tail
  auto one = [](const wire::Bytes& msg, const std::string& expect) {
    const auto d = wire::decode_dns(msg);
    REQUIRE(std::holds_alternative<wire::DnsAnswer>(d));
    const auto& deps = std::get<wire::DnsAnswer>(d).departures;
    REQUIRE(deps.size() == 1);
    CHECK_THAT(deps.front().what, Catch::Contains(expect));
    REQUIRE(deps.front().offset + deps.front().bytes.size() <= msg.size());
    CHECK(std::equal(deps.front().bytes.begin(), deps.front().bytes.end(), msg.begin() + static_cast<long>(deps.front().offset)));
  };
  SECTION("a well-formed answer departs from nothing") {
    const auto d = wire::decode_dns(answer());
    REQUIRE(std::holds_alternative<wire::DnsAnswer>(d));
    CHECK(std::get<wire::DnsAnswer>(d).departures.empty());
  }
  SECTION("the reserved Z bit") {
    auto a = answer();
    a[3] |= 0x40;
    one(a, "reserved Z bit set");
  }
  SECTION("two questions in a standard query's answer") {
    auto a = answer();
    const wire::Bytes q2 = {0xc0, 12, 0, 28, 0, 1};
    a.insert(a.begin() + kRecord, q2.begin(), q2.end());
    a[5] = 2;
    one(a, "2 questions in one message");
  }
  SECTION("an AAAA record of 4 bytes") {
    auto a = answer();
    a[kRecord + 11] = 4;
    a.resize(a.size() - 12);
    one(a, "AAAA record of 4 bytes, must be 16");
    CHECK(std::get<wire::DnsAnswer>(wire::decode_dns(a)).aaaa.empty());
  }
  SECTION("a TTL with its top bit set") {
    auto a = answer();
    a[kRecord + 6] = 0x80;
    one(a, "TTL 2147483708 with the top bit set");
  }
  SECTION("a compression pointer to a later byte") {
    auto a = answer();
    a[kRecord + 1] = static_cast<std::uint8_t>(kRecord + 4);
    one(a, "not to a prior name");
  }
  SECTION("bytes after the last record") {
    auto a = answer();
    a.push_back(0);
    one(a, "1 bytes after the last record");
  }
  SECTION("an additional record that overruns the message keeps the answer") {
    auto a = answer();
    a[11] = 1;
    a.insert(a.end(), {0, 0, 41});
    one(a, "overruns the message");
    CHECK(std::get<wire::DnsAnswer>(wire::decode_dns(a)).aaaa.size() == 1);
  }
}
