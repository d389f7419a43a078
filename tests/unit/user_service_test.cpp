// scim::UserService over the in-memory ports: the domain rules of SCIM
// Users without HTTP or SQL.  The same outcomes as tests/scim (users_test,
// tenant_boundary_test, etag_test, limits_test), asserted as ErrorKind and
// scimType values.
#include "service_test_support.hpp"

#include <boost/test/data/test_case.hpp>

#include <algorithm>

using namespace service_test;
namespace data = boost::unit_test::data;
using kestra::provisioning::Actor;

namespace {

json::object with(json::object body, std::string_view extra) {
  if (extra.empty()) return body;
  for (const auto& [key, value] : object(extra)) body[key] = value;
  return body;
}

std::vector<std::string> listed_ids(World& w, const ports::Scope& scope, const std::string& filter) {
  scim::ListRequest request;
  request.filter = filter;
  request.count = 100;
  auto page = w.users.list(scope, request, false);
  BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().detail));
  std::vector<std::string> ids;
  for (const auto& item : page->items) ids.push_back(item.row.id);
  return ids;
}

// ---- create ------------------------------------------------------------------

struct CreateCase {
  const char* name;
  void (*setup)(World&);
  const char* user_name;  // "": no userName at all
  const char* extra;      // JSON members merged into the body
  Actor (*actor)();
  Expect expect;
  bool links_globex_user = false;  // the same id as globex's user of that userName
};
std::ostream& operator<<(std::ostream& os, const CreateCase& c) { return os << c.name; }

void nothing(World&) {}
void acme_has_ada(World& w) { w.user(kAcme, "ada@free.example"); }
void globex_has_ada(World& w) { w.user(kGlobex, "ada@free.example"); }
void globex_claims_its_domain(World& w) { w.claim("globex", "globex.example"); }
void shared_corp_user(World& w) {
  w.claim("globex", "corp.example");
  w.claim("acme", "corp.example");
  w.user(kGlobex, "ada@corp.example");
}
void acquired_user(World& w) {
  w.user(kGlobex, "ada@acquired.example");
  w.claim("acme", "acquired.example");
}

