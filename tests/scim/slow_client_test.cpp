// A slow SCIM client costs only its connection.
// Clients that never read a large group hold no worker and no database
// session: /health and another tenant are answered meanwhile, and the write
// timeout closes them.  A request without a valid token is answered 401
// before its (large) body is read.
#define BOOST_TEST_MODULE scim_slow_client
#include "kestra/test/raw_client.hpp"
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>


#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace kestra::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

// Far below the 60 s read timeout a request stuck behind a slow client waits.
constexpr auto prompt = 10s;

// The raw answer to one request on a new connection ("" when none came within `prompt`).
std::string answer_of(std::uint16_t port, const std::string& head) {
  RawClient client(port, 4096);
  client.send(head);
  bool closed = false;
  return client.read_all(prompt, closed);
}

std::string get_head(const std::string& target, const Headers& headers = {}) {
  std::string head = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  return head + "\r\n";
}


HarnessOptions two_workers_short_write_timeout() {
  auto options = module_options({"acme", "beta"});
  // Four stalled readers of one tenant: past its fair share of 2 sessions
  // two would be refused 429 at once (noisy_neighbour_test covers that).
  options.extra_yaml += "kestra.harness.workers: 2\nmicronaut.server.write-idle-timeout: 2\n"
                        "kestra.scim.rate-limit.enabled: false\nkestra.scim.fair-share.enabled: false\n";
  return options;
}

}  // namespace

BOOST_AUTO_TEST_CASE(clients_that_never_read_a_large_group_block_no_other_tenant) {
  // Each member's $ref starts with the public URL: 4 KB of it makes the
  // group about 6 MB, far more than the sockets of a client that never reads hold.
  auto options = two_workers_short_write_timeout();
  options.extra_yaml += "kestra.url: http://" + std::string(4000, 'h') + "\n";
  HarnessProcess harness(options);
  Scim acme = scim_client(harness, "acme", "okta");
  Scim beta = scim_client(harness, "beta", "okta");
  const std::string group = create_group(acme, "Everyone", bulk_users(acme, 1500, "member-"));
  const std::string stalled_request = "GET " + acme.integration.base + "/Groups/" + group +
                                      " HTTP/1.1\r\nHost: " + std::string(4000, 'h') +
                                      "\r\nAuthorization: Bearer " + acme.integration.token + "\r\n\r\n";
  constexpr int stalled_count = 4;  // twice the workers
  std::vector<std::unique_ptr<RawClient>> stalled;
  for (int i = 0; i < stalled_count; ++i) {
    stalled.push_back(std::make_unique<RawClient>(harness.port(), 4096));
    stalled.back()->send(stalled_request);
  }

  // Meanwhile /health and another tenant's SCIM requests are answered.
  BOOST_TEST(answer_of(harness.port(), get_head("/health")).starts_with("HTTP/1.1 200"));
  const std::string other = answer_of(harness.port(), get_head(beta.integration.base + "/Users",
                                                               {{"Authorization", "Bearer " + beta.integration.token}}));
  BOOST_TEST(other.starts_with("HTTP/1.1 200"), other.substr(0, 300));
  BOOST_TEST(answer_of(harness.port(), get_head(acme.integration.base + "/Users?count=1",
                                                {{"Authorization", "Bearer " + acme.integration.token}}))
                 .starts_with("HTTP/1.1 200"));

  // The write timeout closes each stalled connection, its body cut short.
  BOOST_TEST(harness.wait_for_log("client took no response bytes within the write timeout", 30s, stalled_count));
  for (auto& client : stalled) {
    bool closed = false;
    const std::string wire = client->read_all(prompt, closed);
    BOOST_TEST(closed);
    BOOST_TEST(wire.starts_with("HTTP/1.1 200"), wire.substr(0, 300));
    BOOST_TEST(wire.find("\r\n0\r\n\r\n") == std::string::npos);
  }
  // The group is whole for a client that reads.
  const auto res = acme.get("/Groups/" + group);
  BOOST_TEST(res.status == 200u);
  BOOST_TEST(require_json(res, 200, "GET /Groups/{id}").at("members").as_array().size() == 1500u);
}

BOOST_AUTO_TEST_CASE(a_large_body_without_a_valid_token_is_401_before_it_is_read) {
  HarnessProcess harness([] {
    auto options = module_options({"acme"});
    options.extra_yaml += "kestra.scim.rate-limit.failed-auth-burst: 10000\n";  // many refusals on purpose
    return options;
  }());
  Scim acme = scim_client(harness, "acme", "okta");
  const std::vector<std::pair<std::string, Headers>> callers{
      {"no token", {}},
      {"wrong token", {{"Authorization", "Bearer not-the-token"}}},
      {"another integration's path", {{"Authorization", "Bearer " + acme.integration.token}}},
  };
  for (const auto& [name, headers] : callers) {
    BOOST_TEST_CONTEXT(name) {
      const std::string target = name == "another integration's path"
                                     ? scim_base("acme", "no-such-integration") + "/Users"
                                     : acme.integration.base + "/Users";
      // The answer the handler gives a small body, received whole.
      Headers small = headers;
      small.emplace_back("Content-Type", "application/scim+json");
      const auto reference =
          request(harness.port(), "POST", target, small, json::serialize(user_body("someone@example.com")));
      BOOST_TEST_REQUIRE(reference.status == 401u);
      std::vector<std::unique_ptr<RawClient>> clients;
      for (int i = 0; i < 10; ++i) {
        clients.push_back(std::make_unique<RawClient>(harness.port(), 4096));
        std::string head = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\n" +
                           "Content-Length: 10380902\r\n";  // 9.9 MB announced; 100 bytes sent
        for (const auto& [header, value] : headers) head += header + ": " + value + "\r\n";
        clients.back()->send(head + "\r\n" + std::string(100, ' '));
      }
      for (auto& client : clients) {
        bool closed = false;
        const std::string answer = client->read_all(prompt, closed);
        BOOST_TEST(answer.starts_with("HTTP/1.1 401"), answer.substr(0, 300));
        BOOST_TEST(closed);
        const std::size_t body_at = answer.find("\r\n\r\n");
        BOOST_TEST_REQUIRE(body_at != std::string::npos);
        const auto error = json::parse(answer.substr(body_at + 4)).as_object();
        BOOST_TEST(json::serialize(error.at("schemas")) == json::serialize(json::array{kErrorUrn}));
        BOOST_TEST(str(error, "status") == "401");
        BOOST_TEST(json::serialize(error) == reference.body);
        BOOST_TEST(answer.find("WWW-Authenticate: Bearer") != std::string::npos);
      }
    }
  }
  BOOST_TEST(acme.get("/Users").status == 200u);
}
