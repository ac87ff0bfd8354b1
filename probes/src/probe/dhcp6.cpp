// A userspace DHCPv6 client over a raw link (RFC 8415 §18): Solicit → Advertise →
// Request → Reply, or Information-request → Reply. It records what it sent and saw and
// what the server offered; it never configures the host.
#include <algorithm>
#include <random>

#include "common.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::probe {
namespace {

using wire::Dhcp6Message;
using wire::Dhcp6Type;

constexpr std::uint16_t kClientPort = 546, kServerPort = 547;  // RFC 8415 §7.2
// RFC 8415 leaves the hop limit to the socket: real clients (dhclient, dhcpcd,
// systemd-networkd) send with the multicast default of 1 (RFC 3493 §5.2).
constexpr std::uint8_t kMulticastHopLimit = 1;
const char* const kClientFilter = "ip6 and udp dst port 546";

// RFC 8415 §7.6: SOL_TIMEOUT = REQ_TIMEOUT = INF_TIMEOUT; §15: RAND in [-0.1, 0.1].
constexpr std::chrono::milliseconds kInitialRt{1000};
constexpr double kRandSpread = 0.1;
constexpr std::uint8_t kMaxPreference = 255;  // RFC 8415 §18.2.1: take this Advertise at once
constexpr std::uint32_t kElapsedMaxCs = 0xffff;  // RFC 8415 §21.9
using Centiseconds = std::chrono::duration<std::int64_t, std::centi>;  // Elapsed Time's unit
constexpr std::uint32_t kTransactionIdBits = 0xffffff;

// RFC 8415 §11.4: DUID-LL over an Ethernet hardware address (IANA hardware type 1).
constexpr std::uint16_t kDuidLl = 3, kHwTypeEthernet = 1;

// Options the client asks for (RFC 8415 §18.2.1, §18.2.6 require SOL_MAX_RT, and
// INF_MAX_RT with the Information Refresh Time).
constexpr std::uint16_t kOptDnsServers = 23, kOptDomainList = 24;  // RFC 3646
constexpr std::uint16_t kOptInfoRefreshTime = 32, kOptSolMaxRt = 82, kOptInfMaxRt = 83;

constexpr std::uint16_t kStatusSuccess = 0;  // RFC 8415 §21.13

wire::Duid duid_ll(const wire::Mac& mac) {
  wire::Duid d;
  d.type = kDuidLl;
  d.hw_type = kHwTypeEthernet;
  d.identifier.assign(mac.bytes.begin(), mac.bytes.end());
  d.raw = {0, kDuidLl, 0, kHwTypeEthernet};
  d.raw.insert(d.raw.end(), mac.bytes.begin(), mac.bytes.end());
  return d;
}

// Answers the link-local's neighbour solicitations while the exchange runs, when the
// kernel does not hold that address itself (the server unicasts nothing, but resolves us).
class OwnedAddress {
 public:
  OwnedAddress(Link& link, const wire::Ip6& addr) : link_(link), addr_(addr), owned_(!link.kernel_link_local()) {
    if (owned_) link_.own(addr_);
  }
  ~OwnedAddress() {
    if (owned_) link_.disown(addr_);
  }
  OwnedAddress(const OwnedAddress&) = delete;
  OwnedAddress& operator=(const OwnedAddress&) = delete;

