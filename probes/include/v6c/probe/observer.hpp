// Echo requests arriving for one address, captured on one interface on a thread of their own
// while others probe elsewhere: what reached an external target beyond the router, with the
// source address it carried there. A NAT66 that translates back is invisible from the VM that
// sent them; here the rewritten source shows (north-south-out, lab and cloud alike).
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::probe {

class EchoRequestWatch {
 public:
  // Starts capturing on `ifname` for echo requests to `target`, recording what passes the
  // filter to `pcap` (empty: no file). `enter` runs first on the capture thread (the lab
  // enters its upstream namespace there). Throws what opening the capture throws.
  EchoRequestWatch(const std::string& ifname, const wire::Ip6& target, const std::string& pcap,
                   std::function<void()> enter = {});
  ~EchoRequestWatch();
  EchoRequestWatch(const EchoRequestWatch&) = delete;
  EchoRequestWatch& operator=(const EchoRequestWatch&) = delete;

  // Stops and returns every echo request seen for the target (the first 10,000: a few per
  // VM are expected, a flood is not kept).
  std::vector<wire::Packet> finish();

 private:
  std::atomic<bool> stop_{false};
  std::vector<wire::Packet> seen_;
  std::thread thread_;
};

// The interface that holds `address` in this network namespace, if any.
std::optional<std::string> interface_holding(const wire::Ip6& address);

}  // namespace v6c::probe
