// The in-memory fakes (tests/support/kestra/test/fakes) keep the port
// contracts as the SOCI adapters do: each scenario runs the same port calls
// on a MemoryStore and on a fresh database of the suite's backend, and the
// two transcripts (outcomes as values: rows without timestamps, error kinds
// and scimTypes, list pages) must be equal.  When an adapter's behaviour
// changes, this says which fake to follow.
#define BOOST_TEST_MODULE adapters_memory_store_parity
#include "backend.hpp"

#include "core/text.hpp"

#include "kestra/adapters/store_factory.hpp"
#include "kestra/test/fakes/memory_store.hpp"
#include "scim/filter/parser.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace ports = kestra::ports;
namespace data = boost::unit_test::data;
using kestra::ErrorKind;
using kestra::Result;
using kestra::test::TestDatabase;
using kestra::test::fakes::MemoryStore;

namespace {

const ports::Scope kAcme{"acme", "okta"};
const ports::Scope kAcmeEntra{"acme", "entra"};
const ports::Scope kGlobex{"globex", "okta-globex"};
const std::string kNow = "2026-01-01T00:00:00Z";

ports::AuditEntry audit(const ports::Scope& scope, const std::string& action) {
  ports::AuditEntry a;
  a.tenant_id = scope.tenant_id;
  a.integration_id = scope.integration_id;
  a.actor_type = "INTEGRATION";
  a.actor_id = scope.integration_id;
  a.action = action;
  a.outcome = "SUCCESS";
  a.created_at = kNow;
  return a;
}

// What a scenario saw, one line per call.
class Transcript {
 public:
  template <class T, class Show>
  void add(const std::string& step, const Result<T>& r, Show show) {
    std::ostringstream line;
    line << step << ": ";
    if (r) {
      line << "ok " << show(*r);
    } else {
      line << "error " << static_cast<int>(r.error().kind) << " '" << r.error().scim_type << "'";
    }
    lines.push_back(line.str());
  }
  void add(const std::string& step, const Result<void>& r) {
    lines.push_back(step + ": " + (r ? std::string("ok") : "error " + std::to_string(static_cast<int>(r.error().kind)) +
                                                                " '" + r.error().scim_type + "'"));
  }
  void note(const std::string& text) { lines.push_back(text); }
  std::vector<std::string> lines;
};

std::string roles_of(const std::vector<ports::RoleAssignment>& roles) {
  std::string out = "[";
  for (const auto& r : roles) out += r.role_name + "/" + r.type + (r.primary ? "/primary" : "") + " ";
  return out + "]";
}

std::string changes_of(const std::vector<ports::BindingChange>& changes) {
  std::string out = "{";
  for (const auto& c : changes) out += c.role_id + ":" + c.source + (c.created ? "+" : "-") + " ";
  return out + "}";
}

std::string show_user(const ports::UserRow& u) {
  return u.id + " " + u.user_name + " owner=" + u.owner_tenant + " " + u.resource_json +
         " active=" + (u.active ? "1" : "0") + " ext=" + u.external_id.value_or("-") +
         " v=" + std::to_string(u.version) + "/" + std::to_string(u.access_version) + " roles=" + roles_of(u.roles) +
         " changes=" + changes_of(u.binding_changes);
}

std::string show_group(const ports::GroupRow& g) {
  return g.id + " " + g.display_name + " " + g.resource_json + " ext=" + g.external_id.value_or("-") +
         " v=" + std::to_string(g.version) + " members=" + std::to_string(g.member_count) +
         " roles=" + roles_of(g.roles) + " changes=" + changes_of(g.binding_changes);
}

std::string show_found_user(const std::optional<ports::UserRow>& u) { return u ? show_user(*u) : "none"; }
std::string show_found_group(const std::optional<ports::GroupRow>& g) { return g ? show_group(*g) : "none"; }

template <class Row>
std::string show_page(const ports::ListPage<Row>& page) {
  std::string out = "total=" + std::to_string(page.total) + " next=" + (page.next_cursor ? "yes" : "no") + " [";
  for (const auto& row : page.items) out += row.id + " ";
  return out + "]";
}

ports::UserWrite user(const std::string& name, const std::string& resource = "") {
  ports::UserWrite w;
  w.user_name = name;
  w.user_name_key = kestra::ascii_lower(name);
  w.resource_json = resource.empty() ? R"({"userName":")" + name + R"("})" : resource;
  return w;
}

ports::GroupWrite group(const std::string& name) {
  ports::GroupWrite w;
  w.display_name = name;
  w.display_name_key = kestra::ascii_lower(name);
  w.resource_json = R"({"displayName":")" + name + R"("})";
  return w;
}

ports::ListQuery query(const kestra::scim::filter::Node* filter = nullptr, std::int64_t count = 100) {
  ports::ListQuery q;
  q.filter = filter;
  q.count = count;
  return q;
}

kestra::scim::filter::NodePtr parse(const std::string& text) {
  auto parsed = kestra::scim::filter::parse_filter(text);
  BOOST_TEST_REQUIRE(parsed.has_value(), text);
  return std::move(*parsed);
}

// Both tenants, with roles Viewer and Editor each.
void tenants(ports::Store& s) {
  for (const char* tenant : {"acme", "globex"}) {
    BOOST_TEST_REQUIRE(s.ensure_tenant(tenant).has_value());
    for (const char* name : {"Viewer", "Editor"}) {
      ports::Role role;
      role.id = std::string(tenant) + "-" + name;
      role.tenant_id = tenant;
      role.name = name;
      role.permissions_json = R"({"FLOWS":["READ"]})";
      role.created_at = role.updated_at = kNow;
      BOOST_TEST_REQUIRE(s.provisioning().create_role(role, audit({tenant, ""}, "role.create")).has_value());
    }
  }
}

// ---- scenarios -------------------------------------------------------------

void users_create_link_and_conflict(ports::Store& s, Transcript& t) {
  auto& u = s.users();
  t.add("create", u.create(kAcme, user("Ada@free.example"), "u1", kNow, audit(kAcme, "user.create")), show_user);
  t.add("same key here", u.create(kAcme, user("ada@FREE.example"), "u2", kNow, audit(kAcme, "user.create")),
        show_user);
  t.add("owner only elsewhere", u.create(kGlobex, user("ada@free.example"), "u3", kNow, audit(kGlobex, "user.create")),
        show_user);
  auto shared = user("ada@free.example", R"({"userName":"ada@free.example","title":"Countess"})");
  shared.link = ports::LinkRule::Shared;
  t.add("shared link", u.create(kGlobex, shared, "u4", kNow, audit(kGlobex, "user.create")), show_user);
  t.add("acme sees the rewrite", u.find(kAcme, "u1"), show_found_user);
  t.add("unknown id", u.find(kAcme, "nobody"), show_found_user);
  t.add("other tenant, unlinked", u.find(kAcme, "u4"), show_found_user);
  t.add("empty userName", u.create(kAcme, user(""), "u5", kNow, audit(kAcme, "user.create")), show_user);
}

void users_replace_versions_and_revoke(ports::Store& s, Transcript& t) {
  auto& u = s.users();
  t.add("create ada", u.create(kAcme, user("ada@x.example"), "u1", kNow, audit(kAcme, "user.create")), show_user);
  t.add("create bob", u.create(kAcme, user("bob@x.example"), "u2", kNow, audit(kAcme, "user.create")), show_user);
  auto renamed = user("BOB@x.example");
  t.add("rename into bob", u.replace(kAcme, "u1", renamed, std::nullopt, kNow, audit(kAcme, "user.replace")),
        show_user);
  t.add("stale version",
        u.replace(kAcme, "u1", user("ada@x.example"), ports::ExpectedVersion{2, 1}, kNow, audit(kAcme, "r")),
        show_user);
  auto per_tenant = user("ada@x.example");
  per_tenant.active = false;
  per_tenant.external_id = "okta-1";
  t.add("per-tenant change", u.replace(kAcme, "u1", per_tenant, ports::ExpectedVersion{1, 1}, kNow, audit(kAcme, "r")),
        show_user);
  t.add("entra sees no externalId", u.find(kAcmeEntra, "u1"), show_found_user);
  auto global = per_tenant;
  global.resource_json = R"({"userName":"ada@x.example","title":"Countess"})";
  t.add("global change", u.replace(kAcme, "u1", global, ports::ExpectedVersion{1, 2}, kNow, audit(kAcme, "r")),
        show_user);
  auto with_roles = global;
  with_roles.roles = std::vector<ports::RoleAssignment>{{"acme-Viewer", "", "work", true}};
  t.add("a role", u.replace(kAcme, "u1", with_roles, std::nullopt, kNow, audit(kAcme, "r")), show_user);
  auto bad_role = global;
  bad_role.roles = std::vector<ports::RoleAssignment>{{"globex-Viewer", "", "", false}};
  t.add("another tenant's role", u.replace(kAcme, "u1", bad_role, std::nullopt, kNow, audit(kAcme, "r")), show_user);
  t.add("not here", u.replace(kGlobex, "u1", global, std::nullopt, kNow, audit(kGlobex, "r")), show_user);
  t.add("revoke", u.revoke(kAcme, "u1", audit(kAcme, "user.revoke-access")), changes_of);
  t.add("revoke again", u.revoke(kAcme, "u1", audit(kAcme, "user.revoke-access")), changes_of);
  t.add("gone", u.find(kAcme, "u1"), show_found_user);
  t.add("taken back", u.create(kAcme, user("bob@x.example"), "u9", kNow, audit(kAcme, "user.create")), show_user);
}

void groups_members_and_versions(ports::Store& s, Transcript& t) {
  auto& u = s.users();
  auto& g = s.groups();
  for (const char* id : {"a", "b", "c"}) {
    t.add(std::string("user ") + id,
          u.create(kAcme, user(std::string(id) + "@x.example"), id, kNow, audit(kAcme, "user.create")), show_user);
  }
  t.add("stranger", u.create(kGlobex, user("s@y.example"), "s", kNow, audit(kGlobex, "user.create")), show_user);
  t.add("group", g.create(kAcme, group("Eng"), {{"a", "User", ""}, {"b", "User", ""}}, "g1", kNow, audit(kAcme, "c")),
        show_group);
  t.add("same name", g.create(kAcme, group("ENG"), {}, "g2", kNow, audit(kAcme, "c")), show_group);
  t.add("same name elsewhere", g.create(kGlobex, group("Eng"), {}, "g3", kNow, audit(kGlobex, "c")), show_group);
  t.add("foreign member", g.create(kAcme, group("Ops"), {{"s", "User", ""}}, "g4", kNow, audit(kAcme, "c")),
        show_group);
  t.add("itself", g.create(kAcme, group("Self"), {{"g5", "Group", ""}}, "g5", kNow, audit(kAcme, "c")), show_group);
  t.add("nested", g.create(kAcme, group("Parent"), {{"g1", "Group", ""}}, "g6", kNow, audit(kAcme, "c")), show_group);

  ports::MemberDelta add_c;
  add_c.add = {{"c", "User", ""}, {"a", "User", ""}};
  t.add("add c", g.update(kAcme, "g1", std::nullopt, add_c, std::nullopt, kNow, audit(kAcme, "p")), show_group);
  ports::MemberDelta remove_a;
  remove_a.remove = {"a", "nobody"};
  t.add("remove a", g.update(kAcme, "g1", std::nullopt, remove_a, ports::ExpectedVersion{2, 0}, kNow, audit(kAcme, "p")),
        show_group);
  t.add("stale", g.update(kAcme, "g1", std::nullopt, {}, ports::ExpectedVersion{2, 0}, kNow, audit(kAcme, "p")),
        show_group);
  const auto matching = parse("display sw \"c@\"");
  ports::MemberDelta remove_c;
  remove_c.remove_matching = matching.get();
  t.add("remove matching", g.update(kAcme, "g1", std::nullopt, remove_c, std::nullopt, kNow, audit(kAcme, "p")),
        show_group);
  const auto bad_matching = parse("userName eq \"b@x.example\"");
  ports::MemberDelta remove_bad;
  remove_bad.remove_matching = bad_matching.get();
  t.add("bad member filter", g.update(kAcme, "g1", std::nullopt, remove_bad, std::nullopt, kNow, audit(kAcme, "p")),
        show_group);
  ports::MemberDelta unknown;
  unknown.add = {{"nobody", "User", ""}};
  t.add("unknown member", g.update(kAcme, "g1", std::nullopt, unknown, std::nullopt, kNow, audit(kAcme, "p")),
        show_group);
  auto renamed = group("Platform");
  renamed.external_id = "okta-g1";
  renamed.roles = std::vector<ports::RoleAssignment>{{"acme-Editor", "", "", false}};
  ports::MemberDelta replace_all;
  replace_all.replace_all = true;
  replace_all.add = {{"a", "User", ""}};
  t.add("replace", g.update(kAcme, "g1", renamed, replace_all, std::nullopt, kNow, audit(kAcme, "p")), show_group);
  t.add("rename into Parent", g.update(kAcme, "g1", group("parent"), {}, std::nullopt, kNow, audit(kAcme, "p")),
        show_group);
  std::string members;
  t.add("members", g.for_each_member(kAcme, "g1", 1, [&](const ports::MemberRef& m) {
    members += m.value + "/" + m.type + "/" + m.display + " ";
    return true;
  }));
  t.note("members: " + members);
  t.add("not here", g.find(kGlobex, "g1"), show_found_group);
  t.add("revoke a", u.revoke(kAcme, "a", audit(kAcme, "user.revoke-access")), changes_of);
  t.add("after revoke", g.find(kAcme, "g1"), show_found_group);
  t.add("remove g1", g.remove(kAcme, "g1", audit(kAcme, "group.delete")), changes_of);
  t.add("parent after", g.find(kAcme, "g6"), show_found_group);
  t.add("remove again", g.remove(kAcme, "g1", audit(kAcme, "group.delete")), changes_of);
}

void lists_filters_pages_and_cursors(ports::Store& s, Transcript& t) {
  auto& u = s.users();
  const char* names[] = {"carol@x.example", "Ada@x.example", "bob@x.example", "dave@x.example"};
  int n = 0;
  for (const char* name : names) {
    auto w = user(name, std::string(R"({"userName":")") + name + R"(","emails":[{"value":")" + name +
                            R"(","type":"work"}],"name":{"familyName":"F)" + std::to_string(4 - n) + R"("}})");
    w.active = n % 2 == 0;
    if (n == 1) w.external_id = "ext-ada";
    t.add(name, u.create(kAcme, w, "u" + std::to_string(++n), kNow, audit(kAcme, "user.create")), show_user);
  }
  t.add("stranger", u.create(kGlobex, user("eve@x.example"), "u9", kNow, audit(kGlobex, "user.create")), show_user);
  for (const char* text : {"userName eq \"ada@x.example\"", "userName sw \"b\"", "active eq true",
                           "emails[type eq \"work\" and value co \"dave\"]", "externalId eq \"ext-ada\"",
                           "not (active eq true) or userName ew \"carol@x.example\"", "name.familyName gt \"F2\"",
                           "meta.created pr", "password eq \"x\"", "foo eq \"x\""}) {
    const auto filter = parse(text);
    t.add(std::string("filter ") + text, u.list(kAcme, query(filter.get())), show_page<ports::UserRow>);
  }
  for (const char* sort : {"userName", "name.familyName", "emails"}) {
    for (const bool ascending : {true, false}) {
      auto q = query();
      q.sort = ports::SortKey{sort, ascending};
      t.add(std::string("sort ") + sort + (ascending ? " asc" : " desc"), u.list(kAcme, q), show_page<ports::UserRow>);
    }
  }
  for (const std::int64_t offset : {0, 1, 3, 4, 9}) {
    auto q = query(nullptr, 2);
    q.offset = offset;
    t.add("offset " + std::to_string(offset), u.list(kAcme, q), show_page<ports::UserRow>);
  }
  t.add("count 0", u.list(kAcme, query(nullptr, 0)), show_page<ports::UserRow>);
  // A cursor walk, two rows a page, sorted; and one ended early by max_bytes.
  for (const std::size_t max_bytes : {std::size_t{0}, std::size_t{1}}) {
    auto q = query(nullptr, 2);
    q.sort = ports::SortKey{"userName", true};
    q.max_bytes = max_bytes;
    q.cursor.reset();
    for (int page = 0; page < 6; ++page) {
      auto listed = u.list(kAcme, q);
      t.add("walk max_bytes=" + std::to_string(max_bytes) + " page " + std::to_string(page), listed,
            show_page<ports::UserRow>);
      if (!listed || !listed->next_cursor) break;
      q.cursor = listed->next_cursor;
    }
  }
  auto bad = query();
  bad.cursor = "not-a-cursor";
  t.add("bad cursor", u.list(kAcme, bad), show_page<ports::UserRow>);
  auto groups = u.groups_of(kAcme, {"u1", "u2"});
  t.add("groups_of", groups, [](const auto& m) { return std::to_string(m.size()); });
}

