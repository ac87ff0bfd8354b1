// The userspace DHCPv6 client against real servers in namespaces this test creates:
// dnsmasq configured as Neutron's DHCP agent configures it, and Kea with a host
// reservation. Stateful must get exactly the reserved address, stateless the DNS servers
// and domain search; with no server the client gives up within its deadline.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "netlab.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/build.hpp"
#include "literals.hpp"

using namespace v6c;
using namespace std::chrono_literals;
using wire::Dhcp6Message;
using wire::Dhcp6Type;
using namespace v6c::test;

namespace {

constexpr std::uint16_t kClientPort = 546, kServerPort = 547;  // RFC 8415 §7.2
const char* const kSubnet = "2001:db8:d6::";
const char* const kServerAddress = "2001:db8:d6::2";  // the DHCP port's fixed IP, Neutron style
const char* const kReserved = "2001:db8:d6::10";      // the VM port's fixed IP
const char* const kDnsServer = "2001:db8:53::1";
const char* const kDomain = "d6.example";
constexpr auto kServerStart = 10s;


// Waits until something in the namespace listens on the DHCPv6 server port.
void wait_server_port(const host::Netns& ns) {
  auto deadline = std::chrono::steady_clock::now() + kServerStart;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = ns.run({"ss", "-H", "-u", "-l", "-n", "sport = :" + std::to_string(kServerPort)});
    if (!r.out.empty()) return;
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("no DHCPv6 server listening in " + ns.name());
}

// dnsmasq as neutron/agent/linux/dhcp.py runs it for one IPv6 subnet (stateful and
// stateless alike get a "static" range), plus what a test needs: no DNS, its own files,
// bound to the one veth, in the foreground so it can be ended by PID.
struct Dnsmasq {
  test::TempDir dir{"d6-dnsmasq"};
  std::unique_ptr<host::Process> proc;
  Dnsmasq(const test::NetPair& net, bool with_host) {
    const std::string tag = "subnet-d6";
    std::string hosts = with_host ? net.h_mac + ",host-2001-db8-d6--10.openstacklocal,[" + kReserved + "]\n" : "";
    std::string opts = "tag:" + tag + ",option6:dns-server,[" + kDnsServer + "]\n" + "tag:" + tag +
                       ",option6:domain-search," + kDomain + "\n";
    proc = std::make_unique<host::Process>(
        host::Argv{"dnsmasq", "--keep-in-foreground", "--no-hosts", "--no-resolv", "--port=0",
                   "--conf-file=/dev/null", "--bind-interfaces", "--interface=" + net.r_if,
                   "--except-interface=lo", "--pid-file=" + dir.file("pid"),
                   "--dhcp-hostsfile=" + dir.file("host", hosts.empty() ? "\n" : hosts),
                   "--dhcp-optsfile=" + dir.file("opts", opts), "--dhcp-leasefile=" + dir.file("leases"),
                   std::string("--dhcp-range=set:") + tag + "," + kSubnet + ",static,64,86400s",
                   "--log-dhcp", "--log-facility=-"},
        net.r->name(), dir.file("dnsmasq.log"));
    wait_server_port(*net.r);
  }
};

// kea-dhcp6 with a reservation for the client's MAC, every file in a temp dir, its server
// DUID fixed and not persisted (Kea would otherwise write /var/lib/kea).
struct Kea {
  test::TempDir dir{"d6-kea"};
  std::unique_ptr<host::Process> proc;
  explicit Kea(const test::NetPair& net, bool rapid_commit = false) {
    std::string conf = R"({"Dhcp6": {
      "interfaces-config": {"interfaces": [")" + net.r_if + R"("]},
      "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "d6d6d6d6", "persist": false},
      "lease-database": {"type": "memfile", "persist": true, "lfc-interval": 0, "name": ")" +
                       dir.file("leases.csv") + R"("},
      "host-reservation-identifiers": ["hw-address", "duid"],
      "subnet6": [{
        "id": 1, "subnet": ")" + std::string(kSubnet) + R"(/64", "interface": ")" + net.r_if + R"(",
        "rapid-commit": )" + (rapid_commit ? "true" : "false") + R"(,
        "pools": [{"pool": "2001:db8:d6::100-2001:db8:d6::1ff"}],
        "reservations": [{"hw-address": ")" + net.h_mac + R"(", "ip-addresses": [")" + kReserved + R"("]}],
        "option-data": [{"name": "dns-servers", "data": ")" + kDnsServer + R"("},
                        {"name": "domain-search", "data": ")" + kDomain + R"("}]
      }],
      "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}]
    }})";
    proc = std::make_unique<host::Process>(
        host::Argv{"env", "KEA_LOCKFILE_DIR=" + dir.path.string(), "KEA_PIDFILE_DIR=" + dir.path.string(),
                   "kea-dhcp6", "-c", dir.file("kea-dhcp6.conf", conf)},
        net.r->name(), dir.file("kea.log"));
    wait_server_port(*net.r);
  }
};

