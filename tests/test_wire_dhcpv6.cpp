// DHCPv6 codec (RFC 8415): decode every field, encode and byte-compare, round trips,
// request/response matching on byte pairs, and malformed inputs that must come back as
// Malformed values, never as a crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../probes/src/wire/decode.hpp"  // detail::decode_dhcp6, the adapter under test
#include "dhcpv6_bytes.hpp"
#include "fixtures.hpp"
#include "v6c/host/host.hpp"
#include "v6c/wire/build.hpp"
#include "v6c/wire/dhcpv6.hpp"
#include "v6c/wire/packet.hpp"
#include "literals.hpp"

using namespace v6c::wire;
using v6c::test::hex;
using v6c::test::ip;
namespace host = v6c::host;
namespace bytes = v6c::test::dhcp6_bytes;

namespace {

constexpr std::uint16_t kClientPort = 546, kServerPort = 547;  // RFC 8415 §7.2

Message decode(const std::vector<std::uint8_t>& payload, std::uint16_t src = kServerPort,
               std::uint16_t dst = kClientPort) {
  return detail::decode_dhcp6(payload, src, dst);
}

const Dhcp6Message& as_dhcp6(const Message& m) {
  if (const auto* bad = std::get_if<Malformed>(&m)) FAIL("malformed: " << bad->what);
  REQUIRE(std::holds_alternative<Dhcp6Message>(m));
  return std::get<Dhcp6Message>(m);
}

Dhcp6Message decoded(const std::vector<std::uint8_t>& payload) { return as_dhcp6(decode(payload)); }

Duid duid(std::uint16_t type, std::uint16_t hw_type, std::uint32_t time, std::uint32_t enterprise,
          const std::string& identifier, const std::string& raw) {
  Duid d;
  d.type = type;
  d.hw_type = hw_type;
  d.time = time;
  d.enterprise = enterprise;
  d.identifier = hex(identifier);
  d.raw = hex(raw);
  return d;
}

// The client's DUID-LL in bytes::kSolicit: Ethernet, 02:42:ac:11:00:02.
Duid client_duid() { return duid(3, 1, 0, 0, "02 42 ac 11 00 02", "00 03 00 01 02 42 ac 11 00 02"); }

// The server's DUID-LLT in bytes::kReply.
Duid server_duid() {
  return duid(1, 1, 0x2c8a6f10, 0, "fa 16 3e 11 22 33", "00 01 00 01 2c 8a 6f 10 fa 16 3e 11 22 33");
}

Dhcp6Message message(Dhcp6Type type, std::uint32_t transaction_id) {
  Dhcp6Message m;
  m.type = type;
  m.transaction_id = transaction_id;
  return m;
}

IaNa ia_na(std::uint32_t iaid, std::uint32_t t1_s, std::uint32_t t2_s, std::vector<IaAddress> addresses,
           std::optional<Dhcp6Status> status) {
  IaNa ia;
  ia.iaid = iaid;
  ia.t1_s = t1_s;
  ia.t2_s = t2_s;
  ia.addresses = std::move(addresses);
  ia.status = std::move(status);
  return ia;
}

// A payload with a 4-byte Reply header in front of `options`.
std::vector<std::uint8_t> reply_with(const std::string& options) { return hex("07 00 00 01 " + options); }

}  // namespace

TEST_CASE("DHCPv6 Solicit decodes every field", "[wire]") {
  Dhcp6Message m = as_dhcp6(decode(hex(bytes::kSolicit), kClientPort, kServerPort));
  CHECK(m.type == Dhcp6Type::solicit);
  CHECK(m.transaction_id == 0xa1b2c3);
  CHECK(m.src_port == kClientPort);
  CHECK(m.dst_port == kServerPort);
  REQUIRE(m.client_id);
  CHECK(*m.client_id == client_duid());
  CHECK_FALSE(m.server_id);
  REQUIRE(m.ia_na.size() == 1);
  CHECK(m.ia_na[0].iaid == 1);
  CHECK(m.ia_na[0].t1_s == 0);
  CHECK(m.ia_na[0].t2_s == 0);
  CHECK(m.ia_na[0].addresses.empty());
  CHECK_FALSE(m.ia_na[0].status);
  CHECK(m.elapsed_time_cs == std::optional<std::uint16_t>(100));
  CHECK(m.option_request == std::vector<std::uint16_t>{23, 24, 82});
  CHECK(m.rapid_commit);
  CHECK_FALSE(m.preference);
  CHECK(m.unknown.empty());
}

