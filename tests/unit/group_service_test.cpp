// scim::GroupService over the in-memory ports: the domain rules of SCIM
// Groups without HTTP or SQL.  The same outcomes as tests/scim (groups_test,
// etag_test, okta and entra sequences), asserted as ErrorKind and scimType.
#include "service_test_support.hpp"

#include "scim/etag.hpp"

#include <boost/test/data/test_case.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace service_test;
namespace data = boost::unit_test::data;
using kestra::provisioning::Actor;

namespace {

template <class T>
Result<void> outcome(const Result<T>& r) {
  if (!r) return r.error();
  return {};
}

// Acme's users ada, bob and carol and its group Existing; globex's user gus
// and group Board.  JSON text names them as $ada, $bob, ... (their ids).
struct Groups : World {
  std::map<std::string, std::string> ids;

  Groups() {
    for (const char* name : {"ada", "bob", "carol"}) ids[name] = user(kAcme, std::string(name) + "@free.example");
    ids["existing"] = group(kAcme, "Existing");
    ids["gus"] = user(kGlobex, "gus@free.example");
    ids["board"] = group(kGlobex, "Board");
  }

  std::string expand(std::string_view text) const {
    std::string out(text);
    for (const auto& [name, id] : ids) {
      const std::string token = "$" + name;
      for (auto at = out.find(token); at != std::string::npos; at = out.find(token, at + id.size())) {
        out.replace(at, token.size(), id);
      }
    }
    return out;
  }
  json::value parse(std::string_view text) const { return json::parse(expand(text)); }

