// The tenant trust boundary for global users (DESIGN.md 6),
// over real HTTP on every backend: no tenant's IdP claims, changes or
// observes another tenant's user unless the instance admin let both
// provision its domain (domain claims).
//
// Tenants acme (the other IdP) and globex (the victim).  Each matrix row
// sets the claims of the victim's domain, acts as acme, and checks the
// status and that everything globex sees is byte for byte unchanged where
// it must be (users as served, with meta.version; groups; its audit).
#define BOOST_TEST_MODULE scim_tenant_boundary
#include "admin_support.hpp"
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kClaims = "/api/v1/scim-instance/domain-claims";

struct World {
  HarnessProcess harness{module_options({"acme", "globex"})};
  Scim acme = scim_client(harness, "acme", "okta");
  Scim globex = scim_client(harness, "globex", "okta");

  void claim(const std::string& tenant, const std::string& domain) const {
    const auto res = admin_request(harness, "POST", kClaims,
                                   json::serialize(json::object{{"tenant", tenant}, {"domain", domain}}));
    BOOST_TEST_REQUIRE(res.status == 201u, "claim " << tenant << " " << domain << ": " << res.body);
  }
  void unclaim(const std::string& tenant, const std::string& domain) const {
    const auto res = admin_request(harness, "DELETE", std::string(kClaims) + "/" + tenant + "/" + domain);
    BOOST_TEST_REQUIRE(res.status == 204u, "unclaim " << tenant << " " << domain << ": " << res.body);
  }
};

json::object real_ceo(const std::string& user_name) {
  auto body = user_body(user_name);
  body["name"] = json::object{{"givenName", "Real"}, {"familyName", "Ceo"}};
  body["emails"] = json::array{json::object{{"value", user_name}, {"primary", true}}};
  return body;
}

json::object evil(const std::string& user_name) {
  auto body = user_body(user_name);
  body["name"] = json::object{{"givenName", "Evil"}, {"familyName", "X"}};
  body["emails"] = json::array{json::object{{"value", "attacker@evil.example"}, {"primary", true}}};
  return body;
}

json::object patch(json::array operations) {
  return {{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
          {"Operations", std::move(operations)}};
}

HttpResponse patch_user(const Scim& scim, const std::string& id, json::array operations) {
  return scim.call("PATCH", "/Users/" + id, json::serialize(patch(std::move(operations))));
}

// One Bulk operation's status as the Bulk response gives it.
unsigned bulk_status(const Scim& scim, json::object operation) {
  json::object body{{"schemas", json::array{kBulkRequestUrn}}, {"Operations", json::array{std::move(operation)}}};
  const auto res = require_json(scim.post("/Bulk", body), 200, "bulk");
  return static_cast<unsigned>(std::stoi(str(res.at("Operations").as_array().at(0), "status")));
}

// How the victim's domain is claimed.
enum class Claims {
  None,         // free.example: first come, globex owns its user
  VictimOnly,   // globex.example: claimed by globex alone
  Shared,       // corp.example: acme and globex (one organisation)
  Withdrawn,    // corp.example, acme's claim withdrawn after it linked the user (data from before)
  ActorOnly,    // acquired.example: claimed by acme alone after globex created the user
};

struct Row {
  const char* what;
  Claims claims;
  // What acme does to globex's user `id` of userName `name`; its status.
  unsigned (*act)(World& w, const std::string& id, const std::string& name);
  unsigned status;
  bool victim_unchanged;  // everything globex sees is byte for byte the same
  bool linked = false;    // acme linked the user first (it has access)
};
std::ostream& operator<<(std::ostream& out, const Row& r) { return out << r.what; }

unsigned post_same_name(World& w, const std::string&, const std::string& name) {
  return w.acme.post("/Users", evil(name)).status;
}
unsigned bulk_post_same_name(World& w, const std::string&, const std::string& name) {
  return bulk_status(w.acme, {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "u1"}, {"data", evil(name)}});
}
unsigned rename_own_into_it(World& w, const std::string&, const std::string& name) {
  const auto own = create_user(w.acme, "own-" + std::to_string(std::rand()) + "@acme-free.example");
  return patch_user(w.acme, own, json::array{json::object{{"op", "replace"}, {"path", "userName"}, {"value", name}}})
      .status;
}
unsigned put_global(World& w, const std::string& id, const std::string& name) {
  return w.acme.put("/Users/" + id, evil(name)).status;
}
unsigned put_per_tenant_only(World& w, const std::string& id, const std::string& name) {
  auto body = real_ceo(name);
  body["active"] = false;
  body["externalId"] = "acme-okta-1";
  return w.acme.put("/Users/" + id, body).status;
}
unsigned patch_path_global(World& w, const std::string& id, const std::string&) {
  return patch_user(w.acme, id,
                    json::array{json::object{{"op", "replace"}, {"path", "name.givenName"}, {"value", "Evil"}}})
      .status;
}
unsigned patch_no_path_global(World& w, const std::string& id, const std::string&) {
  return patch_user(w.acme, id,
                    json::array{json::object{{"op", "replace"},
                                             {"value", json::object{{"emails", json::array{json::object{
                                                                                 {"value", "attacker@evil.example"}}}}}}}})
      .status;
}
unsigned patch_user_name(World& w, const std::string& id, const std::string&) {
  return patch_user(w.acme, id,
                    json::array{json::object{{"op", "replace"}, {"path", "userName"}, {"value", "evil@evil.example"}}})
      .status;
}
unsigned patch_per_tenant_only(World& w, const std::string& id, const std::string&) {
  return patch_user(w.acme, id,
                    json::array{json::object{{"op", "replace"}, {"path", "active"}, {"value", false}},
                                json::object{{"op", "replace"}, {"path", "externalId"}, {"value", "acme-1"}}})
      .status;
}
unsigned bulk_patch_global(World& w, const std::string& id, const std::string&) {
  return bulk_status(w.acme, {{"method", "PATCH"},
                              {"path", "/Users/" + id},
                              {"data", patch(json::array{json::object{
                                           {"op", "replace"}, {"path", "name.familyName"}, {"value", "X"}}})}});
}

