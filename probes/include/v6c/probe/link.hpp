// A link: one network interface opened for raw frames (an AF_PACKET socket), with the capture
// filter compiled to BPF by libpcap and run in the kernel, so a busy link costs nothing. Everything
// sent and seen can be recorded to a pcap file. The link also answers neighbour
// solicitations for the addresses a probe claims (own()), because the probes use addresses
// the host's kernel does not hold (a SLAAC address formed but not configured).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::probe {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

struct LinkError : std::runtime_error {
  enum class Kind { no_permission, no_such_interface, other };
  Kind kind;
  LinkError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
};

class PcapWriter;

class Link {
 public:
  // Opens `ifname`. Throws LinkError (no_permission without CAP_NET_RAW).
  explicit Link(const std::string& ifname);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  const std::string& name() const { return name_; }
  wire::Mac mac() const { return mac_; }
  std::uint32_t mtu() const { return mtu_; }
  int ifindex() const { return ifindex_; }
  // The kernel's link-local address on this interface, if it has one.
  std::optional<wire::Ip6> kernel_link_local() const;
  // The source address probes use on-link: the kernel's link-local, else fe80::EUI-64(MAC).
  wire::Ip6 link_local() const;

  // Also capture what this host's own stack sends out (an observer watching a router's
  // replies leave); by default only what arrives and what this Link sends is seen.
  void see_outgoing();

  // Replaces the kernel-side capture filter (pcap-filter(7) syntax). ND for own()
  // addresses is always let through so the responder keeps working.
  void set_filter(const std::string& expression);

  void send(std::span<const std::uint8_t> frame);
  // The next decoded packet that passed the filter, or nullopt at the deadline.
  // Frames we sent ourselves are not returned.
  std::optional<wire::Packet> receive(Deadline deadline);

  // Answer NS for this address with a solicited NA (override set) from our MAC.
  void own(const wire::Ip6& addr);
  void disown(const wire::Ip6& addr);
  // Also answer echo requests to own() addresses, whatever the filter. In an agent VM the
  // kernel holds no global address, so without this a peer's east-west echo goes unanswered.
  void answer_echo(bool on);

  // Neighbours resolved during this run; an empty Mac means asked and not answered. A
  // gateway that does not answer then costs its timeout once, not once per procedure.
  const std::optional<wire::Mac>* cached_neighbor(const wire::Ip6& addr) const;
  void cache_neighbor(const wire::Ip6& addr, std::optional<wire::Mac> mac);
  void forget_neighbor(const wire::Ip6& addr);

  // Record every frame sent and received from now on.
  void record_to(PcapWriter* writer) { recorder_ = writer; }

  // Microseconds since the Unix epoch, for packets we build ourselves.
  static std::int64_t now_us();

 private:
  bool answer_ns(const wire::Packet& p);
  bool answer_echo_request(const wire::Packet& p);
  std::string name_;
  wire::Mac mac_;
  std::uint32_t mtu_ = 0;
  int ifindex_ = 0;
  struct Handle;
  std::unique_ptr<Handle> h_;
  std::string filter_;
  std::vector<wire::Ip6> owned_;
  bool answer_echo_ = false;
  std::vector<std::pair<wire::Ip6, std::optional<wire::Mac>>> neighbors_;
  PcapWriter* recorder_ = nullptr;
  std::uint32_t seen_ = 0;
};

// A pcap file that Link records into (DLT_EN10MB, microsecond timestamps).
class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  void write(std::span<const std::uint8_t> frame, std::int64_t time_us);
  std::uint32_t count() const { return count_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint32_t count_ = 0;
};

// Decodes every frame of a pcap file (Ethernet link type) in order, handing each to `fn`
// without keeping it. Throws std::runtime_error naming the file when it is missing or not
// pcap. Returns the number of frames.
std::size_t scan_pcap(const std::string& path, const std::function<void(wire::Packet&&)>& fn);
// All frames of a pcap file, decoded.
std::vector<wire::Packet> read_pcap(const std::string& path);

}  // namespace v6c::probe
