// Faults: a write is all or nothing.  A proxy between the module
// and the database cuts every connection in the middle of a multi-row
// write (a member PATCH adding 500 members to a group of 500 and removing
// 50; a Bulk creating users and groups of them), at points spread over the
// write's conversation with the database and around its COMMITs (before
// one is complete, and once it is but before its answer).  Read back
// through SCIM (the module reconnects) and straight from the database, the
// group has exactly its old membership or exactly the new one, with a
// matching member_count, version and audit, and each resource of the Bulk
// is complete or absent.
//
// Deterministic: a cut point is a turn of that conversation (TcpProxy),
// counted once on the same write.  Each try, and the measured write, runs
// on the module's one database session, reconnected and warmed by one read
// before it, and with a fresh integration, whose last-request time
// (written at most every 10 s) is recorded by its first request, before
// the measured write.
#define BOOST_TEST_MODULE faults_broken_write
#include "fault_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <ostream>
#include <set>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

struct BackendCheck {
  BackendCheck() { require_server_backend(); }
};
BOOST_TEST_GLOBAL_FIXTURE(BackendCheck);

constexpr std::size_t kSpreadCuts = 10;  // cut points spread evenly over the write's turns

struct World {
  std::shared_ptr<ScratchDatabase> database = std::make_shared<ScratchDatabase>();
  TcpProxy proxy{database->server_address(), "COMMIT"};
  HarnessProcess harness{[this] {
    auto options = fault_options(database, proxy.address());
    // One session: no session left broken by a cut reconnects during the
    // next try, whose turns then stay those measured.
    // Claims read on every user write, not from a copy of the last second:
    // the same write talks to the database the same way on every try.
    options.extra_yaml += "kestra.scim.datasource.pool-size: 1\nkestra.scim.bulk.max-payload-size: 4194304\n"
                          "kestra.scim.domain-claims-refresh: 0s\n";
    return options;
  }()};
  int integrations = 0;

  Scim fresh_integration() { return scim_client(harness, "acme", "try-" + std::to_string(integrations++)); }
};

long long count_of(soci::session& sql, const std::string& query, const std::string& id) {
  long long n = 0;
  sql << query, soci::use(id), soci::into(n);
  return n;
}

// One multi-row write: it prepares its "before" state, sends the write,
// and checks that what is stored is all of it or none of it.
class Write {
 public:
  virtual ~Write() = default;
  // Once per test case, not measured.
  virtual void seed(World&) {}
  // A fresh "before" state, through `scim`.
  virtual void prepare(World& w, const Scim& scim) = 0;
  virtual TimedCall send(const Scim& scim) = 0;
  // Checks the answer and the state read back (through SCIM and from the
  // database); returns what was found: "old" or "new", how many created.
  virtual std::string check(World& w, const Scim& scim, const TimedCall& answer) = 0;
};

// PATCH of a group of 500 members: 500 added, 50 removed.
class MemberPatch final : public Write {
 public:
  void seed(World& w) override {
    const Scim scim = w.fresh_integration();
    json::array operations;
    for (int i = 0; i < 1000; ++i) {
      operations.push_back(bulk_post("/Users", "u" + std::to_string(i), user_body("member" + std::to_string(i))));
    }
    const auto answer = require_json(scim.post("/Bulk", bulk_request(std::move(operations))), 200, "seed");
    for (const auto& result : answer.at("Operations").as_array()) {
      BOOST_TEST_REQUIRE(str(result, "status") == "201");
      const std::string location = str(result, "location");
      users_.push_back(location.substr(location.rfind('/') + 1));
    }
  }

  void prepare(World&, const Scim& scim) override {
    const std::vector<std::string> old_members(users_.begin(), users_.begin() + 500);
    const auto group = create(scim, "/Groups", group_body("patched-" + std::to_string(tries_++), old_members));
    group_ = str(group, "id");
    version_ = str(group.at("meta"), "version");
    before_ = as_set(old_members);
    after_ = before_;
    json::array added;
    for (auto it = users_.begin() + 500; it != users_.end(); ++it) {
      added.push_back(json::object{{"value", *it}});
      after_.insert(*it);
    }
    json::array operations{json::object{{"op", "add"}, {"path", "members"}, {"value", std::move(added)}}};
    for (auto it = users_.begin(); it != users_.begin() + 50; ++it) {
      operations.push_back(json::object{{"op", "remove"}, {"path", "members[value eq \"" + *it + "\"]"}});
      after_.erase(*it);
    }
    patch_ = patch_request(std::move(operations));
  }