const Row kRows[] = {
    // Creating (or linking) the victim's userName.
    {"no claim: POST of the userName", Claims::None, post_same_name, 409, true},
    {"no claim: Bulk POST of the userName", Claims::None, bulk_post_same_name, 409, true},
    {"no claim: rename of an own user into it", Claims::None, rename_own_into_it, 409, true},
    {"victim's claim: POST of the userName", Claims::VictimOnly, post_same_name, 400, true},
    {"victim's claim: Bulk POST of the userName", Claims::VictimOnly, bulk_post_same_name, 400, true},
    {"victim's claim: rename of an own user into it", Claims::VictimOnly, rename_own_into_it, 400, true},
    {"shared claim: POST links the same user", Claims::Shared, post_same_name, 201, false},
    {"shared claim: Bulk POST links the same user", Claims::Shared, bulk_post_same_name, 201, false},
    // Writing the user acme has access to from before its claim was withdrawn.
    {"withdrawn claim: PUT of global attributes", Claims::Withdrawn, put_global, 403, true},
    {"withdrawn claim: PATCH with a path", Claims::Withdrawn, patch_path_global, 403, true},
    {"withdrawn claim: PATCH without a path", Claims::Withdrawn, patch_no_path_global, 403, true},
    {"withdrawn claim: PATCH of userName", Claims::Withdrawn, patch_user_name, 403, true},
    {"withdrawn claim: Bulk PATCH", Claims::Withdrawn, bulk_patch_global, 403, true},
    {"withdrawn claim: PUT of per-tenant state only", Claims::Withdrawn, put_per_tenant_only, 200, true},
    {"withdrawn claim: PATCH of per-tenant state only", Claims::Withdrawn, patch_per_tenant_only, 200, true},
    // With the claim shared, global writes are the organisation's.
    {"shared claim: PUT of per-tenant state only", Claims::Shared, put_per_tenant_only, 200, true, true},
    // The instance admin gave acme the domain: acme's IdP now provisions it.
    {"acting tenant's claim: POST links and rewrites", Claims::ActorOnly, post_same_name, 201, false},
    {"shared claim: PATCH of a global attribute", Claims::Shared, patch_path_global, 200, false, true},
};

std::string domain_of(Claims claims) {
  switch (claims) {
    case Claims::None: return "free.example";
    case Claims::VictimOnly: return "globex.example";
    case Claims::Shared:
    case Claims::Withdrawn: return "corp.example";
    case Claims::ActorOnly: return "acquired.example";
  }
  return {};
}

}  // namespace