TEST_CASE("DHCPv6 Reply decodes IA_NA, nested status, DNS and domains", "[wire]") {
  Dhcp6Message m = decoded(hex(bytes::kReply));
  CHECK(m.type == Dhcp6Type::reply);
  CHECK(m.transaction_id == 0xa1b2c3);
  REQUIRE(m.client_id);
  CHECK(*m.client_id == client_duid());
  REQUIRE(m.server_id);
  CHECK(*m.server_id == server_duid());

  REQUIRE(m.ia_na.size() == 1);
  const IaNa& ia = m.ia_na[0];
  CHECK(ia.iaid == 1);
  CHECK(ia.t1_s == 3600);
  CHECK(ia.t2_s == 5400);
  REQUIRE(ia.addresses.size() == 1);
  CHECK(ia.addresses[0].address == ip("2001:db8:1::10"));
  CHECK(ia.addresses[0].preferred_s == 86400);
  CHECK(ia.addresses[0].valid_s == 172800);
  CHECK(ia.addresses[0].status == std::optional<Dhcp6Status>({0, "assigned"}));
  CHECK(ia.status == std::optional<Dhcp6Status>({0, "ok"}));

  CHECK(m.status == std::optional<Dhcp6Status>({0, "done"}));
  CHECK(m.preference == std::optional<std::uint8_t>(255));
  CHECK(m.dns_servers == std::vector<Ip6>{ip("2001:db8:1::53"), ip("2001:db8::35")});
  CHECK(m.domain_list == std::vector<std::string>{"example.com", "lab.example"});
  CHECK_FALSE(m.rapid_commit);
  CHECK_FALSE(m.elapsed_time_cs);
  REQUIRE(m.unknown.size() == 1);  // SOL_MAX_RT is not interpreted
  CHECK(m.unknown[0] == Dhcp6Option{82, {0x00, 0x00, 0x0e, 0x10}});
}

TEST_CASE("DHCPv6 stateless Reply: Information Refresh Time and DUID-EN", "[wire]") {
  Dhcp6Message m = decoded(hex(bytes::kStatelessReply));
  CHECK(m.type == Dhcp6Type::reply);
  CHECK(m.transaction_id == 0x0f0e0d);
  CHECK_FALSE(m.client_id);
  REQUIRE(m.server_id);
  CHECK(m.server_id->type == 2);
  CHECK(m.server_id->enterprise == 2495);
  CHECK(m.server_id->identifier == hex("0a 0b 0c 0d 0e 0f"));
  CHECK(m.info_refresh_time_s == std::optional<std::uint32_t>(86400));
  CHECK(m.dns_servers == std::vector<Ip6>{ip("2001:db8:1::53")});
  CHECK(m.domain_list == std::vector<std::string>{"example.com"});
  CHECK(m.ia_na.empty());
}

TEST_CASE("DHCPv6 DUID types", "[wire]") {
  struct Case {
    const char* name;
    std::string duid;
    Duid expected;
  };
  std::vector<Case> cases = {
      {"LLT", "00 01 00 01 2c 8a 6f 10 fa 16 3e 11 22 33", server_duid()},
      {"EN", "00 02 00 00 09 bf 0a 0b", duid(2, 0, 0, 2495, "0a 0b", "00 02 00 00 09 bf 0a 0b")},
      {"LL", "00 03 00 01 02 42 ac 11 00 02", client_duid()},
      {"UUID", "00 04 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff",
       duid(4, 0, 0, 0, "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff",
            "00 04 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff")},
      {"unknown type keeps raw", "00 09 de ad", duid(9, 0, 0, 0, "", "00 09 de ad")},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::vector<std::uint8_t> duid = hex(c.duid);
      std::ostringstream option;
      option << "00 02 00 " << std::hex << (duid.size() < 16 ? "0" : "") << duid.size() << " " << c.duid;
      CAPTURE(option.str());
      Dhcp6Message m = decoded(reply_with(option.str()));
      REQUIRE(m.server_id);
      CHECK(*m.server_id == c.expected);
    }
  }
}

TEST_CASE("DHCPv6 options that may appear once are kept in unknown when repeated", "[wire]") {
  Dhcp6Message m = decoded(reply_with("00 07 00 01 0a 00 07 00 01 14"));
  CHECK(m.preference == std::optional<std::uint8_t>(10));
  REQUIRE(m.unknown.size() == 1);
  CHECK(m.unknown[0] == Dhcp6Option{7, {20}});
}

TEST_CASE("DHCPv6 relay messages are kept shallow", "[wire]") {
  // Relay-forward: hop count 1, link-address 2001:db8:1::1, peer-address fe80::1, then a
  // Relay Message option (9) carrying a 4-byte Solicit header, and an Interface-Id (18).
  Dhcp6Message m = decoded(hex(
      "0c 01 20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01"
      " 00 09 00 04 01 00 00 01 00 12 00 02 65 30"));
  CHECK(m.type == Dhcp6Type::relay_forw);
  CHECK(m.transaction_id == 0);
  REQUIRE(m.unknown.size() == 2);
  CHECK(m.unknown[0] == Dhcp6Option{9, hex("01 00 00 01")});
  CHECK(m.unknown[1] == Dhcp6Option{18, hex("65 30")});
}

