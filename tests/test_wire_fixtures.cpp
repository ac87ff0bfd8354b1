// Every captured frame of every fixture decodes to a message (never Malformed, never an
// unrecognised ICMPv6 type we should know) with a verified checksum, and real daemons' and
// kernels' messages depart from their format nowhere.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace v6c;

TEST_CASE("Every fixture frame decodes with a valid checksum and no departure from its format", "[wire]") {
  std::size_t frames = 0;
  for (const char* family : {"ra", "dhcpv6", "nd", "icmp"}) {
    for (const auto& file : test::fixtures(family)) {
      SECTION(file) {
        for (const auto& p : test::packets(file)) {
          CAPTURE(file, p.ctx.index, wire::describe(p.msg));
          CHECK_FALSE(p.as<wire::Malformed>());
          CHECK(p.ctx.checksum_ok);
          for (const auto& d : p.ctx.departures) FAIL_CHECK("departure: " << d.what);
          ++frames;
        }
      }
    }
  }
  CHECK(frames > 0);
}