 private:
  Link& link_;
  wire::Ip6 addr_;
  bool owned_;
};

// The first status that is not Success, looking at the message, its IA_NAs and their
// addresses; nullopt when all say Success or none is present.
std::optional<wire::Dhcp6Status> failure(const Dhcp6Message& m) {
  auto failed = [](const std::optional<wire::Dhcp6Status>& s) { return s && s->code != kStatusSuccess; };
  if (failed(m.status)) return m.status;
  for (const wire::IaNa& ia : m.ia_na) {
    if (failed(ia.status)) return ia.status;
    for (const wire::IaAddress& a : ia.addresses)
      if (failed(a.status)) return a.status;
  }
  return std::nullopt;
}

std::optional<wire::Ip6> offered_address(const Dhcp6Message& m) {
  for (const wire::IaNa& ia : m.ia_na)
    for (const wire::IaAddress& a : ia.addresses)
      if (a.valid_s > 0) return a.address;
  return std::nullopt;
}

// RFC 8415 §18.2.1: of the Advertises that offer an address, the highest preference (absent
// counts as 0), then the first received.
const Dhcp6Message* best_advertise(const std::vector<Dhcp6Message>& advertises) {
  const Dhcp6Message* best = nullptr;
  for (const Dhcp6Message& m : advertises)
    if (!best || m.preference.value_or(0) > best->preference.value_or(0)) best = &m;
  return best;
}

std::string status_outcome(const wire::Dhcp6Status& s) {
  return "status " + std::to_string(s.code) + ": " + s.message;
}

class Client {
 public:
  Client(Link& link, const Dhcp6Options& o, wire::Dhcp6Result& result)
      : link_(link), o_(o), result_(result), rng_(std::random_device{}()) {
    addressing_.src_mac = link.mac();
    addressing_.dst_mac = wire::multicast_mac(wire::kAllDhcpAgents);
    addressing_.src_ip = link.link_local();
    addressing_.dst_ip = wire::kAllDhcpAgents;
    addressing_.hop_limit = kMulticastHopLimit;
    duid_ = duid_ll(link.mac());
  }

  const wire::Ip6& source() const { return addressing_.src_ip; }

  Dhcp6Message message(Dhcp6Type type, std::vector<std::uint16_t> option_request) {
    Dhcp6Message m;
    m.type = type;
    m.transaction_id = static_cast<std::uint32_t>(rng_()) & kTransactionIdBits;  // new per exchange
    m.src_port = kClientPort;
    m.dst_port = kServerPort;
    m.client_id = duid_;
    m.option_request = std::move(option_request);
    return m;
  }

  // One exchange (RFC 8415 §15): sends `m`, retransmits on the schedule until an answer
  // that dhcp6_answers() accepts arrives, at most o.retries times and never past
  // o.timeout. With `collect`, gathers every answer until the first RT ends (§18.2.1,
  // Advertises) unless one carries the highest preference.
  std::vector<Dhcp6Message> exchange(Dhcp6Message m, bool collect) {
    const Clock::time_point start = Clock::now();
    const Deadline deadline = start + o_.timeout;
    if (!first_sent_) first_sent_ = start;
    std::vector<Dhcp6Message> answers;
    // §15: the first RT of a Solicit has RAND > 0, so a crowd of clients spreads out.
    auto rt = std::chrono::duration<double, std::milli>(kInitialRt) *
              (1 + (m.type == Dhcp6Type::solicit ? rand01() : rand_pm()) * kRandSpread);
    for (int transmission = 0; transmission <= o_.retries; ++transmission) {
      auto elapsed = std::chrono::duration_cast<Centiseconds>(Clock::now() - start).count();
      m.elapsed_time_cs = static_cast<std::uint16_t>(std::min<std::int64_t>(elapsed, kElapsedMaxCs));
      send(m);
      // The last transmission waits for late answers until the step's deadline.
      Deadline round_end = transmission == o_.retries
                               ? deadline
                               : std::min(deadline, Clock::now() + std::chrono::duration_cast<Clock::duration>(rt));
      bool collecting = collect && transmission == 0;
      while (auto packet = link_.receive(round_end)) {
        result_.exchange.push_back(*packet);
        const auto* answer = packet->as<Dhcp6Message>();
        if (!answer || !wire::dhcp6_answers(m, *answer)) continue;
        // RFC 8415 §18.2.9: an Advertise without an address is ignored and the Solicit goes on
        // (a Neutron port's host entry may reach dnsmasq after the VM has booted); what it
        // said is kept for the outcome if nothing better comes.
        if (m.type == Dhcp6Type::solicit && answer->type == Dhcp6Type::advertise && !offered_address(*answer)) {
          if (!refusal_) refusal_ = failure(*answer);
          empty_advertise_ = true;
          continue;
        }
        answers.push_back(*answer);
        last_answer_ = Clock::now();
        if (!collecting || answer->preference == kMaxPreference) return answers;
      }
      if (!answers.empty() || round_end == deadline) break;  // that round ran to the step's deadline
      rt = rt * (2 + rand_pm() * kRandSpread);  // §15: RT = 2*RTprev + RAND*RTprev
    }
    return answers;
  }

  // Why no Advertise was taken: the first one's refusal, an Advertise that offered nothing
  // and said nothing, or none at all.
  std::string no_offer() const {
    if (refusal_) return status_outcome(*refusal_);
    return empty_advertise_ ? wire::kDhcp6EmptyAdvertise : "no-advertise";
  }