  TimedCall send(const Scim& scim) override { return timed_call(scim, "PATCH", "/Groups/" + group_, patch_); }

  std::string check(World& w, const Scim& scim, const TimedCall& answer) override {
    BOOST_TEST((answer.response.status == 204 || is_scim_unavailable(answer.response)),
               answer.response.status << " " << answer.response.body);
    const auto served = get_json(scim, "/Groups/" + group_);
    const auto members = member_ids(served);
    const bool is_new = members == after_;
    BOOST_TEST((is_new || members == before_), "a mix of old and new: " << members.size() << " members");
    if (answer.succeeded()) BOOST_TEST(is_new, "acknowledged but not stored");
    const std::string version = str(served.at("meta"), "version");
    BOOST_TEST((version == version_) == !is_new, "meta.version " << version << " after " << version_);

    const auto sql = w.database->session();
    std::vector<std::string> rows(2000);
    *sql << "SELECT member_id FROM scim_group_members WHERE group_id = :g", soci::use(group_), soci::into(rows);
    BOOST_TEST((as_set(rows) == members && rows.size() == members.size()), "stored rows differ from the served ones");
    BOOST_TEST(count_of(*sql, "SELECT member_count FROM scim_groups WHERE id = :g", group_) ==
               static_cast<long long>(members.size()));
    BOOST_TEST(count_of(*sql, "SELECT version FROM scim_groups WHERE id = :g", group_) == (is_new ? 2 : 1));
    BOOST_TEST(count_of(*sql, "SELECT COUNT(*) FROM scim_audit WHERE target_id = :g AND action = 'group.patch'",
                        group_) == (is_new ? 1 : 0));
    return is_new ? "new" : "old";
  }

 private:
  std::vector<std::string> users_;  // seeded, in creation order
  int tries_ = 0;
  std::string group_;
  std::string version_;
  std::set<std::string> before_, after_;
  std::string patch_;
};

// Bulk: 20 users (two emails and an externalId each), a group of all of
// them and a group of the first ten, each operation a transaction of its own.
class BulkCreate final : public Write {
 public:
  void prepare(World&, const Scim&) override {
    prefix_ = "bulk" + std::to_string(tries_++) + "-";
    json::array operations;
    json::array everyone, first_ten;
    for (int i = 0; i < kUsers; ++i) {
      const std::string name = prefix_ + std::to_string(i);
      auto user = user_body(name);
      user["externalId"] = "ext-" + name;
      user["emails"] = json::array{json::object{{"value", name + "@work.example.com"}, {"type", "work"}},
                                   json::object{{"value", name + "@home.example.com"}, {"type", "home"}}};
      operations.push_back(bulk_post("/Users", "u" + std::to_string(i), std::move(user)));
      everyone.push_back(json::object{{"value", "bulkId:u" + std::to_string(i)}});
      if (i < 10) first_ten.push_back(everyone.back());
    }
    for (auto& [name, members] : {std::pair{std::string("all"), everyone}, std::pair{std::string("ten"), first_ten}}) {
      operations.push_back(bulk_post("/Groups", name, {{"schemas", json::array{kGroupUrn}},
                                                       {"displayName", prefix_ + name},
                                                       {"members", members}}));
    }
    request_ = json::serialize(bulk_request(std::move(operations)));
  }

  TimedCall send(const Scim& scim) override { return timed_call(scim, "POST", "/Bulk", request_); }

