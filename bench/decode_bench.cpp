// Decode throughput: `decode_bench make OUT N FIXTURE...` writes a capture of N frames
// cycling through the fixtures' frames; `decode_bench decode FILE` decodes every frame of
// FILE and prints frames/s. The same file is what tshark is timed on (scripts/bench).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "v6c/probe/link.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"

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
  // Seeds for fuzz_agent_json and fuzz_console: agent reports holding the fixtures' packets,
  // one per procedure kind, and the same reports as console frames of run "r".
  if (argc >= 5 && std::string(argv[1]) == "reports") {
    wire::DiscoverResult discover;
    wire::Dhcp6Result dhcp6;
    wire::EchoResult echo;
    wire::NeighborResult neighbor;
    for (int i = 4; i < argc; ++i)
      for (auto& p : probe::read_pcap(argv[i])) {
        if (p.as<wire::RouterAdvert>()) discover.ras.push_back(p);
        else if (p.as<wire::Dhcp6Message>()) dhcp6.exchange.push_back(p);
        else if (p.as<wire::NeighborAdvert>() && !neighbor.na) neighbor.na = p;
        else if (p.as<wire::Echo>()) echo.replies.push_back(p);
        else if (p.as<wire::IcmpError>()) echo.errors.push_back(p);
      }
    discover.first_ra_ms = 1.5;
    discover.ras_seen = static_cast<std::uint32_t>(discover.ras.size());
    dhcp6.mode = "stateful";
    dhcp6.outcome = "ok";
    const std::pair<const char*, wire::ProcedureResult> results[] = {
        {"discover", discover}, {"dhcp6", dhcp6}, {"echo", echo}, {"neighbor", neighbor}};
    int n = 0;
    for (const auto& [kind, result] : results) {
      wire::AgentReport report;
      report.agent_version = "0.1.0";
      report.host = "vm-" + std::to_string(n);
      report.interface = "eth0";
      report.procedures.push_back({kind, kind, "ok", "", 1'700'000'000'000'000, 12.5, result});
      auto text = nlohmann::json(report).dump();
      std::string name = "/report-" + std::string(kind);
      std::FILE* f = std::fopen((std::string(argv[2]) + name + ".json").c_str(), "w");
      std::FILE* c = std::fopen((std::string(argv[3]) + name + ".console").c_str(), "w");
      if (!f || !c) return 1;
      std::fputs(text.c_str(), f);
      std::fputs("[    1.234567] random: crng init done\n", c);
      for (const auto& line : wire::frame_lines("r", text)) std::fprintf(c, "%s\n", line.c_str());
      std::fclose(f);
      std::fclose(c);
      ++n;
    }
    return 0;
  }
  std::fprintf(stderr,
               "usage: decode_bench make OUT N FIXTURE... | decode FILE | frames DIR [--icmp6|--udp] FIXTURE... |"
               " reports JSON_DIR CONSOLE_DIR FIXTURE...\n");
  return 2;
}
