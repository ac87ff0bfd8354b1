#include "v6c/probe/link.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "../wire/proto.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::probe {
namespace {

constexpr int kSnapLen = 65535;
// Room for a burst of several thousand small frames (an RA flood) while we decode at over
// a million frames a second. A plain socket queue, not libpcap's mmap ring: the ring costs
// milliseconds to map and another kernel RCU grace period to tear down at every run.
constexpr int kReceiveBuffer = 4 << 20;
// ND for the addresses we own passes whatever filter a procedure set (RFC 4861 §7.2.3).
const std::string kNsFilter = "(" + wire::proto::icmp6_type_filter(wire::proto::icmp6::kNeighborSolicit) + ")";
const std::string kEchoRequestFilter = "(" + wire::proto::icmp6_type_filter(wire::proto::icmp6::kEchoRequest) + ")";
constexpr std::uint8_t kReplyHopLimit = 64;
constexpr std::size_t kEchoHeaderBytes = wire::proto::kIpv6Header + 8;  // IPv6 + ICMPv6 echo header

struct IfInfo {
  wire::Mac mac;
  std::uint32_t mtu = 0;
  int index = 0;
};

IfInfo interface_info(const std::string& ifname) {
  if (ifname.size() >= IFNAMSIZ)
    throw LinkError(LinkError::Kind::no_such_interface, "interface name too long: " + ifname);
  int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw LinkError(LinkError::Kind::other, std::string("socket: ") + std::strerror(errno));
  ifreq req{};
  std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  IfInfo info;
  if (::ioctl(fd, SIOCGIFINDEX, &req) != 0) {
    ::close(fd);
    throw LinkError(LinkError::Kind::no_such_interface, "no such interface: " + ifname);
  }
  info.index = req.ifr_ifindex;
  if (::ioctl(fd, SIOCGIFMTU, &req) == 0) info.mtu = static_cast<std::uint32_t>(req.ifr_mtu);
  if (::ioctl(fd, SIOCGIFHWADDR, &req) == 0)
    std::memcpy(info.mac.bytes.data(), req.ifr_hwaddr.sa_data, 6);
  ::close(fd);
  return info;
}

}  // namespace

// A bound AF_PACKET socket; the capture filter is compiled by libpcap and run in the kernel.
struct Link::Handle {
  int fd = -1;
  pcap_t* compiler = pcap_open_dead(DLT_EN10MB, kSnapLen);  // only compiles filters
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(kSnapLen);  // one frame; decode copies it out
  ~Handle() {
    if (fd >= 0) ::close(fd);
    if (compiler) pcap_close(compiler);
  }
};

struct PcapWriter::Impl {
  pcap_t* dead = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Impl() {
    if (dumper) pcap_dump_close(dumper);
    if (dead) pcap_close(dead);
  }
};

namespace {

void bind_packet(int fd, int ifindex, std::uint16_t protocol, const std::string& ifname) {
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(protocol);
  sll.sll_ifindex = ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
    throw LinkError(LinkError::Kind::other, "bind to " + ifname + ": " + std::strerror(errno));
}

}  // namespace