BOOST_DATA_TEST_CASE(another_tenants_user_is_only_touched_with_the_claim, data::make(kRows), row) {
  World w;
  const std::string domain = domain_of(row.claims);
  if (row.claims == Claims::VictimOnly) w.claim("globex", domain);
  if (row.claims == Claims::Shared || row.claims == Claims::Withdrawn) {
    w.claim("globex", domain);
    w.claim("acme", domain);
  }
  const std::string name = "ceo@" + domain;
  const auto id = create_user(w.globex, real_ceo(name));
  create_group(w.globex, "Board", {id});
  if (row.linked || row.claims == Claims::Withdrawn) {
    BOOST_TEST_REQUIRE(w.acme.post("/Users", real_ceo(name)).status == 201u);
  }
  if (row.claims == Claims::Withdrawn) w.unclaim("acme", domain);
  if (row.claims == Claims::ActorOnly) w.claim("acme", domain);

  const auto before = scim_state(w.globex, "globex");
  const auto etag = get_json(w.globex, "/Users/" + id).at("meta").at("version");
  BOOST_TEST(row.act(w, id, name) == row.status);
  const auto after = scim_state(w.globex, "globex");
  if (row.victim_unchanged) {
    check_unchanged(before, after);
    BOOST_TEST(get_json(w.globex, "/Users/" + id).at("meta").at("version") == etag);
  }
  if (row.claims == Claims::ActorOnly) {  // the claim decides, even against the user's creator
    auto body = real_ceo(name);
    body["title"] = "Chief";
    BOOST_TEST(w.globex.put("/Users/" + id, body).status == 403u);
  }
  if (row.status == 201u) {  // a shared claim: the same user, linked
    BOOST_TEST(ids_of(list(w.acme, "/Users?" + filter_query("userName eq \"" + name + "\""))) ==
               std::vector<std::string>{id});
  }
  if (row.status >= 400u) {  // nothing of globex's user is revealed
    BOOST_TEST(total_of(list(w.acme, "/Users?" + filter_query("userName eq \"" + name + "\""))) ==
               (row.claims == Claims::Withdrawn || row.linked ? 1 : 0));
  }
}

// A takeover in three steps, replayed: step 2 is refused and globex's user,
// its version included, is unchanged.
BOOST_AUTO_TEST_CASE(the_reported_takeover_is_refused) {
  World w;
  const auto created = create(w.globex, "/Users", real_ceo("ceo@globex.example"));
  const std::string id = str(created, "id");
  const auto before = json::serialize(get_json(w.globex, "/Users/" + id));

  const auto takeover = w.acme.post("/Users", evil("ceo@globex.example"));
  check_error(takeover, 409, "uniqueness");
  for (const std::string& secret : {id, std::string("Real"), w.globex.integration.id, std::string("tenant")}) {
    BOOST_TEST(takeover.body.find(secret) == std::string::npos, "the 409 reveals " << secret);
  }
  BOOST_TEST(json::serialize(get_json(w.globex, "/Users/" + id)) == before);
  check_error(w.acme.get("/Users/" + id), 404);
}