const CreateCase kCreates[] = {
    {"a new user", nothing, "ada@free.example", "", admin, kOk},
    {"no userName", nothing, "", "", admin, fails(ErrorKind::InvalidInput, "invalidValue")},
    {"a userName of this tenant", acme_has_ada, "ada@free.example", "", admin,
     fails(ErrorKind::Conflict, "uniqueness")},
    {"a userName of this tenant in another case", acme_has_ada, "ADA@Free.Example", "", admin,
     fails(ErrorKind::Conflict, "uniqueness")},
    {"another tenant's user of an unclaimed domain", globex_has_ada, "ada@free.example", "", admin,
     fails(ErrorKind::Conflict, "uniqueness")},
    {"a userName in a domain another tenant claims", globex_claims_its_domain, "ada@globex.example", "", admin,
     fails(ErrorKind::InvalidInput, "invalidValue")},
    {"an email in a domain another tenant claims", globex_claims_its_domain, "ada@acme.example",
     R"({"emails":[{"value":"boss@globex.example"}]})", admin, fails(ErrorKind::InvalidInput, "invalidValue")},
    {"a userName in a domain both tenants claim links the user", shared_corp_user, "ada@corp.example", "", admin, kOk,
     true},
    {"a domain acme claims links the user globex created", acquired_user, "ada@acquired.example", "", admin, kOk,
     true},
    {"an assignable role", nothing, "ada@free.example", R"({"roles":[{"value":"Viewer"}]})", provisioner, kOk},
    {"a role, by an integration without BINDINGS CREATE", nothing, "ada@free.example",
     R"({"roles":[{"value":"Viewer"}]})", without_bindings, fails(ErrorKind::Forbidden)},
    {"an unknown role", nothing, "ada@free.example", R"({"roles":[{"value":"Owner"}]})", provisioner,
     fails(ErrorKind::InvalidInput, "invalidValue")},
    {"SCIMProvisioner, never assignable", nothing, "ada@free.example",
     R"({"roles":[{"value":"SCIMProvisioner"}]})", admin, fails(ErrorKind::InvalidInput, "invalidValue")},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(user_service)

BOOST_DATA_TEST_CASE(create, data::make(kCreates), c) {
  World w;
  c.setup(w);
  auto body = user_body(c.user_name);
  if (std::string_view(c.user_name).empty()) body.erase("userName");
  body = with(std::move(body), c.extra);
  const auto audit_before = w.store.audit().size();
  auto created = w.users.create(kAcme, body, c.actor());
  if (!check(created, c.expect)) {
    // A refused create writes nothing.
    BOOST_TEST(w.store.audit().size() == audit_before);
    return;
  }
  BOOST_TEST(w.users.get(kAcme, created->row.id, false).has_value());
  if (c.links_globex_user) {
    BOOST_TEST(listed_ids(w, kGlobex, std::string("userName eq \"") + c.user_name + "\"") ==
               std::vector<std::string>{created->row.id});
  }
}

BOOST_AUTO_TEST_CASE(user_name_longer_than_the_store_keeps_is_invalid) {
  World w;
  auto created = w.users.create(kAcme, user_body(std::string(ports::kMaxUserNameChars + 1, 'a')), admin());
  check(created, fails(ErrorKind::InvalidInput, "invalidValue"));
  auto at_limit = w.users.create(kAcme, user_body(std::string(ports::kMaxUserNameChars, 'a')), admin());
  check(at_limit, kOk);
}

// ---- the tenant trust boundary (tests/scim/tenant_boundary_test.cpp) ------

namespace {

enum class Claims { None, VictimOnly, Shared, Withdrawn, ActorOnly };

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

template <class T>
Result<void> outcome(const Result<T>& r) {
  if (!r) return r.error();
  return {};
}

Result<void> post_same_name(World& w, const std::string&, const std::string& name) {
  return outcome(w.users.create(kAcme, evil(name), provisioner()));
}
Result<void> rename_own_into_it(World& w, const std::string&, const std::string& name) {
  const auto own = w.user(kAcme, "own@acme-free.example");
  return outcome(w.users.patch(kAcme, own, patch_body({op("replace", "userName", json::value(name))}), std::nullopt,
                               provisioner()));
}
Result<void> put_global(World& w, const std::string& id, const std::string& name) {
  return outcome(w.users.replace(kAcme, id, evil(name), std::nullopt, provisioner()));
}
Result<void> put_per_tenant_only(World& w, const std::string& id, const std::string& name) {
  auto body = real_ceo(name);
  body["active"] = false;
  body["externalId"] = "acme-okta-1";
  return outcome(w.users.replace(kAcme, id, body, std::nullopt, provisioner()));
}
Result<void> patch_path_global(World& w, const std::string& id, const std::string&) {
  return outcome(w.users.patch(kAcme, id, patch_body({op("replace", "name.givenName", "Evil")}), std::nullopt,
                               provisioner()));
}
Result<void> patch_no_path_global(World& w, const std::string& id, const std::string&) {
  const json::object value{{"emails", json::array{json::object{{"value", "attacker@evil.example"}}}}};
  return outcome(w.users.patch(kAcme, id, patch_body({op("replace", "", value)}), std::nullopt, provisioner()));
}
Result<void> patch_user_name(World& w, const std::string& id, const std::string&) {
  return outcome(w.users.patch(kAcme, id, patch_body({op("replace", "userName", "evil@evil.example")}), std::nullopt,
                               provisioner()));
}
Result<void> patch_per_tenant_only(World& w, const std::string& id, const std::string&) {
  return outcome(w.users.patch(kAcme, id,
                               patch_body({op("replace", "active", false), op("replace", "externalId", "acme-1")}),
                               std::nullopt, provisioner()));
}

struct BoundaryRow {
  const char* what;
  Claims claims;
  Result<void> (*act)(World& w, const std::string& id, const std::string& name);
  Expect expect;
  bool victim_unchanged;  // globex's view of its user, version included, is the same
  bool linked = false;    // acme linked the user first
};
std::ostream& operator<<(std::ostream& os, const BoundaryRow& r) { return os << r.what; }

const Expect kTaken = fails(ErrorKind::Conflict, "uniqueness");
const Expect kReserved = fails(ErrorKind::InvalidInput, "invalidValue");
const Expect kNotEntitled = fails(ErrorKind::Forbidden);

const BoundaryRow kBoundary[] = {
    {"no claim: POST of the userName", Claims::None, post_same_name, kTaken, true},
    {"no claim: rename of an own user into it", Claims::None, rename_own_into_it, kTaken, true},
    {"victim's claim: POST of the userName", Claims::VictimOnly, post_same_name, kReserved, true},
    {"victim's claim: rename of an own user into it", Claims::VictimOnly, rename_own_into_it, kReserved, true},
    {"shared claim: POST links the same user", Claims::Shared, post_same_name, kOk, false},
    {"withdrawn claim: PUT of global attributes", Claims::Withdrawn, put_global, kNotEntitled, true},
    {"withdrawn claim: PATCH with a path", Claims::Withdrawn, patch_path_global, kNotEntitled, true},
    {"withdrawn claim: PATCH without a path", Claims::Withdrawn, patch_no_path_global, kNotEntitled, true},
    {"withdrawn claim: PATCH of userName", Claims::Withdrawn, patch_user_name, kNotEntitled, true},
    {"withdrawn claim: PUT of per-tenant state only", Claims::Withdrawn, put_per_tenant_only, kOk, true},
    {"withdrawn claim: PATCH of per-tenant state only", Claims::Withdrawn, patch_per_tenant_only, kOk, true},
    {"shared claim: PUT of per-tenant state only", Claims::Shared, put_per_tenant_only, kOk, true, true},
    {"acting tenant's claim: POST links and rewrites", Claims::ActorOnly, post_same_name, kOk, false},
    {"shared claim: PATCH of a global attribute", Claims::Shared, patch_path_global, kOk, false, true},
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

// Everything globex sees of its user, meta.version included.
std::string globex_view(World& w, const std::string& id) {
  auto found = w.users.get(kGlobex, id, true);
  BOOST_TEST_REQUIRE(found.has_value());
  return json::serialize(scim::render_user(*found, "/Users/" + id));
}

}  // namespace

BOOST_DATA_TEST_CASE(another_tenants_user_is_only_touched_with_the_claim, data::make(kBoundary), row) {
  World w;
  const std::string domain = domain_of(row.claims);
  if (row.claims == Claims::VictimOnly) w.claim("globex", domain);
  if (row.claims == Claims::Shared || row.claims == Claims::Withdrawn) {
    w.claim("globex", domain);
    w.claim("acme", domain);
  }
  const std::string name = "ceo@" + domain;
  const auto id = w.user(kGlobex, real_ceo(name));
  w.group(kGlobex, "Board", {json::value(id)});
  if (row.linked || row.claims == Claims::Withdrawn) {
    BOOST_TEST_REQUIRE(w.users.create(kAcme, real_ceo(name), provisioner()).has_value());
  }
  if (row.claims == Claims::Withdrawn) w.unclaim("acme", domain);
  if (row.claims == Claims::ActorOnly) w.claim("acme", domain);

  const auto before = globex_view(w, id);
  check(row.act(w, id, name), row.expect);
  if (row.victim_unchanged) BOOST_TEST(globex_view(w, id) == before);
  if (row.claims == Claims::ActorOnly) {  // the claim decides, even against the user's creator
    auto body = real_ceo(name);
    body["title"] = "Chief";
    check(w.users.replace(kGlobex, id, body, std::nullopt, provisioner()), kNotEntitled);
  }
  const auto acme_sees = listed_ids(w, kAcme, "userName eq \"" + name + "\"");
  if (!row.expect.kind && !row.linked && row.claims != Claims::Withdrawn) {
    BOOST_TEST(acme_sees == std::vector<std::string>{id});  // linked: the same user
  }
  if (row.expect.kind) {  // nothing of globex's user is revealed
    BOOST_TEST(acme_sees.size() == (row.claims == Claims::Withdrawn || row.linked ? 1u : 0u));
  }
}

// First come: the creator of a user of an unclaimed domain keeps it after
// revoking its access, and may take it back; nobody else may.
BOOST_AUTO_TEST_CASE(an_unclaimed_user_stays_its_creators) {
  World w;
  const auto id = w.user(kAcme, "solo@free.example");
  BOOST_TEST(w.users.remove(kAcme, id, std::nullopt, provisioner()).has_value());
  check(w.users.create(kGlobex, user_body("solo@free.example"), provisioner()), kTaken);
  auto again = w.users.create(kAcme, user_body("solo@free.example"), provisioner());
  BOOST_TEST_REQUIRE(again.has_value());
  BOOST_TEST(again->row.id == id);
}

// ---- tenant isolation --------------------------------------------------------

namespace {

struct IsolationCase {
  const char* name;
  Result<void> (*act)(World& w, const std::string& acme_user);
};
std::ostream& operator<<(std::ostream& os, const IsolationCase& c) { return os << c.name; }

const IsolationCase kFromGlobex[] = {
    {"get", [](World& w, const std::string& id) { return outcome(w.users.get(kGlobex, id, true)); }},
    {"replace",
     [](World& w, const std::string& id) {
       return outcome(w.users.replace(kGlobex, id, user_body("ada@free.example"), std::nullopt, provisioner()));
     }},
    {"patch",
     [](World& w, const std::string& id) {
       return outcome(w.users.patch(kGlobex, id, patch_body({op("replace", "active", false)}), std::nullopt,
                                    provisioner()));
     }},
    {"remove", [](World& w, const std::string& id) { return w.users.remove(kGlobex, id, std::nullopt, provisioner()); }},
    {"remove with If-Match",
     [](World& w, const std::string& id) {
       return w.users.remove(kGlobex, id, std::string_view("*"), provisioner());
     }},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_user_of_another_tenant_is_not_found, data::make(kFromGlobex), c) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  const auto before = w.user_etag(kAcme, id);
  check(c.act(w, id), fails(ErrorKind::NotFound));
  BOOST_TEST(w.user_etag(kAcme, id) == before);
  BOOST_TEST(listed_ids(w, kGlobex, "").empty());
  BOOST_TEST(listed_ids(w, kAcme, "") == std::vector<std::string>{id});
}

// ---- replace, patch, remove ------------------------------------------------

BOOST_AUTO_TEST_CASE(replace_renames_unless_another_user_holds_the_name) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  w.user(kAcme, "grace@free.example");
  check(w.users.replace(kAcme, id, user_body("Grace@free.example"), std::nullopt, provisioner()), kTaken);
  auto renamed = w.users.replace(kAcme, id, user_body("ada.lovelace@free.example"), std::nullopt, provisioner());
  BOOST_TEST_REQUIRE(renamed.has_value());
  BOOST_TEST(renamed->row.user_name == "ada.lovelace@free.example");
  check(w.users.replace(kAcme, "no-such-id", user_body("x@free.example"), std::nullopt, provisioner()),
        fails(ErrorKind::NotFound));
}

BOOST_AUTO_TEST_CASE(remove_revokes_access_and_a_second_remove_is_not_found) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  const auto group = w.group(kAcme, "Engineers", {json::value(id)});
  BOOST_TEST(w.users.remove(kAcme, id, std::nullopt, provisioner()).has_value());
  check(w.users.get(kAcme, id, false), fails(ErrorKind::NotFound));
  check(w.users.remove(kAcme, id, std::nullopt, provisioner()), fails(ErrorKind::NotFound));
  auto g = w.groups.get(kAcme, group);
  BOOST_TEST_REQUIRE(g.has_value());
  BOOST_TEST(g->member_count == 0);  // its membership here went with its access
}

