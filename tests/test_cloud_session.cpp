// Keystone v3: token requests for each auth method, the token and its catalog from a canned
// answer, endpoint choice by type, region and interface, and a session that reuses its token.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "v6c/cloud/errors.hpp"
#include "../controller/cloud_exit.hpp"
#include "v6c/cloud/fake_transport.hpp"
#include "v6c/cloud/session.hpp"

using namespace v6c::cloud;
using nlohmann::json;

namespace {

json fixture_json(const std::string& name) {
  std::ifstream in(std::string(V6C_FIXTURES) + "/cloud/" + name);
  return json::parse(in);
}

CloudConfig password_cloud() {
  CloudConfig c;
  c.name = "test";
  c.auth_url = "https://keystone.example.com:5000";
  c.username = "v6c-member";
  c.password = "pw";
  c.user_domain_name = "Default";
  c.project_name = "v6c";
  c.project_domain_id = "default";
  c.region_name = "RegionOne";
  return c;
}

Response token_answer(const std::string& id = "gAAAAAB-token") {
  return json_response(201, fixture_json("keystone/token.json"), {{"X-Subject-Token", id}});
}

}  // namespace

TEST_CASE("token request: password, by names and domains or by ids", "[cloud-session]") {
  auto c = password_cloud();
  auto r = token_request(c);
  CHECK(r.method == Method::post);
  CHECK(r.url == "https://keystone.example.com:5000/v3/auth/tokens");
  CHECK(json::parse(r.body) == json::parse(R"({"auth": {
      "identity": {"methods": ["password"],
                   "password": {"user": {"name": "v6c-member", "domain": {"name": "Default"}, "password": "pw"}}},
      "scope": {"project": {"name": "v6c", "domain": {"id": "default"}}}}})"));
  c.username.clear();
  c.user_id = "u1";
  c.project_id = "p1";
  CHECK(json::parse(token_request(c).body) == json::parse(R"({"auth": {
      "identity": {"methods": ["password"], "password": {"user": {"id": "u1", "password": "pw"}}},
      "scope": {"project": {"id": "p1"}}}})"));
}

TEST_CASE("token request: application credential by id, or by name with its user: no scope", "[cloud-session]") {
  CloudConfig c;
  c.auth_type = AuthType::application_credential;
  c.auth_url = "https://keystone.example.com/identity/v3/";
  c.application_credential_id = "ac1";
  c.application_credential_secret = "sec";
  auto r = token_request(c);
  CHECK(r.url == "https://keystone.example.com/identity/v3/auth/tokens");
  CHECK(json::parse(r.body) == json::parse(R"({"auth": {"identity": {"methods": ["application_credential"],
      "application_credential": {"id": "ac1", "secret": "sec"}}}})"));
  c.application_credential_id.clear();
  c.application_credential_name = "v6c";
  c.username = "alice";
  c.user_domain_id = "default";
  CHECK(json::parse(token_request(c).body)["auth"]["identity"]["application_credential"] ==
        json::parse(R"({"name": "v6c", "secret": "sec", "user": {"name": "alice", "domain": {"id": "default"}}})"));
}