  std::optional<double> elapsed_ms() const {
    if (!first_sent_ || !last_answer_) return std::nullopt;
    return detail::ms_between(*first_sent_, *last_answer_);
  }

 private:
  double rand01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  double rand_pm() { return std::uniform_real_distribution<double>(-1.0, 1.0)(rng_); }

  void send(const Dhcp6Message& m) {
    wire::Bytes frame = wire::build_dhcp6(addressing_, m);
    link_.send(frame);
    result_.exchange.push_back(detail::sent_packet(frame));
  }

  Link& link_;
  const Dhcp6Options& o_;
  wire::Dhcp6Result& result_;
  std::mt19937 rng_;
  wire::Addressing addressing_;
  wire::Duid duid_;
  std::optional<Clock::time_point> first_sent_, last_answer_;
  std::optional<wire::Dhcp6Status> refusal_;  // the first status of an Advertise that offered no address
  bool empty_advertise_ = false;               // an Advertise offered no address
};

// What the final Reply (or a refusing Advertise) says, into the result.
void read_reply(const Dhcp6Message& reply, wire::Dhcp6Result& r) {
  if (auto s = failure(reply)) {
    r.outcome = status_outcome(*s);
  } else {
    r.outcome = "ok";
  }
  r.address = offered_address(reply);
  r.dns_servers = reply.dns_servers;
  r.domains = reply.domain_list;
}

}  // namespace

wire::Dhcp6Result dhcp6(Link& link, const Dhcp6Options& o) {
  wire::Dhcp6Result result;
  result.mode = o.stateful ? "stateful" : "stateless";
  link.set_filter(kClientFilter);
  Client client(link, o, result);
  OwnedAddress own(link, client.source());

  if (!o.stateful) {
    Dhcp6Message info = client.message(Dhcp6Type::information_request,
                                       {kOptDnsServers, kOptDomainList, kOptInfoRefreshTime, kOptInfMaxRt});
    std::vector<Dhcp6Message> replies = client.exchange(info, false);
    if (replies.empty()) {
      result.outcome = "no-reply";
      return result;
    }
    read_reply(replies.front(), result);
    if (result.outcome == "ok") result.address.reset();  // stateless: no IA_NA asked for
    result.elapsed_ms = client.elapsed_ms();
    return result;
  }

  const std::vector<std::uint16_t> oro = {kOptDnsServers, kOptDomainList, kOptSolMaxRt};
  Dhcp6Message solicit = client.message(Dhcp6Type::solicit, oro);
  wire::IaNa ia;
  ia.iaid = o.iaid;
  solicit.ia_na = {ia};
  solicit.rapid_commit = o.rapid_commit;
  std::vector<Dhcp6Message> advertises = client.exchange(solicit, true);
  if (advertises.empty()) {
    result.outcome = client.no_offer();
    return result;
  }
  // RFC 8415 §18.2.1: with Rapid Commit the server may answer the Solicit with its Reply.
  auto rapid = std::find_if(advertises.begin(), advertises.end(),
                            [](const Dhcp6Message& m) { return m.type == Dhcp6Type::reply; });
  if (rapid != advertises.end()) {
    read_reply(*rapid, result);
    result.elapsed_ms = client.elapsed_ms();
    return result;
  }
  const Dhcp6Message& chosen = *best_advertise(advertises);

  Dhcp6Message request = client.message(Dhcp6Type::request, oro);
  request.server_id = chosen.server_id;
  // RFC 8415 §18.2.2: ask for the advertised addresses; lifetimes are the server's to set.
  for (wire::IaNa offered : chosen.ia_na) {
    offered.t1_s = offered.t2_s = 0;
    offered.status.reset();
    for (wire::IaAddress& a : offered.addresses) {
      a.preferred_s = a.valid_s = 0;
      a.status.reset();
    }
    request.ia_na.push_back(offered);
  }
  if (request.ia_na.empty()) request.ia_na = {ia};
  std::vector<Dhcp6Message> replies = client.exchange(request, false);
  if (replies.empty()) {
    result.outcome = "no-reply";
    return result;
  }
  read_reply(replies.front(), result);
  result.elapsed_ms = client.elapsed_ms();
  return result;
}

}  // namespace v6c::probe