namespace {

enum class Write { Replace, Patch, Remove };
enum class Tag { Current, Stale, Any, Malformed };

struct IfMatchCase {
  const char* name;
  Write write;
  Tag tag;
  Expect expect;
};
std::ostream& operator<<(std::ostream& os, const IfMatchCase& c) { return os << c.name; }

const IfMatchCase kIfMatch[] = {
    {"PUT, current", Write::Replace, Tag::Current, kOk},
    {"PUT, stale", Write::Replace, Tag::Stale, fails(ErrorKind::PreconditionFailed)},
    {"PUT, *", Write::Replace, Tag::Any, kOk},
    {"PUT, not a tag", Write::Replace, Tag::Malformed, fails(ErrorKind::PreconditionFailed)},
    {"PATCH, current", Write::Patch, Tag::Current, kOk},
    {"PATCH, stale", Write::Patch, Tag::Stale, fails(ErrorKind::PreconditionFailed)},
    {"DELETE, current", Write::Remove, Tag::Current, kOk},
    {"DELETE, stale", Write::Remove, Tag::Stale, fails(ErrorKind::PreconditionFailed)},
};

}  // namespace

BOOST_DATA_TEST_CASE(if_match_must_name_the_current_version, data::make(kIfMatch), c) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  const auto stale = w.user_etag(kAcme, id);
  BOOST_TEST_REQUIRE(
      w.users.patch(kAcme, id, patch_body({op("replace", "title", "Countess")}), std::nullopt, provisioner()).has_value());
  const auto current = w.user_etag(kAcme, id);
  BOOST_TEST_REQUIRE(current != stale);
  const std::string tag = c.tag == Tag::Current ? current : c.tag == Tag::Stale ? stale : c.tag == Tag::Any ? "*" : "x";
  const auto if_match = std::optional<std::string_view>(tag);
  Result<void> result;
  switch (c.write) {
    case Write::Replace:
      result = outcome(w.users.replace(kAcme, id, user_body("ada@free.example"), if_match, provisioner()));
      break;
    case Write::Patch:
      result = outcome(w.users.patch(kAcme, id, patch_body({op("replace", "active", false)}), if_match, provisioner()));
      break;
    case Write::Remove: result = w.users.remove(kAcme, id, if_match, provisioner()); break;
  }
  if (!check(result, c.expect)) BOOST_TEST(w.user_etag(kAcme, id) == current);  // a refused write changes nothing
}