TEST_CASE("DHCPv6 encode writes the expected bytes", "[wire]") {
  SECTION("Solicit") {
    Dhcp6Message m = message(Dhcp6Type::solicit, 0xa1b2c3);
    m.client_id = client_duid();
    m.ia_na = {ia_na(1, 0, 0, {}, std::nullopt)};
    m.elapsed_time_cs = 100;
    m.option_request = {23, 24, 82};
    m.rapid_commit = true;
    CHECK(encode_dhcp6(m) == hex(bytes::kSolicit));
  }
  SECTION("Reply") {
    Dhcp6Message m = message(Dhcp6Type::reply, 0xa1b2c3);
    m.client_id = client_duid();
    m.server_id = server_duid();
    m.ia_na = {ia_na(1, 3600, 5400, {IaAddress{ip("2001:db8:1::10"), 86400, 172800, Dhcp6Status{0, "assigned"}}},
                     Dhcp6Status{0, "ok"})};
    m.status = Dhcp6Status{0, "done"};
    m.preference = 255;
    m.dns_servers = {ip("2001:db8:1::53"), ip("2001:db8::35")};
    m.domain_list = {"example.com", "lab.example"};
    m.unknown = {{82, {0x00, 0x00, 0x0e, 0x10}}};
    CHECK(encode_dhcp6(m) == hex(bytes::kReply));
  }
  SECTION("DUIDs from their typed fields when raw is empty") {
    for (Duid d : {client_duid(), server_duid()}) {
      std::vector<std::uint8_t> raw = d.raw;
      d.raw.clear();
      Dhcp6Message m;
      m.client_id = d;
      std::vector<std::uint8_t> payload = encode_dhcp6(m);
      CAPTURE(d.type);
      REQUIRE(payload.size() == 4 + 4 + raw.size());
      CHECK(std::vector<std::uint8_t>(payload.begin() + 8, payload.end()) == raw);
    }
  }
  SECTION("the transaction id keeps its low 24 bits") {
    std::vector<std::uint8_t> payload = encode_dhcp6(message(Dhcp6Type::solicit, 0xff123456));
    CHECK(payload == hex("01 12 34 56"));
  }
}

TEST_CASE("DHCPv6 decode(encode(x)) == x for every message type", "[wire]") {
  for (unsigned type = 1; type <= 13; ++type) {
    auto t = static_cast<Dhcp6Type>(type);
    SECTION(to_string(t)) {
      Dhcp6Message x = message(t, 0);
      x.src_port = kServerPort;
      x.dst_port = kClientPort;
      bool relay = t == Dhcp6Type::relay_forw || t == Dhcp6Type::relay_repl;
      if (relay) {
        x.unknown = {{9, encode_dhcp6(message(Dhcp6Type::solicit, 7))},
                     {18, {0x65, 0x30}}};
      } else {
        x.transaction_id = 0x010203 * type;
        x.client_id = client_duid();
        x.server_id = server_duid();
        x.ia_na = {ia_na(type, 100, 200,
                         {IaAddress{ip("2001:db8:1::10"), 300, 400, std::nullopt},
                          IaAddress{ip("2001:db8:1::11"), 0, 0, Dhcp6Status{2, "NoAddrsAvail"}}},
                         std::nullopt),
                   ia_na(type + 100, 0, 0, {}, Dhcp6Status{2, "no addresses"})};
        x.status = Dhcp6Status{0, "success"};
        x.dns_servers = {ip("2001:db8::53")};
        x.domain_list = {"a.example", "."};
        x.preference = static_cast<std::uint8_t>(type);
        x.rapid_commit = type % 2 == 1;
        x.info_refresh_time_s = 600;
        x.elapsed_time_cs = 0xffff;
        x.option_request = {23, 24};
        x.unknown = {{82, {0, 0, 0, 60}}, {999, {}}};
      }
      std::vector<std::uint8_t> payload = encode_dhcp6(x);
      CAPTURE(payload.size());
      CHECK(decoded(payload) == x);
    }
  }
}

TEST_CASE("DHCPv6 frames carry the message in UDP with a valid checksum", "[wire]") {
  Dhcp6Message m = decoded(hex(bytes::kSolicit));
  m.src_port = kClientPort;
  m.dst_port = kServerPort;
  Addressing a{.src_mac = *Mac::parse("02:42:ac:11:00:02"), .dst_mac = multicast_mac(kAllDhcpAgents),
               .src_ip = ip("fe80::42:acff:fe11:2"), .dst_ip = kAllDhcpAgents, .hop_limit = 1};
  std::vector<std::uint8_t> frame = build_dhcp6(a, m);
  std::vector<std::uint8_t> payload = encode_dhcp6(m);

  constexpr std::size_t kEth = 14, kIp6 = 40, kUdp = 8;
  REQUIRE(frame.size() == kEth + kIp6 + kUdp + payload.size());
  CHECK(std::vector<std::uint8_t>(frame.begin(), frame.begin() + 6) == hex("33 33 00 01 00 02"));
  CHECK(std::vector<std::uint8_t>(frame.begin() + 6, frame.begin() + 12) == hex("02 42 ac 11 00 02"));
  CHECK(frame[12] == 0x86);
  CHECK(frame[13] == 0xdd);
  CHECK(frame[kEth + 6] == 17);  // next header UDP
  CHECK(frame[kEth + 7] == 1);   // hop limit
  std::size_t udp = kEth + kIp6;
  CHECK((frame[udp] << 8 | frame[udp + 1]) == kClientPort);
  CHECK((frame[udp + 2] << 8 | frame[udp + 3]) == kServerPort);
  CHECK(static_cast<std::size_t>(frame[udp + 4] << 8 | frame[udp + 5]) == kUdp + payload.size());
  CHECK(std::vector<std::uint8_t>(frame.begin() + udp + kUdp, frame.end()) == payload);

  // RFC 8200 §8.1: the one's-complement sum over pseudo-header and datagram is all ones.
  std::uint32_t sum = 0;
  auto add = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; i += 2) sum += frame[i] << 8 | (i + 1 < to ? frame[i + 1] : 0);
  };
  add(kEth + 8, kEth + kIp6);  // source and destination addresses
  sum += frame.size() - udp;   // upper-layer length
  sum += 17;                   // next header
  add(udp, frame.size());
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  CHECK(sum == 0xffff);

  SECTION("and decode_frame gives the message back") {
    Packet p = decode_frame(frame);
    CHECK(p.ctx.checksum_ok);
    CHECK(p.ctx.hop_limit == 1);
    CHECK(p.ctx.dst_ip == kAllDhcpAgents);
    REQUIRE(p.as<Dhcp6Message>());
    CHECK(*p.as<Dhcp6Message>() == m);
  }
}