Link::Link(const std::string& ifname) : name_(ifname), h_(std::make_unique<Handle>()) {
  auto info = interface_info(ifname);
  mac_ = info.mac;
  mtu_ = info.mtu;
  ifindex_ = info.index;
  // Protocol 0 here, the real one at bind: re-hooking an already hooked socket costs the
  // kernel an RCU grace period (about 10 ms).
  h_->fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (h_->fd < 0) {
    if (errno == EPERM || errno == EACCES)
      throw LinkError(LinkError::Kind::no_permission,
                      "no permission to open a raw socket on " + ifname + " (needs root or CAP_NET_RAW)");
    throw LinkError(LinkError::Kind::other, std::string("raw socket: ") + std::strerror(errno));
  }
  // Nothing may slip in between bind and the first real filter.
  set_filter("less 0");
  bind_packet(h_->fd, ifindex_, ETH_P_IPV6, name_);
  // DHCPv6 leases and stateful addresses have solicited-node groups we did not join.
  packet_mreq mr{};
  mr.mr_ifindex = ifindex_;
  mr.mr_type = PACKET_MR_PROMISC;
  ::setsockopt(h_->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr);
  int one = 1, rcvbuf = kReceiveBuffer;
  ::setsockopt(h_->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);  // ours are recorded when sent
  ::setsockopt(h_->fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one);
  // tp_status says when a checksum is still the sender's partial one (offload on veth/virtio).
  ::setsockopt(h_->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
  ::setsockopt(h_->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  set_filter("ip6");
}

Link::~Link() = default;

void Link::see_outgoing() {
  int zero = 0;
  ::setsockopt(h_->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &zero, sizeof zero);
  // The kernel hands what it transmits only to sockets of every protocol (its taps); the
  // capture filter still passes IPv6 alone.
  bind_packet(h_->fd, ifindex_, ETH_P_ALL, name_);
}


std::optional<wire::Ip6> Link::kernel_link_local() const {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<wire::Ip6> found;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6 || name_ != a->ifa_name) continue;
    wire::Ip6 ip;
    std::memcpy(ip.bytes.data(), &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, 16);
    if (ip.is_link_local()) {
      found = ip;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

wire::Ip6 Link::link_local() const {
  if (auto k = kernel_link_local()) return *k;
  return wire::link_local_of(mac_);
}

void Link::set_filter(const std::string& expression) {
  filter_ = expression;
  std::string full = expression == "less 0" ? expression : "(" + expression + ") or " + kNsFilter;
  if (answer_echo_ && expression != "less 0") full += " or " + kEchoRequestFilter;
  bpf_program prog{};
  if (pcap_compile(h_->compiler, &prog, full.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw LinkError(LinkError::Kind::other,
                    "bad capture filter '" + expression + "': " + pcap_geterr(h_->compiler));
  sock_fprog fprog{static_cast<unsigned short>(prog.bf_len), reinterpret_cast<sock_filter*>(prog.bf_insns)};
  int rc = ::setsockopt(h_->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
  pcap_freecode(&prog);
  if (rc != 0) throw LinkError(LinkError::Kind::other, std::string("cannot set filter: ") + std::strerror(errno));
  // Frames queued under the old filter do not belong to the new question.
  std::uint8_t sink[1];
  while (::recv(h_->fd, sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
  }
}

std::int64_t Link::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Link::send(std::span<const std::uint8_t> frame) {
  auto t = now_us();  // before the frame leaves, so an answer never precedes it in the pcap
  if (::send(h_->fd, frame.data(), frame.size(), 0) < 0)
    throw LinkError(LinkError::Kind::other, "send on " + name_ + ": " + std::strerror(errno));
  if (recorder_) recorder_->write(frame, t);
}

void Link::own(const wire::Ip6& addr) {
  if (std::find(owned_.begin(), owned_.end(), addr) == owned_.end()) owned_.push_back(addr);
}

void Link::disown(const wire::Ip6& addr) { std::erase(owned_, addr); }

void Link::answer_echo(bool on) {
  answer_echo_ = on;
  set_filter(filter_);
}

const std::optional<wire::Mac>* Link::cached_neighbor(const wire::Ip6& addr) const {
  for (const auto& [ip, mac] : neighbors_)
    if (ip == addr) return &mac;
  return nullptr;
}

void Link::cache_neighbor(const wire::Ip6& addr, std::optional<wire::Mac> mac) {
  for (auto& [ip, m] : neighbors_)
    if (ip == addr) return void(m = mac);
  neighbors_.emplace_back(addr, mac);
}

void Link::forget_neighbor(const wire::Ip6& addr) {
  std::erase_if(neighbors_, [&](const auto& n) { return n.first == addr; });
}

bool Link::answer_ns(const wire::Packet& p) {
  const auto* ns = p.as<wire::NeighborSolicit>();
  if (!ns || std::find(owned_.begin(), owned_.end(), ns->target) == owned_.end()) return false;
  if (p.ctx.src_ip.is_unspecified()) return false;  // someone's DAD for our address: the DAD probe judges it
  wire::Addressing a{mac_, p.ctx.src_mac, ns->target, p.ctx.src_ip, 255};
  wire::NeighborAdvert na{false, true, true, ns->target, mac_, {}};
  send(wire::build_na(a, na));
  return true;
}

bool Link::answer_echo_request(const wire::Packet& p) {
  const auto* e = p.as<wire::Echo>();
  if (!answer_echo_ || !e || e->reply) return false;
  if (std::find(owned_.begin(), owned_.end(), p.ctx.dst_ip) == owned_.end()) return false;
  // The reply's data is our own pattern of the request's length: equal to the request's when
  // the peer is another v6agent, which is all this serves.
  wire::Addressing a{mac_, p.ctx.src_mac, p.ctx.dst_ip, p.ctx.src_ip, kReplyHopLimit};
  send(wire::build_echo(a, wire::Echo{true, e->id, e->seq, e->payload_bytes}, kEchoHeaderBytes + e->payload_bytes));
  return true;
}

std::optional<wire::Packet> Link::receive(Deadline deadline) {
  auto& buf = h_->buf;
  for (;;) {
    iovec iov{buf.data(), buf.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timeval)) + CMSG_SPACE(sizeof(tpacket_auxdata))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(h_->fd, &msg, MSG_DONTWAIT);
    if (n >= 0) {
      std::int64_t t = now_us();
      bool checksum_pending = false;
      for (auto* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP) {
          timeval tv;
          std::memcpy(&tv, CMSG_DATA(c), sizeof tv);
          t = static_cast<std::int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
        } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
          tpacket_auxdata aux;
          std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
          checksum_pending = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
        }
      }
      std::span<const std::uint8_t> frame(buf.data(), static_cast<std::size_t>(n));
      if (recorder_) recorder_->write(frame, t);
      auto p = wire::decode_frame(frame, t, ++seen_);
      if (checksum_pending) wire::mark_checksum_offloaded(p);
      if (answer_ns(p) || answer_echo_request(p)) continue;
      return p;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw LinkError(LinkError::Kind::other, "receive on " + name_ + ": " + std::strerror(errno));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd pfd{h_->fd, POLLIN, 0};
    ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left + 1, 1000)));
  }
}

PcapWriter::PcapWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_MICRO);
  impl_->dumper = pcap_dump_open(impl_->dead, path.c_str());
  if (!impl_->dumper) throw std::runtime_error("cannot write pcap " + path + ": " + pcap_geterr(impl_->dead));
}