BOOST_AUTO_TEST_CASE(every_change_moves_the_etag_and_no_change_keeps_it) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  std::vector<std::string> tags{w.user_etag(kAcme, id)};
  const json::array changes[] = {
      {op("replace", "title", "Countess")},     // a global attribute
      {op("replace", "active", false)},         // per tenant
      {op("replace", "externalId", "okta-1")},  // per integration
  };
  for (const auto& operations : changes) {
    BOOST_TEST_REQUIRE(w.users.patch(kAcme, id, patch_body(operations), std::nullopt, provisioner()).has_value());
    tags.push_back(w.user_etag(kAcme, id));
  }
  std::sort(tags.begin(), tags.end());
  BOOST_TEST((std::adjacent_find(tags.begin(), tags.end()) == tags.end()), "an etag repeated");
  const auto last = w.user_etag(kAcme, id);
  BOOST_TEST_REQUIRE(
      w.users.patch(kAcme, id, patch_body({op("replace", "active", false)}), std::nullopt, provisioner()).has_value());
  BOOST_TEST(w.user_etag(kAcme, id) == last);
}

// ---- active and externalId: per tenant, per integration -------------------

BOOST_AUTO_TEST_CASE(external_id_is_per_integration_and_active_per_tenant) {
  World w;
  w.claim("acme", "corp.example");
  w.claim("globex", "corp.example");
  auto body = user_body("ada@corp.example");
  body["externalId"] = "okta-1";
  const auto id = w.user(kAcme, body);
  BOOST_TEST_REQUIRE(w.users.create(kGlobex, user_body("ada@corp.example"), provisioner()).has_value());

  auto okta = w.users.get(kAcme, id, false);
  auto entra = w.users.get(kAcmeEntra, id, false);
  BOOST_TEST_REQUIRE((okta.has_value() && entra.has_value()));
  BOOST_TEST(okta->row.external_id.value_or("") == "okta-1");
  BOOST_TEST(!entra->row.external_id.has_value());
  BOOST_TEST(listed_ids(w, kAcme, "externalId eq \"okta-1\"") == std::vector<std::string>{id});
  BOOST_TEST(listed_ids(w, kAcmeEntra, "externalId eq \"okta-1\"").empty());

  BOOST_TEST_REQUIRE(
      w.users.patch(kAcme, id, patch_body({op("replace", "active", "False")}), std::nullopt, provisioner()).has_value());
  BOOST_TEST(!w.users.get(kAcme, id, false)->row.active);
  BOOST_TEST(w.users.get(kGlobex, id, false)->row.active);
  BOOST_TEST(listed_ids(w, kAcme, "active eq false") == std::vector<std::string>{id});
  BOOST_TEST(listed_ids(w, kGlobex, "active eq false").empty());
}