TEST_CASE("DHCPv6 answers match by type, transaction id and identifiers", "[wire]") {
  Dhcp6Message solicit = decoded(hex(bytes::kSolicit));
  solicit.rapid_commit = false;
  Dhcp6Message advertise = decoded(hex(bytes::kReply));
  advertise.type = Dhcp6Type::advertise;
  Dhcp6Message request = solicit;
  request.type = Dhcp6Type::request;
  Dhcp6Message reply = decoded(hex(bytes::kReply));

  CHECK(dhcp6_answers(solicit, advertise));
  CHECK(dhcp6_answers(request, reply));
  SECTION("wrong type") {
    CHECK_FALSE(dhcp6_answers(solicit, reply));
    CHECK_FALSE(dhcp6_answers(request, advertise));
    CHECK_FALSE(dhcp6_answers(advertise, reply));  // a server message answers nothing
  }
  SECTION("Reply to Solicit with Rapid Commit on both sides") {
    solicit.rapid_commit = true;
    reply.rapid_commit = true;
    CHECK(dhcp6_answers(solicit, reply));
    reply.rapid_commit = false;
    CHECK_FALSE(dhcp6_answers(solicit, reply));
  }
  SECTION("another transaction id") {
    reply.transaction_id ^= 1;
    CHECK_FALSE(dhcp6_answers(request, reply));
  }
  SECTION("another client id") {
    reply.client_id->raw.back() ^= 1;
    CHECK_FALSE(dhcp6_answers(request, reply));
  }
  SECTION("no server id") {
    reply.server_id.reset();
    CHECK_FALSE(dhcp6_answers(request, reply));
  }
  SECTION("Information-request without client id") {
    Dhcp6Message info = message(Dhcp6Type::information_request, 0x0f0e0d);
    Dhcp6Message stateless = decoded(hex(bytes::kStatelessReply));
    CHECK(dhcp6_answers(info, stateless));
    stateless.client_id = client_duid();  // RFC 8415 §16.12: must not appear then
    CHECK_FALSE(dhcp6_answers(info, stateless));
  }
}

TEST_CASE("DHCPv6 malformed inputs come back as Malformed", "[wire]") {
  struct Case {
    const char* name;
    std::string payload;
    std::string what;  // a part of the expected description
  };
  const std::string ia_fixed = "00 00 00 01 00 00 00 00 00 00 00 00 ";
  std::vector<Case> cases = {
      {"0 bytes", "", "0 bytes, shorter than its 4-byte header"},
      {"1 byte", "07", "1 bytes, shorter than its 4-byte header"},
      {"truncated header", "07 00 00", "3 bytes, shorter than its 4-byte header"},
      {"truncated option header", "07 00 00 01 00 01 00", "option header truncated in message: 3 bytes left"},
      {"zero-length Client Identifier", "07 00 00 01 00 01 00 00", "option 1 (Client Identifier) length 0"},
      {"zero-length Status Code", "07 00 00 01 00 0d 00 00", "option 13 (Status Code) length 0"},
      {"zero-length Preference", "07 00 00 01 00 07 00 00", "option 7 (Preference) length 0, expected 1"},
      {"zero-length IA_NA", "07 00 00 01 00 03 00 00", "option 3 (IA_NA) length 0, needs at least 12"},
      {"Elapsed Time too long", "07 00 00 01 00 08 00 03 00 00 00", "length 3, expected 2"},
      {"Rapid Commit with data", "07 00 00 01 00 0e 00 01 00", "length 1, expected 0"},
      {"option overrun", "07 00 00 01 00 03 00 28 " + ia_fixed,
       "DHCPv6 option 3 (IA_NA) overruns message: length 40, 12 bytes left"},
      {"nested overrun inside IA_NA", "07 00 00 01 00 03 00 14 " + ia_fixed + "00 05 00 18 20 01 0d b8",
       "option 5 (IA Address) overruns IA_NA 1: length 24, 4 bytes left"},
      {"short IA Address inside IA_NA", "07 00 00 01 00 03 00 14 " + ia_fixed + "00 05 00 04 20 01 0d b8",
       "option 5 (IA Address) length 4, needs at least 24"},
      {"nested overrun inside IA Address",
       "07 00 00 01 00 03 00 2c " + ia_fixed +
           "00 05 00 1c 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 0d 00 08",
       "option 13 (Status Code) overruns IA Address 2001:db8::10: length 8, 0 bytes left"},
      {"DUID-LLT shorter than its type needs", "07 00 00 01 00 02 00 04 00 01 00 01",
       "DUID type 1 needs 8 bytes, has 4"},
      {"DUID-LL without hardware type", "07 00 00 01 00 01 00 03 00 03 00", "DUID type 3 needs 4 bytes, has 3"},
      {"DUID-UUID too short", "07 00 00 01 00 02 00 04 00 04 00 11", "DUID type 4 needs 18 bytes, has 4"},
      {"DUID-UUID too long", "07 00 00 01 00 02 00 13 00 04 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00",
       "DUID-UUID length 19, expected 18"},
      {"domain name label overrun", "07 00 00 01 00 18 00 05 07 65 78 61 6d",
       "label overruns option: length 7, 4 bytes left"},
      {"domain name compression", "07 00 00 01 00 18 00 05 01 61 00 c0 04", "compression pointer at byte 3"},
      {"domain name label over 63", "07 00 00 01 00 18 00 02 40 61", "label length 64 over 63"},
      {"domain name without its zero label", "07 00 00 01 00 18 00 04 03 63 6f 6d",
       "name \"com\" has no terminating zero label"},
      {"DNS servers not a multiple of 16", "07 00 00 01 00 17 00 04 20 01 0d b8", "length 4, not a multiple of 16"},
      {"Option Request of odd length", "07 00 00 01 00 06 00 03 00 17 00", "length 3, odd"},
      {"relay header truncated", "0c 01 20 01 0d b8", "Relay-forward of 6 bytes, shorter than its 34-byte header"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::vector<std::uint8_t> payload = hex(c.payload);
      CAPTURE(c.payload);
      Message m = decode(payload);
      const Malformed* bad = std::get_if<Malformed>(&m);
      REQUIRE(bad);
      CAPTURE(bad->what);
      CHECK(bad->what.find(c.what) != std::string::npos);
      CHECK(bad->bytes == payload.size());
    }
  }
}