void group_lists(ports::Store& s, Transcript& t) {
  auto& u = s.users();
  auto& g = s.groups();
  t.add("ada", u.create(kAcme, user("ada@x.example"), "a", kNow, audit(kAcme, "user.create")), show_user);
  t.add("Eng", g.create(kAcme, group("Eng"), {{"a", "User", ""}}, "g1", kNow, audit(kAcme, "c")), show_group);
  t.add("Design", g.create(kAcme, group("Design"), {}, "g2", kNow, audit(kAcme, "c")), show_group);
  t.add("Board", g.create(kGlobex, group("Board"), {}, "g3", kNow, audit(kGlobex, "c")), show_group);
  for (const char* text : {"displayName eq \"eng\"", "members[value eq \"a\"]", "members pr",
                           "not (members pr)", "userName eq \"x\""}) {
    const auto filter = parse(text);
    t.add(std::string("filter ") + text, g.list(kAcme, query(filter.get())), show_page<ports::GroupRow>);
  }
  auto sorted = query();
  sorted.sort = ports::SortKey{"displayName", true};
  t.add("sorted", g.list(kAcme, sorted), show_page<ports::GroupRow>);
  t.add("users groups_of", u.groups_of(kAcme, {"a"}), [](const auto& m) {
    std::string out;
    for (const auto& [id, groups] : m) {
      for (const auto& ref : groups) out += id + "->" + ref.value + "/" + ref.display + " ";
    }
    return out;
  });
}

