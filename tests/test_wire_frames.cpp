// Console framing: the payload comes back only when every frame arrived intact.
#include <catch2/catch.hpp>
#include <cstring>

#include "v6c/wire/frames.hpp"

using namespace v6c;

namespace {

std::string join(const std::vector<std::string>& lines, const char* eol = "\n") {
  std::string s;
  for (const auto& l : lines) s += l + eol;
  return s;
}

std::string sample_payload() {
  std::string s = R"({"schema":"v6agent/1","procedures":[)";
  for (int i = 0; i < 40; ++i) s += R"({"id":"echo-)" + std::to_string(i) + R"(","status":"ok"},)";
  return s + "{}]}";
}

}  // namespace

TEST_CASE("base64 and crc32 known answers", "[wire][frames]") {
  auto b = [](const char* s) { return std::span(reinterpret_cast<const std::uint8_t*>(s), std::strlen(s)); };
  CHECK(wire::base64_encode(b("")) == "");
  CHECK(wire::base64_encode(b("f")) == "Zg==");
  CHECK(wire::base64_encode(b("fo")) == "Zm8=");
  CHECK(wire::base64_encode(b("foobar")) == "Zm9vYmFy");  // RFC 4648 §10
  CHECK(wire::crc32(b("123456789")) == 0xcbf43926u);       // the CRC-32 check value
  CHECK(wire::base64_decode("Zm9vYmE=") == std::vector<std::uint8_t>{'f', 'o', 'o', 'b', 'a'});
  CHECK_FALSE(wire::base64_decode("Zm9"));
  CHECK_FALSE(wire::base64_decode("Zm=v"));
  CHECK_FALSE(wire::base64_decode("Z!9v"));
}

TEST_CASE("Frames round-trip through a noisy console", "[wire][frames]") {
  auto payload = sample_payload();
  auto lines = wire::frame_lines("run42", payload, false);  // plain: many frames to lose and garble
  REQUIRE(lines.size() > 4);
  for (const auto& l : lines) CHECK(l.size() <= 100);  // fits a console line

  SECTION("clean") { CHECK(wire::deframe(join(lines), "run42").payload == payload); }
  SECTION("CRLF line ends and boot noise around") {
    auto text = "[    1.234] virtio_net virtio0 eth0: renamed\r\n" + join(lines, "\r\n") + "reboot: Power down\r\n";
    CHECK(wire::deframe(text, "run42").payload == payload);
  }
  SECTION("a kernel message printed before a marker on the same line") {
    auto l = lines;
    l[2] = "[    2.5] random: crng init done" + l[2];
    CHECK(wire::deframe(join(l), "run42").payload == payload);
  }
  SECTION("another run's frames in between are ignored") {
    auto other = wire::frame_lines("run7", "something else entirely", false);
    CHECK(wire::deframe(join(other) + join(lines) + join(other), "run42").payload == payload);
  }
  SECTION("a frame lost: error naming it") {
    auto l = lines;
    l.erase(l.begin() + 3);
    auto d = wire::deframe(join(l), "run42");
    CHECK_FALSE(d.payload);
    CHECK(d.error == "frame 3 of " + std::to_string(lines.size() - 2) + " missing");
  }
  SECTION("output truncated before END") {
    auto l = lines;
    l.pop_back();
    auto d = wire::deframe(join(l), "run42");
    CHECK_FALSE(d.payload);
    CHECK(d.error.find("truncated") != std::string::npos);
  }
  SECTION("a garbled character in the only copy of a frame") {
    auto l = lines;
    l[2][l[2].size() - 5] ^= 0x01;
    auto d = wire::deframe(join(l), "run42");
    CHECK_FALSE(d.payload);
    CHECK(d.error.find("garbled") != std::string::npos);
  }
  SECTION("a garbled frame is repaired by its second copy") {
    auto first = lines;
    first[2][first[2].size() - 5] ^= 0x01;
    CHECK(wire::deframe(join(first) + join(lines), "run42").payload == payload);
  }
  SECTION("nothing at all") { CHECK(wire::deframe("login: ", "run42").error.find("no V6C-BEGIN") == 0); }
}

TEST_CASE("Deflated frames: smaller, and a stream that does not inflate within bounds is an error", "[wire][frames]") {
  auto payload = sample_payload();
  auto plain = wire::frame_lines("run42", payload, false);
  auto packed = wire::frame_lines("run42", payload);
  CHECK(packed.front().ends_with(" deflate"));
  CHECK(packed.size() * 3 < plain.size());
  CHECK(wire::deframe(join(packed), "run42").payload == payload);
  CHECK(wire::deframe(join(plain), "run42").payload == payload);  // readers take both

  SECTION("a bomb: 17 MB of zeros deflate to a few frames but exceed the cap") {
    auto bomb = wire::frame_lines("run42", std::string(wire::kMaxInflated + (1u << 20), '\0'));
    CHECK(bomb.size() < 1000);
    auto d = wire::deframe(join(bomb), "run42");
    CHECK_FALSE(d.payload);
    CHECK(d.error.find("does not inflate") != std::string::npos);
  }
  SECTION("intact frames of a stream that is not deflate") {
    auto l = plain;
    l.front() += " deflate";
    auto d = wire::deframe(join(l), "run42");
    CHECK_FALSE(d.payload);
    CHECK(d.error.find("does not inflate") != std::string::npos);
  }
}