// ---- roles: bindings, as the actor may change them ---------------------------

namespace {

struct RoleCase {
  const char* name;
  const char* before;  // roles the user has (set by an admin's PATCH); "" none
  const char* put;     // the roles of the PUT; nullptr: no "roles" key
  Actor (*actor)();
  Expect expect;
  std::vector<std::string> after;  // role names the user has after
};
std::ostream& operator<<(std::ostream& os, const RoleCase& c) { return os << c.name; }

const RoleCase kRoleCases[] = {
    {"an admin adds a role", "", R"([{"value":"Viewer"}])", admin, kOk, {"Viewer"}},
    {"the provisioner adds a role by id or name", "", R"([{"value":"viewer"},{"value":"Editor"}])", provisioner, kOk,
     {"Editor", "Viewer"}},
    {"adding needs BINDINGS CREATE", "", R"([{"value":"Viewer"}])", without_bindings, fails(ErrorKind::Forbidden), {}},
    {"removing needs BINDINGS DELETE", R"([{"value":"Viewer"}])", "[]", create_only_bindings,
     fails(ErrorKind::Forbidden), {"Viewer"}},
    {"changing the type needs BINDINGS UPDATE", R"([{"value":"Viewer"}])", R"([{"value":"Viewer","type":"x"}])",
     create_only_bindings, fails(ErrorKind::Forbidden), {"Viewer"}},
    {"the same roles need nothing", R"([{"value":"Viewer"}])", R"([{"value":"Viewer"}])", create_only_bindings, kOk,
     {"Viewer"}},
    {"who may not read bindings keeps them by leaving roles out", R"([{"value":"Viewer"}])", nullptr,
     without_bindings, kOk, {"Viewer"}},
    {"who may read bindings removes them by leaving roles out", R"([{"value":"Viewer"}])", nullptr, provisioner, kOk,
     {}},
    {"a role SCIM may not assign", "", R"([{"value":"SCIMProvisioner"}])", provisioner,
     fails(ErrorKind::InvalidInput, "invalidValue"), {}},
};

std::vector<std::string> role_names(World& w, const std::string& id) {
  auto found = w.users.get(kAcme, id, false);
  BOOST_TEST_REQUIRE(found.has_value());
  std::vector<std::string> names;
  for (const auto& r : found->row.roles) names.push_back(r.role_name);
  return names;
}

}  // namespace

