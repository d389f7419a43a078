// Crash safety: the host is killed with SIGKILL in the
// middle of a burst of SCIM writes, then started again on the same store.
// Every write that was acknowledged is there, whole; nothing that was not
// acknowledged is there half-written (a user without its values, a group
// whose members point nowhere).  On SQLite, PostgreSQL and MariaDB.
#define BOOST_TEST_MODULE faults_host_crash
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace kestra::test;
namespace json = boost::json;

namespace {

constexpr int kWriters = 6;

// What the clients were told was done.
struct Acknowledged {
  std::mutex mutex;
  std::map<std::string, std::string> users;                // id -> userName
  std::map<std::string, std::set<std::string>> groups;     // id -> members acknowledged
  int refused = 0;                                         // connection lost, 5xx
};

json::object user_with_email(const std::string& user_name) {
  auto body = user_body(user_name);
  body["emails"] = json::array{json::object{{"value", user_name}, {"type", "work"}, {"primary", true}}};
  body["name"] = json::object{{"givenName", "Crash"}, {"familyName", user_name}};
  return body;
}

json::object add_member(const std::string& id) {
  return {{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
          {"Operations", json::array{json::object{{"op", "add"}, {"path", "members"},
                                                  {"value", json::array{json::object{{"value", id}}}}}}}};
}

// One client: users, a group of its users every few, a member added to it.
void write_until_refused(const Scim& scim, const std::string& writer, Acknowledged& acked,
                         const std::atomic<bool>& stop) {
  std::vector<std::string> mine;
  std::string group;
  for (int n = 0; !stop; ++n) {
    try {
      const std::string user_name = "crash-" + writer + "-" + std::to_string(n) + "@example.com";
      auto created = scim.post("/Users", user_with_email(user_name));
      if (created.status != 201u) throw std::runtime_error("status " + std::to_string(created.status));
      const std::string id = str(json::parse(created.body), "id");
      {
        std::lock_guard lock(acked.mutex);
        acked.users[id] = user_name;
      }
      mine.push_back(id);
      if (group.empty() && mine.size() == 3) {
        auto made = scim.post("/Groups", group_body("crash-group-" + writer, mine));
        if (made.status != 201u) throw std::runtime_error("status " + std::to_string(made.status));
        group = str(json::parse(made.body), "id");
        std::lock_guard lock(acked.mutex);
        acked.groups[group] = {mine.begin(), mine.end()};
      } else if (!group.empty()) {
        auto patched = scim.call("PATCH", "/Groups/" + group, json::serialize(add_member(id)));
        if (patched.status != 204u) throw std::runtime_error("status " + std::to_string(patched.status));
        std::lock_guard lock(acked.mutex);
        acked.groups[group].insert(id);
      }
    } catch (const std::exception&) {
      std::lock_guard lock(acked.mutex);
      ++acked.refused;
      return;  // the host is gone: this client stops
    }
  }
}

std::vector<json::object> every(const Scim& scim, const std::string& endpoint) {
  std::vector<json::object> out;
  for (std::int64_t start = 1;; start += 100) {
    auto page = list(scim, endpoint + "?startIndex=" + std::to_string(start) + "&count=100");
    const auto& resources = page.at("Resources").as_array();
    for (const auto& r : resources) out.push_back(r.as_object());
    if (resources.empty() || static_cast<std::int64_t>(out.size()) >= total_of(page)) break;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_a_kill_9_and_nothing_is_half_written) {
  HarnessProcess harness(module_options());
  const Scim scim = scim_client(harness, "acme", "okta");
  Acknowledged acked;
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      const std::string name = std::to_string(round) + "-" + std::to_string(w);
      writers.emplace_back([&, name] { write_until_refused(scim, name, acked, stop); });
    }
    // Let the burst get going (groups made and growing), then kill the host mid-write.
    const std::size_t goal = 80u * static_cast<std::size_t>(round + 1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(acked.mutex);
        if (acked.users.size() >= goal) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_TEST(harness.kill9() == 128 + 9);
    stop = true;
    for (auto& t : writers) t.join();
    harness.start();
  }
  BOOST_TEST_MESSAGE("acknowledged " << acked.users.size() << " users, " << acked.groups.size()
                                     << " groups over " << kRounds << " kills; writers cut off: " << acked.refused);
  BOOST_TEST_REQUIRE(acked.users.size() >= 240u);
  BOOST_TEST(acked.groups.size() >= static_cast<std::size_t>(kWriters));

  // Every acknowledged user is there, whole.
  for (const auto& [id, user_name] : acked.users) {
    auto user = get_json(scim, "/Users/" + id);
    BOOST_TEST(str(user, "userName") == user_name);
    BOOST_TEST(user.at("emails").as_array().at(0).at("value").as_string() == user_name);
  }
  // Every acknowledged member is in its group.
  for (const auto& [id, members] : acked.groups) {
    const auto stored = member_ids(get_json(scim, "/Groups/" + id));
    for (const auto& m : members) BOOST_TEST(stored.contains(m), "group " << id << " lost member " << m);
  }
  // Nothing half-written: every stored user has its values, every member exists.
  std::set<std::string> user_ids;
  for (const auto& user : every(scim, "/Users")) {
    user_ids.insert(str(user, "id"));
    const std::string user_name = str(user, "userName");
    BOOST_TEST_REQUIRE(user.contains("emails"), user_name << " has no emails");
    BOOST_TEST(user.at("emails").as_array().at(0).at("value").as_string() == user_name);
    BOOST_TEST(user.at("name").at("familyName").as_string() == user_name);
  }
  for (const auto& [id, name] : acked.users) BOOST_TEST(user_ids.contains(id));
  for (const auto& group : every(scim, "/Groups")) {
    for (const auto& m : member_ids(group)) BOOST_TEST(user_ids.contains(m), "member " << m << " does not exist");
  }
  // And the host takes writes again.
  BOOST_TEST(scim.post("/Users", user_with_email("after-crash@example.com")).status == 201u);
}