void domain_claims(ports::Store& s, Transcript& t) {
  auto& c = s.domain_claims();
  const auto show_bool = [](bool b) { return std::string(b ? "true" : "false"); };
  const auto show_claims = [](const std::vector<ports::DomainClaim>& claims) {
    std::string out;
    for (const auto& claim : claims) out += claim.tenant_id + "@" + claim.domain + "/" + claim.source + " ";
    return out;
  };
  t.add("add", c.add({"acme", "corp.example", "ADMIN", kNow}, audit({"acme", ""}, "claim.add")), show_bool);
  t.add("add again", c.add({"acme", "corp.example", "CONFIG", kNow}, audit({"acme", ""}, "claim.add")), show_bool);
  t.add("config", c.add({"globex", "corp.example", "CONFIG", kNow}, audit({"globex", ""}, "claim.add")), show_bool);
  t.add("other", c.add({"globex", "globex.example", "ADMIN", kNow}, audit({"globex", ""}, "claim.add")), show_bool);
  t.add("claims_on", c.claims_on({"corp.example", "free.example"}), show_claims);
  t.add("list all", c.list(""), show_claims);
  t.add("list globex", c.list("globex"), show_claims);
  t.add("remove config as admin", c.remove("globex", "corp.example", "ADMIN", audit({"globex", ""}, "claim.remove")),
        show_bool);
  t.add("remove", c.remove("acme", "corp.example", "ADMIN", audit({"acme", ""}, "claim.remove")), show_bool);
  t.add("remove again", c.remove("acme", "corp.example", "ADMIN", audit({"acme", ""}, "claim.remove")), show_bool);
}


