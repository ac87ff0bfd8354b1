// The kernel's IPv6 state on one interface (kernel_state.hpp): /proc text and rtnetlink
// neighbour dumps, parsed with every length checked.
#include "v6c/probe/kernel_state.hpp"

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace v6c::probe {
namespace {

// Route flags as /proc/net/ipv6_route prints them (include/uapi/linux/ipv6_route.h).
constexpr std::uint32_t kRtfCache = 0x01000000, kRtfLocal = 0x80000000;
constexpr std::uint16_t kUnresolved = NUD_INCOMPLETE | NUD_FAILED | NUD_NONE;
constexpr auto kPrimePoll = std::chrono::milliseconds(20);
constexpr std::uint16_t kPrimeEchoId = 0x7637;

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

template <class F>
void each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

template <class T>
bool hex(std::string_view s, T& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return ec == std::errc() && end == s.data() + s.size();
}

bool hex_ip6(std::string_view s, wire::Ip6& a) {
  if (s.size() != 32) return false;
  for (std::size_t i = 0; i < 16; ++i)
    if (!hex(s.substr(2 * i, 2), a.bytes[i])) return false;
  return true;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int read_sysctl(const std::string& ifname, const char* key) {
  std::ifstream in("/proc/sys/net/ipv6/conf/" + ifname + "/" + key);
  int v = -1;
  if (!(in >> v)) return -1;
  return v;
}

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<wire::KernelNeighbour> dump_neighbours(int ifindex) {
  Fd s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (s.fd < 0) throw std::runtime_error(std::string("netlink socket: ") + std::strerror(errno));
  timeval tv{1, 0};
  ::setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct {
    nlmsghdr h;
    ndmsg n;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETNEIGH;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.n.ndm_family = AF_INET6;
  req.n.ndm_ifindex = ifindex;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(s.fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    throw std::runtime_error(std::string("RTM_GETNEIGH: ") + std::strerror(errno));
  std::vector<wire::KernelNeighbour> out;
  std::vector<std::uint8_t> buf(1 << 16);
  for (;;) {
    auto n = ::recv(s.fd, buf.data(), buf.size(), 0);
    if (n <= 0) throw std::runtime_error("RTM_GETNEIGH: the dump did not complete");
    if (parse_neighbours({buf.data(), static_cast<std::size_t>(n)}, ifindex, out)) return out;
  }
}

bool resolved(const std::vector<wire::KernelNeighbour>& table, const wire::Ip6& a) {
  return std::any_of(table.begin(), table.end(), [&](const wire::KernelNeighbour& n) {
    return n.address == a && n.lladdr && !(n.state & kUnresolved);
  });
}

}  // namespace

std::vector<wire::KernelRoute> parse_ipv6_route(std::string_view text, std::string_view ifname) {
  std::vector<wire::KernelRoute> out;
  each_line(text, [&](std::string_view line) {
    auto f = fields(line);
    if (f.size() != 10 || f[9] != ifname) return;
    wire::KernelRoute r;
    std::uint32_t flags = 0;
    if (!hex_ip6(f[0], r.destination) || !hex(f[1], r.prefix_length) || !hex_ip6(f[4], r.next_hop) ||
        !hex(f[8], flags) || r.prefix_length > 128)
      return;
    if (flags & (kRtfCache | kRtfLocal) || r.destination.is_multicast()) return;
    out.push_back(r);
  });
  return out;
}

std::vector<wire::KernelAddress> parse_if_inet6(std::string_view text, std::string_view ifname) {
  std::vector<wire::KernelAddress> out;
  each_line(text, [&](std::string_view line) {
    auto f = fields(line);
    if (f.size() != 6 || f[5] != ifname) return;
    wire::KernelAddress a;
    unsigned flags = 0;
    if (!hex_ip6(f[0], a.address) || !hex(f[2], a.prefix_length) || !hex(f[4], flags) || a.prefix_length > 128)
      return;
    a.flags = static_cast<std::uint8_t>(flags);
    out.push_back(a);
  });
  return out;
}

bool parse_neighbours(std::span<const std::uint8_t> m, int ifindex, std::vector<wire::KernelNeighbour>& out) {
  std::size_t off = 0;
  while (m.size() - off >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, m.data() + off, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > m.size() - off) return false;
    if (h.nlmsg_type == NLMSG_DONE) return true;
    if (h.nlmsg_type == NLMSG_ERROR) throw std::runtime_error("RTM_GETNEIGH: the kernel refused the dump");
    if (h.nlmsg_type == RTM_NEWNEIGH && h.nlmsg_len >= NLMSG_LENGTH(sizeof(ndmsg))) {
      ndmsg nd;
      std::memcpy(&nd, m.data() + off + NLMSG_HDRLEN, sizeof nd);
      if (nd.ndm_family == AF_INET6 && nd.ndm_ifindex == ifindex && !(nd.ndm_state & NUD_NOARP)) {
        wire::KernelNeighbour n;
        n.state = nd.ndm_state;
        n.router = nd.ndm_flags & NTF_ROUTER;
        bool have_dst = false;
        std::size_t pos = off + NLMSG_LENGTH(sizeof(ndmsg));
        const std::size_t end = off + h.nlmsg_len;
        while (end - pos >= sizeof(rtattr)) {
          rtattr a;
          std::memcpy(&a, m.data() + pos, sizeof a);
          if (a.rta_len < sizeof a || a.rta_len > end - pos) break;
          const auto* payload = m.data() + pos + RTA_LENGTH(0);
          const std::size_t len = a.rta_len - RTA_LENGTH(0);
          if (a.rta_type == NDA_DST && len == 16) {
            std::memcpy(n.address.bytes.data(), payload, 16);
            have_dst = true;
          } else if (a.rta_type == NDA_LLADDR && len == 6) {
            wire::Mac mac;
            std::memcpy(mac.bytes.data(), payload, 6);
            n.lladdr = mac;
          }
          pos += std::min<std::size_t>(RTA_ALIGN(a.rta_len), end - pos);
        }
        if (have_dst && !n.address.is_multicast()) out.push_back(n);
      }
    }
    off += std::min<std::size_t>(NLMSG_ALIGN(h.nlmsg_len), m.size() - off);
  }
  return false;
}

// thread-self, not self: /proc/self/net is the main thread's namespace, and a caller may have
// entered another on its own thread (the tests do).
wire::KernelState read_kernel_state(const std::string& ifname, int ifindex) {
  wire::KernelState s;
  s.accept_ra = read_sysctl(ifname, "accept_ra");
  s.forwarding = read_sysctl(ifname, "forwarding");
  s.autoconf = read_sysctl(ifname, "autoconf");
  s.accept_redirects = read_sysctl(ifname, "accept_redirects");
  s.routes = parse_ipv6_route(read_text("/proc/thread-self/net/ipv6_route"), ifname);
  s.addresses = parse_if_inet6(read_text("/proc/thread-self/net/if_inet6"), ifname);
  s.neighbours = dump_neighbours(ifindex);
  return s;
}

void prime_neighbours(int ifindex, const std::vector<wire::Ip6>& addresses, std::chrono::milliseconds timeout) {
  if (addresses.empty()) return;
  Fd s(::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  if (s.fd < 0) throw std::runtime_error(std::string("ICMPv6 socket: ") + std::strerror(errno));
  icmp6_hdr echo{};
  echo.icmp6_type = ICMP6_ECHO_REQUEST;
  echo.icmp6_id = htons(kPrimeEchoId);  // the kernel fills in the checksum
  for (const auto& a : addresses) {
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    std::memcpy(&to.sin6_addr, a.bytes.data(), 16);
    if (a.is_link_local()) to.sin6_scope_id = static_cast<std::uint32_t>(ifindex);
    ::sendto(s.fd, &echo, sizeof echo, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);  // unreachable: stays unresolved
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto table = dump_neighbours(ifindex);
    if (std::all_of(addresses.begin(), addresses.end(), [&](const wire::Ip6& a) { return resolved(table, a); }))
      return;
    std::this_thread::sleep_for(kPrimePoll);
  }
}

}  // namespace v6c::probe
