// Hand-checked DHCPv6 payloads (RFC 8415), written option by option so a reader can
// check every length, in the order encode_dhcp6 writes options.
#pragma once
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace v6c::test {

// "07 a1 b2" → {0x07, 0xa1, 0xb2}; whitespace between bytes is ignored.
inline std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out;
  std::istringstream in(text);
  std::string byte;
  while (in >> byte) out.push_back(static_cast<std::uint8_t>(std::stoul(byte, nullptr, 16)));
  return out;
}

namespace dhcp6_bytes {

// Solicit, transaction 0xa1b2c3, from DUID-LL 02:42:ac:11:00:02.
inline const std::string kSolicit =
    "01 a1 b2 c3"
    " 00 01 00 0a  00 03 00 01 02 42 ac 11 00 02"          // Client Identifier: DUID-LL, Ethernet
    " 00 03 00 0c  00 00 00 01 00 00 00 00 00 00 00 00"    // IA_NA: IAID 1, T1 0, T2 0
    " 00 08 00 02  00 64"                                  // Elapsed Time: 100 cs
    " 00 06 00 06  00 17 00 18 00 52"                      // Option Request: 23, 24, 82
    " 00 0e 00 00";                                        // Rapid Commit

// Reply to it from a server with DUID-LLT fa:16:3e:11:22:33, every option we interpret.
inline const std::string kReply =
    "07 a1 b2 c3"
    " 00 01 00 0a  00 03 00 01 02 42 ac 11 00 02"                 // Client Identifier
    " 00 02 00 0e  00 01 00 01 2c 8a 6f 10 fa 16 3e 11 22 33"     // Server Identifier: DUID-LLT
    " 00 03 00 3e  00 00 00 01 00 00 0e 10 00 00 15 18"           // IA_NA: IAID 1, T1 3600, T2 5400
    "   00 05 00 26  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"  // IA Address 2001:db8:1::10
    "                00 01 51 80 00 02 a3 00"                     //   preferred 86400, valid 172800
    "     00 0d 00 0a  00 00 61 73 73 69 67 6e 65 64"             //   Status Code 0 "assigned"
    "   00 0d 00 04  00 00 6f 6b"                                 // Status Code 0 "ok" (in IA_NA)
    " 00 0d 00 06  00 00 64 6f 6e 65"                             // Status Code 0 "done"
    " 00 07 00 01  ff"                                            // Preference 255
    " 00 17 00 20  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 53"  // DNS: 2001:db8:1::53
    "              20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 35"  //      2001:db8::35
    " 00 18 00 1a  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"        // Domain list: example.com
    "              03 6c 61 62 07 65 78 61 6d 70 6c 65 00"        //              lab.example
    " 00 52 00 04  00 00 0e 10";                                  // SOL_MAX_RT 3600 (kept raw)

// Reply to an Information-request sent without Client Identifier, server DUID-EN (ISC).
inline const std::string kStatelessReply =
    "07 0f 0e 0d"
    " 00 02 00 0c  00 02 00 00 09 bf 0a 0b 0c 0d 0e 0f"           // Server Identifier: DUID-EN 2495
    " 00 20 00 04  00 01 51 80"                                   // Information Refresh Time 86400
    " 00 17 00 10  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 53"  // DNS: 2001:db8:1::53
    " 00 18 00 0d  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00";       // Domain list: example.com

}  // namespace dhcp6_bytes
}  // namespace v6c::test