BOOST_DATA_TEST_CASE(role_assignments_follow_the_actors_binding_permissions, data::make(kRoleCases), c) {
  World w;
  const auto id = w.user(kAcme, "ada@free.example");
  if (*c.before) {
    BOOST_TEST_REQUIRE(w.users.patch(kAcme, id, patch_body({op("add", "roles", json::parse(c.before))}), std::nullopt,
                                     admin()).has_value());
  }
  w.host.clear();
  auto body = user_body("ada@free.example");
  if (c.put) body["roles"] = json::parse(c.put);
  check(w.users.replace(kAcme, id, body, std::nullopt, c.actor()), c.expect);
  BOOST_TEST(role_names(w, id) == c.after);
  if (c.expect.kind) BOOST_TEST(w.host.events().empty());  // a refused change emits no binding event
}

BOOST_AUTO_TEST_CASE(the_default_role_is_bound_once_and_removed_with_access) {
  World w(scim::DefaultRole{"Viewer", ""});
  const auto id = w.user(kAcme, "ada@free.example");
  const auto events = w.host.events();
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].type == "iam.binding.created");
  BOOST_TEST(role_names(w, id).empty());  // a DEFAULT binding, not a SCIM-managed role
  BOOST_TEST(w.users.remove(kAcme, id, std::nullopt, provisioner()).has_value());
  const auto after = w.host.events();
  BOOST_TEST_REQUIRE(after.size() == 2u);
  BOOST_TEST(after[1].type == "iam.binding.deleted");
}

