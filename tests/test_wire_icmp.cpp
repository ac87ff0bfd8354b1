// ICMPv6 echo and errors on captured bytes from the Linux kernel (tests/fixtures/icmp),
// and the IPv6 header chain (extension headers, fragments) on built frames.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "v6c/wire/build.hpp"
#include "v6c/wire/dns.hpp"
#include "literals.hpp"

using namespace v6c;
using wire::IcmpErrorKind;
using namespace v6c::test;

namespace {

struct ErrorCase {
  const char* file;
  IcmpErrorKind kind;
  std::uint8_t code;
  std::uint32_t mtu_or_pointer;
  const char* invoking_dst;
  std::uint8_t invoking_next_header;
};

}  // namespace

TEST_CASE("Echo request and reply", "[wire][icmp]") {
  auto pkts = test::packets("icmp/echo.pcap");
  REQUIRE(pkts.size() == 2);
  const auto* req = pkts[0].as<wire::Echo>();
  const auto* rep = pkts[1].as<wire::Echo>();
  REQUIRE(req);
  REQUIRE(rep);
  CHECK_FALSE(req->reply);
  CHECK(rep->reply);
  CHECK(req->id == rep->id);
  CHECK(req->seq == 1);
  CHECK(req->payload_bytes == 56);
  CHECK(pkts[0].ctx.checksum_ok);
  CHECK(pkts[1].ctx.checksum_ok);
  // A request we build with the same id, seq and size has the same length as ping6's.
  wire::Addressing a{pkts[0].ctx.src_mac, pkts[0].ctx.dst_mac, pkts[0].ctx.src_ip, pkts[0].ctx.dst_ip, 64};
  auto built = wire::build_echo(a, *req, pkts[0].ctx.raw.size() - 14);
  CHECK(built.size() == pkts[0].ctx.raw.size());
  auto again = wire::decode_frame(built);
  CHECK(again.ctx.checksum_ok);
  CHECK(*again.as<wire::Echo>() == *req);
}

TEST_CASE("ICMPv6 errors from a Linux router quote the invoking packet", "[wire][icmp]") {
  ErrorCase cases[] = {
      {"icmp/packet-too-big.pcap", IcmpErrorKind::packet_too_big, 0, 1280, "2001:db8:20::20", 58},
      {"icmp/time-exceeded.pcap", IcmpErrorKind::time_exceeded, 0, 0, "2001:db8:20::20", 58},
      {"icmp/dest-unreach-no-route.pcap", IcmpErrorKind::dest_unreachable, 0, 0, "2001:db8:99::1", 58},
      {"icmp/dest-unreach-address.pcap", IcmpErrorKind::dest_unreachable, 3, 0, "2001:db8:20::99", 58},
      {"icmp/dest-unreach-port.pcap", IcmpErrorKind::dest_unreachable, 4, 0, "2001:db8:10::1", 17},
      {"icmp/dest-unreach-admin.pcap", IcmpErrorKind::dest_unreachable, 1, 0, "2001:db8:20::20", 17},
      {"icmp/param-problem.pcap", IcmpErrorKind::param_problem, 1, 6, "2001:db8:10::1", 253},
  };
  for (const auto& c : cases) {
    SECTION(c.file) {
      auto pkts = test::packets(c.file);
      REQUIRE(pkts.size() == 2);
      const auto* e = pkts[1].as<wire::IcmpError>();
      REQUIRE(e);
      CHECK(pkts[1].ctx.checksum_ok);
      CHECK(e->kind == c.kind);
      CHECK(e->code == c.code);
      CHECK(e->mtu_or_pointer == c.mtu_or_pointer);
      CHECK(e->invoking_src == pkts[0].ctx.src_ip);
      CHECK(e->invoking_dst == ip(c.invoking_dst));
      CHECK(e->invoking_next_header == c.invoking_next_header);
      // The echo it quotes is ours: same id and sequence.
      if (const auto* echo = pkts[0].as<wire::Echo>()) {
        REQUIRE(e->invoking_echo);
        CHECK(e->invoking_echo->id == echo->id);
        CHECK(e->invoking_echo->seq == echo->seq);
      }
      // RFC 4443 §2.4 (c): as much as fits in the minimum MTU.
      CHECK(pkts[1].ctx.raw.size() - 14 <= 1280);
    }
  }
}

