// No noisy neighbour: the hostile requests one tenant's integration can
// send are refused or finish within their limits, and another tenant is
// served meanwhile.  Each case is one kind of hostile request (and, where it
// had one, what it cost before); every backend runs them (KESTRA_TEST_BACKEND).
#define BOOST_TEST_MODULE scim_noisy_neighbour
#include "scim_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace kestra::test;
namespace json = boost::json;

namespace {

// Two tenants; acme is the noisy one.  Bodies up to 9 MB, so that work
// growing faster than its input shows as a request that never ends.
struct Neighbours {
  HarnessProcess harness{[] {
    auto options = module_options({"acme", "quiet"});
    options.extra_yaml +=
        "kestra.scim.limits.max-body-size: 9000000\n"
        "kestra.scim.limits.json-max-elements: 1000000\n"
        "kestra.scim.rate-limit.enabled: false\n";
    return options;
  }()};
  Scim noisy = scim_client(harness, "acme", "okta");
  Scim quiet = scim_client(harness, "quiet", "okta");
};

// Runs `hostile` on another thread and, while it runs, sends quiet's
// requests (a create and a lookup, repeated): each must be answered 2xx.
// Returns the hostile request's response.
HttpResponse while_serving_the_neighbour(const Scim& quiet, const std::function<HttpResponse()>& hostile) {
  std::atomic<bool> done{false};
  auto noisy = std::async(std::launch::async, [&] {
    auto res = hostile();
    done = true;
    return res;
  });
  static int serial = 0;
  int served = 0;
  for (int round = 0; round == 0 || !done; ++round) {
    const auto name = "quiet" + std::to_string(++serial) + "@quiet.example";
    const auto created = quiet.post("/Users", user_body(name));
    BOOST_TEST(created.status == 201u, "quiet's POST while the noisy request runs: " << created.body);
    const auto found = quiet.get("/Users?" + filter_query("userName eq \"" + name + "\""));
    BOOST_TEST(found.status == 200u, "quiet's lookup while the noisy request runs: " << found.body);
    ++served;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(served > 0);
  return noisy.get();
}

json::object patch_body(json::array operations) {
  return {{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
          {"Operations", std::move(operations)}};
}

HttpResponse patch(const Scim& scim, const std::string& path, json::array operations) {
  return scim.call("PATCH", path, json::serialize(patch_body(std::move(operations))));
}


// `members[display co "…" or …]` with `terms` terms.
std::string display_filter(int terms, int salt) {
  std::string text = "members[";
  for (int t = 0; t < terms; ++t) {
    if (t) text += " or ";
    text += "display co \"nobody-" + std::to_string(salt) + "-" + std::to_string(t) + "\"";
  }
  return text + "]";
}

}  // namespace

// 20 removes of 40 `display co` terms each were once ORed into one
// DELETE past filter-max-nodes (275 s on SQLite, holding its write lock).
// The node limit holds for the whole request: a PATCH and a Bulk.
BOOST_AUTO_TEST_CASE(the_filter_node_limit_holds_for_a_whole_patch_and_bulk) {
  Neighbours n;
  const auto members = bulk_users(n.noisy, 2000, "m", "acme.example");
  const auto group = str(create(n.noisy, "/Groups", group_body("Everyone", members)), "id");

  json::array removes;
  for (int op = 0; op < 20; ++op) {
    removes.push_back(json::object{{"op", "remove"}, {"path", display_filter(40, op)}});
  }
  const auto refused = while_serving_the_neighbour(n.quiet, [&] { return patch(n.noisy, "/Groups/" + group, removes); });
  check_error(refused, 400, "invalidPath");
  BOOST_TEST(detail_of(refused).find("nodes together") != std::string::npos, refused.body);

  json::array bulk_ops;
  for (int op = 0; op < 2; ++op) {
    bulk_ops.push_back(json::object{
        {"method", "PATCH"},
        {"path", "/Groups/" + group},
        {"data", patch_body(json::array{json::object{{"op", "remove"}, {"path", display_filter(100, op)}}})}});
  }
  const auto bulk = n.noisy.post("/Bulk", json::object{{"schemas", json::array{kBulkRequestUrn}},
                                                       {"Operations", std::move(bulk_ops)}});
  check_error(bulk, 400, "invalidPath");

  // Within the limit: the largest single remove finishes, the group intact.
  const auto within = while_serving_the_neighbour(n.quiet, [&] {
    return patch(n.noisy, "/Groups/" + group,
                 json::array{json::object{{"op", "remove"}, {"path", display_filter(128, 99)}}});
  });
  BOOST_TEST(within.status == 204u, within.body);
  BOOST_TEST(member_ids(get_json(n.noisy, "/Groups/" + group)).size() == members.size());
}

// Adding many member ids or many emails in one PATCH once took time
// growing with the square of their number (49,000 ids: 6.9 s; 16,000
// emails: 18.7 s, so 200,000 and 60,000 took minutes); now as long as
// reading them.
BOOST_AUTO_TEST_CASE(a_patch_adding_many_values_is_linear) {
  Neighbours n;
  const auto members = bulk_users(n.noisy, 50, "few", "acme.example");
  const auto group = str(create(n.noisy, "/Groups", group_body("Many", members)), "id");

  json::array ids;
  for (int i = 0; i < 200000; ++i) ids.push_back(json::object{{"value", "no-such-member-" + std::to_string(i)}});
  for (const auto& m : members) ids.push_back(json::object{{"value", m}});
  const auto unknown = while_serving_the_neighbour(n.quiet, [&] {
    return patch(n.noisy, "/Groups/" + group, json::array{json::object{{"op", "add"}, {"path", "members"}, {"value", ids}}});
  });
  BOOST_TEST((unknown.status == 400u || unknown.status == 404u), unknown.status << " " << unknown.body.substr(0, 300));
  BOOST_TEST(member_ids(get_json(n.noisy, "/Groups/" + group)).size() == members.size());

  auto with_one_email = user_body("many@acme.example");
  with_one_email["emails"] = json::array{json::object{{"value", "e7@acme.example"}}};
  const auto user = create_user(n.noisy, with_one_email);
  json::array emails;
  for (int i = 0; i < 60000; ++i) emails.push_back(json::object{{"value", "e" + std::to_string(i) + "@acme.example"}});
  emails.push_back(json::object{{"value", "E7@ACME.example"}});  // the address the user has: kept once
  const auto added = while_serving_the_neighbour(n.quiet, [&] {
    return patch(n.noisy, "/Users/" + user, json::array{json::object{{"op", "add"}, {"path", "emails"}, {"value", emails}}});
  });
  BOOST_TEST_REQUIRE(added.status == 200u, added.status << " " << added.body.substr(0, 300));
  BOOST_TEST(json::parse(added.body).at("emails").as_array().size() == 60000u);
}

// A Bulk counts its operations against the integration's rate, and
// bad tokens from one address are refused past a limit, before any lookup,
// while a token that works keeps working.
BOOST_AUTO_TEST_CASE(bulk_operations_and_failed_authentications_are_limited) {
  auto options = module_options({"acme", "quiet"});
  options.extra_yaml +=
      "kestra.scim.rate-limit.requests-per-second: 1\n"
      "kestra.scim.rate-limit.burst: 50\n"
      "kestra.scim.rate-limit.failed-auth-per-second: 0.1\n"
      "kestra.scim.rate-limit.failed-auth-burst: 20\n";
  HarnessProcess harness(options);
  const auto noisy = scim_client(harness, "acme", "okta");
  const auto quiet = scim_client(harness, "quiet", "okta");

  json::array operations;
  for (int i = 0; i < 200; ++i) {
    operations.push_back(json::object{{"method", "POST"},
                                      {"path", "/Users"},
                                      {"bulkId", "b" + std::to_string(i)},
                                      {"data", user_body("bulk" + std::to_string(i) + "@acme.example")}});
  }
  const auto bulk = noisy.post("/Bulk", json::object{{"schemas", json::array{kBulkRequestUrn}},
                                                     {"Operations", std::move(operations)}});
  check_error(bulk, 429);
  BOOST_TEST(bulk.header("Retry-After").has_value());
  BOOST_TEST(total_of(list(quiet, "/Users")) == 0);  // quiet's own integration, untouched
  BOOST_TEST(quiet.get("/Users").status == 200u);

  // Bad tokens: 401 up to the burst, then 429 with Retry-After.
  Scim guesser = noisy;
  unsigned unauthorized = 0, limited = 0;
  for (int i = 0; i < 200; ++i) {
    // Well-formed (so that the landed build looked each up), another prefix.
    auto guess = "g" + std::to_string(i) + "xxxxxxxxxxxxxxxx";
    guesser.integration.token = noisy.integration.token.substr(0, 4) + guess.substr(0, 16) +
                                noisy.integration.token.substr(20);
    const auto res = guesser.get("/Users");
    if (res.status == 401u) ++unauthorized;
    if (res.status == 429u) {
      ++limited;
      BOOST_TEST(res.header("Retry-After").has_value());
    }
  }
  BOOST_TEST(unauthorized <= 21u);
  BOOST_TEST(limited >= 179u);
  // The integrations that authenticated keep working from the same address.
  BOOST_TEST(quiet.get("/Users").status == 200u);
}

// 100 users with a 0.9 MB title once made a 90 MB page.  A string value
// has a length limit, and a page ends early once its documents pass
// list-max-bytes (RFC 7644 3.4.2.4 allows fewer than `count`): paging by
// startIndex still returns every user once.
BOOST_AUTO_TEST_CASE(string_values_and_list_pages_are_bounded) {
  {
    HarnessProcess harness(module_options({"acme"}));
    const auto scim = scim_client(harness, "acme", "okta");
    auto huge = user_body("huge@acme.example");
    huge["title"] = std::string(900000, 't');
    check_error(scim.post("/Users", huge), 400, "invalidValue");
    auto at_limit = user_body("limit@acme.example");
    at_limit["title"] = std::string(16384, 't');
    const auto id = create_user(scim, at_limit);
    const auto patch_op = json::object{{"op", "replace"}, {"path", "title"}, {"value", std::string(16385, 'u')}};
    check_error(patch(scim, "/Users/" + id, json::array{patch_op}), 400, "invalidValue");
    BOOST_TEST(str(get_json(scim, "/Users/" + id), "title").size() == 16384u);
  }

  auto options = module_options({"acme"});
  options.extra_yaml +=
      "kestra.scim.limits.string-max-length: 60000\n"
      "kestra.scim.limits.list-max-bytes: 100000\n";
  HarnessProcess harness(options);
  const auto scim = scim_client(harness, "acme", "okta");
  std::set<std::string> made;
  for (int i = 0; i < 10; ++i) {
    auto body = user_body("big" + std::to_string(i) + "@acme.example");
    body["title"] = std::string(50000, static_cast<char>('a' + i));
    made.insert(create_user(scim, body));
  }
  const auto first = list(scim, "/Users?count=10");
  BOOST_TEST(total_of(first) == 10);
  BOOST_TEST(first.at("itemsPerPage").as_int64() == 2);  // 2 x 50 kB reach the 100 kB
  std::set<std::string> seen;
  for (std::int64_t start = 1; start <= 10;) {
    const auto page = list(scim, "/Users?count=10&startIndex=" + std::to_string(start));
    const auto ids = ids_of(page);
    BOOST_TEST_REQUIRE(!ids.empty());
    for (const auto& id : ids) BOOST_TEST(seen.insert(id).second, "twice: " << id);
    start += static_cast<std::int64_t>(ids.size());
  }
  BOOST_TEST(seen == made);
}

// acme and quiet on a host of 4 sessions, `share_yaml` setting the fair
// share.  acme's heavy request: a PATCH adding 200,000 ids that name no
// member (3.6 MB, refused 400 once all are read).
struct SharedHost {
  explicit SharedHost(const std::string& share_yaml)
      : harness([&] {
          auto options = module_options({"acme", "quiet"});
          options.extra_yaml += "kestra.scim.datasource.pool-size: 4\n" + share_yaml +
                                "kestra.scim.limits.max-body-size: 9000000\n"
                                "kestra.scim.limits.json-max-elements: 1000000\n"
                                "kestra.scim.rate-limit.enabled: false\n";
          return options;
        }()) {}
  HarnessProcess harness;
  Scim noisy = scim_client(harness, "acme", "okta");
  Scim quiet = scim_client(harness, "quiet", "okta");
  std::string group = create_group(noisy, "Busy");
  std::string heavy_body = [] {
    json::array ids;
    for (int i = 0; i < 200000; ++i) ids.push_back(json::object{{"value", "no-such-member-" + std::to_string(i)}});
    return json::serialize(
        patch_body(json::array{json::object{{"op", "add"}, {"path", "members"}, {"value", std::move(ids)}}}));
  }();
};

// A tenant holds at most its share of the sessions at once
// (kestra.scim.fair-share.tenant); past it, 429 with Retry-After for that
// tenant alone, while the other tenant is served.
BOOST_AUTO_TEST_CASE(a_tenant_past_its_share_is_refused_alone) {
  SharedHost host("kestra.scim.fair-share.tenant: 0.25\n");  // one request of a tenant at a time
  const auto& noisy = host.noisy;
  const auto& quiet = host.quiet;
  const auto& group = host.group;
  const auto& heavy_body = host.heavy_body;

  // A round: acme's lookups while its PATCH runs.  The PATCH may come after
  // a lookup and be the one refused; then the round tells nothing.
  unsigned refused_while_busy = 0;
  for (int attempt = 0; attempt < 5 && refused_while_busy == 0; ++attempt) {
    std::atomic<bool> done{false};
    auto heavy = std::async(std::launch::async, [&] {
      auto res = noisy.call("PATCH", "/Groups/" + group, heavy_body);
      done = true;
      return res;
    });
    while (!done) {
      const auto mine = noisy.get("/Users");
      const bool still_busy = !done;
      if (mine.status == 429u && still_busy) {
        ++refused_while_busy;
        BOOST_TEST(mine.header("Retry-After").has_value());
      } else {
        BOOST_TEST((mine.status == 200u || mine.status == 429u), mine.body);
      }
      BOOST_TEST(quiet.get("/Users").status == 200u);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto finished = heavy.get();
    BOOST_TEST((finished.status == 400u || finished.status == 429u), finished.body.substr(0, 200));
    if (finished.status == 429u) refused_while_busy = 0;  // refused in place of a lookup
  }
  BOOST_TEST(refused_while_busy > 0u, "acme's requests were never refused while its PATCH ran");
  BOOST_TEST(noisy.get("/Users").status == 200u);  // its slot came back
}

// Processors: while another tenant is active, a tenant runs at
// most its equal share of the processors (kestra.scim.fair-share.cpus: 2,
// so 1 each of two); its next request waits run-wait for it, then 429. Alone,
// the same tenant runs up to its share of the sessions (3 of 4).
BOOST_AUTO_TEST_CASE(a_tenant_runs_its_share_of_the_processors_while_another_is_active) {
  SharedHost host(
      "kestra.scim.fair-share.cpus: 2\n"
      "kestra.scim.fair-share.contention-window: 2s\n"
      "kestra.scim.fair-share.run-wait: 50ms\n");
  const auto& noisy = host.noisy;
  const auto& quiet = host.quiet;
  const auto& group = host.group;
  const auto& heavy_body = host.heavy_body;

  // acme's lookups while its heavy PATCH runs; `with_quiet`: quiet's too.
  // The PATCH itself may come second and wait for a lookup: beside quiet,
  // past run-wait, it is the one refused, and the round tells nothing.
  struct Round {
    unsigned served = 0, refused = 0;
    unsigned heavy_status = 0;
  };
  const auto lookups_beside_heavy = [&](bool with_quiet) {
    std::atomic<bool> done{false};
    auto heavy = std::async(std::launch::async, [&] {
      auto res = noisy.call("PATCH", "/Groups/" + group, heavy_body);
      done = true;
      return res;
    });
    Round round;
    while (!done) {
      if (with_quiet) BOOST_TEST(quiet.get("/Users?count=1").status == 200u);
      const auto mine = noisy.get("/Users?count=1");
      if (done) break;  // it may have run after the PATCH ended
      if (mine.status == 429u) {
        ++round.refused;
        BOOST_TEST(mine.header("Retry-After").has_value());
      } else {
        BOOST_TEST(mine.status == 200u, mine.body);
        ++round.served;
      }
    }
    round.heavy_status = heavy.get().status;
    return round;
  };
  const auto alone = lookups_beside_heavy(false);
  BOOST_TEST(alone.heavy_status == 400u);
  BOOST_TEST(alone.refused == 0u, "alone, acme was refused " << alone.refused << " times");
  Round shared;
  for (int attempt = 0; attempt < 5 && shared.refused == 0; ++attempt) {
    shared = lookups_beside_heavy(true);
    BOOST_TEST((shared.heavy_status == 400u || shared.heavy_status == 429u));
  }
  BOOST_TEST(shared.refused > 0u, "beside quiet, acme ran " << shared.served << " lookups beside its PATCH");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // quiet goes quiet
  BOOST_TEST(noisy.get("/Users").status == 200u);
}