PcapWriter::~PcapWriter() = default;

void PcapWriter::write(std::span<const std::uint8_t> frame, std::int64_t time_us) {
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = time_us / 1000000;
  hdr.ts.tv_usec = time_us % 1000000;
  hdr.caplen = hdr.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &hdr, frame.data());
  pcap_dump_flush(impl_->dumper);
  ++count_;
}

std::size_t scan_pcap(const std::string& path, const std::function<void(wire::Packet&&)>& fn) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (!p) throw std::runtime_error("cannot read pcap " + path + ": " + err);
  if (int dlt = pcap_datalink(p); dlt != DLT_EN10MB) {
    pcap_close(p);
    throw std::runtime_error(path + ": not an Ethernet capture (link type " + std::to_string(dlt) + ")");
  }
  pcap_pkthdr* hdr;
  const u_char* data;
  std::uint32_t index = 0;
  while (pcap_next_ex(p, &hdr, &data) == 1) {
    std::int64_t t = static_cast<std::int64_t>(hdr->ts.tv_sec) * 1000000 + hdr->ts.tv_usec;
    fn(wire::decode_frame({data, hdr->caplen}, t, ++index));
  }
  pcap_close(p);
  return index;
}

std::vector<wire::Packet> read_pcap(const std::string& path) {
  std::vector<wire::Packet> out;
  scan_pcap(path, [&](wire::Packet&& p) { out.push_back(std::move(p)); });
  return out;
}

}  // namespace v6c::probe
