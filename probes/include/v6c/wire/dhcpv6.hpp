// DHCPv6 messages (RFC 8415) with the options a conformance check reads.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "v6c/wire/addr.hpp"

namespace v6c::wire {

enum class Dhcp6Type : std::uint8_t {  // RFC 8415 §7.3
  solicit = 1, advertise = 2, request = 3, confirm = 4, renew = 5, rebind = 6, reply = 7,
  release = 8, decline = 9, reconfigure = 10, information_request = 11,
  relay_forw = 12, relay_repl = 13,
};

// RFC 8415 §11: a DUID. Fields that the type does not carry stay empty.
struct Duid {
  std::uint16_t type = 0;  // 1 LLT, 2 EN, 3 LL, 4 UUID (RFC 6355)
  std::uint16_t hw_type = 0;                 // LLT, LL
  std::uint32_t time = 0;                    // LLT
  std::uint32_t enterprise = 0;              // EN
  std::vector<std::uint8_t> identifier;      // link-layer address, EN identifier or UUID
  std::vector<std::uint8_t> raw;             // the whole DUID as sent
  bool operator==(const Duid&) const = default;
};

struct Dhcp6Status {  // RFC 8415 §21.13
  std::uint16_t code = 0;  // 0 Success, 2 NoAddrsAvail, ...
  std::string message;
  bool operator==(const Dhcp6Status&) const = default;
};

struct IaAddress {  // RFC 8415 §21.6
  Ip6 address;
  std::uint32_t preferred_s = 0, valid_s = 0;
  std::optional<Dhcp6Status> status;
  bool operator==(const IaAddress&) const = default;
};

struct IaNa {  // RFC 8415 §21.4
  std::uint32_t iaid = 0, t1_s = 0, t2_s = 0;
  std::vector<IaAddress> addresses;
  std::optional<Dhcp6Status> status;
  bool operator==(const IaNa&) const = default;
};

struct Dhcp6Option {  // an option we keep but do not interpret
  std::uint16_t code = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const Dhcp6Option&) const = default;
};

struct Dhcp6Message {
  Dhcp6Type type = Dhcp6Type::solicit;
  std::uint32_t transaction_id = 0;  // 24 bits
  std::uint16_t src_port = 0, dst_port = 0;  // from the UDP header
  std::optional<Duid> client_id, server_id;
  std::vector<IaNa> ia_na;
  std::optional<Dhcp6Status> status;
  std::vector<Ip6> dns_servers;              // RFC 3646 option 23
  std::vector<std::string> domain_list;      // RFC 3646 option 24
  std::optional<std::uint8_t> preference;    // option 7
  bool rapid_commit = false;                 // option 14
  std::optional<std::uint32_t> info_refresh_time_s;  // option 32
  std::optional<std::uint16_t> elapsed_time_cs;      // option 8
  std::vector<std::uint16_t> option_request;         // option 6
  std::vector<Dhcp6Option> unknown;
  bool operator==(const Dhcp6Message&) const = default;
};

std::string to_string(Dhcp6Type t);

// Request/response matching (RFC 8415 §16): whether a client that sent `sent` accepts
// `received` as its answer (type, transaction id, Client and Server Identifier rules).
bool dhcp6_answers(const Dhcp6Message& sent, const Dhcp6Message& received);

}  // namespace v6c::wire
