// Neighbour discovery on captured bytes from the Linux kernel (tests/fixtures/nd).
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "v6c/wire/build.hpp"
#include "literals.hpp"

using namespace v6c;
using namespace v6c::test;

namespace {

template <class T>
std::vector<wire::Packet> of_type(const std::vector<wire::Packet>& pkts) {
  std::vector<wire::Packet> out;
  for (const auto& p : pkts)
    if (p.as<T>()) out.push_back(p);
  return out;
}

// Rebuilds a decoded ND frame and compares it byte for byte, flow label aside.
template <class Build>
void check_rebuild(const wire::Packet& p, Build build) {
  wire::Addressing a{p.ctx.src_mac, p.ctx.dst_mac, p.ctx.src_ip, p.ctx.dst_ip, p.ctx.hop_limit};
  auto built = build(a);
  constexpr std::size_t kEth = 14, kFlowLabelEnd = kEth + 4;
  REQUIRE(built.size() == p.ctx.raw.size());
  CHECK(std::equal(built.begin(), built.begin() + kEth, p.ctx.raw.begin()));
  CHECK(std::equal(built.begin() + kFlowLabelEnd, built.end(), p.ctx.raw.begin() + kFlowLabelEnd));
}

}  // namespace

TEST_CASE("DAD NS from the kernel: from ::, to the solicited-node group, no link-layer option", "[wire][nd]") {
  auto ns = of_type<wire::NeighborSolicit>(test::packets("nd/dad-ns.pcap"));
  REQUIRE(ns.size() >= 1);
  const auto& p = ns.front();
  CHECK(p.ctx.src_ip.is_unspecified());
  CHECK(p.ctx.dst_ip == wire::solicited_node(ip("2001:db8:10::10")));
  CHECK(p.ctx.dst_mac == wire::multicast_mac(p.ctx.dst_ip));
  CHECK(p.ctx.hop_limit == 255);
  CHECK(p.ctx.checksum_ok);
  const auto& m = *p.as<wire::NeighborSolicit>();
  CHECK(m.target == ip("2001:db8:10::10"));
  CHECK_FALSE(m.source_lla);
  check_rebuild(p, [&](const auto& a) { return wire::build_ns(a, m); });
}

TEST_CASE("Address resolution: NS with source link-layer option, solicited NA with router flag", "[wire][nd]") {
  for (const char* file : {"nd/ns-na-global.pcap", "nd/ns-na-linklocal.pcap"}) {
    SECTION(file) {
      auto pkts = test::packets(file);
      auto ns = of_type<wire::NeighborSolicit>(pkts);
      auto na = of_type<wire::NeighborAdvert>(pkts);
      REQUIRE(ns.size() == 1);
      REQUIRE(na.size() == 1);
      const auto& s = *ns[0].as<wire::NeighborSolicit>();
      const auto& a = *na[0].as<wire::NeighborAdvert>();
      CHECK(s.source_lla == ns[0].ctx.src_mac);
      CHECK(ns[0].ctx.dst_ip == wire::solicited_node(s.target));
      CHECK(a.target == s.target);
      CHECK(a.router);  // the answering namespace forwards (RFC 4861 §4.4)
      CHECK(a.solicited);
      CHECK(a.override_);
      CHECK(a.target_lla == Mac::parse("fa:16:3e:00:00:01"));
      CHECK(na[0].ctx.dst_ip == ns[0].ctx.src_ip);
      CHECK(na[0].ctx.checksum_ok);
      check_rebuild(ns[0], [&](const auto& ad) { return wire::build_ns(ad, s); });
      check_rebuild(na[0], [&](const auto& ad) { return wire::build_na(ad, a); });
    }
  }
}

TEST_CASE("NUD probe: unicast NS, NA without target link-layer option and without override", "[wire][nd]") {
  auto na = of_type<wire::NeighborAdvert>(test::packets("nd/nud-probe.pcap"));
  REQUIRE(na.size() == 1);
  const auto& a = *na[0].as<wire::NeighborAdvert>();
  CHECK(a.solicited);
  CHECK_FALSE(a.override_);
  CHECK_FALSE(a.target_lla);
}

TEST_CASE("Unsolicited NA: override set, solicited clear, to all-nodes", "[wire][nd]") {
  auto na = of_type<wire::NeighborAdvert>(test::packets("nd/unsolicited-na.pcap"));
  REQUIRE_FALSE(na.empty());
  for (const auto& p : na) {
    const auto& a = *p.as<wire::NeighborAdvert>();
    CHECK(p.ctx.dst_ip == wire::kAllNodes);
    CHECK(a.override_);
    CHECK_FALSE(a.solicited);
    CHECK(a.target_lla == Mac::parse("fa:16:3e:00:00:11"));
  }
}

TEST_CASE("Redirect from a Linux router", "[wire][nd]") {
  auto rd = of_type<wire::Redirect>(test::packets("nd/redirect.pcap"));
  REQUIRE(rd.size() == 1);
  const auto& r = *rd[0].as<wire::Redirect>();
  CHECK(rd[0].ctx.src_ip.is_link_local());
  CHECK(rd[0].ctx.hop_limit == 255);
  CHECK(r.destination == ip("2001:db8:20::20"));
  CHECK(r.redirected_header_bytes > 40);  // the invoking echo request, quoted
}

TEST_CASE("Malformed ND messages become values", "[wire][nd][malformed]") {
  auto pkts = test::packets("nd/ns-na-global.pcap");
  auto good = of_type<wire::NeighborSolicit>(pkts).at(0).ctx.raw;
  constexpr std::size_t kIcmp = 14 + 40, kOption = kIcmp + 24;
  auto cut = [&](std::size_t icmp_len) {
    auto f = good;
    f.resize(kIcmp + icmp_len);
    f[18] = static_cast<std::uint8_t>(icmp_len >> 8);
    f[19] = static_cast<std::uint8_t>(icmp_len);
    return f;
  };
  auto zero = good;
  zero[kOption + 1] = 0;
  auto over = good;
  over[kOption + 1] = 9;
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
    const char* expect;
  } cases[] = {
      {"NS without its target", cut(12), "truncated NS"},
      {"NS header only", cut(4), "truncated NS"},
      {"zero-length option", zero, "length 0"},
      {"option overrun", over, "overruns"},
      {"ICMPv6 shorter than its header", cut(3), "truncated ICMPv6"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      wire::Packet d;
      REQUIRE_NOTHROW(d = wire::decode_frame(c.bytes));
      const auto* m = d.as<wire::Malformed>();
      REQUIRE(m);
      CAPTURE(m->what);
      CHECK(m->what.find(c.expect) != std::string::npos);
    }
  }
}
