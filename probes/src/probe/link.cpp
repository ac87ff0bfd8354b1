#include "v6c/probe/link.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "v6c/wire/build.hpp"

namespace v6c::probe {
namespace {

constexpr int kSnapLen = 65535;
// Room for bursts: an RA flood of 10k/s must not push the router's real RA out of the ring.
constexpr int kRingBytes = 8 << 20;
// ND for the addresses we own passes whatever filter a procedure set (RFC 4861 §7.2.3).
constexpr const char* kNsFilter = "(icmp6 and ip6[40] == 135)";

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

struct Link::Handle {
  pcap_t* pcap = nullptr;
  int fd = -1;
  ~Handle() {
    if (pcap) pcap_close(pcap);
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

Link::Link(const std::string& ifname) : name_(ifname), h_(std::make_unique<Handle>()) {
  auto info = interface_info(ifname);
  mac_ = info.mac;
  mtu_ = info.mtu;
  ifindex_ = info.index;
  char err[PCAP_ERRBUF_SIZE] = {};
  h_->pcap = pcap_create(ifname.c_str(), err);
  if (!h_->pcap) throw LinkError(LinkError::Kind::other, "pcap_create " + ifname + ": " + err);
  pcap_set_snaplen(h_->pcap, kSnapLen);
  pcap_set_promisc(h_->pcap, 1);  // DHCPv6 leases and stateful addresses have solicited-node groups we did not join
  pcap_set_immediate_mode(h_->pcap, 1);
  pcap_set_buffer_size(h_->pcap, kRingBytes);
  pcap_set_tstamp_precision(h_->pcap, PCAP_TSTAMP_PRECISION_MICRO);
  int rc = pcap_activate(h_->pcap);
  if (rc < 0) {
    std::string why = pcap_geterr(h_->pcap);
    if (rc == PCAP_ERROR_PERM_DENIED)
      throw LinkError(LinkError::Kind::no_permission,
                      "no permission to capture on " + ifname + " (needs root or CAP_NET_RAW)");
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) throw LinkError(LinkError::Kind::no_such_interface, "no such interface: " + ifname);
    throw LinkError(LinkError::Kind::other, "cannot open " + ifname + ": " + why);
  }
  if (pcap_datalink(h_->pcap) != DLT_EN10MB)
    throw LinkError(LinkError::Kind::other, ifname + " is not an Ethernet interface");
  pcap_setdirection(h_->pcap, PCAP_D_IN);  // our own frames are recorded when sent
  char nb_err[PCAP_ERRBUF_SIZE];
  pcap_setnonblock(h_->pcap, 1, nb_err);
  h_->fd = pcap_get_selectable_fd(h_->pcap);
  set_filter("ip6");
}

Link::~Link() = default;

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
  std::string full = "(" + expression + ") or " + kNsFilter;
  bpf_program prog{};
  if (pcap_compile(h_->pcap, &prog, full.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw LinkError(LinkError::Kind::other, "bad capture filter '" + expression + "': " + pcap_geterr(h_->pcap));
  int rc = pcap_setfilter(h_->pcap, &prog);
  pcap_freecode(&prog);
  if (rc != 0) throw LinkError(LinkError::Kind::other, std::string("cannot set filter: ") + pcap_geterr(h_->pcap));
}

std::int64_t Link::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Link::send(std::span<const std::uint8_t> frame) {
  auto t = now_us();  // before the frame leaves, so an answer never precedes it in the pcap
  if (pcap_inject(h_->pcap, frame.data(), frame.size()) < 0)
    throw LinkError(LinkError::Kind::other, "send on " + name_ + ": " + pcap_geterr(h_->pcap));
  if (recorder_) recorder_->write(frame, t);
}

void Link::own(const wire::Ip6& addr) {
  if (std::find(owned_.begin(), owned_.end(), addr) == owned_.end()) owned_.push_back(addr);
}

void Link::disown(const wire::Ip6& addr) { std::erase(owned_, addr); }

bool Link::answer_ns(const wire::Packet& p) {
  const auto* ns = p.as<wire::NeighborSolicit>();
  if (!ns || std::find(owned_.begin(), owned_.end(), ns->target) == owned_.end()) return false;
  if (p.ctx.src_ip.is_unspecified()) return false;  // someone's DAD for our address: the DAD probe judges it
  wire::Addressing a{mac_, p.ctx.src_mac, ns->target, p.ctx.src_ip, 255};
  wire::NeighborAdvert na{false, true, true, ns->target, mac_, {}};
  send(wire::build_na(a, na));
  return true;
}

std::optional<wire::Packet> Link::receive(Deadline deadline) {
  for (;;) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(h_->pcap, &hdr, &data);
    if (rc == 1) {
      std::int64_t t = static_cast<std::int64_t>(hdr->ts.tv_sec) * 1000000 + hdr->ts.tv_usec;
      std::span<const std::uint8_t> frame(data, hdr->caplen);
      if (recorder_) recorder_->write(frame, t);
      auto p = wire::decode_frame(frame, t, ++seen_);
      if (answer_ns(p)) continue;
      return p;
    }
    if (rc < 0) throw LinkError(LinkError::Kind::other, "capture on " + name_ + ": " + pcap_geterr(h_->pcap));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd pfd{h_->fd, POLLIN, 0};
    ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
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

std::vector<wire::Packet> read_pcap(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (!p) throw std::runtime_error("cannot read pcap " + path + ": " + err);
  std::vector<wire::Packet> out;
  if (int dlt = pcap_datalink(p); dlt != DLT_EN10MB) {
    pcap_close(p);
    throw std::runtime_error(path + ": not an Ethernet capture (link type " + std::to_string(dlt) + ")");
  }
  pcap_pkthdr* hdr;
  const u_char* data;
  std::uint32_t index = 0;
  while (pcap_next_ex(p, &hdr, &data) == 1) {
    std::int64_t t = static_cast<std::int64_t>(hdr->ts.tv_sec) * 1000000 + hdr->ts.tv_usec;
    out.push_back(wire::decode_frame({data, hdr->caplen}, t, ++index));
  }
  pcap_close(p);
  return out;
}

}  // namespace v6c::probe