  std::set<std::string> member_ids(const ports::Scope& scope, const std::string& group_id) {
    std::set<std::string> out;
    auto ok = groups.for_each_member(scope, group_id, 2, [&](const ports::MemberRef& m) {
      out.insert(m.value);
      return true;
    });
    BOOST_TEST_REQUIRE(ok.has_value());
    return out;
  }
  std::set<std::string> ids_of(const std::vector<std::string>& names) const {
    std::set<std::string> out;
    for (const auto& n : names) out.insert(ids.at(n));
    return out;
  }
  std::string etag(const ports::Scope& scope, const std::string& id) {
    auto found = groups.get(scope, id);
    BOOST_TEST_REQUIRE(found.has_value());
    return std::to_string(found->version);
  }
};

// ---- create ------------------------------------------------------------------

struct CreateCase {
  const char* name;
  const char* body;  // JSON, $names expanded
  Actor (*actor)();
  Expect expect;
  std::vector<std::string> members;  // by name, after
};
std::ostream& operator<<(std::ostream& os, const CreateCase& c) { return os << c.name; }

const CreateCase kCreates[] = {
    {"a group", R"({"displayName":"Engineers"})", provisioner, kOk, {}},
    {"a user and a group as members", R"({"displayName":"Engineers","members":[{"value":"$ada"},{"value":"$existing"}]})",
     provisioner, kOk, {"ada", "existing"}},
    {"a member twice", R"({"displayName":"Engineers","members":[{"value":"$ada"},{"value":"$ada"}]})", provisioner,
     kOk, {"ada"}},
    {"an unknown member", R"({"displayName":"Engineers","members":[{"value":"$ada"},{"value":"nobody"}]})",
     provisioner, fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"another tenant's user", R"({"displayName":"Engineers","members":[{"value":"$gus"}]})", provisioner,
     fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"another tenant's group", R"({"displayName":"Engineers","members":[{"value":"$board"}]})", provisioner,
     fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"a member without value", R"({"displayName":"Engineers","members":[{"type":"User"}]})", provisioner,
     fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"no displayName", R"({"externalId":"x"})", provisioner, fails(ErrorKind::InvalidInput, "invalidValue"), {}},
    {"a displayName of this tenant", R"({"displayName":"Existing"})", provisioner,
     fails(ErrorKind::Conflict, "uniqueness"), {}},
    {"a displayName of this tenant in another case", R"({"displayName":"EXISTING"})", provisioner,
     fails(ErrorKind::Conflict, "uniqueness"), {}},
    {"a displayName another tenant uses", R"({"displayName":"Board"})", provisioner, kOk, {}},
    {"roles through the Kestra extension",
     R"({"displayName":"Engineers","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group":{"roles":[{"value":"Viewer"}]}})",
     provisioner, kOk, {}},
    {"roles, by an integration without BINDINGS CREATE",
     R"({"displayName":"Engineers","urn:ietf:params:scim:schemas:extension:kestra:2.0:Group":{"roles":[{"value":"Viewer"}]}})",
     without_bindings, fails(ErrorKind::Forbidden), {}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(group_service)

BOOST_DATA_TEST_CASE(create, data::make(kCreates), c) {
  Groups w;
  auto body = w.parse(c.body).as_object();
  body["schemas"] = json::array{"urn:ietf:params:scim:schemas:core:2.0:Group"};
  if (body.contains("urn:ietf:params:scim:schemas:extension:kestra:2.0:Group")) {
    body["schemas"].as_array().push_back("urn:ietf:params:scim:schemas:extension:kestra:2.0:Group");
  }
  const auto audit_before = w.store.audit().size();
  auto created = w.groups.create(kAcme, body, c.actor());
  if (!check(created, c.expect)) {
    BOOST_TEST(w.store.audit().size() == audit_before);  // nothing written
    return;
  }
  BOOST_TEST(w.member_ids(kAcme, created->id) == w.ids_of(c.members));
  BOOST_TEST(created->member_count == static_cast<std::int64_t>(c.members.size()));
}

// ---- PATCH: members and attributes ----------------------------------------

namespace {

struct PatchCase {
  const char* name;
  const char* operations;  // JSON array, $names expanded
  Expect expect;
  std::vector<std::string> members;  // by name, after (unchanged when refused)
};
std::ostream& operator<<(std::ostream& os, const PatchCase& c) { return os << c.name; }

const PatchCase kPatches[] = {
    {"add a user", R"([{"op":"add","path":"members","value":[{"value":"$carol"}]}])", kOk, {"ada", "bob", "carol"}},
    {"add a group", R"([{"op":"add","path":"members","value":[{"value":"$existing"}]}])", kOk,
     {"ada", "bob", "existing"}},
    {"add a member it has", R"([{"op":"add","path":"members","value":[{"value":"$ada"}]}])", kOk, {"ada", "bob"}},
    {"add an unknown member", R"([{"op":"add","path":"members","value":[{"value":"$carol"},{"value":"nobody"}]}])",
     fails(ErrorKind::InvalidInput, "invalidValue"), {"ada", "bob"}},
    {"add another tenant's user", R"([{"op":"add","path":"members","value":[{"value":"$gus"}]}])",
     fails(ErrorKind::InvalidInput, "invalidValue"), {"ada", "bob"}},
    {"remove by value filter", R"([{"op":"remove","path":"members[value eq \"$ada\"]"}])", kOk, {"bob"}},
    {"remove by display filter", R"([{"op":"remove","path":"members[display eq \"BOB@free.example\"]"}])", kOk,
     {"ada"}},
    {"remove every member", R"([{"op":"remove","path":"members"}])", kOk, {}},
    {"remove a value list (Entra)", R"([{"op":"Remove","path":"members","value":[{"value":"$ada"}]}])", kOk, {"bob"}},
    {"replace the members", R"([{"op":"replace","path":"members","value":[{"value":"$carol"}]}])", kOk, {"carol"}},
    {"add then remove in one request",
     R"([{"op":"add","path":"members","value":[{"value":"$carol"}]},{"op":"remove","path":"members[value eq \"$carol\"]"}])",
     kOk, {"ada", "bob"}},
    {"rename without a path (Okta)", R"([{"op":"replace","value":{"displayName":"Platform"}}])", kOk, {"ada", "bob"}},
    {"rename into a taken displayName", R"([{"op":"replace","path":"displayName","value":"existing"}])",
     fails(ErrorKind::Conflict, "uniqueness"), {"ada", "bob"}},
    {"remove the required displayName", R"([{"op":"remove","path":"displayName"}])",
     fails(ErrorKind::InvalidInput, "mutability"), {"ada", "bob"}},
    {"an unknown operation", R"([{"op":"move","path":"members"}])", fails(ErrorKind::InvalidInput, "invalidSyntax"),
     {"ada", "bob"}},
};

}  // namespace