TEST_CASE("DHCPv6 decode never fails on truncated or mutated messages", "[wire]") {
  std::vector<std::uint8_t> reply = hex(bytes::kReply);
  SECTION("every truncation") {
    for (std::size_t size = 0; size < reply.size(); ++size) {
      std::vector<std::uint8_t> cut(reply.begin(), reply.begin() + static_cast<std::ptrdiff_t>(size));
      CAPTURE(size);
      Message m;
      REQUIRE_NOTHROW(m = decode(cut));
      if (const auto* bad = std::get_if<Malformed>(&m)) CHECK(bad->bytes == size);
    }
  }
  SECTION("random byte flips") {
    std::mt19937 rng(8415);  // fixed seed: a failure reproduces
    std::size_t malformed = 0;
    for (int round = 0; round < 2000; ++round) {
      std::vector<std::uint8_t> mutated = reply;
      for (int flips = 0; flips < 3; ++flips) mutated[rng() % mutated.size()] ^= static_cast<std::uint8_t>(rng());
      Message m;
      REQUIRE_NOTHROW(m = decode(mutated));
      malformed += std::holds_alternative<Malformed>(m);
    }
    CHECK(malformed > 0);  // the table above is not the only way to get here
  }
  SECTION("random options after a valid header") {
    std::mt19937 rng(3646);
    std::vector<std::uint16_t> codes = {1, 2, 3, 5, 6, 7, 8, 13, 14, 23, 24, 32};  // the ones we interpret
    for (int round = 0; round < 2000; ++round) {
      std::vector<std::uint8_t> payload = hex("07 00 00 01");
      for (int option = 0; option < 3; ++option) {
        std::uint16_t code = codes[rng() % codes.size()];
        std::size_t length = rng() % 40;
        payload.insert(payload.end(), {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code),
                                       0, static_cast<std::uint8_t>(rng() % 48)});
        for (std::size_t i = 0; i < length; ++i) payload.push_back(static_cast<std::uint8_t>(rng()));
      }
      CAPTURE(round);
      REQUIRE_NOTHROW(decode(payload));
    }
  }
}

TEST_CASE("DHCPv6 type names", "[wire]") {
  CHECK(to_string(Dhcp6Type::solicit) == "Solicit");
  CHECK(to_string(Dhcp6Type::information_request) == "Information-request");
  CHECK(to_string(static_cast<Dhcp6Type>(42)) == "type 42");
}

// ---- Real captures: dnsmasq (Neutron's command line) and Kea against dhclient
// (tests/fixtures/dhcpv6, README there). tshark is the independent reader.

