#include "interrupt.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "exit_codes.hpp"

namespace v6c::cli {

namespace {

int g_pipe[2] = {-1, -1};
std::atomic<bool> g_interrupted{false};

void on_signal(int sig) {
  unsigned char s = static_cast<unsigned char>(sig);
  if (write(g_pipe[1], &s, 1) < 0) {}
}

}  // namespace

void cleanup_on_interrupt(std::function<void()> cleanup) {
  if (pipe2(g_pipe, O_CLOEXEC) != 0) return;
  std::thread([cleanup = std::move(cleanup)] {
    unsigned char s = 0;
    while (read(g_pipe[0], &s, 1) < 0) {}
    g_interrupted = true;
    cleanup();
    _exit(kExitInterrupted);
  }).detach();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void yield_to_interrupt() {
  if (g_interrupted)
    for (;;) pause();
}

}  // namespace v6c::cli