BOOST_DATA_TEST_CASE(patch, data::make(kPatches), c) {
  Groups w;
  const auto id = w.group(kAcme, "Engineers", {json::value(w.ids["ada"]), json::value(w.ids["bob"])});
  const auto version = w.etag(kAcme, id);
  auto patched = w.groups.patch(kAcme, id, patch_body(w.parse(c.operations).as_array()), std::nullopt, provisioner());
  const bool ok = check(patched, c.expect);
  BOOST_TEST(w.member_ids(kAcme, id) == w.ids_of(c.members));
  if (ok) {
    BOOST_TEST(patched->member_count == static_cast<std::int64_t>(c.members.size()));
  } else {
    BOOST_TEST(w.etag(kAcme, id) == version);  // a refused PATCH changes nothing
  }
}

// The refusal names the member, and a user whose access was revoked is no
// longer one of this tenant.
BOOST_AUTO_TEST_CASE(a_member_not_of_this_tenant_is_named_and_nothing_is_written) {
  Groups w;
  const auto existing = w.ids["existing"];
  BOOST_TEST_REQUIRE(w.users.remove(kAcme, w.ids["carol"], std::nullopt, provisioner()).has_value());
  for (const std::string& stranger : {w.ids["carol"], w.ids["gus"], std::string("x' OR '1'='1")}) {
    BOOST_TEST_CONTEXT(stranger) {
      auto created = w.groups.create(kAcme, group_body("New", {json::value(w.ids["bob"]), json::value(stranger)}),
                                     provisioner());
      check(created, fails(ErrorKind::InvalidInput, "invalidValue"));
      if (!created) BOOST_TEST(created.error().detail.find(stranger) != std::string::npos);
      auto replaced = w.groups.replace(
          kAcme, existing, group_body("Renamed", {json::value(w.ids["bob"]), json::value(stranger)}), std::nullopt,
          provisioner());
      check(replaced, fails(ErrorKind::InvalidInput, "invalidValue"));
      if (!replaced) BOOST_TEST(replaced.error().detail.find(stranger) != std::string::npos);
    }
  }
  BOOST_TEST(w.groups.get(kAcme, existing)->display_name == "Existing");
  auto bob = w.users.get(kAcme, w.ids["bob"], true);
  BOOST_TEST_REQUIRE(bob.has_value());
  BOOST_TEST(bob->groups->empty());
}

BOOST_AUTO_TEST_CASE(put_replaces_name_and_members) {
  Groups w;
  const auto id = w.group(kAcme, "Engineers", {json::value(w.ids["ada"])});
  auto body = group_body("Platform", {json::value(w.ids["bob"]), json::value(w.ids["carol"])});
  auto replaced = w.groups.replace(kAcme, id, body, std::nullopt, provisioner());
  BOOST_TEST_REQUIRE(replaced.has_value());
  BOOST_TEST(replaced->display_name == "Platform");
  BOOST_TEST(w.member_ids(kAcme, id) == w.ids_of({"bob", "carol"}));
  check(w.groups.replace(kAcme, id, group_body("existing"), std::nullopt, provisioner()),
        fails(ErrorKind::Conflict, "uniqueness"));
  check(w.groups.replace(kAcme, id, group_body("Platform", {json::value("nobody")}), std::nullopt, provisioner()),
        fails(ErrorKind::InvalidInput, "invalidValue"));
  BOOST_TEST(w.member_ids(kAcme, id) == w.ids_of({"bob", "carol"}));
}

// ---- If-Match and concurrent changes ----------------------------------------

namespace {

enum class Write { Replace, Patch, Remove };

struct IfMatchCase {
  const char* name;
  Write write;
  bool stale;
  Expect expect;
};
std::ostream& operator<<(std::ostream& os, const IfMatchCase& c) { return os << c.name; }

const IfMatchCase kIfMatch[] = {
    {"PUT, current", Write::Replace, false, kOk},
    {"PUT, stale", Write::Replace, true, fails(ErrorKind::PreconditionFailed)},
    {"PATCH, current", Write::Patch, false, kOk},
    {"PATCH, stale", Write::Patch, true, fails(ErrorKind::PreconditionFailed)},
    {"DELETE, current", Write::Remove, false, kOk},
    {"DELETE, stale", Write::Remove, true, fails(ErrorKind::PreconditionFailed)},
};

std::string group_tag(Groups& w, const std::string& id) {
  auto found = w.groups.get(kAcme, id);
  BOOST_TEST_REQUIRE(found.has_value());
  return scim::group_etag(found->version);
}

}  // namespace

