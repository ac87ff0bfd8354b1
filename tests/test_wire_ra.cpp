// Router discovery on captured bytes: RAs from real radvd in several configurations
// (tests/fixtures/ra, README there), checked against rdisc6's reading of the same
// configuration, against explicit expectations, rebuilt byte for byte, and broken.
#include <catch2/catch.hpp>
#include <set>

#include "fixtures.hpp"
#include "v6c/wire/build.hpp"
#include "literals.hpp"

using namespace v6c;
using namespace v6c::test;

namespace {

wire::Packet only_ra(const std::vector<wire::Packet>& pkts) {
  const wire::Packet* found = nullptr;
  for (const auto& p : pkts)
    if (p.as<wire::RouterAdvert>()) found = &p;
  if (!found) throw std::runtime_error("no RA in fixture");
  return *found;
}

std::string lifetime_word(std::uint32_t s) { return s == wire::kInfiniteLifetime ? "infinite" : std::to_string(s); }
std::string pref_word(int p) { return p == 1 ? "high" : p == -1 ? "low" : p == 2 ? "reserved" : "medium"; }
std::string yes_no(bool b) { return b ? "Yes" : "No"; }

// Our decode in rdisc6's labels and value words, to compare as multisets.
std::multiset<std::pair<std::string, std::string>> as_rdisc6(const wire::RouterAdvert& ra) {
  std::multiset<std::pair<std::string, std::string>> f;
  f.insert({"Hop limit", ra.cur_hop_limit ? std::to_string(ra.cur_hop_limit) : "undefined"});
  f.insert({"Stateful address conf.", yes_no(ra.managed)});
  f.insert({"Stateful other conf.", yes_no(ra.other)});
  f.insert({"Mobile home agent", yes_no(ra.home_agent)});
  f.insert({"Router preference", pref_word(ra.preference)});
  f.insert({"Neighbor discovery proxy", yes_no(ra.proxy)});
  f.insert({"Router lifetime", std::to_string(ra.router_lifetime_s)});
  f.insert({"Reachable time", ra.reachable_ms ? std::to_string(ra.reachable_ms) : "unspecified"});
  f.insert({"Retransmit time", ra.retrans_ms ? std::to_string(ra.retrans_ms) : "unspecified"});
  for (const auto& p : ra.prefixes) {
    f.insert({"Prefix", p.prefix.str() + "/" + std::to_string(p.length)});
    f.insert({"On-link", yes_no(p.on_link)});
    f.insert({"Autonomous address conf.", yes_no(p.autonomous)});
    f.insert({"Valid time", lifetime_word(p.valid_s)});
    f.insert({"Pref. time", lifetime_word(p.preferred_s)});
  }
  for (const auto& r : ra.routes) {
    f.insert({"Route", r.prefix.str() + "/" + std::to_string(r.length)});
    f.insert({"Route preference", pref_word(r.preference)});
    f.insert({"Route lifetime", lifetime_word(r.lifetime_s)});
  }
  for (const auto& r : ra.rdnss) {
    for (const auto& s : r.servers) f.insert({"Recursive DNS server", s.str()});
    f.insert({r.servers.size() > 1 ? "DNS servers lifetime" : "DNS server lifetime", lifetime_word(r.lifetime_s)});
  }
  for (const auto& d : ra.dnssl) {
    std::string all;
    for (const auto& x : d.domains) all += (all.empty() ? "" : " ") + x;
    f.insert({"DNS search list", all});
    f.insert({"DNS search list lifetime", lifetime_word(d.lifetime_s)});
  }
  if (ra.mtu) f.insert({"MTU", std::to_string(*ra.mtu)});
  if (ra.source_lla) {
    auto s = ra.source_lla->str();
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    f.insert({"Source link-layer address", s});
  }
  return f;
}

std::multiset<std::pair<std::string, std::string>> rdisc6_set(const std::string& text) {
  std::multiset<std::pair<std::string, std::string>> f;
  for (const auto& [label, value] : test::rdisc6_fields(text)) {
    if (label == "Soliciting ff02") continue;
    f.insert({label, label == "DNS search list" ? value : test::first_word(value)});
  }
  return f;
}

// The ND option TLVs after the fixed part of an ICMPv6 message, as byte strings.
std::multiset<std::vector<std::uint8_t>> options_of(const std::vector<std::uint8_t>& frame, std::size_t fixed) {
  std::multiset<std::vector<std::uint8_t>> out;
  std::size_t off = 14 + 40 + fixed;
  while (off + 2 <= frame.size() && frame[off + 1] != 0) {
    std::size_t len = frame[off + 1] * 8u;
    out.insert({frame.begin() + static_cast<long>(off), frame.begin() + static_cast<long>(off + len)});
    off += len;
  }
  return out;
}

}  // namespace