// ---- lists: filters, limits, pages -----------------------------------------

namespace {

struct ListCase {
  const char* name;
  const char* filter;
  const char* sort_by;  // nullptr: none
  Expect expect;
  std::vector<std::string> user_names;  // of the page, in order
};
std::ostream& operator<<(std::ostream& os, const ListCase& c) { return os << c.name; }

const ListCase kLists[] = {
    {"everything, in creation order", "", nullptr, kOk, {"carol@free.example", "ada@free.example", "bob@free.example"}},
    {"userName eq, case-insensitive", "userName eq \"ADA@free.example\"", nullptr, kOk, {"ada@free.example"}},
    {"userName sw", "userName sw \"b\"", nullptr, kOk, {"bob@free.example"}},
    {"emails value path", "emails[type eq \"work\" and value co \"carol\"]", nullptr, kOk, {"carol@free.example"}},
    {"Entra's emails[type eq].value form", "emails[type eq \"work\"].value eq \"bob@free.example\"", nullptr, kOk,
     {"bob@free.example"}},
    {"not and or", "not (userName eq \"ada@free.example\") and (title pr or active eq true)", nullptr, kOk,
     {"carol@free.example", "bob@free.example"}},
    {"sorted by userName", "", "userName", kOk, {"ada@free.example", "bob@free.example", "carol@free.example"}},
    {"an attribute the store cannot filter on", "password eq \"x\"", nullptr,
     fails(ErrorKind::InvalidInput, "invalidFilter"), {}},
    {"an unknown attribute", "favouriteColour eq \"red\"", nullptr, fails(ErrorKind::InvalidInput, "invalidFilter"),
     {}},
    {"a filter that does not parse", "userName eq", nullptr, fails(ErrorKind::InvalidInput, "invalidFilter"), {}},
    {"a sort on a multi-valued attribute", "", "emails", fails(ErrorKind::InvalidInput, "invalidFilter"), {}},
};

void three_users(World& w) {
  for (const char* name : {"carol@free.example", "ada@free.example", "bob@free.example"}) {
    auto body = user_body(name);
    body["emails"] = json::array{json::object{{"value", name}, {"type", "work"}}};
    w.user(kAcme, body);
  }
}

std::vector<std::string> user_names(const ports::ListPage<scim::UserView>& page) {
  std::vector<std::string> names;
  for (const auto& item : page.items) names.push_back(item.row.user_name);
  return names;
}

}  // namespace