ports::NewIntegration new_integration(const std::string& tenant, const std::string& id, const std::string& name) {
  ports::NewIntegration spec;
  spec.integration = {id, tenant, name, "", "SCIM", true, "sa-" + id, kNow, kNow, std::nullopt};
  spec.role.id = tenant + "-provisioner";
  spec.role.tenant_id = tenant;
  spec.role.name = "SCIMProvisioner";
  spec.role.permissions_json = R"({"USERS":["READ"]})";
  spec.role.created_at = spec.role.updated_at = kNow;
  spec.service_account = {"sa-" + id, tenant, "scim-" + name, "", kNow, std::nullopt};
  spec.binding.id = "b-" + id;
  spec.binding.tenant_id = tenant;
  spec.binding.source = "SYSTEM";
  spec.binding.integration_id = id;
  spec.binding.created_at = kNow;
  spec.token = {"t-" + id, "prefix-" + id, "hash-" + id, kNow};
  spec.audit = audit({tenant, ""}, "integration.create");
  return spec;
}

void integrations_and_tokens(ports::Store& s, Transcript& t) {
  auto& p = s.provisioning();
  const auto show_integration = [](const ports::Integration& i) {
    return i.id + " " + i.tenant_id + " " + i.name + " enabled=" + (i.enabled ? "1" : "0") + " sa=" +
           i.service_account_id + " last=" + i.last_request_at.value_or("-") +
           " users=" + std::to_string(i.users_provisioned) + " groups=" + std::to_string(i.groups_provisioned);
  };
  const auto show_grant = [](const std::optional<ports::TokenGrant>& g) {
    if (!g) return std::string("none");
    std::string out = g->token_id + " " + g->secret_hash + " revoked=" + (g->revoked ? "1" : "0") + " sa=" +
                      g->service_account_id + " " + g->integration_id + "@" + g->tenant_id +
                      " enabled=" + (g->integration_enabled ? "1" : "0") + " roles=";
    auto perms = g->role_permissions_json;
    std::sort(perms.begin(), perms.end());
    for (const auto& perm : perms) out += perm + " ";
    return out;
  };
  const auto show_prefixes = [](std::vector<std::string> prefixes) {
    std::sort(prefixes.begin(), prefixes.end());
    std::string out;
    for (const auto& prefix : prefixes) out += prefix + " ";
    return out;
  };
  t.add("create okta", p.create_integration(new_integration("acme", "okta", "okta")), show_integration);
  t.add("same name", p.create_integration(new_integration("acme", "okta2", "okta")), show_integration);
  t.add("another tenant's binding", [&] {
    auto spec = new_integration("acme", "entra", "entra");
    spec.binding.tenant_id = "globex";
    return p.create_integration(spec);
  }(), show_integration);
  t.add("create entra", p.create_integration(new_integration("acme", "entra", "entra")), show_integration);
  t.add("roles", p.list_roles("acme"), [](const std::vector<ports::Role>& roles) {
    std::string out;
    for (const auto& r : roles) out += r.id + "/" + r.name + " ";
    return out;
  });
  t.add("grant", p.find_token("prefix-okta"), show_grant);
  t.add("no such token", p.find_token("prefix-none"), show_grant);
  t.add("provision a user", s.users().create(kAcme, user("ada@x.example"), "u1", kNow, audit(kAcme, "user.create")),
        show_user);
  t.add("provision a group", s.groups().create(kAcme, group("Eng"), {}, "g1", kNow, audit(kAcme, "group.create")),
        show_group);
  t.add("touch", p.touch_integration("okta", "2026-01-02T00:00:00Z"));
  t.add("touch unknown", p.touch_integration("nobody", "2026-01-02T00:00:00Z"));
  t.add("find", p.find_integration("acme", "okta"), [&](const std::optional<ports::Integration>& i) {
    return i ? show_integration(*i) : std::string("none");
  });
  t.add("other tenant", p.find_integration("globex", "okta"), [&](const std::optional<ports::Integration>& i) {
    return i ? show_integration(*i) : std::string("none");
  });
  t.add("list", p.list_integrations("acme", "OK", 0, 10), [&](const ports::Page<ports::Integration>& page) {
    std::string out = std::to_string(page.total) + ": ";
    for (const auto& i : page.items) out += show_integration(i) + "; ";
    return out;
  });
  t.add("rename into entra", p.update_integration("acme", "okta", "entra", "", kNow, audit({"acme", ""}, "u")),
        show_integration);
  t.add("disable", p.set_integration_enabled("acme", "okta", false, kNow, audit({"acme", ""}, "d")), show_integration);
  t.add("rotate", p.replace_token("acme", "okta", {"t-okta-2", "prefix-okta-2", "hash-2", kNow}, audit({"acme", ""}, "r")));
  t.add("old token", p.find_token("prefix-okta"), show_grant);
  t.add("new token", p.find_token("prefix-okta-2"), show_grant);
  t.add("live", p.live_token_prefixes(), show_prefixes);
  ports::Binding extra;
  extra.id = "b-extra";
  extra.tenant_id = "acme";
  extra.role_id = "acme-Viewer";
  extra.subject_type = "SERVICE_ACCOUNT";
  extra.subject_id = "sa-okta";
  extra.created_at = kNow;
  t.add("bind another role", p.create_binding(extra, audit({"acme", ""}, "binding.create")),
        [](const ports::Binding& b) { return b.role_id + " " + b.subject_type + " " + b.source; });
  t.add("again", p.create_binding(extra, audit({"acme", ""}, "binding.create")),
        [](const ports::Binding& b) { return b.role_id; });
  t.add("grant with both roles", p.find_token("prefix-okta-2"), show_grant);
  t.add("delete", p.delete_integration("acme", "okta", audit({"acme", ""}, "integration.delete")));
  t.add("delete again", p.delete_integration("acme", "okta", audit({"acme", ""}, "integration.delete")));
  t.add("token gone", p.find_token("prefix-okta-2"), show_grant);
  t.add("live after", p.live_token_prefixes(), show_prefixes);
  t.add("the user stays", s.users().find(kAcme, "u1"), show_found_user);
}