TEST_CASE("RA fixtures decode as rdisc6 reads the same configuration", "[wire][ra]") {
  auto files = test::fixtures("ra");
  REQUIRE(files.size() >= 6);
  for (const auto& file : files) {
    SECTION(file) {
      auto pkts = test::packets(file);
      const auto p = only_ra(pkts);
      auto rdisc6 = test::slurp(test::fixture_path(file.substr(0, file.size() - 5) + ".rdisc6.txt"));
      CAPTURE(rdisc6);
      CHECK(as_rdisc6(*p.as<wire::RouterAdvert>()) == rdisc6_set(rdisc6));
      // Wire context: RFC 4861 §6.1.2 validity facts as radvd sends them.
      CHECK(p.ctx.hop_limit == 255);
      CHECK(p.ctx.src_ip.is_link_local());
      CHECK(p.ctx.checksum_ok);
      CHECK_FALSE(p.ctx.fragmented);
      CHECK(p.ctx.ext_headers.empty());
      CHECK(p.as<wire::RouterAdvert>()->code == 0);
      CHECK(p.ctx.raw.size() > 14 + 40 + 16);
    }
  }
}

TEST_CASE("RA fields from radvd configured as Neutron's ra.py writes it", "[wire][ra]") {
  const auto p = only_ra(test::packets("ra/neutron-slaac.pcap"));
  const auto& ra = *p.as<wire::RouterAdvert>();
  CHECK(ra.cur_hop_limit == 64);
  CHECK_FALSE(ra.managed);
  CHECK_FALSE(ra.other);
  CHECK(ra.router_lifetime_s == 300);  // radvd: 3 × MaxRtrAdvInterval 100
  CHECK(ra.mtu == 1450u);
  REQUIRE(ra.prefixes.size() == 1);
  CHECK(ra.prefixes[0] == wire::PrefixInfo{ip("2001:db8:1::"), 64, true, true, 86400, 14400});
  REQUIRE(ra.routes.size() == 1);
  CHECK(ra.routes[0] == wire::RouteInfo{ip("fe80::a9fe:a9fe"), 128, 0, 300});
  REQUIRE(ra.rdnss.size() == 1);
  CHECK(ra.rdnss[0].servers == std::vector<Ip6>{ip("2001:db8:53::1"), ip("2001:db8:53::2")});
  CHECK(ra.rdnss[0].lifetime_s == 100);  // radvd 2.19's default is MaxRtrAdvInterval, not 3× (RFC 8106 §5.1)
  CHECK(ra.source_lla == Mac::parse("fa:16:3e:00:00:01"));
  CHECK(ra.unknown.empty());
}

TEST_CASE("RA with a /80 prefix and high preference", "[wire][ra]") {
  const auto p = only_ra(test::packets("ra/high-pref-prefix80.pcap"));
  const auto& ra = *p.as<wire::RouterAdvert>();
  CHECK(ra.preference == 1);
  REQUIRE(ra.prefixes.size() == 1);
  CHECK(ra.prefixes[0].length == 80);
  CHECK(ra.prefixes[0].autonomous);
}

TEST_CASE("RS from rdisc6 decodes (rdisc6 sends no source link-layer option)", "[wire][ra]") {
  auto pkts = test::packets("ra/neutron-slaac.pcap");
  const wire::Packet* rs = nullptr;
  for (const auto& p : pkts)
    if (p.as<wire::RouterSolicit>()) rs = &p;
  REQUIRE(rs);
  CHECK(rs->ctx.dst_ip == wire::kAllRouters);
  CHECK(rs->ctx.hop_limit == 255);
  CHECK(rs->ctx.checksum_ok);
  CHECK_FALSE(rs->as<wire::RouterSolicit>()->source_lla);
  CHECK(rs->as<wire::RouterSolicit>()->unknown.empty());
}

