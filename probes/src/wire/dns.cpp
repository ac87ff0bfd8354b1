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
constexpr std::size_t kQuestionTail = 4;       // QTYPE, QCLASS
constexpr std::size_t kRecordTail = 10;        // TYPE, CLASS, TTL, RDLENGTH
constexpr std::uint16_t kTypeAaaa = 28;        // RFC 3596 §2.1
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint8_t kPointer = 0xc0;
constexpr std::uint8_t kZBit = 0x40;           // byte 3; AD and CD beside it are RFC 4035's
constexpr std::uint32_t kTtlTopBit = 0x80000000u;

using proto::be16;
using proto::be32;

// Reads a DNS message section by section, noting departures from the format on the way.
struct DnsReader {
  std::span<const std::uint8_t> m;
  std::vector<Departure>& out;
  std::size_t off = kHeader;

  void depart(std::string what, std::size_t at, std::size_t length) {
    out.push_back(detail::departure(std::move(what), at, m.subspan(at, std::min(length, m.size() - at))));
  }

  // Skips a name without following its compression pointer (we never need the name's text),
  // so a pointer loop cannot spin us. False if it runs off the message.
  bool skip_name() {
    for (std::size_t hops = 0; hops < 256 && off < m.size(); ++hops) {
      const std::uint8_t len = m[off];
      if (len == 0) return ++off, true;
      if ((len & kPointer) == kPointer) {
        if (off + 2 > m.size()) return false;
        const std::size_t target = be16(&m[off]) & 0x3fff;
        if (target >= off) depart("compression pointer to byte " + std::to_string(target) +
                                  ", not to a prior name (RFC 1035 §4.1.4)", off, 2);
        return off += 2, true;
      }
      if (len & kPointer) return false;  // 01 and 10 label types are reserved
      off += 1 + len;
    }
    return false;
  }

  bool question() {
    if (!skip_name() || off + kQuestionTail > m.size()) return false;
    off += kQuestionTail;
    return true;
  }

  // One resource record; AAAA records (class IN) go to `aaaa`. False if it overruns.
  bool record(std::vector<Ip6>* aaaa) {
    const std::size_t start = off;
    if (!skip_name() || off + kRecordTail > m.size()) return false;
    const std::uint16_t type = be16(&m[off]), cls = be16(&m[off + 2]);
    const std::uint32_t ttl = be32(&m[off + 4]);
    const std::size_t rdlen = be16(&m[off + 8]);
    off += kRecordTail;
    if (off + rdlen > m.size()) return false;
    if (ttl & kTtlTopBit)
      depart("TTL " + std::to_string(ttl) + " with the top bit set (RFC 2181 §8: read as 0)", off - 6, 4);
    if (type == kTypeAaaa && rdlen != 16)
      depart("AAAA record of " + std::to_string(rdlen) + " bytes, must be 16 (RFC 3596 §2.2)", start, off + rdlen - start);
    if (type == kTypeAaaa && rdlen == 16 && cls == kClassIn && aaaa) {
      Ip6 ip;
      std::copy_n(&m[off], 16, ip.bytes.begin());
      aaaa->push_back(ip);
    }
    off += rdlen;
    return true;
  }
};

// What the header alone shows: a reserved bit, a response that did not copy the query's
// opcode 0, a standard query's message with more than one question.
void header_departures(DnsReader& r, std::size_t questions) {
  const auto& m = r.m;
  const int opcode = (m[2] >> 3) & 0x0f;
  if (m[3] & kZBit) r.depart("reserved Z bit set (RFC 1035 §4.1.1, RFC 6895 §2)", 3, 1);
  if ((m[2] & 0x80) && opcode != 0)
    r.depart("opcode " + std::to_string(opcode) + " in the answer to a standard query (RFC 1035 §4.1.1)", 2, 1);
  if (opcode == 0 && questions > 1)
    r.depart(std::to_string(questions) + " questions in one message (RFC 9619: QDCOUNT is 1)", 4, 2);
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
  const std::size_t qd = be16(&m[4]), an = be16(&m[6]), ns = be16(&m[8]), ar = be16(&m[10]);
  DnsReader r{m, a.departures};
  header_departures(r, qd);
  for (std::size_t i = 0; i < qd; ++i)
    if (!r.question()) return Malformed{"DNS question overruns the message", m.size()};
  for (std::size_t i = 0; i < an; ++i)
    if (!r.record(&a.aaaa)) return Malformed{"DNS answer overruns the message", m.size()};
  // The authority and additional records are only walked, to find where the message ends; the
  // answer stands whatever they hold.
  for (std::size_t i = 0; i < ns + ar; ++i) {
    const std::size_t start = r.off;
    if (!r.record(nullptr)) {
      r.depart("authority or additional record " + std::to_string(i + 1) + " of " + std::to_string(ns + ar) +
                   " overruns the message (RFC 1035 §4.1)", start, m.size() - start);
      return a;
    }
  }
  if (r.off < m.size())
    r.depart(std::to_string(m.size() - r.off) + " bytes after the last record the header counts (RFC 1035 §4.1)", r.off,
             m.size() - r.off);
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
