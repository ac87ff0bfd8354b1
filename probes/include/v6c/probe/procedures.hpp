// Probe procedures: send, then match, then record, each against a deadline. They return
// what they saw; the catalogue judges it.
#pragma once
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "v6c/probe/link.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::probe {

using std::chrono::milliseconds;

struct DiscoverOptions {
  bool passive = false;            // listen only, send no RS
  milliseconds window{1500};       // collect RAs this long after the first RS
  int rs_count = 1;                // RSs to send (RFC 4861 §6.3.7 allows 3, 4 s apart)
  milliseconds rs_interval{1000};
  bool stop_at_first = false;      // return as soon as one RA arrived
  // After the first RA, wait only this much longer for others (0: the whole window). Any
  // router answers an RS within MAX_RA_DELAY_TIME (RFC 4861 §10: 500 ms), so a second
  // router shows up by then.
  milliseconds settle{0};
};
wire::DiscoverResult discover(Link& link, const DiscoverOptions& o);

struct DadOptions {
  wire::Ip6 prefix;
  std::uint8_t prefix_length = 64;
  int transmits = 1;                    // DupAddrDetectTransmits (RFC 4862 §5.1)
  milliseconds retrans{1000};           // RetransTimer (RFC 4861 §10)
  bool claim = true;                    // own() the address afterwards when unique
};
wire::DadResult dad(Link& link, const DadOptions& o);

struct Dhcp6Options {
  bool stateful = true;            // Solicit/Request; false: Information-Request
  milliseconds timeout{3000};      // per exchange step
  int retries = 2;                 // retransmissions per step (RFC 8415 §15, shortened)
  std::uint32_t iaid = 1;
  bool rapid_commit = false;
};
wire::Dhcp6Result dhcp6(Link& link, const Dhcp6Options& o);

struct NeighborOptions {
  wire::Ip6 target;
  std::optional<wire::Ip6> source;  // default: our link-local
  milliseconds timeout{1000};
  int attempts = 3;
};
wire::NeighborResult neighbor(Link& link, const NeighborOptions& o);

struct EchoOptions {
  wire::Ip6 target;
  std::optional<wire::Ip6> source;        // default: our link-local (on-link targets)
  std::optional<wire::Mac> next_hop_mac;  // default: resolved by NS (target or gateway)
  std::optional<wire::Ip6> gateway;       // off-link targets: resolve this router's MAC
  std::uint32_t size = 104;               // IPv6 packet bytes (56-byte payload like ping6)
  std::uint8_t hop_limit = 64;
  int count = 3;
  // The next request goes out as soon as the previous one is answered, or after this long.
  milliseconds interval{200};
  milliseconds timeout{1000};             // after the last request
};
wire::EchoResult echo(Link& link, const EchoOptions& o);

struct PmtuOptions {
  EchoOptions echo;                  // target, source, gateway
  std::vector<std::uint32_t> sizes;  // IPv6 packet sizes to try, in order
};
wire::PmtuResult pmtu(Link& link, const PmtuOptions& o);

struct DnsOptions {
  wire::Ip6 server;
  std::string name;
  std::optional<wire::Ip6> source;
  std::optional<wire::Ip6> gateway;  // when the server is off-link
  milliseconds timeout{2000};
  int attempts = 2;
};
wire::DnsResult dns_aaaa(Link& link, const DnsOptions& o);

// A router role: answers RSs and sends periodic RAs with the given content until the
// duration ends or *stop turns true (the lab's OVN-like router, a rogue router).
struct AdvertiseOptions {
  wire::RouterAdvert ra;             // source_lla defaults to the link's MAC
  milliseconds interval{0};          // periodic unsolicited RAs; 0: none
  milliseconds duration{0};          // 0: until *stop
  bool answer_rs = true;
  const std::atomic<bool>* stop = nullptr;
};
wire::AdvertiseResult advertise(Link& link, const AdvertiseOptions& o);

}  // namespace v6c::probe
