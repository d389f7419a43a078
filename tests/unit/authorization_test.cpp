// SCIM authentication and authorisation against a stored grant, without a
// database: the in-memory ProvisioningStore (tests/support fakes) derives
// the grant from the integration, its token and its role bindings.
#include "iam/permissions.hpp"
#include "kestra/test/fakes/memory_store.hpp"
#include "provisioning/authenticator.hpp"
#include "provisioning/token.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ports = kestra::ports;
using kestra::Error;
using kestra::ErrorKind;
using kestra::Result;
using kestra::iam::Permissions;
using kestra::provisioning::Authenticator;
using kestra::provisioning::ScimCaller;
using kestra::test::fakes::MemoryStore;

namespace {

constexpr const char* kPepper = "unit-pepper";

ports::AuditEntry audit() {
  ports::AuditEntry a;
  a.tenant_id = "acme";
  a.actor_type = "ADMIN";
  a.action = "test";
  return a;
}

// A store holding integration "okta" of tenant "acme", enabled, with one
// valid token; its service account is bound to one role with `permissions`.
struct World {
  MemoryStore store;
  kestra::provisioning::MintedToken token = kestra::provisioning::mint_token(kPepper);
  Authenticator authenticator{store.provisioning(), kPepper};

  explicit World(const std::string& permissions = kestra::iam::scim_provisioner_permissions().to_json()) {
    ports::NewIntegration spec;
    spec.integration = {"okta", "acme", "okta", "", "SCIM", true, "sa-1", "t0", "t0", std::nullopt};
    spec.role.id = "role-1";
    spec.role.tenant_id = "acme";
    spec.role.name = "SCIMProvisioner";
    spec.role.permissions_json = permissions;
    spec.service_account = {"sa-1", "acme", "scim-okta", "", "t0", std::nullopt};
    spec.binding.id = "binding-1";
    spec.binding.tenant_id = "acme";
    spec.binding.source = "SYSTEM";
    spec.binding.integration_id = "okta";
    spec.token = {"token-1", token.lookup_prefix, token.secret_hash, "t0"};
    spec.audit = audit();
    BOOST_TEST_REQUIRE(store.provisioning().create_integration(spec).has_value());
  }
  Result<ScimCaller> authenticate(std::optional<std::string> header, const std::string& tenant = "acme",
                                  const std::string& integration = "okta") {
    return authenticator.authenticate(header ? std::optional<std::string_view>(*header) : std::nullopt, tenant,
                                      integration);
  }
  // The integration's token replaced by a new one: this one is revoked.
  void rotate() {
    const auto fresh = kestra::provisioning::mint_token(kPepper);
    BOOST_TEST_REQUIRE(store.provisioning()
                           .replace_token("acme", "okta", {"token-2", fresh.lookup_prefix, fresh.secret_hash, "t1"},
                                          audit())
                           .has_value());
  }
  void disable() {
    BOOST_TEST_REQUIRE(store.provisioning().set_integration_enabled("acme", "okta", false, "t1", audit()).has_value());
  }
  void set_role_permissions(const std::string& permissions) {
    BOOST_TEST_REQUIRE(
        store.provisioning().update_role("acme", "role-1", std::nullopt, permissions, "t1", audit()).has_value());
  }
  // Another role bound to the integration's service account.
  void bind_another_role(const std::string& permissions) {
    ports::Role role;
    role.id = "role-2";
    role.tenant_id = "acme";
    role.name = "Extra";
    role.permissions_json = permissions;
    BOOST_TEST_REQUIRE(store.provisioning().create_role(role, audit()).has_value());
    ports::Binding binding;
    binding.tenant_id = "acme";
    binding.role_id = "role-2";
    binding.subject_type = "SERVICE_ACCOUNT";
    binding.subject_id = "sa-1";
    BOOST_TEST_REQUIRE(store.provisioning().create_binding(binding, audit()).has_value());
  }
  void unbind_role() {
    BOOST_TEST_REQUIRE(store.provisioning().delete_binding("acme", "binding-1", audit()).has_value());
  }
  // Reads of the store's tokens, and requests recorded as the integration's last.
  int lookups() const { return store.calls("provisioning.find_token") + store.calls("provisioning.live_token_prefixes"); }
  int touches() const { return store.calls("provisioning.touch_integration"); }
};

struct Rejection {
  const char* name;
  // Changes the world or returns the Authorization header to send.
  std::optional<std::string> (*header)(World&);
  const char* tenant;
  const char* integration;
  ErrorKind kind;
};
std::ostream& operator<<(std::ostream& out, const Rejection& r) { return out << r.name; }

std::optional<std::string> bearer(World& w) { return "Bearer " + w.token.secret; }

const Rejection kRejections[] = {
    {"no header", [](World&) -> std::optional<std::string> { return std::nullopt; }, "acme", "okta",
     ErrorKind::Unauthorized},
    {"empty header", [](World&) -> std::optional<std::string> { return ""; }, "acme", "okta",
     ErrorKind::Unauthorized},
    {"basic scheme", [](World&) -> std::optional<std::string> { return "Basic YWRtaW46cGFzcw=="; }, "acme", "okta",
     ErrorKind::Unauthorized},
    {"bearer without token", [](World&) -> std::optional<std::string> { return "Bearer "; }, "acme", "okta",
     ErrorKind::Unauthorized},
    {"garbage token", [](World&) -> std::optional<std::string> { return "Bearer garbage"; }, "acme", "okta",
     ErrorKind::Unauthorized},
    {"right prefix, wrong secret",
     [](World& w) -> std::optional<std::string> {
       auto forged = w.token.secret;
       forged.back() = forged.back() == 'A' ? 'B' : 'A';
       return "Bearer " + forged;
     },
     "acme", "okta", ErrorKind::Unauthorized},
    {"revoked token",
     [](World& w) {
       w.rotate();
       return bearer(w);
     },
     "acme", "okta", ErrorKind::Unauthorized},
    {"another integration's path", bearer, "acme", "entra", ErrorKind::Unauthorized},
    {"another tenant's path", bearer, "globex", "okta", ErrorKind::Unauthorized},
    {"deleted token",
     [](World& w) {
       auto header = bearer(w);
       BOOST_TEST_REQUIRE(w.store.provisioning().delete_integration("acme", "okta", audit()).has_value());
       return header;
     },
     "acme", "okta", ErrorKind::Unauthorized},
    {"disabled integration",
     [](World& w) {
       w.disable();
       return bearer(w);
     },
     "acme", "okta", ErrorKind::Forbidden},
    {"garbage token on a disabled integration",
     [](World& w) -> std::optional<std::string> {
       w.disable();
       return "Bearer garbage";
     },
     "acme", "okta", ErrorKind::Unauthorized},
    {"revoked token on a disabled integration",
     [](World& w) {
       w.disable();
       w.rotate();
       return bearer(w);
     },
     "acme", "okta", ErrorKind::Unauthorized},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(authorization)

BOOST_DATA_TEST_CASE(rejected_credentials, boost::unit_test::data::make(kRejections), c) {
  World w;
  const auto header = c.header(w);
  const auto caller = w.authenticate(header, c.tenant, c.integration);
  BOOST_TEST_REQUIRE(caller.has_error());
  BOOST_TEST(static_cast<int>(caller.error().kind) == static_cast<int>(c.kind), caller.error().detail);
  if (c.kind == ErrorKind::Forbidden) BOOST_TEST(caller.error().detail.find("disabled") != std::string::npos);
  // The detail never echoes the token.
  BOOST_TEST(caller.error().detail.find(w.token.secret) == std::string::npos);
  BOOST_TEST(w.touches() == 0, "a rejected request counted as the integration's last request");
}

BOOST_AUTO_TEST_CASE(valid_token_yields_the_stored_role_and_is_recorded) {
  World w;
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER  "}) {
    auto caller = w.authenticate(scheme + w.token.secret);
    BOOST_TEST_REQUIRE(caller.has_value(), (caller ? "" : caller.error().detail));
    BOOST_TEST(caller->integration_id == "okta");
    BOOST_TEST(caller->tenant_id == "acme");
    BOOST_TEST(caller->service_account_id == "sa-1");
    BOOST_TEST((caller->permissions == kestra::iam::scim_provisioner_permissions()));
  }
  // Recorded at most every few seconds, but at least the first time.
  BOOST_TEST(w.touches() == 1);
  auto integration = w.store.provisioning().find_integration("acme", "okta");
  BOOST_TEST_REQUIRE(integration.has_value());
  BOOST_TEST((*integration)->last_request_at.has_value());
  BOOST_TEST(w.lookups() == 3);  // no cache: every request reads the store
}

BOOST_AUTO_TEST_CASE(a_changed_role_is_enforced_on_the_next_request) {
  World w;
  auto before = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(before.has_value());
  BOOST_TEST(Authenticator::authorize(*before, "GROUPS", "READ").has_value());

  w.set_role_permissions(R"({"USERS":["CREATE","READ","UPDATE"]})");
  auto after = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(after.has_value());
  const auto refused = Authenticator::authorize(*after, "GROUPS", "READ");
  BOOST_TEST_REQUIRE(refused.has_error());
  BOOST_TEST(static_cast<int>(refused.error().kind) == static_cast<int>(ErrorKind::Forbidden));
  BOOST_TEST(refused.error().detail.find("GROUPS") != std::string::npos, refused.error().detail);
  BOOST_TEST(Authenticator::authorize(*after, "USERS", "READ").has_value());
}

BOOST_AUTO_TEST_CASE(permissions_of_every_bound_role_are_merged) {
  World w(R"({"USERS":["READ"]})");
  w.bind_another_role(R"({"GROUPS":["READ"],"USERS":["UPDATE"]})");
  auto caller = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(caller.has_value());
  BOOST_TEST(Authenticator::authorize(*caller, "USERS", "READ").has_value());
  BOOST_TEST(Authenticator::authorize(*caller, "USERS", "UPDATE").has_value());
  BOOST_TEST(Authenticator::authorize(*caller, "GROUPS", "READ").has_value());
  BOOST_TEST(Authenticator::authorize(*caller, "GROUPS", "CREATE").has_error());
}

BOOST_AUTO_TEST_CASE(no_role_grants_nothing) {
  World w;
  w.unbind_role();
  auto caller = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(caller.has_value());
  BOOST_TEST(caller->permissions.grants().empty());
  BOOST_TEST(Authenticator::authorize(*caller, "USERS", "READ").has_error());
}

BOOST_AUTO_TEST_CASE(malformed_stored_permissions_fail_closed) {
  World w("not json");
  auto caller = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(caller.has_error());
  BOOST_TEST(static_cast<int>(caller.error().kind) == static_cast<int>(ErrorKind::Internal));
}

namespace {

struct Check {
  const char* resource;
  const char* action;
  bool allowed;
};
std::ostream& operator<<(std::ostream& out, const Check& c) {
  return out << c.resource << ":" << c.action << (c.allowed ? " allowed" : " refused");
}

// The seed's SCIMProvisioner role, action by action.
const Check kProvisionerChecks[] = {
    {"GROUPS", "CREATE", true},   {"GROUPS", "READ", true},    {"GROUPS", "UPDATE", true},
    {"GROUPS", "DELETE", true},   {"USERS", "CREATE", true},   {"USERS", "READ", true},
    {"USERS", "UPDATE", true},    {"USERS", "DELETE", false},  {"BINDINGS", "CREATE", true},
    {"BINDINGS", "READ", true},   {"BINDINGS", "UPDATE", true}, {"BINDINGS", "DELETE", true},
    {"ROLES", "READ", false},     {"SERVICE_ACCOUNTS", "CREATE", false}, {"groups", "READ", false},
    {"GROUPS", "read", false},
};

}  // namespace

BOOST_DATA_TEST_CASE(provisioner_role_grants_exactly_the_seed_actions, boost::unit_test::data::make(kProvisionerChecks),
                     c) {
  World w;
  auto caller = w.authenticate("Bearer " + w.token.secret);
  BOOST_TEST_REQUIRE(caller.has_value());
  BOOST_TEST(Authenticator::authorize(*caller, c.resource, c.action).has_value() == c.allowed);
}

namespace {

struct PermissionsCase {
  const char* name;
  std::map<std::string, std::set<std::string>> grants;
  bool valid;
};
std::ostream& operator<<(std::ostream& out, const PermissionsCase& c) { return out << c.name; }

const PermissionsCase kPermissionsCases[] = {
    {"seed role", kestra::iam::scim_provisioner_permissions().grants(), true},
    {"nothing", {}, true},
    {"resource without actions", {{"GROUPS", {}}}, true},
    {"any upper-case identifier", {{"SERVICE_ACCOUNTS", {"READ"}}, {"INTEGRATIONS", {"DELETE"}}}, true},
    {"lower-case resource", {{"groups", {"READ"}}}, false},
    {"digit in resource", {{"GROUPS2", {"READ"}}}, false},
    {"empty resource", {{"", {"READ"}}}, false},
    {"resource with a space", {{"USER GROUPS", {"READ"}}}, false},
    {"unknown action", {{"GROUPS", {"READ", "EXECUTE"}}}, false},
    {"lower-case action", {{"GROUPS", {"read"}}}, false},
    {"empty action", {{"GROUPS", {""}}}, false},
    {"overlong resource", {{std::string(65, 'A'), {"READ"}}}, false},
};

}  // namespace

BOOST_DATA_TEST_CASE(permissions_are_validated, boost::unit_test::data::make(kPermissionsCases), c) {
  const auto result = kestra::iam::validate_permissions(Permissions(c.grants));
  BOOST_TEST(result.has_value() == c.valid);
  if (!c.valid) {
    BOOST_TEST(static_cast<int>(result.error().kind) == static_cast<int>(ErrorKind::InvalidInput));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Guessing tokens from one address costs one lookup each
// only up to the burst; then 429 before any lookup of its own, while the
// live token keeps working from the same address.
BOOST_AUTO_TEST_CASE(failed_authentications_are_limited_per_address_without_a_lookup_each) {
  World w;
  Authenticator limited{w.store.provisioning(), kPepper, kestra::provisioning::RateLimit{true, 0.001, 5}};
  const auto guess = [](int) { return "Bearer " + kestra::provisioning::mint_token(kPepper).secret; };
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(!limited.throttled("10.0.0.9", guess(i)));
    const auto refused = limited.authenticate(guess(i), "acme", "okta", "10.0.0.9");
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST((refused.error().kind == ErrorKind::Unauthorized));
  }
  const int lookups = w.lookups();
  for (int i = 0; i < 200; ++i) BOOST_TEST(limited.throttled("10.0.0.9", guess(i)).has_value());
  BOOST_TEST(w.lookups() <= lookups + 1);  // the live prefixes, read once
  // Another address, and the live token from this one, go on.
  BOOST_TEST(!limited.throttled("10.0.0.10", guess(0)));
  BOOST_TEST(!limited.throttled("10.0.0.9", "Bearer " + w.token.secret));
  BOOST_TEST(limited.authenticate("Bearer " + w.token.secret, "acme", "okta", "10.0.0.9").has_value());
}