  std::string check(World& w, const Scim& scim, const TimedCall& answer) override {
    // Operations run in request order: successes up to the one cut off
    // (503, done or not), then none attempted (503), or, for a group, one
    // that refers to a user not created (409).  Only the one cut off may
    // or may not be stored; a whole request cut off stores nothing.
    std::map<std::string, std::string> statuses;  // by bulkId
    std::set<std::string> absent;                 // bulkIds that must not be stored
    if (answer.response.status == 200) {
      const auto results = json::parse(answer.response.body);
      bool cut_off = false;
      for (const auto& result : results.at("Operations").as_array()) {
        const std::string bulk_id = str(result, "bulkId");
        const std::string status = statuses[bulk_id] = str(result, "status");
        if (!cut_off) {
          BOOST_TEST((status == "201" || status == "503"), bulk_id << ": " << status);
          cut_off = status == "503";
          continue;
        }
        BOOST_TEST((status == "503" || (status == "409" && !bulk_id.starts_with("u"))), bulk_id << ": " << status);
        absent.insert(bulk_id);
      }
      BOOST_TEST(answer.response.header("Retry-After").has_value() == cut_off);
    } else {
      BOOST_TEST(is_scim_unavailable(answer.response), answer.response.status << " " << answer.response.body);
      for (int i = 0; i < kUsers; ++i) absent.insert("u" + std::to_string(i));
      absent.insert({"all", "ten"});
    }

    const auto sql = w.database->session();
    std::map<std::string, std::string> ids;  // bulkId -> id of what is stored
    int created = 0;
    for (int i = 0; i < kUsers; ++i) {
      const std::string bulk_id = "u" + std::to_string(i);
      const std::string name = prefix_ + std::to_string(i);
      const auto found = list(scim, "/Users?" + filter_query("userName eq \"" + name + "\""));
      BOOST_TEST_REQUIRE(total_of(found) <= 1);
      BOOST_TEST_CONTEXT(name) {
        if (statuses[bulk_id] == "201") BOOST_TEST(total_of(found) == 1, "acknowledged but not stored");
        if (absent.count(bulk_id)) BOOST_TEST(total_of(found) == 0, "stored but never attempted");
        if (total_of(found) == 0) continue;
        ++created;
        const auto& user = found.at("Resources").as_array()[0].as_object();
        ids[bulk_id] = str(user, "id");
        const auto* external_id = user.if_contains("externalId");
        BOOST_TEST((external_id && external_id->is_string() && external_id->as_string() == "ext-" + name));
        BOOST_TEST((user.contains("emails") && user.at("emails").as_array().size() == 2u), "emails missing or partial");
        BOOST_TEST(count_of(*sql, "SELECT COUNT(*) FROM scim_user_values WHERE user_id = :u", ids[bulk_id]) == 2);
        BOOST_TEST(count_of(*sql, "SELECT COUNT(*) FROM scim_tenant_users WHERE user_id = :u", ids[bulk_id]) == 1);
        BOOST_TEST(count_of(*sql, "SELECT COUNT(*) FROM scim_external_ids WHERE resource_id = :u", ids[bulk_id]) == 1);
      }
    }
    for (const auto& [bulk_id, size] : {std::pair{std::string("all"), kUsers}, std::pair{std::string("ten"), 10}}) {
      const auto found = list(scim, "/Groups?" + filter_query("displayName eq \"" + prefix_ + bulk_id + "\""));
      BOOST_TEST_REQUIRE(total_of(found) <= 1);
      BOOST_TEST_CONTEXT("group " << bulk_id) {
        if (statuses[bulk_id] == "201") BOOST_TEST(total_of(found) == 1, "acknowledged but not stored");
        if (absent.count(bulk_id)) BOOST_TEST(total_of(found) == 0, "stored but never attempted");
        if (total_of(found) == 0) continue;
        ++created;
        const auto& group = found.at("Resources").as_array()[0].as_object();
        std::set<std::string> expected;
        for (int i = 0; i < size; ++i) expected.insert(ids["u" + std::to_string(i)]);
        BOOST_TEST(member_ids(group) == expected, "a group with only part of its members");
        BOOST_TEST(count_of(*sql, "SELECT member_count FROM scim_groups WHERE id = :g", str(group, "id")) == size);
        BOOST_TEST(count_of(*sql, "SELECT COUNT(*) FROM scim_group_members WHERE group_id = :g", str(group, "id")) ==
                   size);
      }
    }
    return std::to_string(created);
  }

 private:
  static constexpr int kUsers = 20;
  int tries_ = 0;
  std::string prefix_;
  std::string request_;
};

struct Case {
  const char* name;
  std::unique_ptr<Write> (*make)();
};
std::ostream& operator<<(std::ostream& out, const Case& c) { return out << c.name; }

