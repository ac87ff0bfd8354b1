#include "v6c/wire/dns.hpp"

#include <tins/ethernetII.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include "decode.hpp"
#include "proto.hpp"
#include "nd_options.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace {

constexpr std::size_t kHeader = 12;            // RFC 1035 §4.1.1
constexpr std::uint16_t kTypeAaaa = 28;        // RFC 3596 §2.1
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint8_t kPointer = 0xc0;

using proto::be16;

// Skips a name at `off` without following its compression pointer (we never need the
// name's text), so a pointer loop cannot spin us. Returns the offset after it, 0 if malformed.
std::size_t skip_name(std::span<const std::uint8_t> m, std::size_t off) {
  for (std::size_t hops = 0; hops < 256 && off < m.size(); ++hops) {
    std::uint8_t len = m[off];
    if (len == 0) return off + 1;
    if ((len & kPointer) == kPointer) return off + 2 <= m.size() ? off + 2 : 0;
    if (len & kPointer) return 0;  // 01 and 10 label types are reserved
    off += 1 + len;
  }
  return 0;
}

}  // namespace

namespace detail {

std::optional<std::string> read_plain_name(std::span<const std::uint8_t> d, std::size_t& at, std::string& name) {
  constexpr std::size_t kMaxLabelBytes = 63, kMaxNameBytes = 255;  // RFC 1035 §2.3.4
  std::size_t name_bytes = 0;
  for (;;) {
    if (at >= d.size()) return "name \"" + name + "\" has no terminating zero label";
    const std::size_t length = d[at++];
    name_bytes += 1 + length;
    if (length == 0) break;
    if ((length & kPointer) == kPointer) return "compression pointer at byte " + std::to_string(at - 1);
    if (length > kMaxLabelBytes) return "label length " + std::to_string(length) + " over 63";
    if (length > d.size() - at)
      return "label overruns option: length " + std::to_string(length) + ", " + std::to_string(d.size() - at) +
             " bytes left";
    if (!name.empty()) name += '.';
    name.append(d.begin() + static_cast<std::ptrdiff_t>(at), d.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
  }
  if (name_bytes > kMaxNameBytes) return "name of " + std::to_string(name_bytes) + " bytes, over 255";
  return std::nullopt;
}

}  // namespace detail

std::vector<std::uint8_t> encode_aaaa_query(std::uint16_t id, const std::string& name) {
  std::vector<std::uint8_t> q = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0x01, 0x00,
                                 0, 1, 0, 0, 0, 0, 0, 0};  // RD set, one question
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::size_t len = std::min<std::size_t>(dot - start, 63);
    if (len > 0) {
      q.push_back(static_cast<std::uint8_t>(len));
      q.insert(q.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(start + len));
    }
    start = dot + 1;
  }
  q.push_back(0);
  q.insert(q.end(), {0, kTypeAaaa, 0, kClassIn});
  return q;
}

std::variant<Malformed, DnsAnswer> decode_dns(std::span<const std::uint8_t> m) {
  if (m.size() < kHeader) return Malformed{"truncated DNS header", m.size()};
  DnsAnswer a;
  a.id = be16(&m[0]);
  a.response = m[2] & 0x80;
  a.rcode = m[3] & 0x0f;
  std::size_t qd = be16(&m[4]), an = be16(&m[6]);
  std::size_t off = kHeader;
  for (std::size_t i = 0; i < qd; ++i) {
    off = skip_name(m, off);
    if (off == 0 || off + 4 > m.size()) return Malformed{"DNS question overruns the message", m.size()};
    off += 4;
  }
  for (std::size_t i = 0; i < an; ++i) {
    off = skip_name(m, off);
    if (off == 0 || off + 10 > m.size()) return Malformed{"DNS answer overruns the message", m.size()};
    std::uint16_t type = be16(&m[off]);
    std::size_t rdlen = be16(&m[off + 8]);
    off += 10;
    if (off + rdlen > m.size()) return Malformed{"DNS rdata overruns the message", m.size()};
    if (type == kTypeAaaa && rdlen == 16) {
      Ip6 ip;
      std::copy_n(&m[off], 16, ip.bytes.begin());
      a.aaaa.push_back(ip);
    }
    off += rdlen;
  }
  return a;
}

Bytes build_udp(const Addressing& a, std::uint16_t src_port, std::uint16_t dst_port,
                std::span<const std::uint8_t> payload) {
  Tins::EthernetII eth(detail::tins_mac(a.dst_mac), detail::tins_mac(a.src_mac));
  Tins::IPv6 ip(detail::tins_ip(a.dst_ip), detail::tins_ip(a.src_ip));
  ip.hop_limit(a.hop_limit);
  Tins::UDP udp(dst_port, src_port);
  auto pkt = eth / ip / udp / Tins::RawPDU(payload.begin(), payload.end());
  return pkt.serialize();
}

}  // namespace v6c::wire
