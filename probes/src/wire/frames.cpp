#include "v6c/wire/frames.hpp"

#include <array>
#include <cstring>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

#include <zlib.h>

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

// The report deflated (zlib): about a fifth of the JSON, so two copies of the frames stay
// within the tail Nova returns from os-getConsoleOutput (100 KiB on libvirt).
std::string deflated(std::string_view in) {
  uLongf size = compressBound(static_cast<uLong>(in.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(in.data()),
                static_cast<uLong>(in.size()), Z_BEST_COMPRESSION) != Z_OK)
    throw std::runtime_error("deflate failed");
  out.resize(size);
  return out;
}

// Untrusted input: the output is capped, so a small frame set cannot expand without bound.
std::optional<std::string> inflate_bounded(std::string_view in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= kMaxInflated) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END || out.size() > kMaxInflated) return std::nullopt;
  return out;
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

std::vector<std::string> frame_lines(std::string_view run, std::string_view text, bool compress) {
  std::vector<std::string> lines;
  const std::string packed = compress ? deflated(text) : std::string(text);
  auto bytes = bytes_of(packed);
  lines.push_back("V6C-BEGIN " + std::string(run) + " " + std::to_string(bytes.size()) + " " + hex8(crc32(bytes)) +
                  (compress ? " deflate" : ""));
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
  bool deflated = false;
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
    if (w[0] == "V6C-BEGIN" && (w.size() == 4 || (w.size() == 5 && w[4] == "deflate"))) {
      auto n = number(w[2]);
      auto c = w[3].size() == 8 ? number(w[3], 16) : std::nullopt;
      if (n && c) size = n, total_crc = c, deflated = w.size() == 5;
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
  if (deflated) {
    auto text = inflate_bounded(payload);
    if (!text) return d.error = "payload does not inflate (corrupt, or over " + std::to_string(kMaxInflated) + " bytes)", d;
    payload = std::move(*text);
  }
  d.payload = std::move(payload);
  return d;
}

}  // namespace v6c::wire
