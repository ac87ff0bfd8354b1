// Decode throughput: `decode_bench make OUT N FIXTURE...` writes a capture of N frames
// cycling through the fixtures' frames; `decode_bench decode FILE` decodes every frame of
// FILE and prints frames/s. The same file is what tshark is timed on (scripts/bench).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "v6c/probe/link.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"

using namespace v6c;

namespace {

int make(const char* out_path, long n, const std::vector<const char*>& fixtures) {
  std::vector<wire::Packet> frames;
  for (const auto* f : fixtures)
    for (auto& p : probe::read_pcap(f)) frames.push_back(std::move(p));
  if (frames.empty()) return 2;
  probe::PcapWriter out(out_path);
  const std::int64_t t = 1'700'000'000'000'000;
  for (long i = 0; i < n; ++i) out.write(frames[static_cast<std::size_t>(i) % frames.size()].ctx.raw, t + i);
  return 0;
}

int decode(const char* file) {
  auto start = std::chrono::steady_clock::now();
  std::size_t malformed = 0;
  auto n = probe::scan_pcap(file, [&](wire::Packet&& p) { malformed += p.as<wire::Malformed>() != nullptr; });
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu frames in %.3f s: %.0f frames/s (%zu malformed)\n", n, s, n / s, malformed);
  return 0;
}

// Seed corpora for the fuzzers: one file per frame (or per ICMPv6 message / UDP payload,
// `skip` bytes in).
int frames(const std::string& dir, std::size_t skip, const std::vector<const char*>& fixtures) {
  int n = 0;
  for (const auto* fixture : fixtures)
    for (const auto& p : probe::read_pcap(fixture)) {
      if (p.ctx.raw.size() < skip || !p.ctx.ext_headers.empty()) continue;
      std::string path = dir + "/seed-" + std::to_string(n++);
      if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(p.ctx.raw.data() + skip, 1, p.ctx.raw.size() - skip, f);
        std::fclose(f);
      }
    }
  return 0;
}

// One result of each procedure kind, holding the fixtures' packets.
std::vector<std::pair<const char*, wire::ProcedureResult>> results_of(const std::vector<const char*>& fixtures) {
  wire::DiscoverResult discover;
  wire::Dhcp6Result dhcp6;
  wire::EchoResult echo;
  wire::NeighborResult neighbor;
  for (const auto* fixture : fixtures)
    for (auto& p : probe::read_pcap(fixture)) {
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
  return {{"discover", discover}, {"dhcp6", dhcp6}, {"echo", echo}, {"neighbor", neighbor}};
}

// Seeds for fuzz_agent_json and fuzz_console: agent reports holding the fixtures' packets,
// one per procedure kind, and the same reports as console frames of run "r".
int reports(const std::string& json_dir, const std::string& console_dir, const std::vector<const char*>& fixtures) {
  int n = 0;
  for (const auto& [kind, result] : results_of(fixtures)) {
    wire::AgentReport report;
    report.agent_version = "0.1.0";
    report.host = "vm-" + std::to_string(n++);
    report.interface = "eth0";
    report.procedures.push_back({kind, kind, wire::RunStatus::ok, "", 1'700'000'000'000'000, 12.5, result});
    const auto text = nlohmann::json(report).dump();
    const std::string name = "/report-" + std::string(kind);
    std::FILE* f = std::fopen((json_dir + name + ".json").c_str(), "w");
    std::FILE* c = std::fopen((console_dir + name + ".console").c_str(), "w");
    if (!f || !c) return 1;
    std::fputs(text.c_str(), f);
    std::fputs("[    1.234567] random: crng init done\n", c);
    for (const auto& line : wire::frame_lines("r", text)) std::fprintf(c, "%s\n", line.c_str());
    std::fclose(f);
    std::fclose(c);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string verb = argc >= 2 ? argv[1] : "";
  auto from = [&](int first) { return std::vector<const char*>(argv + std::min(first, argc), argv + argc); };
  if (argc >= 4 && verb == "make") return make(argv[2], std::atol(argv[3]), from(4));
  if (argc == 3 && verb == "decode") return decode(argv[2]);
  if (argc >= 4 && verb == "frames") {
    const std::string flag = argv[3];
    const std::size_t skip = flag == "--icmp6" ? 14 + 40 : flag == "--udp" ? 14 + 40 + 8 : 0;
    return frames(argv[2], skip, from(skip ? 4 : 3));
  }
  if (argc >= 5 && verb == "reports") return reports(argv[2], argv[3], from(4));
  std::fprintf(stderr,
               "usage: decode_bench make OUT N FIXTURE... | decode FILE | frames DIR [--icmp6|--udp] FIXTURE... |"
               " reports JSON_DIR CONSOLE_DIR FIXTURE...\n");
  return 2;
}