BOOST_DATA_TEST_CASE(if_match_must_name_the_current_version, data::make(kIfMatch), c) {
  Groups w;
  const auto id = w.group(kAcme, "Engineers");
  const auto stale = group_tag(w, id);
  // A membership change moves the version too.
  BOOST_TEST_REQUIRE(w.groups
                         .patch(kAcme, id, patch_body({op("add", "members", w.parse(R"([{"value":"$ada"}])"))}),
                                std::nullopt, provisioner())
                         .has_value());
  const auto current = group_tag(w, id);
  BOOST_TEST_REQUIRE(current != stale);
  const std::string tag = c.stale ? stale : current;
  const auto if_match = std::optional<std::string_view>(tag);
  Result<void> result;
  switch (c.write) {
    case Write::Replace:
      result = outcome(w.groups.replace(kAcme, id, group_body("Engineers"), if_match, provisioner()));
      break;
    case Write::Patch:
      result = outcome(w.groups.patch(kAcme, id, patch_body({op("replace", "displayName", "Platform")}), if_match,
                                      provisioner()));
      break;
    case Write::Remove: result = w.groups.remove(kAcme, id, if_match, provisioner()); break;
  }
  if (!check(result, c.expect)) BOOST_TEST(group_tag(w, id) == current);
}

BOOST_AUTO_TEST_CASE(a_patch_without_if_match_is_retried_after_a_concurrent_change) {
  Groups w;
  const auto id = w.group(kAcme, "Engineers");
  const Error concurrent{ErrorKind::PreconditionFailed, "changed meanwhile", {}};
  w.store.fail_next("groups.update", concurrent);
  BOOST_TEST(
      w.groups.patch(kAcme, id, patch_body({op("replace", "displayName", "Platform")}), std::nullopt, provisioner())
          .has_value());
  BOOST_TEST(w.store.calls("groups.update") == 2);
  // With If-Match the client decides: no retry.
  w.store.fail_next("groups.update", concurrent);
  const auto tag = group_tag(w, id);
  check(w.groups.patch(kAcme, id, patch_body({op("replace", "displayName", "Infra")}), std::string_view(tag),
                       provisioner()),
        fails(ErrorKind::PreconditionFailed));
  BOOST_TEST(w.store.calls("groups.update") == 3);
}

// ---- tenant isolation and removal -------------------------------------------

namespace {

struct IsolationCase {
  const char* name;
  Result<void> (*act)(Groups& w, const std::string& acme_group);
};
std::ostream& operator<<(std::ostream& os, const IsolationCase& c) { return os << c.name; }

const IsolationCase kFromGlobex[] = {
    {"get", [](Groups& w, const std::string& id) { return outcome(w.groups.get(kGlobex, id)); }},
    {"replace",
     [](Groups& w, const std::string& id) {
       return outcome(w.groups.replace(kGlobex, id, group_body("Mine"), std::nullopt, provisioner()));
     }},
    {"patch members",
     [](Groups& w, const std::string& id) {
       return outcome(w.groups.patch(kGlobex, id, patch_body({op("remove", "members")}), std::nullopt, provisioner()));
     }},
    {"remove",
     [](Groups& w, const std::string& id) { return w.groups.remove(kGlobex, id, std::nullopt, provisioner()); }},
    {"stream members",
     [](Groups& w, const std::string& id) {
       return w.groups.for_each_member(kGlobex, id, 10, [](const ports::MemberRef&) { return true; });
     }},
};

}  // namespace

BOOST_DATA_TEST_CASE(a_group_of_another_tenant_is_not_found, data::make(kFromGlobex), c) {
  Groups w;
  const auto id = w.group(kAcme, "Engineers", {json::value(w.ids["ada"])});
  const auto version = w.etag(kAcme, id);
  check(c.act(w, id), fails(ErrorKind::NotFound));
  BOOST_TEST(w.etag(kAcme, id) == version);
  BOOST_TEST(w.member_ids(kAcme, id) == w.ids_of({"ada"}));
}