struct Scenario {
  const char* name;
  void (*run)(ports::Store&, Transcript&);
};
std::ostream& operator<<(std::ostream& os, const Scenario& s) { return os << s.name; }

const Scenario kScenarios[] = {
    {"users: create, link and conflict", users_create_link_and_conflict},
    {"users: replace, versions and revoke", users_replace_versions_and_revoke},
    {"groups: members and versions", groups_members_and_versions},
    {"users: filters, sorting, pages, cursors", lists_filters_pages_and_cursors},
    {"groups: lists", group_lists},
    {"domain claims", domain_claims},
    {"provisioning: integrations and tokens", integrations_and_tokens},
};

}  // namespace

BOOST_DATA_TEST_CASE(the_memory_store_answers_as_the_adapter_does, data::make(kScenarios), scenario) {
  TestDatabase db;
  auto adapter = kestra::adapters::open_store(db.config());
  BOOST_TEST_REQUIRE(adapter.has_value(), (adapter ? "" : adapter.error().detail));
  MemoryStore memory;
  Transcript expected, actual;
  tenants(**adapter);
  tenants(memory);
  scenario.run(**adapter, expected);
  scenario.run(memory, actual);
  for (const auto& line : expected.lines) BOOST_TEST_MESSAGE(line);
  BOOST_TEST_REQUIRE(expected.lines.size() == actual.lines.size());
  for (std::size_t i = 0; i < expected.lines.size(); ++i) {
    BOOST_TEST(actual.lines[i] == expected.lines[i], "memory:  " << actual.lines[i] << "\nadapter: " << expected.lines[i]);
  }
}