TEST_CASE("identity URL: /v3 appended once", "[cloud-session]") {
  CHECK(identity_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000/v3");
  CHECK(identity_url("http://127.0.0.1:5000/") == "http://127.0.0.1:5000/v3");
  CHECK(identity_url("http://127.0.0.1:5000/v3") == "http://127.0.0.1:5000/v3");
  CHECK(identity_url("https://cloud.example.com/identity/v3/") == "https://cloud.example.com/identity/v3");
}

TEST_CASE("token answer: id, expiry, project, catalog", "[cloud-session]") {
  const auto t = parse_token(token_answer());
  CHECK(t.id == "gAAAAAB-token");
  CHECK(t.project_id == "a1b2c3d4e5f60718293a4b5c6d7e8f90");
  CHECK(t.project_name == "v6c");
  CHECK(t.user_name == "v6c-member");
  CHECK(t.expires_at == Clock::from_time_t(1893499200));  // 2030-01-01T12:00:00Z
  CHECK(t.catalog.size() == 8);
  CHECK(t.roles == std::vector<std::string>{"member", "reader"});

  SECTION("malformed answers are named") {
    CHECK_THROWS_WITH(parse_token(json_response(201, fixture_json("keystone/token.json"))), Catch::Contains("X-Subject-Token"));
    CHECK_THROWS_AS(parse_token(json_response(201, {{"nope", 1}}, {{"X-Subject-Token", "t"}})), BadResponse);
    auto unscoped = fixture_json("keystone/token.json");
    unscoped["token"].erase("project");
    CHECK_THROWS_WITH(parse_token(json_response(201, unscoped, {{"X-Subject-Token", "t"}})), Catch::Contains("unscoped"));
  }
  SECTION("timestamps") {
    CHECK(parse_timestamp("2030-01-01T12:00:00Z") == Clock::from_time_t(1893499200));
    CHECK(parse_timestamp("2030-01-01T12:00:00.123456+00:00") == Clock::from_time_t(1893499200));
    CHECK_FALSE(parse_timestamp("tomorrow"));
    CHECK_FALSE(parse_timestamp("2030-01-01T12:00:00+02:00"));
  }
}

TEST_CASE("SCS pre-flight: a plain project member, as the token's roles say", "[cloud-session]") {
  using Roles = std::vector<std::string>;
  CHECK(unprivileged_member_problem(parse_token(token_answer()).roles).empty());  // member, reader
  CHECK(unprivileged_member_problem(Roles{"member"}).empty());
  CHECK(unprivileged_member_problem(Roles{"member", "load-balancer_member"}).empty());
  CHECK_THAT(unprivileged_member_problem(Roles{"member", "admin"}), Catch::Contains("admin role"));
  CHECK_THAT(unprivileged_member_problem(Roles{"manager", "member"}), Catch::Contains("manager role"));
  CHECK_THAT(unprivileged_member_problem(Roles{"reader"}), Catch::Contains("lack the member role") &&
                                                                Catch::Contains("roles: reader"));
  CHECK_THAT(unprivileged_member_problem(Roles{}), Catch::Contains("roles: none"));
  CHECK_FALSE(unprivileged_member_problem(Roles{"Member"}).empty());  // role names are exact, as Keystone's policies
  auto admin = fixture_json("keystone/token.json");
  admin["token"]["roles"].push_back({{"id", "0a"}, {"name", "admin"}});
  const auto t = parse_token(json_response(201, admin, {{"X-Subject-Token", "t"}}));
  CHECK_FALSE(unprivileged_member_problem(t.roles).empty());
}

TEST_CASE("endpoints by type, region and interface", "[cloud-session]") {
  const auto catalog = parse_token(token_answer()).catalog;
  CHECK(find_endpoint(catalog, "network", "RegionOne", "public") == "https://neutron.example.com:9696");
  CHECK(find_endpoint(catalog, "network", "RegionOne", "internal") == "http://neutron-int.example.com:9696/");
  CHECK(find_endpoint(catalog, "network", "RegionTwo", "public") == "https://neutron.two.example.com/network/v2.0");
  CHECK(find_endpoint(catalog, "compute", "", "public") == "https://nova.example.com:8774/v2.1");  // any region: the first
  CHECK(find_endpoint(catalog, "image", "RegionTwo", "public") == "https://cloud.two.example.com/image");
  CHECK_THROWS_WITH(find_endpoint(catalog, "network", "RegionOne", "admin"),
                    "the service catalog has no 'network' endpoint with interface admin in region RegionOne "
                    "(it has public@RegionOne, internal@RegionOne, public@RegionTwo)");
  CHECK_THROWS_WITH(find_endpoint(catalog, "volumev3", "", "public"), Catch::Contains("no such service at all"));
}

TEST_CASE("session: one token for many calls, renewed before expiry or when revoked", "[cloud-session]") {
  FakeTransport fake;
  int tokens = 0;
  fake.on(Method::post, "/v3/auth/tokens", [&](const Request&) { return token_answer("tok" + std::to_string(++tokens)); });
  std::vector<std::string> seen_tokens;
  fake.on(Method::get, "/v2.0/networks", [&](const Request& r) {
    seen_tokens.push_back(header(r.headers, "X-Auth-Token").value_or(""));
    return json_response(200, {{"networks", json::array()}});
  });
  Session session(password_cloud(), fake);
  auto now = Clock::from_time_t(1893499200) - std::chrono::hours(1);
  session.now = [&] { return now; };

  CHECK(session.endpoint("network") == "https://neutron.example.com:9696");
  session.call_json(Method::get, "https://neutron.example.com:9696/v2.0/networks");
  session.call_json(Method::get, "https://neutron.example.com:9696/v2.0/networks");
  CHECK(tokens == 1);
  CHECK(seen_tokens == std::vector<std::string>{"tok1", "tok1"});

  SECTION("four minutes before expiry the token is renewed") {
    now = Clock::from_time_t(1893499200) - std::chrono::minutes(4);
    session.call_json(Method::get, "https://neutron.example.com:9696/v2.0/networks");
    CHECK(tokens == 2);
    CHECK(seen_tokens.back() == "tok2");
  }
  SECTION("a 401 on a cached token: authenticate again and resend once") {
    int rejected = 0;
    fake.on(Method::get, "/v2.0/ports", [&](const Request& r) {
      if (header(r.headers, "X-Auth-Token") == "tok1") {
        ++rejected;
        return json_response(401, fixture_json("errors/keystone-401.json"));
      }
      return json_response(200, {{"ports", json::array()}});
    });
    CHECK(session.call_json(Method::get, "https://neutron.example.com:9696/v2.0/ports")["ports"].empty());
    CHECK(rejected == 1);
    CHECK(tokens == 2);
  }
  SECTION("a 401 on a fresh token is AuthFailed") {
    fake.on(Method::get, "/v2.0/ports", 401, fixture_json("errors/keystone-401.json"));
    CHECK_THROWS_AS(session.call_json(Method::get, "https://neutron.example.com:9696/v2.0/ports"), AuthFailed);
    CHECK(tokens == 2);
  }
}

TEST_CASE("session: wrong password, wrong Keystone, unreachable Keystone", "[cloud-session]") {
  FakeTransport fake;
  Session session(password_cloud(), fake);
  SECTION("401 names the user and Keystone") {
    fake.on(Method::post, "/v3/auth/tokens", 401, fixture_json("errors/keystone-401.json"));
    try {
      session.token();
      FAIL("no error");
    } catch (const AuthFailed& e) {
      CHECK(std::string(e.what()) == "authentication failed for user v6c-member at https://keystone.example.com:5000/v3: "
                                     "401 The request you have made requires authentication.");
      CHECK(v6c::exit_code_for(e) == 3);
    }
  }
  SECTION("a URL that is not Keystone") {
    fake.on(Method::post, "/v3/auth/tokens", [](const Request&) { return Response{404, {}, "<h1>Not Found</h1>"}; });
    CHECK_THROWS_WITH(session.token(), "not found: POST https://keystone.example.com:5000/v3/auth/tokens: 404 Not Found");
  }
  SECTION("the transport's Unreachable passes through") {
    fake.on(Method::post, "/v3/auth/tokens", [](const Request&) -> Response {
      throw Unreachable("cannot reach keystone.example.com:5000 (https://keystone.example.com:5000/v3/auth/tokens): connecting to: Connection refused");
    });
    CHECK_THROWS_AS(session.token(), Unreachable);
  }
}