const Case kCases[] = {
    {"member PATCH", [] { return std::unique_ptr<Write>(std::make_unique<MemberPatch>()); }},
    {"Bulk", [] { return std::unique_ptr<Write>(std::make_unique<BulkCreate>()); }},
};

// Where to cut a write of `turns` turns, COMMITs ending in `commits`:
// half-way through turns spread evenly from the first on, and in the turn
// of the first, middle and last COMMIT, before its end (the transaction is
// never committed) and after it (committed, the answer lost).
std::vector<Cut> cut_points(std::size_t turns, const std::vector<std::size_t>& commits) {
  std::vector<Cut> out;
  for (std::size_t i = 0; i < kSpreadCuts; ++i) out.push_back({i * turns / kSpreadCuts, Cut::Keep::Half});
  for (std::size_t turn : std::set<std::size_t>{commits.front(), commits[commits.size() / 2], commits.back()}) {
    out.push_back({turn, Cut::Keep::BeforeMarkerEnd});
    out.push_back({turn, Cut::Keep::Whole});
  }
  return out;
}

}  // namespace

BOOST_DATA_TEST_CASE(a_write_cut_off_mid_way_is_all_or_nothing, data::make(kCases), kind) {
  World w;
  const auto write = kind.make();
  write->seed(w);

  // The write once, whole: its turns and where its COMMITs end.  Measured
  // on a session in the state each try finds it in: reconnected, then one
  // read through SCIM (statements stay prepared per connection, so what ran
  // on it since it connected decides which ones a write prepares).
  const Scim warm = w.fresh_integration();
  w.proxy.close_connections();
  const auto warmed = until_success([&] { return timed_call(warm, "GET", "/Users?count=1"); });
  BOOST_TEST_REQUIRE(warmed.back().succeeded(), warmed.back().response.body);
  const Scim measured = w.fresh_integration();
  write->prepare(w, measured);
  w.proxy.reset();
  const auto whole = write->send(measured);
  const std::size_t turns = w.proxy.turns();
  const std::size_t bytes = w.proxy.bytes();
  const auto commits = w.proxy.marker_turns();
  BOOST_TEST_REQUIRE(whole.succeeded(), whole.response.status << " " << whole.response.body);
  BOOST_TEST_REQUIRE(!commits.empty());
  BOOST_TEST(write->check(w, measured, whole) != "old");

  const auto cuts = cut_points(turns, commits);
  std::vector<std::string> found;  // by cut
  Clock::duration slowest_answer{}, slowest_reconnect{};
  for (const Cut& cut : cuts) {
    BOOST_TEST_CONTEXT(kind.name << ", cut in " << cut << " of " << turns) {
      const Scim scim = w.fresh_integration();
      write->prepare(w, scim);
      w.proxy.reset();
      w.proxy.arm(cut);
      const auto answer = write->send(scim);
      w.proxy.disarm();
      BOOST_TEST(w.proxy.cuts() == 1, "the cut did not happen during the write");
      // Up to the cut, the COMMITs came where they came when measured.
      const auto commits_before = [&](std::vector<std::size_t> list) {
        std::erase_if(list, [&](std::size_t t) { return t > cut.turn; });
        return list;
      };
      BOOST_TEST(commits_before(w.proxy.marker_turns()) == commits_before(commits), "the write changed its course");
      BOOST_TEST(seconds(answer.elapsed) < seconds(kRequestBound), seconds(answer.elapsed) << " s");
      slowest_answer = std::max(slowest_answer, answer.elapsed);

      // The module reconnects by itself.
      const auto reads = until_success([&] { return timed_call(scim, "GET", "/Users?count=1"); });
      BOOST_TEST_REQUIRE(reads.back().succeeded(), reads.back().response.body);
      slowest_reconnect = std::max(slowest_reconnect, reads.back().end() - reads.front().start);
      found.push_back(write->check(w, scim, answer));
    }
  }
  BOOST_TEST(w.harness.running());
  std::cout << backend_name(test_backend()) << " " << kind.name << ": " << bytes << " bytes in " << turns
            << " turns, " << commits.size() << " COMMITs; " << cuts.size() << " cuts found";
  for (const auto& what : found) std::cout << " " << what;
  std::cout << "; answers within " << seconds(slowest_answer) << " s, the next read within "
            << seconds(slowest_reconnect) << " s" << std::endl;
}
