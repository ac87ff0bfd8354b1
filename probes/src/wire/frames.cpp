#include "v6c/wire/frames.hpp"

#include <array>
#include <cstring>
#include <cstdio>
#include <map>
#include <sstream>

namespace v6c::wire {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;  // IEEE 802.3 polynomial
    t[i] = c;
  }
  return t;
}

std::string hex8(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Splits on spaces; console lines may carry a trailing \r.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> w;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\r') ++j;
    if (j > i) w.push_back(line.substr(i, j - i));
    i = j;
  }
  return w;
}

std::optional<std::uint64_t> number(std::string_view s, int base = 10) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
    if (d >= base) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  static const auto table = crc_table();
  std::uint32_t c = 0xffffffffu;
  for (auto b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::string base64_encode(std::span<const std::uint8_t> in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    std::uint32_t v = static_cast<std::uint32_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<std::uint32_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= in[i + 2];
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < in.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      const char* p = c == '=' ? nullptr : std::strchr(kAlphabet, c);
      if (c == '=') {
        if (i + 4 != text.size() || k < 2) return std::nullopt;  // padding only at the very end
        ++pad;
      } else if (!p || c == '\0' || pad) {
        return std::nullopt;
      }
      v = v << 6 | (p ? static_cast<std::uint32_t>(p - kAlphabet) : 0);
    }
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

std::vector<std::string> frame_lines(std::string_view run, std::string_view payload) {
  std::vector<std::string> lines;
  auto bytes = bytes_of(payload);
  lines.push_back("V6C-BEGIN " + std::string(run) + " " + std::to_string(payload.size()) + " " + hex8(crc32(bytes)));
  std::size_t seq = 0;
  for (std::size_t off = 0; off < bytes.size(); off += kFrameChunk, ++seq) {
    auto b64 = base64_encode(bytes.subspan(off, std::min(kFrameChunk, bytes.size() - off)));
    lines.push_back("V6C-DATA " + std::string(run) + " " + std::to_string(seq) + " " + hex8(crc32(bytes_of(b64))) +
                    " " + b64);
  }
  lines.push_back("V6C-END " + std::string(run) + " " + std::to_string(seq));
  return lines;
}

Deframed deframe(std::string_view console, std::string_view run) {
  std::optional<std::uint64_t> size, total_crc, frames;
  std::map<std::uint64_t, std::vector<std::uint8_t>> chunks;
  std::size_t bad = 0;
  std::size_t start = 0;
  while (start < console.size()) {
    std::size_t end = console.find('\n', start);
    if (end == std::string_view::npos) end = console.size();
    auto line = console.substr(start, end - start);
    start = end + 1;
    // A kernel message may precede the marker on the same line: look for it anywhere.
    auto at = line.find("V6C-");
    if (at == std::string_view::npos) continue;
    auto w = words(line.substr(at));
    if (w.size() < 3 || w[1] != run) continue;
    if (w[0] == "V6C-BEGIN" && w.size() == 4) {
      auto n = number(w[2]);
      auto c = w[3].size() == 8 ? number(w[3], 16) : std::nullopt;
      if (n && c) size = n, total_crc = c;
      else ++bad;
    } else if (w[0] == "V6C-DATA" && w.size() == 5) {
      auto seq = number(w[2]);
      auto c = w[3].size() == 8 ? number(w[3], 16) : std::nullopt;
      auto data = base64_decode(w[4]);
      if (seq && c && data && crc32(bytes_of(w[4])) == *c) chunks.emplace(*seq, std::move(*data));
      else ++bad;
    } else if (w[0] == "V6C-END" && w.size() == 3) {
      if (auto n = number(w[2])) frames = n;
      else ++bad;
    }
  }
  Deframed d;
  auto garbled = [&] { return bad ? " (" + std::to_string(bad) + " garbled line(s))" : std::string(); };
  if (!size) return d.error = "no V6C-BEGIN for run " + std::string(run) + garbled(), d;
  if (!frames) return d.error = "no V6C-END for run " + std::string(run) + ": output truncated" + garbled(), d;
  std::string payload;
  for (std::uint64_t i = 0; i < *frames; ++i) {
    auto it = chunks.find(i);
    if (it == chunks.end())
      return d.error = "frame " + std::to_string(i + 1) + " of " + std::to_string(*frames) + " missing" + garbled(), d;
    payload.append(it->second.begin(), it->second.end());
  }
  if (payload.size() != *size || crc32(bytes_of(payload)) != *total_crc)
    return d.error = "payload does not match its BEGIN line (size or checksum)" + garbled(), d;
  d.payload = std::move(payload);
  return d;
}

}  // namespace v6c::wire
