// Two hosts, one database: the module scales out by running in several
// Kestra hosts behind a load balancer over one PostgreSQL or MariaDB.  Both
// hosts answer for the same integrations, concurrent writes through either
// host lose nothing, and an admin change made through one host is enforced
// by the other at once.
#define BOOST_TEST_MODULE cluster_scale_out
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

namespace json = boost::json;
using namespace kestra::test;

namespace {

constexpr const char* kPatchUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// The suite needs a database server; on SQLite (no KESTRA_TEST_BACKEND) it
// is skipped.
struct ServerBackend {
  ServerBackend() {
    if (test_backend() == Backend::Sqlite) {
      std::cout << "SKIPPED: scale-out runs on KESTRA_TEST_BACKEND=postgres or mysql" << std::endl;
      std::exit(kSkipExitCode);
    }
    require_test_backend();
  }
};
BOOST_TEST_GLOBAL_FIXTURE(ServerBackend);

// Two harness hosts with the module over one fresh schema/database.
struct Cluster {
  // Load from one tenant beyond its share of a host's sessions: lifted,
  // since a 429 here would read as a lost write.
  HarnessOptions options = [] {
    auto o = module_options();
    o.extra_yaml += "kestra.scim.fair-share.enabled: false\n";
    return o;
  }();
  HarnessProcess first{options};
  HarnessProcess second{options};
  Scim okta = scim_client(first, "acme", "okta");

  // The same integration, called through the other host.
  Scim through(const HarnessProcess& host) const { return Scim(host, okta.integration); }
};

// Runs `jobs` on `threads` threads, each taking the next job until none is left.
void run_parallel(std::size_t jobs, unsigned threads, const std::function<void(std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < jobs; i = next++) job(i);
    });
  }
  for (auto& thread : pool) thread.join();
}

json::object patch_body(json::object operation) {
  return {{"schemas", json::array{kPatchUrn}}, {"Operations", json::array{std::move(operation)}}};
}
json::object add_member(const std::string& id) {
  return patch_body({{"op", "add"}, {"path", "members"}, {"value", json::array{json::object{{"value", id}}}}});
}
json::object remove_member(const std::string& id) {
  return patch_body({{"op", "remove"}, {"path", "members[value eq \"" + id + "\"]"}});
}

bool is_success(unsigned status) { return status == 200 || status == 204; }

// The first failure, for a check's message ("" when there is none).
std::string first_of(const std::vector<std::string>& failures) { return failures.empty() ? "" : failures.front(); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_thousand_member_patches_through_both_hosts_lose_nothing) {
  Cluster c;
  const Scim hosts[] = {c.through(c.first), c.through(c.second)};

  // 1,000 users, created through both hosts at once.
  constexpr std::size_t kUsers = 1000;
  std::vector<std::string> users(kUsers);
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  const auto fail = [&](std::string what) {
    std::lock_guard lock(failures_mutex);
    failures.push_back(std::move(what));
  };
  run_parallel(kUsers, 8, [&](std::size_t i) {
    const auto res = hosts[i % 2].post("/Users", user_body("member" + std::to_string(i) + "@example.com"));
    if (res.status != 201) return fail("POST /Users " + std::to_string(res.status) + " " + res.body);
    users[i] = str(json::parse(res.body), "id");
  });
  // Boost.Test binds the message's operands even when the check passes:
  // never failures.front() of an empty vector (UBSan: reference binding to null).
  BOOST_TEST_REQUIRE(failures.empty(), first_of(failures));

  // The group starts with the second half; the PATCHes add the first half
  // and remove the second, one member each, alternating hosts, 8 clients
  // (a connection per request).  Every tenth PATCH carries If-Match with
  // the version just read and, like an IdP, reads again on 412 after a
  // random pause (the others keep the version moving).
  const std::vector<std::string> second_half(users.begin() + kUsers / 2, users.end());
  const std::string group = create_group(c.okta, "Engineering", second_half);
  const auto version_before = get_json(c.okta, "/Groups/" + group + "?excludedAttributes=members").at("meta");

  std::atomic<int> precondition_retries{0};
  constexpr int kAttempts = 200;
  run_parallel(kUsers, 8, [&](std::size_t i) {
    const Scim& host = hosts[i % 2];
    const auto body = json::serialize(i < kUsers / 2 ? add_member(users[i]) : remove_member(users[i]));
    std::minstd_rand random(static_cast<unsigned>(i));
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      Headers extra;
      if (i % 10 == 0) {
        const auto current = host.get("/Groups/" + group + "?excludedAttributes=members");
        if (current.status != 200) return fail("GET before If-Match " + std::to_string(current.status));
        extra.emplace_back("If-Match", current.header("ETag").value_or(""));
      }
      const auto res = host.call("PATCH", "/Groups/" + group, body, extra);
      if (is_success(res.status)) return;
      if (res.status == 412 && i % 10 == 0) {
        ++precondition_retries;
        std::this_thread::sleep_for(std::chrono::milliseconds(1 + random() % 50));
        continue;
      }
      return fail("PATCH " + std::to_string(i) + ": " + std::to_string(res.status) + " " + res.body);
    }
    fail("PATCH " + std::to_string(i) + ": still 412 after " + std::to_string(kAttempts) + " attempts");
  });
  BOOST_TEST_REQUIRE(failures.empty(), failures.size() << " failed, first: " << first_of(failures));

  // Exactly the first half, read through either host.
  const std::set<std::string> expected(users.begin(), users.begin() + kUsers / 2);
  for (const auto& host : hosts) {
    const auto read = get_json(host, "/Groups/" + group);
    BOOST_TEST(member_ids(read).size() == expected.size());
    BOOST_TEST((member_ids(read) == expected));
    BOOST_TEST(read.at("meta").at("version") != version_before.at("version"));
  }
  // And each user's groups agree with the membership.
  const auto in_group = list(hosts[1], "/Users?" + filter_query("groups.value eq \"" + group + "\"") + "&count=1");
  BOOST_TEST(total_of(in_group) == static_cast<std::int64_t>(expected.size()));
  BOOST_TEST_MESSAGE("If-Match retries after 412: " << precondition_retries.load());
}