TEST_CASE("RAs rebuilt from their decode equal the captured bytes", "[wire][ra]") {
  for (const auto& file : test::fixtures("ra")) {
    SECTION(file) {
      const auto p = only_ra(test::packets(file));
      const auto& ra = *p.as<wire::RouterAdvert>();
      wire::Addressing a{p.ctx.src_mac, p.ctx.dst_mac, p.ctx.src_ip, p.ctx.dst_ip, p.ctx.hop_limit};
      auto built = wire::build_ra(a, ra);
      // Headers up to the options are identical, checksum included (options are 8-byte
      // units, so their order does not change the sum); only the flow label, which the
      // sender's kernel picks, is left out. Options may come in another order than radvd's,
      // but each one is byte-identical.
      constexpr std::size_t kFixed = 16, kEth = 14, kFlowLabelEnd = kEth + 4;
      REQUIRE(built.size() == p.ctx.raw.size());
      CHECK(std::equal(built.begin(), built.begin() + kEth, p.ctx.raw.begin()));
      CHECK(std::equal(built.begin() + kFlowLabelEnd, built.begin() + kEth + 40 + kFixed,
                       p.ctx.raw.begin() + kFlowLabelEnd));
      CHECK(options_of(built, kFixed) == options_of(p.ctx.raw, kFixed));
      auto again = wire::decode_frame(built);
      CHECK(again.ctx.checksum_ok);
      REQUIRE(again.as<wire::RouterAdvert>());
      CHECK(*again.as<wire::RouterAdvert>() == ra);
    }
  }
}

TEST_CASE("Malformed RAs become values, never exceptions", "[wire][ra][malformed]") {
  const auto p = only_ra(test::packets("ra/neutron-slaac.pcap"));
  const auto good = p.ctx.raw;
  constexpr std::size_t kIcmp = 14 + 40;
  constexpr std::size_t kFirstOption = kIcmp + 16;
  // Rewrite the IPv6 payload length so only the message itself is damaged.
  auto with_payload = [](std::vector<std::uint8_t> f, std::size_t icmp_len) {
    f.resize(kIcmp + icmp_len);
    f[18] = static_cast<std::uint8_t>(icmp_len >> 8);
    f[19] = static_cast<std::uint8_t>(icmp_len);
    return f;
  };
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
    const char* expect;  // substring of Malformed::what, or "" for a decoded RA with a bad checksum
  };
  auto zero_len = good;
  zero_len[kFirstOption + 1] = 0;
  auto overrun = good;
  overrun[kFirstOption + 1] = 0x7f;
  auto bad_sum = good;
  bad_sum[kIcmp + 4] ^= 0x01;  // hop limit field changed, checksum not
  auto payload_too_long = good;
  payload_too_long[19] = static_cast<std::uint8_t>(payload_too_long[19] + 8);
  auto odd_tail = with_payload(good, good.size() - kIcmp + 1);
  std::vector<Case> cases = {
      {"empty frame", {}, "truncated Ethernet"},
      {"Ethernet header only", {good.begin(), good.begin() + 14}, "truncated IPv6"},
      {"IPv6 header cut", {good.begin(), good.begin() + 30}, "truncated IPv6"},
      {"RA cut inside the fixed part", with_payload(good, 10), "truncated RA"},
      {"zero-length option", zero_len, "length 0"},
      {"option overruns the message", overrun, "overruns"},
      {"IPv6 payload length past the frame", payload_too_long, "overruns the frame"},
      {"one stray byte after the options", odd_tail, "option header truncated"},
      {"bad checksum", bad_sum, ""},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      wire::Packet d;
      REQUIRE_NOTHROW(d = wire::decode_frame(c.bytes));
      if (std::string(c.expect).empty()) {
        CHECK_FALSE(d.ctx.checksum_ok);
        CHECK(d.as<wire::RouterAdvert>());
      } else {
        const auto* m = d.as<wire::Malformed>();
        REQUIRE(m);
        CAPTURE(m->what);
        CHECK(m->what.find(c.expect) != std::string::npos);
        // The size of the layer that was wrong: the frame, or the ICMPv6 message in it.
        CHECK(m->bytes <= c.bytes.size());
        CHECK((m->bytes > 0 || c.bytes.empty()));
        CHECK(wire::describe(d.msg).find("malformed") == 0);
      }
    }
  }
}