BOOST_AUTO_TEST_CASE(delete_removes_the_group_and_its_memberships) {
  Groups w;
  const auto parent = w.group(kAcme, "Parent");
  const auto id = w.group(kAcme, "Engineers", {json::value(w.ids["ada"])});
  BOOST_TEST_REQUIRE(w.groups
                         .patch(kAcme, parent, patch_body({op("add", "members", json::array{json::object{{"value", id}}})}),
                                std::nullopt, provisioner())
                         .has_value());
  BOOST_TEST(w.groups.remove(kAcme, id, std::nullopt, provisioner()).has_value());
  check(w.groups.get(kAcme, id), fails(ErrorKind::NotFound));
  check(w.groups.remove(kAcme, id, std::nullopt, provisioner()), fails(ErrorKind::NotFound));
  BOOST_TEST(w.member_ids(kAcme, parent).empty());
  auto ada = w.users.get(kAcme, w.ids["ada"], true);
  BOOST_TEST_REQUIRE(ada.has_value());
  BOOST_TEST(ada->groups->empty());
}

BOOST_AUTO_TEST_CASE(group_roles_are_bindings_that_follow_the_group) {
  Groups w;
  auto body = object(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
      "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"],"displayName":"Engineers",
      "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group":{"roles":[{"value":"Editor"}]}})");
  auto created = w.groups.create(kAcme, body, provisioner());
  BOOST_TEST_REQUIRE(created.has_value());
  BOOST_TEST_REQUIRE(created->roles.size() == 1u);
  BOOST_TEST(created->roles[0].role_name == "Editor");
  // A PUT by an integration that may not read bindings keeps the roles it never saw.
  BOOST_TEST_REQUIRE(
      w.groups.replace(kAcme, created->id, group_body("Engineers"), std::nullopt, without_bindings()).has_value());
  BOOST_TEST(w.groups.get(kAcme, created->id)->roles.size() == 1u);
  w.host.clear();
  BOOST_TEST(w.groups.remove(kAcme, created->id, std::nullopt, provisioner()).has_value());
  const auto events = w.host.events();
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].type == "iam.binding.deleted");
}

// ---- lists -------------------------------------------------------------------

namespace {

struct ListCase {
  const char* name;
  const char* filter;  // $names expanded
  Expect expect;
  std::vector<std::string> display_names;
};
std::ostream& operator<<(std::ostream& os, const ListCase& c) { return os << c.name; }

const ListCase kLists[] = {
    {"everything", "", kOk, {"Existing", "Engineers", "Designers"}},
    {"displayName eq, case-insensitive", "displayName eq \"engineers\"", kOk, {"Engineers"}},
    {"members value (Okta's membership check)", "members[value eq \"$ada\"]", kOk, {"Engineers", "Designers"}},
    {"members eq", "members eq \"$bob\"", kOk, {"Designers"}},
    {"an empty group's members", "not (members pr)", kOk, {"Existing"}},
    {"an attribute groups do not have", "userName eq \"x\"", fails(ErrorKind::InvalidInput, "invalidFilter"), {}},
};

}  // namespace

BOOST_DATA_TEST_CASE(list_filters, data::make(kLists), c) {
  Groups w;
  w.group(kAcme, "Engineers", {json::value(w.ids["ada"])});
  w.group(kAcme, "Designers", {json::value(w.ids["ada"]), json::value(w.ids["bob"])});
  scim::ListRequest request;
  request.filter = w.expand(c.filter);
  request.count = 10;
  auto page = w.groups.list(kAcme, request);
  if (!check(page, c.expect)) return;
  std::vector<std::string> names;
  for (const auto& g : page->items) names.push_back(g.display_name);
  BOOST_TEST(names == c.display_names);
  BOOST_TEST(page->total == static_cast<std::int64_t>(c.display_names.size()));
}

BOOST_AUTO_TEST_CASE(list_max_bytes_ends_a_page_early) {
  World w({}, {}, 1);
  for (const char* name : {"A", "B", "C"}) w.group(kAcme, name);
  scim::ListRequest request;
  request.count = 10;
  auto page = w.groups.list(kAcme, request);
  BOOST_TEST_REQUIRE(page.has_value());
  BOOST_TEST(page->items.size() == 1u);
  BOOST_TEST(page->total == 3);
  BOOST_TEST(page->next_cursor.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
