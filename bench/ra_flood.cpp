// RA flooder for `scripts/bench ra-flood`: `ra_flood IFACE RATE SECONDS` sends RATE router
// advertisements a second for SECONDS out of IFACE to ff02::1, each from a random link-local
// source (fe80::/64) with a random prefix from 2001:db8::/32, all from one MAC (as a flooding
// VM behind port security would be). Prints the count sent and the rate achieved.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "v6c/wire/build.hpp"

using namespace v6c;

namespace {

// Enough distinct frames for one second at 10,000/s; built before the clock starts so the
// encoder's cost does not limit the rate.
std::vector<wire::Bytes> flood_frames(std::size_t n, const wire::Mac& mac) {
  std::mt19937_64 rng{0x76366372};
  std::vector<wire::Bytes> frames;
  frames.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    wire::Ip6 src = *wire::Ip6::parse("fe80::"), prefix = *wire::Ip6::parse("2001:db8::");
    auto r = rng();
    std::memcpy(src.bytes.data() + 8, &r, 8);
    auto q = static_cast<std::uint16_t>(rng());
    prefix.bytes[4] = static_cast<std::uint8_t>(q >> 8), prefix.bytes[5] = static_cast<std::uint8_t>(q);
    wire::RouterAdvert ra;
    ra.cur_hop_limit = 64;
    ra.router_lifetime_s = 1800;
    ra.source_lla = mac;
    ra.prefixes = {{prefix, 64, true, true, 86400, 14400}};
    frames.push_back(wire::build_ra({mac, wire::multicast_mac(wire::kAllNodes), src, wire::kAllNodes, 255}, ra));
  }
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ra_flood IFACE RATE SECONDS\n");
    return 2;
  }
  const unsigned ifindex = if_nametoindex(argv[1]);
  const long rate = std::atol(argv[2]);
  const double seconds = std::atof(argv[3]);
  if (ifindex == 0 || rate <= 0 || seconds <= 0) {
    std::fprintf(stderr, "ra_flood: bad interface, rate or duration\n");
    return 2;
  }
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: sends only, receives nothing
  if (fd < 0) return std::perror("socket"), 1;
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = static_cast<int>(ifindex);
  sll.sll_halen = 6;
  const auto mac = *wire::Mac::parse("02:00:00:76:36:66");  // locally administered, no one's
  auto frames = flood_frames(static_cast<std::size_t>(std::min(rate, 100000L)), mac);

  // Paced in 1 ms ticks: each tick sends what is due by the end of it, in batches
  // of up to 64 frames per system call; it stops at the deadline whatever it managed.
  const long total = static_cast<long>(rate * seconds);
  long sent = 0, failed = 0;
  std::vector<mmsghdr> batch(64);
  std::vector<iovec> iov(batch.size());
  timespec next{};
  clock_gettime(CLOCK_MONOTONIC, &next);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  for (auto now = start; sent + failed < total && now < deadline; now = std::chrono::steady_clock::now()) {
    // Due by the clock, not by ticks counted: a flooder the scheduler held back catches up.
    const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(now - start).count();
    const long due = std::min(total, rate * (elapsed_us + 1000) / 1000000);
    while (sent + failed < due) {
      unsigned n = 0;
      for (; n < batch.size() && sent + failed + n < due; ++n) {
        auto& f = frames[static_cast<std::size_t>(sent + failed + n) % frames.size()];
        iov[n] = {f.data(), f.size()};
        batch[n].msg_hdr = {};
        batch[n].msg_hdr.msg_name = &sll;
        batch[n].msg_hdr.msg_namelen = sizeof sll;
        batch[n].msg_hdr.msg_iov = &iov[n];
        batch[n].msg_hdr.msg_iovlen = 1;
      }
      int done = ::sendmmsg(fd, batch.data(), n, 0);
      if (done > 0) sent += done;
      else ++failed;  // the batch's first frame could not go: count it lost and go on
    }
    next.tv_nsec += 1000000;
    if (next.tv_nsec >= 1000000000) next.tv_nsec -= 1000000000, ++next.tv_sec;
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  std::printf("ra_flood: %ld RAs sent in %.2f s: %.0f RAs/s, asked %ld/s (%ld send errors, %zu distinct sources)\n",
              sent, s, sent / s, rate, failed, frames.size());
  return 0;
}
