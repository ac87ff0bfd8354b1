#include "v6c/probe/observer.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <future>

#include "v6c/probe/link.hpp"

namespace v6c::probe {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(50);
constexpr std::size_t kKeep = 10000;

}  // namespace

WatchFor echo_requests_to(const wire::Ip6& target) {
  return {"icmp6 and dst host " + target.str(), [target](const wire::Packet& p) {
            const auto* echo = p.as<wire::Echo>();
            return p.ctx.dst_ip == target && echo && !echo->reply;
          }};
}

WatchFor dest_unreachables_sent() {
  // Type at ip6[40]: an error behind extension headers is not one a router sends.
  return {"icmp6 and ip6[40] == 1", [](const wire::Packet& p) {
            const auto* err = p.as<wire::IcmpError>();
            return err && err->kind == wire::IcmpErrorKind::dest_unreachable;
          },
          true};
}

PacketWatch::PacketWatch(const std::string& ifname, WatchFor what, const std::string& pcap,
                         std::function<void()> enter) {
  std::promise<void> ready;
  auto started = ready.get_future();
  thread_ = std::thread([this, ifname, what = std::move(what), pcap, enter = std::move(enter),
                         ready = std::move(ready)]() mutable {
    try {
      if (enter) enter();
      Link link(ifname);
      if (what.outgoing) link.see_outgoing();
      link.set_filter(what.filter);
      std::optional<PcapWriter> writer;
      if (!pcap.empty()) link.record_to(&writer.emplace(pcap));
      ready.set_value();
      while (!stop_) {
        auto p = link.receive(Clock::now() + kPoll);
        if (p && what.keep(*p) && seen_.size() < kKeep) seen_.push_back(std::move(*p));
      }
    } catch (...) {
      try {
        ready.set_exception(std::current_exception());
      } catch (const std::future_error&) {  // it was running: the capture simply ends here
      }
    }
  });
  try {
    started.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

PacketWatch::~PacketWatch() {
  if (thread_.joinable()) finish();
}

std::vector<wire::Packet> PacketWatch::finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return std::move(seen_);
}

std::optional<std::string> interface_holding(const wire::Ip6& address) {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return std::nullopt;
  std::optional<std::string> out;
  for (const ifaddrs* a = all; a && !out; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6) continue;
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
    if (std::memcmp(sin6->sin6_addr.s6_addr, address.bytes.data(), 16) == 0) out = a->ifa_name;
  }
  freeifaddrs(all);
  return out;
}

}  // namespace v6c::probe