namespace {

const Ip6 kFixtureClientLl = *Ip6::parse("fe80::f816:3eff:fe00:10");
const Ip6 kFixtureServerLl = *Ip6::parse("fe80::f816:3eff:fe00:1");
constexpr std::size_t kEthIp6UdpBytes = 14 + 40 + 8;

// Field name → values, as `tshark -T fields -E occurrence=a` lists them.
using Fields = std::map<std::string, std::vector<std::string>>;

// Fields whose order tshark and our struct can both keep; the rest are compared sorted.
const std::vector<std::string> kOrderedFields = {
    "dhcpv6.msgtype", "dhcpv6.xid", "dhcpv6.iaid", "dhcpv6.iaid.t1", "dhcpv6.iaid.t2",
    "dhcpv6.iaaddr.ip", "dhcpv6.iaaddr.pref_lifetime", "dhcpv6.iaaddr.valid_lifetime",
    "dhcpv6.option_preference", "dhcpv6.dns_server", "dhcpv6.elapsed_time", "dhcpv6.requested_option_code"};
const std::vector<std::string> kUnorderedFields = {"dhcpv6.duid.bytes", "dhcpv6.status_code", "dhcpv6.status_msg",
                                                   "dhcpv6.option.type", "domains"};

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t start = 0;
  for (std::size_t at; (at = s.find(by, start)) != std::string::npos; start = at + 1) out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

std::string hex_of(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  char b[3];
  for (auto v : bytes) {
    std::snprintf(b, sizeof b, "%02x", v);
    out += b;
  }
  return out;
}

// tshark's reading of every DHCPv6 packet in a capture, by frame number. Domain names
// come in two fields (single-label ones as "tld"); both go to "domains".
std::map<std::uint32_t, Fields> tshark_dhcp6(const std::string& path) {
  std::vector<std::string> fields = kOrderedFields;
  fields.insert(fields.end(), kUnorderedFields.begin(), kUnorderedFields.end() - 1);
  fields.insert(fields.end(), {"dhcpv6.search_list_entry", "dhcpv6.tld"});
  host::Argv argv = {"tshark", "-r", path, "-Y", "dhcpv6", "-T", "fields", "-E", "separator=/t",
                     "-E", "aggregator=|", "-E", "occurrence=a", "-e", "frame.number"};
  for (const auto& f : fields) argv.insert(argv.end(), {"-e", f});
  std::map<std::uint32_t, Fields> out;
  std::istringstream lines(host::must(argv, "", std::chrono::seconds(60)));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cols = split(line, '\t');
    REQUIRE(cols.size() == fields.size() + 1);
    Fields& f = out[static_cast<std::uint32_t>(std::stoul(cols[0]))];
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::vector<std::string> values = split(cols[i + 1], '|');
      bool domain = fields[i] == "dhcpv6.search_list_entry" || fields[i] == "dhcpv6.tld";
      auto& into = f[domain ? "domains" : fields[i]];
      into.insert(into.end(), values.begin(), values.end());
    }
  }
  return out;
}

// Our decode, in tshark's field names and value formats.
Fields as_tshark(const Dhcp6Message& m) {
  Fields f;
  auto add = [&](const std::string& field, auto value) { f[field].push_back(std::to_string(value)); };
  add("dhcpv6.msgtype", static_cast<unsigned>(m.type));
  char xid[16];
  std::snprintf(xid, sizeof xid, "0x%06x", m.transaction_id);
  f["dhcpv6.xid"] = {xid};
  auto option = [&](std::uint16_t code) { add("dhcpv6.option.type", code); };
  auto status = [&](const std::optional<Dhcp6Status>& s) {
    if (!s) return;
    option(13);
    add("dhcpv6.status_code", s->code);
    if (!s->message.empty()) f["dhcpv6.status_msg"].push_back(s->message);
  };
  for (const auto* id : {&m.client_id, &m.server_id})
    if (*id) {
      option(id == &m.client_id ? 1 : 2);
      f["dhcpv6.duid.bytes"].push_back(hex_of((*id)->raw));
    }
  for (const IaNa& ia : m.ia_na) {
    option(3);
    char iaid[16];
    std::snprintf(iaid, sizeof iaid, "%08x", ia.iaid);
    f["dhcpv6.iaid"].push_back(iaid);
    add("dhcpv6.iaid.t1", ia.t1_s);
    add("dhcpv6.iaid.t2", ia.t2_s);
    for (const IaAddress& a : ia.addresses) {
      option(5);
      f["dhcpv6.iaaddr.ip"].push_back(a.address.str());
      add("dhcpv6.iaaddr.pref_lifetime", a.preferred_s);
      add("dhcpv6.iaaddr.valid_lifetime", a.valid_s);
      status(a.status);
    }
    status(ia.status);
  }
  status(m.status);
  if (m.preference) {
    option(7);
    add("dhcpv6.option_preference", *m.preference);
  }
  if (m.elapsed_time_cs) {
    option(8);
    add("dhcpv6.elapsed_time", *m.elapsed_time_cs * 10);  // Wireshark shows milliseconds
  }
  if (!m.option_request.empty()) option(6);
  for (auto code : m.option_request) add("dhcpv6.requested_option_code", code);
  if (m.rapid_commit) option(14);
  if (m.info_refresh_time_s) option(32);
  if (!m.dns_servers.empty()) option(23);
  for (const Ip6& a : m.dns_servers) f["dhcpv6.dns_server"].push_back(a.str());
  if (!m.domain_list.empty()) option(24);
  for (const auto& d : m.domain_list) f["domains"].push_back(d + ".");
  for (const auto& u : m.unknown) option(u.code);
  return f;
}

std::vector<const Dhcp6Message*> messages(const std::vector<Packet>& packets) {
  std::vector<const Dhcp6Message*> out;
  for (const auto& p : packets)
    if (const auto* m = p.as<Dhcp6Message>()) out.push_back(m);
  return out;
}

