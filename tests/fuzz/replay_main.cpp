// A fuzz target without libFuzzer, for ctest in any build (gcc, the sanitized ci preset):
//   <target>_replay [-runs=N] FILE|DIR...
// runs every input file once, then N mutations of them (byte flips, truncations, insertions,
// splices), chosen by a fixed-seed generator so a failure repeats on every run. Not coverage
// guided; scripts/fuzz is the real fuzzer. When an input crashes the target, it is written to
// ./crash-replay-<n> so it can become a regression fixture.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Present when built with a sanitizer: called when it reports an error and ends the process.
extern "C" void __sanitizer_set_death_callback(void (*)()) __attribute__((weak));

namespace {

using Input = std::vector<std::uint8_t>;

const Input* g_current = nullptr;

// Writes the input being run when the target dies (async-signal-safe calls only).
void save_current() {
  if (!g_current) return;
  static const char kName[] = "crash-replay-input";
  int fd = ::open(kName, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::write(fd, g_current->data(), g_current->size()) < 0) {
  }
  ::close(fd);
  static const char kMsg[] = "replay: the input that failed is in ./crash-replay-input\n";
  if (::write(2, kMsg, sizeof kMsg - 1) < 0) {
  }
}

extern "C" void on_fatal_signal(int sig) {
  save_current();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

Input read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(in), {});
}

Input mutate(const std::vector<Input>& seeds, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; };
  Input in = seeds[pick(seeds.size())];
  for (int edits = 1 + static_cast<int>(pick(4)); edits > 0; --edits) {
    switch (pick(5)) {
      case 0:  // flip a bit
        if (!in.empty()) in[pick(in.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
        break;
      case 1:  // an interesting byte value
        if (!in.empty()) {
          static constexpr std::uint8_t kValues[] = {0, 1, 0x7f, 0x80, 0xff, 0xfe, 2, 8};
          in[pick(in.size())] = kValues[pick(std::size(kValues))];
        }
        break;
      case 2:  // truncate
        in.resize(pick(in.size() + 1));
        break;
      case 3:  // insert a random byte
        in.insert(in.begin() + static_cast<long>(pick(in.size() + 1)), static_cast<std::uint8_t>(rng()));
        break;
      default: {  // splice in a piece of another seed
        const auto& other = seeds[pick(seeds.size())];
        if (other.empty()) break;
        auto from = pick(other.size()), len = 1 + pick(std::min<std::size_t>(other.size() - from, 64));
        in.insert(in.begin() + static_cast<long>(pick(in.size() + 1)), other.begin() + static_cast<long>(from),
                  other.begin() + static_cast<long>(from + len));
      }
    }
  }
  return in;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 0;
  std::vector<Input> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("-runs=", 0) == 0) {
      runs = std::atol(arg.c_str() + 6);
      continue;
    }
    std::filesystem::path p(arg);
    if (std::filesystem::is_directory(p)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());  // the same order, so the same mutations, every run
      for (const auto& f : files) seeds.push_back(read_file(f));
    } else if (std::filesystem::is_regular_file(p)) {
      seeds.push_back(read_file(p));
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
      return 2;
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "replay: no inputs\n");
    return 2;
  }
  for (int sig : {SIGSEGV, SIGABRT, SIGILL, SIGFPE, SIGBUS}) std::signal(sig, on_fatal_signal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(save_current);
  for (const auto& s : seeds) {
    g_current = &s;
    LLVMFuzzerTestOneInput(s.data(), s.size());
  }
  std::mt19937_64 rng{0x76366366};
  for (long i = 0; i < runs; ++i) {
    Input in = mutate(seeds, rng);
    g_current = &in;
    LLVMFuzzerTestOneInput(in.data(), in.size());
  }
  g_current = nullptr;
  std::printf("replay: %zu inputs and %ld mutations ran\n", seeds.size(), runs);
  return 0;
}
