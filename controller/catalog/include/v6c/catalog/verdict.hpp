// Verdicts: what a check found, with the evidence a person can act on.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "v6c/model/facts.hpp"

namespace v6c::catalog {

enum class Level { must, should, may };

// pass: met; fail: a MUST not met; warn: a SHOULD or MAY not met; skip: does not apply here,
// or was not (fully) measured (Outcome::not_measured says which); error: could not be
// measured (never a silent pass).
enum class Status { pass, fail, warn, skip, error };

std::string_view to_string(Level l);   // "MUST", "SHOULD", "MAY"
std::string_view to_string(Status s);  // "PASS", "FAIL", "WARN", "SKIP", "ERROR"
std::optional<Level> parse_level(std::string_view text);
std::optional<Status> parse_status(std::string_view text);

// The catalogue's sections, in report order; named in the catalogue, results and reports as
// "api", "ra", "address", "dhcp6", "connectivity", "security", "slow".
enum class Section { api, ra, address, dhcp6, connectivity, security, slow };
inline constexpr std::array<Section, 7> kSections = {Section::api,          Section::ra,       Section::address,
                                                     Section::dhcp6,        Section::connectivity, Section::security,
                                                     Section::slow};
std::string_view to_string(Section s);
std::optional<Section> parse_section(std::string_view text);

// One frame of the exchange an observation belongs to: the HTML report draws these as a
// ladder diagram. A frame the agent only counted or summarised (echo requests, a DNS answer,
// attack frames) has `reported` set, the procedure's start as its time (0: unknown) and the
// count in its message.
struct Frame {
  std::int64_t time_us = 0;      // microseconds since the Unix epoch
  std::uint32_t packet = 0;      // number in the observer's pcap; 0: not there (sent, or reported)
  std::string from, to;          // IPv6 addresses as on the wire, or a host name when none is known
  std::string from_mac, to_mac;  // empty when not known
  std::string message;           // "RS", "DHCPv6 Reply", "echo request ×3, 1280 bytes"
  bool reported = false;
  bool operator==(const Frame&) const = default;
};

// One observation a verdict rests on: which VM, which procedure, which packet.
struct Evidence {
  std::string host;        // the agent (VM) that observed it
  std::string procedure;   // the plan's procedure id, e.g. "discover"
  std::string pcap;        // capture file holding the packet, relative to the result
  std::uint32_t packet = 0;  // 1-based packet number in that capture; 0: no packet
  std::int64_t time_us = 0;  // capture time, microseconds since the Unix epoch; 0: none
  std::string summary;     // one line: what was seen, against what, and the clause
  std::string decoded;     // the packet's fields, one per line (HTML report)
  std::vector<Frame> exchange;  // the procedure's frames in time order, this packet among them
};

// What a check found, before the requirement's level is applied. status is pass, fail,
// skip or error: a check never says warn, the level decides that.
struct Outcome {
  Status status = Status::error;
  std::string expected, actual;
  std::string reason;      // why skip or error
  std::vector<Evidence> evidence;
  // skip only: the requirement applies but was not run, or only partly measured. Never
  // "met": reports count it apart, and a MUST left so decides the exit code.
  bool not_measured = false;
};

Outcome pass(std::string expected, std::string actual, std::vector<Evidence> ev = {});
Outcome fail(std::string expected, std::string actual, std::vector<Evidence> ev = {});
Outcome skip(std::string reason);  // does not apply here
Outcome not_measured(std::string reason);  // applies, but was not run or only partly measured
Outcome error(std::string reason, std::vector<Evidence> ev = {});

// Combines outcomes of several VMs (or sub-checks) into one: any fail wins, then any error;
// a part not measured makes the whole not measured (its reason says what was), never PASS;
// then pass; all skip stays skip. Nothing measured (empty input) is an error.
Outcome combine(std::vector<Outcome> parts);

// Where a verdict applies: one network (in its address mode) or the whole cloud.
struct Scope {
  std::string network;  // empty: global
  std::optional<model::Mode> mode;  // the network's subnet mode
  bool global() const { return network.empty(); }
  std::string label() const;  // "global" or "net1 (slaac)"
};

struct Verdict {
  std::string id;
  Level level = Level::must;
  Section section = Section::api;
  std::string source, text, scs_id;
  Scope scope;
  Status status = Status::error;
  std::string expected, actual, reason;
  std::vector<Evidence> evidence;
  bool not_measured = false;  // skip only: see Outcome::not_measured
  // A verdict that shows the requirement measured and met, or not applying here.
  bool met_or_not_applicable() const { return status == Status::pass || (status == Status::skip && !not_measured); }
};

// Applies the requirement's level to a check's outcome: fail of a SHOULD or MAY is warn.
Status apply_level(Level level, Status outcome);

}  // namespace v6c::catalog