std::vector<Dhcp6Type> types_of(const std::vector<Packet>& packets) {
  std::vector<Dhcp6Type> out;
  for (const auto* m : messages(packets)) out.push_back(m->type);
  return out;
}

// The DUID of fixture server fa:16:3e:00:00:01 and client fa:16:3e:00:00:10.
const std::vector<std::uint8_t> kFixtureServerMac = {0xfa, 0x16, 0x3e, 0x00, 0x00, 0x01};
const std::vector<std::uint8_t> kFixtureClientMac = {0xfa, 0x16, 0x3e, 0x00, 0x00, 0x10};
constexpr std::uint32_t kFixtureIaid = 0x3e000010;
const std::vector<Ip6> kFixtureDns = {*Ip6::parse("2001:db8:53::1"), *Ip6::parse("2001:db8:53::2")};
const Ip6 kFixtureAddress = *Ip6::parse("2001:db8:3::10");

}  // namespace

TEST_CASE("DHCPv6 fixtures decode as tshark reads them", "[wire][fixtures]") {
  REQUIRE(host::have_tool("tshark"));
  for (const std::string& rel : v6c::test::fixtures("dhcpv6")) {
    SECTION(rel) {
      std::vector<Packet> packets = v6c::test::packets(rel);
      std::map<std::uint32_t, Fields> theirs = tshark_dhcp6(v6c::test::fixture_path(rel));
      REQUIRE(messages(packets).size() == theirs.size());
      for (const Packet& p : packets) {
        CAPTURE(p.ctx.index, describe(p.msg));
        const auto* m = p.as<Dhcp6Message>();
        REQUIRE(m);
        REQUIRE(theirs.count(p.ctx.index));
        Fields& expected = theirs[p.ctx.index];
        Fields ours = as_tshark(*m);
        for (const auto& field : kOrderedFields) {
          CAPTURE(field);
          CHECK(ours[field] == expected[field]);
        }
        for (const auto& field : kUnorderedFields) {
          CAPTURE(field);
          std::sort(ours[field].begin(), ours[field].end());
          std::sort(expected[field].begin(), expected[field].end());
          CHECK(ours[field] == expected[field]);
        }
        // RFC 8415 §7: clients send from their link-local to ff02::1:2, 546 → 547; servers
        // answer the link-local, 547 → 546. dhclient's hop limit is the multicast default 1.
        bool from_client = m->src_port == 546;
        CHECK(p.ctx.src_ip == (from_client ? kFixtureClientLl : kFixtureServerLl));
        CHECK(p.ctx.dst_ip == (from_client ? kAllDhcpAgents : kFixtureClientLl));
        CHECK(m->dst_port == (from_client ? 547 : 546));
        if (from_client) CHECK(p.ctx.hop_limit == 1);
        // What tshark and we read must also survive our encoder.
        CHECK(decoded(encode_dhcp6(*m)).type == m->type);
        Dhcp6Message again = decoded(encode_dhcp6(*m));
        again.src_port = m->src_port;
        again.dst_port = m->dst_port;
        CHECK(again == *m);
      }
    }
  }
}