BOOST_AUTO_TEST_CASE(racing_creates_of_one_user_through_both_hosts_give_one_201_and_one_409) {
  Cluster c;
  const Scim hosts[] = {c.through(c.first), c.through(c.second)};
  constexpr int kRounds = 40;
  for (int round = 0; round < kRounds; ++round) {
    // The same userName, in another letter case on the second host.
    const std::string name = "race" + std::to_string(round) + "@example.com";
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
    HttpResponse answers[2];
    run_parallel(2, 2, [&](std::size_t i) { answers[i] = hosts[i].post("/Users", user_body(i == 0 ? name : upper)); });
    BOOST_TEST_CONTEXT("round " << round) {
      const unsigned created = (answers[0].status == 201) + (answers[1].status == 201);
      BOOST_TEST(created == 1u, answers[0].status << " " << answers[0].body << " / " << answers[1].status << " "
                                                 << answers[1].body);
      for (const auto& answer : answers) {
        if (answer.status != 201) check_error(answer, 409, "uniqueness");
      }
    }
  }
  const auto all = list(hosts[0], "/Users?count=0");
  BOOST_TEST(total_of(all) == kRounds);
}

BOOST_AUTO_TEST_CASE(disable_rotate_and_delete_through_one_host_hold_on_the_other_at_once) {
  Cluster c;
  const Scim on_second = c.through(c.second);
  const std::string path = integrations_path("acme", "/" + c.okta.integration.id);
  BOOST_TEST_REQUIRE(on_second.get("/Users").status == 200u);

  // Disabled through the first host: the very next request on the second is refused.
  BOOST_TEST_REQUIRE(admin_request(c.first, "POST", path + "/disable").status == 200u);
  check_error(on_second.get("/Users"), 403);
  BOOST_TEST_REQUIRE(admin_request(c.second, "POST", path + "/enable").status == 200u);
  BOOST_TEST(c.okta.get("/Users").status == 200u);

  // Rotated through the first host: the old token is refused by the second, the new one accepted.
  const auto rotated = admin_request(c.first, "POST", path + "/rotate-token");
  BOOST_TEST_REQUIRE(rotated.status == 200u, rotated.body);
  TestIntegration renewed = c.okta.integration;
  renewed.token = str(json::parse(rotated.body), "secretToken");
  check_error(on_second.get("/Users"), 401);
  BOOST_TEST(Scim(c.second, renewed).get("/Users").status == 200u);

  // Deleted through the second host: the first refuses the token.
  BOOST_TEST_REQUIRE(admin_request(c.second, "DELETE", path).status == 204u);
  const auto after_delete = Scim(c.first, renewed).get("/Users");
  BOOST_TEST((after_delete.status == 401u || after_delete.status == 404u), after_delete.status);
}
