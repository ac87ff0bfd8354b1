// Evidence from packets: one-line summaries and the decoded fields for reports.
#pragma once
#include <string>

#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/verdict.hpp"
#include "v6c/wire/packet.hpp"

namespace v6c::catalog {

// "12:00:03.412" (UTC) from microseconds since the epoch.
std::string clock_time(std::int64_t time_us);
// Bounds an evidence's exchange: the first frames of a procedure tell its story (an RA flood
// would otherwise draw hundreds of arrows).
inline constexpr std::size_t kMaxExchangeFrames = 12;

// A packet as one frame of a ladder diagram.
Frame packet_frame(const wire::Packet& p);
// Every field of the packet's message and context, one "name: value" per line.
std::string decode_fields(const wire::Packet& p);
// Evidence for one packet: its exchange is the procedure's frames (the first few, and this packet);
// summary is "<what> (<clause>; <label> from <src> at <time>, pcap <file> #<n>)".
Evidence packet_evidence(const HostObservations& h, std::string_view procedure, const wire::Packet& p,
                         const std::string& what, std::string_view clause);
// Evidence without a packet (a count, a timeout).
Evidence note_evidence(const HostObservations& h, std::string_view procedure, const std::string& what);

}  // namespace v6c::catalog