// A client and a server namespace joined by a veth; the server holds the DHCP port's
// address, and both link-locals are usable (no DAD in these namespaces).
struct Lab {
  test::NetPair net{"d6-"};
  Lab() {
    net.r->must({"ip", "addr", "add", std::string(kServerAddress) + "/64", "dev", net.r_if, "nodad"});
    // A veth leaves locally sent UDP checksums to "offload" that never happens; Neutron's
    // DHCP agent fills them with this very rule so guests accept the replies.
    net.r->must({"ip6tables", "-t", "mangle", "-A", "POSTROUTING", "-p", "udp", "--dport",
                 std::to_string(kClientPort), "-j", "CHECKSUM", "--checksum-fill"});
    test::wait_link_local(*net.r, net.r_if);
    test::wait_link_local(*net.h, net.h_if);
  }
  wire::Dhcp6Result run(const probe::Dhcp6Options& o) {
    wire::Dhcp6Result r;
    test::in_netns(net.h->name(), [&] {
      probe::Link link(net.h_if);
      r = probe::dhcp6(link, o);
    });
    return r;
  }
};

probe::Dhcp6Options options(bool stateful) {
  probe::Dhcp6Options o;
  o.stateful = stateful;
  o.timeout = 4000ms;
  o.retries = 2;
  return o;
}

// The DHCPv6 messages of an exchange, sent and received, in order.
std::vector<const wire::Packet*> dhcp6_packets(const wire::Dhcp6Result& r) {
  std::vector<const wire::Packet*> out;
  for (const auto& p : r.exchange)
    if (p.as<Dhcp6Message>()) out.push_back(&p);
  return out;
}

std::vector<Dhcp6Type> types(const std::vector<const wire::Packet*>& packets) {
  std::vector<Dhcp6Type> out;
  for (const auto* p : packets) out.push_back(p->as<Dhcp6Message>()->type);
  return out;
}

// What a server's answer must look like on the wire (RFC 8415 §7, §16).
void check_server_answer(const wire::Packet& p, const Ip6& client_ll) {
  const auto* m = p.as<Dhcp6Message>();
  CHECK(p.ctx.src_ip.is_link_local());
  CHECK(p.ctx.dst_ip == client_ll);
  CHECK(m->src_port == kServerPort);
  CHECK(m->dst_port == kClientPort);
  CHECK(p.ctx.checksum_ok);
  CHECK(m->server_id);
}

void check_stateful(const wire::Dhcp6Result& r, const test::NetPair& net) {
  INFO("outcome " << r.outcome);
  CHECK(r.mode == "stateful");
  CHECK(r.outcome == "ok");
  CHECK(r.address == std::optional<Ip6>(ip(kReserved)));
  CHECK(r.dns_servers == std::vector<Ip6>{ip(kDnsServer)});
  CHECK(r.domains == std::vector<std::string>{kDomain});
  REQUIRE(r.elapsed_ms);
  CHECK(*r.elapsed_ms > 0);

  auto packets = dhcp6_packets(r);
  REQUIRE(types(packets) ==
          std::vector<Dhcp6Type>{Dhcp6Type::solicit, Dhcp6Type::advertise, Dhcp6Type::request, Dhcp6Type::reply});
  const auto& solicit = *packets[0]->as<Dhcp6Message>();
  const auto& advertise = *packets[1]->as<Dhcp6Message>();
  const auto& request = *packets[2]->as<Dhcp6Message>();
  const auto& reply = *packets[3]->as<Dhcp6Message>();
  Ip6 client_ll = wire::link_local_of(*wire::Mac::parse(net.h_mac));
  // What we sent: from our link-local to All_DHCP_Relay_Agents_and_Servers, hop limit 1.
  CHECK(packets[0]->ctx.src_ip == client_ll);
  CHECK(packets[0]->ctx.dst_ip == wire::kAllDhcpAgents);
  CHECK(packets[0]->ctx.dst_mac == *wire::Mac::parse("33:33:00:01:00:02"));
  CHECK(packets[0]->ctx.hop_limit == 1);
  REQUIRE(solicit.client_id);
  CHECK(solicit.client_id->type == 3);
  auto mac = wire::Mac::parse(net.h_mac)->bytes;
  CHECK(solicit.client_id->identifier == std::vector<std::uint8_t>(mac.begin(), mac.end()));
  CHECK(solicit.elapsed_time_cs == std::optional<std::uint16_t>(0));
  check_server_answer(*packets[1], client_ll);
  check_server_answer(*packets[3], client_ll);
  CHECK(advertise.transaction_id == solicit.transaction_id);
  CHECK(request.server_id == advertise.server_id);
  CHECK(request.transaction_id != solicit.transaction_id);  // a new exchange
  CHECK(reply.transaction_id == request.transaction_id);
  CHECK(reply.client_id == solicit.client_id);
}

