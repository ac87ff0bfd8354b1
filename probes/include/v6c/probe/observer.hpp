// Packets of one kind captured on one interface, on a thread of their own while others probe
// elsewhere. Echo requests arriving for an external target beyond the router show the source
// address they carried there: a NAT66 that translates back is invisible from the VM that sent
// them (north-south-out, lab and cloud alike). Destination Unreachables leaving a router show
// which errors it sent before any security group could drop them (icmp6-errors' control path).
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::probe {

// What a watch keeps: a capture filter (pcap-filter(7)) and the decoded packets it keeps of
// what passes; `outgoing`: also what this host's own stack sends out of the interface.
struct WatchFor {
  std::string filter;
  std::function<bool(const wire::Packet&)> keep;
  bool outgoing = false;
};

// Echo requests arriving for `target`.
WatchFor echo_requests_to(const wire::Ip6& target);
// ICMPv6 Destination Unreachables this host sends out of the interface.
WatchFor dest_unreachables_sent();

class PacketWatch {
 public:
  // Starts capturing on `ifname`, recording what passes the filter to `pcap` (empty: no
  // file). `enter` runs first on the capture thread (the lab enters its upstream namespace
  // there). Throws what opening the capture throws.
  PacketWatch(const std::string& ifname, WatchFor what, const std::string& pcap, std::function<void()> enter = {});
  ~PacketWatch();
  PacketWatch(const PacketWatch&) = delete;
  PacketWatch& operator=(const PacketWatch&) = delete;

  // Stops and returns every packet kept (the first 10,000: a few per VM are expected, a
  // flood is not kept).
  std::vector<wire::Packet> finish();

 private:
  std::atomic<bool> stop_{false};
  std::vector<wire::Packet> seen_;
  std::thread thread_;
};

// The interface that holds `address` in this network namespace, if any.
std::optional<std::string> interface_holding(const wire::Ip6& address);

}  // namespace v6c::probe
