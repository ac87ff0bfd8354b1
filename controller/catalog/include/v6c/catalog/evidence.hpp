// Evidence from packets: one-line summaries and the decoded fields for reports.
#pragma once
#include <string>

#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/verdict.hpp"
#include "v6c/wire/packet.hpp"

namespace v6c::catalog {

// "12:00:03.412" (UTC) from microseconds since the epoch.
std::string clock_time(std::int64_t time_us);
// Every field of the packet's message and context, one "name: value" per line.
std::string decode_fields(const wire::Packet& p);
// Evidence for one packet: summary is "<what> (<clause>; <label> from <src> at <time>, pcap <file> #<n>)".
Evidence packet_evidence(const HostObservations& h, std::string_view procedure, const wire::Packet& p,
                         const std::string& what, std::string_view clause);
// Evidence without a packet (a count, a timeout).
Evidence note_evidence(const HostObservations& h, std::string_view procedure, const std::string& what);

}  // namespace v6c::catalog