void check_stateless(const wire::Dhcp6Result& r, const test::NetPair& net) {
  INFO("outcome " << r.outcome);
  CHECK(r.mode == "stateless");
  CHECK(r.outcome == "ok");
  CHECK_FALSE(r.address);
  CHECK(r.dns_servers == std::vector<Ip6>{ip(kDnsServer)});
  CHECK(r.domains == std::vector<std::string>{kDomain});
  auto packets = dhcp6_packets(r);
  REQUIRE(types(packets) == std::vector<Dhcp6Type>{Dhcp6Type::information_request, Dhcp6Type::reply});
  check_server_answer(*packets[1], wire::link_local_of(*wire::Mac::parse(net.h_mac)));
  CHECK(packets[0]->as<Dhcp6Message>()->ia_na.empty());
}

}  // namespace

TEST_CASE("dhcp6 against dnsmasq configured as Neutron's DHCP agent", "[link][dhcp6]") {
  REQUIRE(host::is_root());
  std::string prefix;
  SECTION("stateful: Solicit, Advertise, Request, Reply give the dhcp-host address") {
    Lab lab;
    prefix = lab.net.prefix;
    Dnsmasq server(lab.net, true);
    auto r = lab.run(options(true));
    check_stateful(r, lab.net);
  }
  SECTION("stateful without a dhcp-host: the server's refusal becomes the outcome") {
    Lab lab;
    prefix = lab.net.prefix;
    Dnsmasq server(lab.net, false);
    auto r = lab.run(options(true));
    INFO("outcome " << r.outcome);
    CHECK(r.outcome.rfind("status 2: ", 0) == 0);  // NoAddrsAvail (RFC 8415 §21.13)
    CHECK_FALSE(r.address);
    auto packets = dhcp6_packets(r);
    REQUIRE(packets.size() >= 2);
    CHECK(types(packets)[1] == Dhcp6Type::advertise);
  }
  SECTION("stateful, the dhcp-host added while the client solicits: it goes on and gets the address") {
    // As Neutron's DHCP agent does when a port's host entry arrives after the VM booted:
    // rewrite the hosts file, SIGHUP. The Advertise that offered nothing is ignored (RFC 8415
    // §18.2.9), so the next Solicit finds the entry.
    Lab lab;
    prefix = lab.net.prefix;
    Dnsmasq server(lab.net, false);
    std::thread reload([&] {
      std::this_thread::sleep_for(1200ms);
      server.dir.file("host", lab.net.h_mac + ",host-2001-db8-d6--10.openstacklocal,[" + kReserved + "]\n");
      ::kill(server.proc->pid(), SIGHUP);
    });
    auto r = lab.run(options(true));
    reload.join();
    INFO("outcome " << r.outcome);
    CHECK(r.outcome == "ok");
    CHECK(r.address == std::optional<Ip6>(ip(kReserved)));
    auto seen = types(dhcp6_packets(r));
    CHECK(std::count(seen.begin(), seen.end(), Dhcp6Type::solicit) >= 2);
    CHECK(std::count(seen.begin(), seen.end(), Dhcp6Type::advertise) >= 2);  // the refusal, then the offer
  }
  SECTION("stateless: Information-request gets DNS servers and domain search") {
    Lab lab;
    prefix = lab.net.prefix;
    Dnsmasq server(lab.net, false);
    auto r = lab.run(options(false));
    check_stateless(r, lab.net);
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("dhcp6 against Kea with a host reservation", "[link][dhcp6]") {
  REQUIRE(host::is_root());
  std::string prefix;
  SECTION("stateful") {
    Lab lab;
    prefix = lab.net.prefix;
    Kea server(lab.net);
    auto r = lab.run(options(true));
    check_stateful(r, lab.net);
    auto packets = dhcp6_packets(r);
    REQUIRE(packets.size() == 4);
    const auto& server_id = packets[1]->as<Dhcp6Message>()->server_id;
    REQUIRE(server_id);
    CHECK(server_id->type == 2);  // the configured DUID-EN
    CHECK(server_id->enterprise == 2495);
  }
  SECTION("stateless") {
    Lab lab;
    prefix = lab.net.prefix;
    Kea server(lab.net);
    check_stateless(lab.run(options(false)), lab.net);
  }
  SECTION("rapid commit: the Solicit is answered by the Reply (RFC 8415 §18.2.1)") {
    Lab lab;
    prefix = lab.net.prefix;
    Kea server(lab.net, true);
    probe::Dhcp6Options o = options(true);
    o.rapid_commit = true;
    auto r = lab.run(o);
    INFO("outcome " << r.outcome);
    CHECK(r.outcome == "ok");
    CHECK(r.address == std::optional<Ip6>(ip(kReserved)));
    auto packets = dhcp6_packets(r);
    REQUIRE(types(packets) == std::vector<Dhcp6Type>{Dhcp6Type::solicit, Dhcp6Type::reply});
    CHECK(packets[0]->as<Dhcp6Message>()->rapid_commit);
    CHECK(packets[1]->as<Dhcp6Message>()->rapid_commit);
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("dhcp6 with no server gives up at its deadline", "[link][dhcp6]") {
  REQUIRE(host::is_root());
  std::string prefix;
  {
    Lab lab;
    prefix = lab.net.prefix;
    probe::Dhcp6Options o = options(true);
    o.timeout = 1500ms;
    o.retries = 3;
    auto started = std::chrono::steady_clock::now();
    auto r = lab.run(o);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(r.outcome == "no-advertise");
    CHECK_FALSE(r.address);
    CHECK_FALSE(r.elapsed_ms);
    CHECK(took >= o.timeout);       // it listened to the end
    CHECK(took < o.timeout + 1s);   // and not longer: the deadline, plus opening the link
    // RFC 8415 §15: retransmissions keep the transaction id and count Elapsed Time up;
    // the first RT is about 1 s, so a 1.5 s deadline leaves room for exactly one.
    auto packets = dhcp6_packets(r);
    REQUIRE(packets.size() == 2);
    const auto& first = *packets[0]->as<Dhcp6Message>();
    const auto& again = *packets[1]->as<Dhcp6Message>();
    CHECK(first.type == Dhcp6Type::solicit);
    CHECK(again.type == Dhcp6Type::solicit);
    CHECK(again.transaction_id == first.transaction_id);
    CHECK(first.elapsed_time_cs == std::optional<std::uint16_t>(0));
    REQUIRE(again.elapsed_time_cs);
    CHECK(*again.elapsed_time_cs >= 90);  // ≥ 0.9 s: RT is IRT ± 10% (RFC 8415 §15)
  }
  CHECK(test::nothing_left(prefix));
}

TEST_CASE("an Advertise without addresses and without a status code is reported as exactly that", "[link][dhcp6]") {
  REQUIRE(host::is_root());
  std::string prefix;
  {
    Lab lab;
    prefix = lab.net.prefix;
    const auto server_mac = *wire::Mac::parse(lab.net.r_mac);
    // A server that answers every Solicit with an Advertise holding its and the client's
    // identifiers and nothing else: no IA_NA, no Status Code (against RFC 8415 §18.3.9).
    std::atomic<bool> done{false};
    std::atomic<int> advertised{0};
    std::exception_ptr server_error;
    std::thread server([&] {
      try {
        test::in_netns(lab.net.r->name(), [&] {
          probe::Link link(lab.net.r_if);
          link.set_filter("ip6 and udp dst port 547");
          while (!done) {
            auto p = link.receive(probe::Clock::now() + 100ms);
            const auto* solicit = p ? p->as<Dhcp6Message>() : nullptr;
            if (!solicit || solicit->type != Dhcp6Type::solicit) continue;
            Dhcp6Message adv;
            adv.type = Dhcp6Type::advertise;
            adv.transaction_id = solicit->transaction_id;
            adv.src_port = kServerPort;
            adv.dst_port = kClientPort;
            adv.client_id = solicit->client_id;
            adv.server_id = wire::Duid{3, 1, 0, 0, {server_mac.bytes.begin(), server_mac.bytes.end()}, {}};
            link.send(wire::build_dhcp6({server_mac, p->ctx.src_mac, wire::link_local_of(server_mac), p->ctx.src_ip, 1},
                                        adv));
            ++advertised;
          }
        });
      } catch (...) {
        server_error = std::current_exception();
      }
    });
    probe::Dhcp6Options o = options(true);
    o.timeout = 2500ms;
    auto r = lab.run(o);
    done = true;
    server.join();
    if (server_error) std::rethrow_exception(server_error);
    INFO("outcome " << r.outcome);
    CHECK(advertised >= 1);
    CHECK(r.outcome == wire::kDhcp6EmptyAdvertise);
    CHECK_FALSE(r.address);
    auto seen = types(dhcp6_packets(r));
    CHECK(std::count(seen.begin(), seen.end(), Dhcp6Type::advertise) >= 1);
    CHECK(std::count(seen.begin(), seen.end(), Dhcp6Type::request) == 0);
  }
  CHECK(test::nothing_left(prefix));
}