TEST_CASE("The IPv6 header chain: extension headers and fragments are recorded", "[wire][ipv6]") {
  auto pkts = test::packets("icmp/echo.pcap");
  auto plain = pkts[0].ctx.raw;
  constexpr std::size_t kNext = 14 + 6, kPayloadLen = 14 + 4, kIp = 14 + 40;
  // Insert one extension header (8 bytes) carrying next header 58 in front of the ICMPv6.
  auto with_ext = [&](std::uint8_t type, std::vector<std::uint8_t> body) {
    auto f = plain;
    std::uint8_t next = f[kNext];
    f[kNext] = type;
    body[0] = next;
    f.insert(f.begin() + kIp, body.begin(), body.end());
    std::size_t len = (f[kPayloadLen] << 8 | f[kPayloadLen + 1]) + body.size();
    f[kPayloadLen] = static_cast<std::uint8_t>(len >> 8);
    f[kPayloadLen + 1] = static_cast<std::uint8_t>(len);
    return f;
  };
  SECTION("hop-by-hop options (PadN)") {
    auto d = wire::decode_frame(with_ext(0, {0, 0, 1, 4, 0, 0, 0, 0}));
    CHECK(d.ctx.ext_headers == std::vector<std::uint8_t>{0});
    CHECK(d.as<wire::Echo>());
    CHECK(d.ctx.checksum_ok);
  }
  SECTION("destination options") {
    auto d = wire::decode_frame(with_ext(60, {0, 0, 1, 4, 0, 0, 0, 0}));
    CHECK(d.ctx.ext_headers == std::vector<std::uint8_t>{60});
    CHECK(d.as<wire::Echo>());
  }
  SECTION("atomic fragment (offset 0, M=0)") {
    auto d = wire::decode_frame(with_ext(44, {0, 0, 0, 0, 0, 0, 0, 1}));
    CHECK(d.ctx.fragmented);
    CHECK(d.as<wire::Echo>());
  }
  SECTION("a later fragment carries no message") {
    auto d = wire::decode_frame(with_ext(44, {0, 0, 0, 8, 0, 0, 0, 1}));  // offset 1 (×8 bytes)
    CHECK(d.ctx.fragmented);
    REQUIRE(d.as<wire::OtherPacket>());
    CHECK(d.as<wire::OtherPacket>()->next_header == 44);
  }
  SECTION("extension header overrunning the packet") {
    auto d = wire::decode_frame(with_ext(0, {0, 9, 1, 4, 0, 0, 0, 0}));
    REQUIRE(d.as<wire::Malformed>());
    CHECK(d.as<wire::Malformed>()->what.find("overruns") != std::string::npos);
  }
}

TEST_CASE("Malformed ICMPv6 errors and echoes become values", "[wire][icmp][malformed]") {
  auto ptb = test::packets("icmp/packet-too-big.pcap")[1].ctx.raw;
  constexpr std::size_t kIcmp = 14 + 40;
  auto cut = [&](std::size_t icmp_len) {
    auto f = ptb;
    f.resize(kIcmp + icmp_len);
    f[18] = static_cast<std::uint8_t>(icmp_len >> 8);
    f[19] = static_cast<std::uint8_t>(icmp_len);
    return f;
  };
  SECTION("error without its MTU field") {
    auto d = wire::decode_frame(cut(6));
    REQUIRE(d.as<wire::Malformed>());
  }
  SECTION("error quoting less than an IPv6 header: decoded, invoking packet unknown") {
    auto d = wire::decode_frame(cut(8 + 20));
    REQUIRE(d.as<wire::IcmpError>());
    CHECK(d.as<wire::IcmpError>()->mtu_or_pointer == 1280);
    CHECK_FALSE(d.as<wire::IcmpError>()->invoking_dst);
    CHECK_FALSE(d.ctx.checksum_ok);  // the cut changed the sum
  }
  SECTION("every prefix of a real error decodes without throwing") {
    for (std::size_t n = 0; n <= ptb.size(); ++n) {
      CAPTURE(n);
      REQUIRE_NOTHROW(wire::decode_frame(std::span(ptb).first(n)));
    }
  }
}

TEST_CASE("DNS: AAAA query encoding and answer decoding", "[wire][dns]") {
  auto q = wire::encode_aaaa_query(0x1234, "host.example.test");
  // Header, then 4host7example4test0, type 28, class 1.
  std::vector<std::uint8_t> expect = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 4, 'h', 'o', 's', 't', 7,
                                      'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, 28, 0, 1};
  CHECK(q == expect);
  // An answer: the query turned around, one AAAA record with a compression pointer to the name.
  auto a = q;
  a[2] = 0x81;
  a[3] = 0x80;
  a[7] = 1;
  std::vector<std::uint8_t> rr = {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16};
  auto addr = ip("2001:db8:ff::53");
  rr.insert(rr.end(), addr.bytes.begin(), addr.bytes.end());
  a.insert(a.end(), rr.begin(), rr.end());
  auto d = wire::decode_dns(a);
  REQUIRE(std::holds_alternative<wire::DnsAnswer>(d));
  const auto& ans = std::get<wire::DnsAnswer>(d);
  CHECK(ans.id == 0x1234);
  CHECK(ans.response);
  CHECK(ans.rcode == 0);
  CHECK(ans.aaaa == std::vector<Ip6>{addr});
  SECTION("truncated rdata") {
    auto bad = a;
    bad.resize(bad.size() - 4);
    CHECK(std::holds_alternative<wire::Malformed>(wire::decode_dns(bad)));
  }
  SECTION("label running past the end") {
    auto bad = q;
    bad[12] = 60;
    CHECK(std::holds_alternative<wire::Malformed>(wire::decode_dns(bad)));
  }
  SECTION("every prefix decodes without throwing") {
    for (std::size_t n = 0; n <= a.size(); ++n) REQUIRE_NOTHROW(wire::decode_dns(std::span(a).first(n)));
  }
}
