// Decode throughput: `decode_bench make OUT N FIXTURE...` writes a capture of N frames
// cycling through the fixtures' frames; `decode_bench decode FILE` decodes every frame of
// FILE and prints frames/s. The same file is what tshark is timed on (scripts/bench).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "v6c/probe/link.hpp"

using namespace v6c;

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "make") {
    std::vector<wire::Packet> frames;
    for (int i = 4; i < argc; ++i)
      for (auto& p : probe::read_pcap(argv[i])) frames.push_back(std::move(p));
    if (frames.empty()) return 2;
    probe::PcapWriter out(argv[2]);
    long n = std::atol(argv[3]);
    std::int64_t t = 1'700'000'000'000'000;
    for (long i = 0; i < n; ++i) out.write(frames[static_cast<std::size_t>(i) % frames.size()].ctx.raw, t + i);
    return 0;
  }
  if (argc == 3 && std::string(argv[1]) == "decode") {
    auto start = std::chrono::steady_clock::now();
    std::size_t malformed = 0;
    auto n = probe::scan_pcap(argv[2], [&](wire::Packet&& p) { malformed += p.as<wire::Malformed>() != nullptr; });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu frames in %.3f s: %.0f frames/s (%zu malformed)\n", n, s, n / s, malformed);
    return 0;
  }
  // Seed corpora for the fuzzers: one file per frame (or per ICMPv6 message / UDP payload).
  if (argc >= 4 && std::string(argv[1]) == "frames") {
    std::string dir = argv[2];
    int first = 3;
    std::size_t skip = 0;
    if (std::string(argv[3]) == "--icmp6") skip = 14 + 40, first = 4;
    if (std::string(argv[3]) == "--udp") skip = 14 + 40 + 8, first = 4;
    int n = 0;
    for (int i = first; i < argc; ++i)
      for (const auto& p : probe::read_pcap(argv[i])) {
        if (p.ctx.raw.size() < skip || !p.ctx.ext_headers.empty()) continue;
        std::string path = dir + "/seed-" + std::to_string(n++);
        if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
          std::fwrite(p.ctx.raw.data() + skip, 1, p.ctx.raw.size() - skip, f);
          std::fclose(f);
        }
      }
    return 0;
  }
  std::fprintf(stderr, "usage: decode_bench make OUT N FIXTURE... | decode FILE | frames DIR [--icmp6|--udp] FIXTURE...\n");
  return 2;
}