BOOST_DATA_TEST_CASE(list_filters_and_sorts, data::make(kLists), c) {
  World w;
  three_users(w);
  w.user(kGlobex, "dave@free.example");  // never in acme's lists
  scim::ListRequest request;
  request.filter = c.filter;
  if (c.sort_by) request.sort_by = std::string(c.sort_by);
  request.count = 10;
  auto page = w.users.list(kAcme, request, false);
  if (!check(page, c.expect)) return;
  BOOST_TEST(user_names(*page) == c.user_names);
  BOOST_TEST(page->total == static_cast<std::int64_t>(c.user_names.size()));
}

BOOST_AUTO_TEST_CASE(a_filter_past_the_limits_is_refused) {
  kestra::scim::filter::Limits limits;
  limits.max_length = 40;
  World w({}, limits);
  scim::ListRequest request;
  request.count = 10;
  request.filter = "userName eq \"" + std::string(40, 'a') + "\"";
  check(w.users.list(kAcme, request, false), fails(ErrorKind::InvalidInput, "invalidFilter"));
  // PATCH paths are bounded by the same limits.
  const auto id = w.user(kAcme, "ada@free.example");
  const auto path = "emails[value eq \"" + std::string(40, 'a') + "\"].type";
  check(w.users.patch(kAcme, id, patch_body({op("replace", path, "work")}), std::nullopt, provisioner()),
        fails(ErrorKind::InvalidInput, "invalidPath"));
}

BOOST_AUTO_TEST_CASE(paging_by_start_index_and_count_keeps_the_total) {
  World w;
  three_users(w);
  scim::ListRequest request;
  request.start_index = 2;
  request.count = 1;
  auto page = w.users.list(kAcme, request, false);
  BOOST_TEST_REQUIRE(page.has_value());
  BOOST_TEST(user_names(*page) == std::vector<std::string>{"ada@free.example"});
  BOOST_TEST(page->total == 3);
  request.count = 0;  // totalResults only
  page = w.users.list(kAcme, request, false);
  BOOST_TEST_REQUIRE(page.has_value());
  BOOST_TEST(page->items.empty());
  BOOST_TEST(page->total == 3);
}

BOOST_AUTO_TEST_CASE(list_max_bytes_ends_a_page_early_and_a_cursor_walk_sees_everyone) {
  World w({}, {}, 1);  // one stored document fills a page
  three_users(w);
  scim::ListRequest request;
  request.count = 10;
  request.cursor = "";
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = w.users.list(kAcme, request, false);
    BOOST_TEST_REQUIRE(page.has_value(), (page ? "" : page.error().detail));
    BOOST_TEST(page->items.size() == 1u);
    BOOST_TEST(page->total == 3);
    for (const auto& name : user_names(*page)) seen.push_back(name);
    if (!page->next_cursor) break;
    request.cursor = page->next_cursor;
  }
  BOOST_TEST(seen == (std::vector<std::string>{"carol@free.example", "ada@free.example", "bob@free.example"}));
  request.cursor = "not-a-cursor";
  check(w.users.list(kAcme, request, false), fails(ErrorKind::InvalidInput, "invalidCursor"));
}

BOOST_AUTO_TEST_CASE(a_listed_user_shows_its_groups_of_this_tenant_only) {
  World w;
  w.claim("acme", "corp.example");
  w.claim("globex", "corp.example");
  const auto id = w.user(kAcme, "ada@corp.example");
  BOOST_TEST_REQUIRE(w.users.create(kGlobex, user_body("ada@corp.example"), provisioner()).has_value());
  const auto engineers = w.group(kAcme, "Engineers", {json::value(id)});
  w.group(kGlobex, "Board", {json::value(id)});
  scim::ListRequest request;
  request.count = 10;
  auto page = w.users.list(kAcme, request, true);
  BOOST_TEST_REQUIRE(page.has_value());
  BOOST_TEST_REQUIRE(page->items.size() == 1u);
  BOOST_TEST_REQUIRE(page->items[0].groups.has_value());
  BOOST_TEST_REQUIRE(page->items[0].groups->size() == 1u);
  BOOST_TEST(page->items[0].groups->at(0).value == engineers);
}

BOOST_AUTO_TEST_SUITE_END()
