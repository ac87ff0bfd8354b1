// SIGINT/SIGTERM for commands that create things (a lab, cloud resources): the handler only
// writes to a pipe; a thread of its own runs the cleanup and exits 4.
#pragma once
#include <functional>

namespace v6c::cli {

// Installs the handlers; `cleanup` runs once, on that thread, then the process _exits.
void cleanup_on_interrupt(std::function<void()> cleanup);

// After a signal the cleanup thread owns the exit: whatever the main thread was doing fails
// (its resources vanish under it), and it must not clean up or exit in parallel. Call this
// before the main thread's own cleanup; it never returns once a signal has come.
void yield_to_interrupt();

}  // namespace v6c::cli