TEST_CASE("DHCPv6 fixtures: the exchanges and what the servers said", "[wire][fixtures]") {
  using T = Dhcp6Type;
  struct Case {
    const char* file;
    std::vector<Dhcp6Type> types;
  };
  const std::vector<Case> exchanges = {
      {"dhcpv6/dnsmasq-stateful.pcap", {T::solicit, T::advertise, T::request, T::reply}},
      {"dhcpv6/dnsmasq-stateless.pcap", {T::information_request, T::reply}},
      {"dhcpv6/dnsmasq-release.pcap", {T::release, T::reply}},
      {"dhcpv6/kea-stateful.pcap", {T::solicit, T::advertise, T::request, T::reply}},
      {"dhcpv6/kea-stateless.pcap", {T::information_request, T::reply}},
      {"dhcpv6/kea-release.pcap", {T::release, T::reply}},
      {"dhcpv6/kea-renew.pcap", {T::renew, T::reply}},
      {"dhcpv6/kea-rapid-commit.pcap", {T::solicit, T::reply}},
  };
  for (const Case& c : exchanges) {
    SECTION(std::string("every answer matches its request by bytes: ") + c.file) {
      std::vector<Packet> packets = v6c::test::packets(c.file);
      REQUIRE(types_of(packets) == c.types);
      auto m = messages(packets);
      for (std::size_t i = 1; i < m.size(); i += 2) {
        CAPTURE(i);
        CHECK(dhcp6_answers(*m[i - 1], *m[i]));
        Dhcp6Message other_client = *m[i];
        other_client.transaction_id ^= 0x800000;
        CHECK_FALSE(dhcp6_answers(*m[i - 1], other_client));
      }
      REQUIRE(m.front()->client_id);
      CHECK(m.front()->client_id->type == 3);
      CHECK(m.front()->client_id->hw_type == 1);
      CHECK(m.front()->client_id->identifier == kFixtureClientMac);
    }
  }

  SECTION("dnsmasq stateful: Neutron's dhcp-host address, its options, and its DUID-LLT") {
    std::vector<Packet> m_packets = v6c::test::packets("dhcpv6/dnsmasq-stateful.pcap");
    auto m = messages(m_packets);
    REQUIRE(m.size() == 4);
    const Dhcp6Message& advertise = *m[1];
    const Dhcp6Message& reply = *m[3];
    REQUIRE(reply.server_id);
    CHECK(reply.server_id->type == 1);
    CHECK(reply.server_id->hw_type == 1);
    CHECK(reply.server_id->time == 0x2f000000);
    CHECK(reply.server_id->identifier == kFixtureServerMac);
    CHECK(advertise.preference == std::optional<std::uint8_t>(0));
    REQUIRE(advertise.ia_na.size() == 1);
    CHECK(advertise.ia_na[0].t1_s == 43200);
    CHECK(advertise.ia_na[0].t2_s == 75600);
    CHECK(advertise.status == std::optional<Dhcp6Status>({0, "success"}));
    REQUIRE(reply.ia_na.size() == 1);
    CHECK(reply.ia_na[0].iaid == kFixtureIaid);
    CHECK(reply.ia_na[0].t1_s == 3600);
    CHECK(reply.ia_na[0].t2_s == 6300);
    REQUIRE(reply.ia_na[0].addresses.size() == 1);
    CHECK(reply.ia_na[0].addresses[0].address == kFixtureAddress);
    CHECK(reply.ia_na[0].addresses[0].preferred_s == 7200);  // dnsmasq honours dhclient's hints
    CHECK(reply.ia_na[0].addresses[0].valid_s == 7500);
    CHECK(reply.dns_servers == kFixtureDns);
    CHECK(reply.domain_list == std::vector<std::string>{"openstacklocal"});
    REQUIRE(reply.unknown.size() == 1);
    CHECK(reply.unknown[0].code == 39);  // Client FQDN (RFC 4704), not interpreted
  }
  SECTION("dnsmasq stateless: options and the Information Refresh Time, no address") {
    std::vector<Packet> m_packets = v6c::test::packets("dhcpv6/dnsmasq-stateless.pcap");
    auto m = messages(m_packets);
    REQUIRE(m.size() == 2);
    CHECK(m[0]->ia_na.empty());
    CHECK(m[0]->option_request == std::vector<std::uint16_t>{23, 24});
    CHECK(m[1]->ia_na.empty());
    CHECK(m[1]->info_refresh_time_s == std::optional<std::uint32_t>(86400));
    CHECK(m[1]->dns_servers == kFixtureDns);
    CHECK(m[1]->domain_list == std::vector<std::string>{"openstacklocal"});
  }
  SECTION("Kea stateful: the reservation, Kea's timers, DUID-LL, and a Reply we rebuild byte for byte") {
    std::vector<Packet> packets = v6c::test::packets("dhcpv6/kea-stateful.pcap");
    auto m = messages(packets);
    REQUIRE(m.size() == 4);
    const Dhcp6Message& reply = *m[3];
    REQUIRE(reply.server_id);
    CHECK(reply.server_id->type == 3);
    CHECK(reply.server_id->identifier == kFixtureServerMac);
    REQUIRE(reply.ia_na.size() == 1);
    CHECK(reply.ia_na[0].t1_s == 7200);  // Kea: 0.5 and 0.8 × preferred
    CHECK(reply.ia_na[0].t2_s == 11520);
    REQUIRE(reply.ia_na[0].addresses.size() == 1);
    CHECK(reply.ia_na[0].addresses[0] == IaAddress{kFixtureAddress, 14400, 86400, std::nullopt});
    CHECK(reply.dns_servers == kFixtureDns);
    CHECK(reply.domain_list == std::vector<std::string>{"example.com", "example.net"});
    // Kea writes its options in the order our encoder does, so the payload is ours exactly.
    const auto& raw = packets[3].ctx.raw;
    REQUIRE(raw.size() > kEthIp6UdpBytes);
    CHECK(encode_dhcp6(reply) == std::vector<std::uint8_t>(raw.begin() + kEthIp6UdpBytes, raw.end()));
  }
  SECTION("Kea release: status nested in IA_NA and at the top") {
    std::vector<Packet> m_packets = v6c::test::packets("dhcpv6/kea-release.pcap");
    auto m = messages(m_packets);
    REQUIRE(m.size() == 2);
    REQUIRE(m[1]->ia_na.size() == 1);
    CHECK(m[1]->ia_na[0].status ==
          std::optional<Dhcp6Status>({0, "Lease released. Thank you, please come again."}));
    CHECK(m[1]->status == std::optional<Dhcp6Status>({0, "Summary status for all processed IA_NAs"}));
  }
  SECTION("Kea rapid commit and renew") {
    std::vector<Packet> rapid_packets = v6c::test::packets("dhcpv6/kea-rapid-commit.pcap");
    auto rapid = messages(rapid_packets);
    REQUIRE(rapid.size() == 2);
    CHECK(rapid[0]->rapid_commit);
    CHECK(rapid[1]->rapid_commit);
    std::vector<Packet> renew_packets = v6c::test::packets("dhcpv6/kea-renew.pcap");
    auto renew = messages(renew_packets);
    REQUIRE(renew.size() == 2);
    CHECK(renew[0]->server_id);
    REQUIRE(renew[1]->ia_na.size() == 1);
    CHECK(renew[1]->ia_na[0].t1_s == 3);
    CHECK(renew[1]->ia_na[0].t2_s == 6);
  }
}