// A domain claimed by another tenant is refused in userName and in emails on
// create, PUT and PATCH, naming the domain; an unclaimed one stays usable.
BOOST_AUTO_TEST_CASE(a_reserved_domain_is_refused_naming_it) {
  World w;
  w.claim("globex", "globex.example");
  const auto refused = w.acme.post("/Users", user_body("someone@GLOBEX.example"));
  check_error(refused, 400, "invalidValue");
  BOOST_TEST(detail_of(refused).find("'globex.example'") != std::string::npos);

  auto with_email = user_body("someone@acme.example");
  with_email["emails"] = json::array{json::object{{"value", "boss@globex.example"}}};
  check_error(w.acme.post("/Users", with_email), 400, "invalidValue");

  const auto id = create_user(w.acme, "someone@acme.example");
  const auto before = scim_state(w.acme, "acme");
  check_error(w.acme.put("/Users/" + id, with_email), 400, "invalidValue");
  check_error(patch_user(w.acme, id,
                         json::array{json::object{{"op", "add"},
                                                  {"path", "emails"},
                                                  {"value", json::array{json::object{{"value", "x@globex.example"}}}}}}),
              400, "invalidValue");
  check_unchanged(before, scim_state(w.acme, "acme"));
  // Every PATCH path form, and Bulk.
  auto work_email = json::object{{"op", "add"}, {"path", "emails"},
                                 {"value", json::array{json::object{{"value", "me@acme.example"}, {"type", "work"}}}}};
  BOOST_TEST_REQUIRE(patch_user(w.acme, id, json::array{work_email}).status == 200u);
  const auto with_work_email = scim_state(w.acme, "acme");
  const json::array reserved_patches[] = {
      {json::object{{"op", "replace"},
                    {"value", json::object{{"emails", json::array{json::object{{"value", "x@globex.example"}}}}}}}},
      {json::object{{"op", "replace"}, {"path", "emails[type eq \"work\"].value"}, {"value", "x@globex.example"}}},
      {json::object{{"op", "replace"}, {"path", "userName"}, {"value", "x@globex.example"}}},
      {json::object{{"op", "replace"}, {"value", json::object{{"userName", "y@globex.example"}}}}},
  };
  for (const auto& operations : reserved_patches) {
    BOOST_TEST_CONTEXT(json::serialize(operations)) {
      const auto res = patch_user(w.acme, id, operations);
      check_error(res, 400, "invalidValue");
      BOOST_TEST(detail_of(res).find("'globex.example'") != std::string::npos);
    }
  }
  BOOST_TEST(bulk_status(w.acme, {{"method", "PATCH"}, {"path", "/Users/" + id}, {"data", patch(reserved_patches[1])}}) ==
             400u);
  BOOST_TEST(bulk_status(w.acme, {{"method", "PUT"}, {"path", "/Users/" + id}, {"data", with_email}}) == 400u);
  check_unchanged(with_work_email, scim_state(w.acme, "acme"));
  // globex itself may.
  auto globex_own = user_body("someone@globex.example");
  globex_own["emails"] = with_email.at("emails");
  create_user(w.globex, globex_own);
}

// First come: the tenant that created a user of an unclaimed domain keeps it
// after revoking its access, and may take it back; nobody else may.
BOOST_AUTO_TEST_CASE(an_unclaimed_user_stays_its_creators) {
  World w;
  const auto id = create_user(w.acme, "solo@free.example");
  BOOST_TEST(w.acme.del("/Users/" + id).status == 204u);
  check_error(w.globex.post("/Users", user_body("solo@free.example")), 409, "uniqueness");
  BOOST_TEST(create_user(w.acme, "solo@free.example") == id);
}

// Claims are the instance admin's: a tenant admin reads its own, the
// superAdmin changes them, each change audited; the instance audit lists
// claims and cross-tenant links with tenant and integration.
BOOST_AUTO_TEST_CASE(claims_are_the_instance_admins_and_audited) {
  World w;
  w.claim("acme", "corp.example");
  w.claim("globex", "corp.example");
  const auto add = [&](const std::string& tenant, const std::string& domain) {
    return admin_request(w.harness, "POST", kClaims,
                         json::serialize(json::object{{"tenant", tenant}, {"domain", domain}}))
        .status;
  };
  BOOST_TEST(add("acme", "corp.example") == 409u);
  BOOST_TEST(add("acme", "not a domain") == 400u);
  BOOST_TEST(add("nobody", "x.example") == 404u);
  // A tenant's admin is not the instance admin.
  const auto tenant_admin = request(w.harness.port(), "POST", kClaims,
                                    {{"Authorization", "Bearer " + w.acme.integration.token},
                                     {"Content-Type", "application/json"}},
                                    R"({"tenant":"acme","domain":"evil.example"})");
  BOOST_TEST(tenant_admin.status >= 401u);
  BOOST_TEST(tenant_admin.status <= 403u);
  const auto mine = admin_get(w.harness, "/api/v1/acme/scim-domain-claims").as_object();
  BOOST_TEST(mine.at("total").as_int64() == 1);
  BOOST_TEST(str(mine.at("results").as_array().at(0), "domain") == "corp.example");

  const auto id = create_user(w.globex, "shared@corp.example");
  BOOST_TEST(create_user(w.acme, "shared@corp.example") == id);
  const auto trail = admin_get(w.harness, "/api/v1/scim-instance/audit?size=100").as_object();
  const auto& newest = trail.at("results").as_array().at(0);
  BOOST_TEST(str(newest, "action") == "user.link");
  BOOST_TEST(str(newest, "tenant") == "acme");
  BOOST_TEST(str(newest, "integrationId") == w.acme.integration.id);
  BOOST_TEST(str(newest.at("target"), "id") == id);
  BOOST_TEST(trail.at("total").as_int64() == 3);  // two claims, one link
  BOOST_TEST(audit_actions(w.acme, "acme").back() == "user.link");
}
