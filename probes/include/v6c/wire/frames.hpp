// Framing for results read back through a serial console (os-getConsoleOutput): a payload
// split into short, individually checksummed text lines between BEGIN and END markers, so
// that truncated, interleaved or garbled console output is detected, never misread.
//
//   V6C-BEGIN <run> <bytes> <crc32 of payload>
//   V6C-DATA <run> <seq> <crc32 of this line's base64> <base64 of up to 48 payload bytes>
//   V6C-END <run> <frames>
//
// Console output interleaves kernel messages and may repeat or lose lines; the writer can
// emit every frame more than once, and the reader takes any intact copy of each frame.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace v6c::wire {

inline constexpr std::size_t kFrameChunk = 48;  // payload bytes per line: 64 base64 characters

std::uint32_t crc32(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

inline constexpr std::size_t kMaxInflated = 16u << 20;  // a deflated payload may not expand beyond this

// The lines (without line ends) that carry `payload` for run `run` (no spaces in it),
// deflated unless `compress` is false (the BEGIN line then has no "deflate" word).
std::vector<std::string> frame_lines(std::string_view run, std::string_view payload, bool compress = true);

struct Deframed {
  std::optional<std::string> payload;  // set only when every frame arrived intact
  std::string error;                   // otherwise why not: "frame 3 of 9 missing", ...
};

// Finds run `run`'s frames anywhere in console text and reassembles the payload.
Deframed deframe(std::string_view console, std::string_view run);

}  // namespace v6c::wire
