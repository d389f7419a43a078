// The identity-provider requests that motivate module/src/scim/patch/quirks/,
// each as the IdP sends it (payloads copied from the cited documents), plus
// the quirk functions on their own.
#include "patch_test_support.hpp"

#include "scim/filter/parser.hpp"
#include "scim/patch/quirks/quirks.hpp"

#include <boost/test/data/test_case.hpp>

namespace {

using patch_test::Case;
using patch_test::json_equal;

// ---- Okta: developer.okta.com "SCIM 2.0 protocol reference" ----------------
constexpr const char* kOktaDeactivateUser =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})";
constexpr const char* kOktaReactivateUser =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]})";
constexpr const char* kOktaRenameGroup = R"({
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "displayName": "Test SCIMv2"}}]})";
constexpr const char* kOktaGroupMembership = R"({
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {"op": "remove", "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},
    {"op": "add", "path": "members", "value": [{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}]}]})";

// ---- Microsoft Entra ID: "Known issues and resolutions with SCIM 2.0 protocol compliance" -----
constexpr const char* kEntraDisableLegacy = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})";
constexpr const char* kEntraDisableFlagged = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "path": "active", "value": false}]})";
constexpr const char* kEntraAddNickNameLegacy = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "nickName", "value": "Babs"}]})";
constexpr const char* kEntraReplaceManyLegacy = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Pvlo"},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "TestBcwqnm@test.microsoft.com"},
        {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
        {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
        {"op": "Replace", "path": "externalId", "value": "Eqpj"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "Eqpj"}]})";
constexpr const char* kEntraReplaceManyFlagged = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "TestMhvaes@test.microsoft.com"},
        {"op": "replace", "value": {
                "displayName": "Bjfe",
                "name.givenName": "Kkom",
                "name.familyName": "Unua",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"}}]})";
constexpr const char* kEntraRemoveMemberLegacy = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Remove", "path": "members", "value": [{"value": "u1091"}]}]})";
constexpr const char* kEntraRemoveMemberFlagged = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "remove", "path": "members[value eq \"7f4bc1a3-285e-48ae-8202-5accb43efb0e\"]"}]})";

// ---- Microsoft Entra ID: "Develop a SCIM endpoint" (use-scim-to-provision-users-and-groups) -----
constexpr const char* kEntraUpdateUserMultiValued = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]})";
constexpr const char* kEntraUpdateUserSingleValued = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]})";
constexpr const char* kEntraDisableUser = R"({
    "Operations": [{"op": "Replace", "path": "active", "value": false}],
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]})";
constexpr const char* kEntraUpdateGroupName = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]})";
constexpr const char* kEntraAddMember = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "f648f8d5ea4e4cd38e9c"}]}]})";
constexpr const char* kEntraRemoveMember = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "f648f8d5ea4e4cd38e9c"}]}]})";
constexpr const char* kEntraSetManagerExample5 = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op":"Add","path":"manager","value":[{
        "$ref":"http://.../scim/Users/2819c223-7f76-453a-919d-413861904646",
        "value":"2819c223-7f76-453a-919d-413861904646"}]}]})";

// ---- Entra requests seen in the wild ------------------------------------------
// wso2/charon#309 (and thomaspoignant/scim-patch#176): add through a filter, no work email yet.
constexpr const char* kEntraAddWorkEmail = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "emails[type eq \"work\"].value", "value": "john_doe@foo.com"}]})";
// The manager as a bare id, paths as value keys in one path-less Replace.
constexpr const char* kEntraManagerBareId = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "2819c223-7f76-453a-919d-413861904646"}]})";
constexpr const char* kEntraPathlessPaths = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "value": {
        "name.givenName": "X",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "id-123",
        "emails[type eq \"work\"].value": "a@b.c"}}]})";
constexpr const char* kEntraPathlessActiveString = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "value": {"active": "False"}}]})";
constexpr const char* kLowercaseOperationsKey = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "operations": [{"op": "Replace", "path": "displayName", "value": "Babs"}]})";

// ---- Microsoft Entra ID: app role assignments ("roles", AppRoleAssignmentsComplex) ----
constexpr const char* kEntraAddRoles = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "roles",
                    "value": [{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "value": "Developer"}]}]})";
constexpr const char* kEntraRolesAsJsonText = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Add", "path": "roles",
                    "value": "[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Developer\"}]"}]})";
constexpr const char* kEntraRoleAsJsonTextObject = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "path": "roles",
                    "value": "{\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Developer\"}"}]})";
constexpr const char* kRolesNotJson = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "add", "path": "roles", "value": "[Developer"}]})";
constexpr const char* kRemoveRoleByValue = R"({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "remove", "path": "roles[value eq \"developer\"]"}]})";

constexpr const char* kUser =
    R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen",
        "name":{"givenName":"Barbara","familyName":"Jensen"},
        "emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})";
constexpr const char* kEnterpriseUser =
    R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,
        "name":{"givenName":"Barbara","familyName":"Jensen"},
        "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
        "$E":{"employeeNumber":"701984","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}})";
constexpr const char* kGroup = R"({"schemas":["$G"],"displayName":"Tour Guides"})";

const Case kQuirks[] = {
    {"Okta: path-less replace deactivates", "User", kUser, kOktaDeactivateUser, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Okta: path-less replace reactivates", "User",
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false})", kOktaReactivateUser, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true})", nullptr, nullptr},
    {"Okta: group rename repeating the readOnly id", "Group", kGroup, kOktaRenameGroup, true,
     R"({"schemas":["$G"],"displayName":"Test SCIMv2"})", nullptr, nullptr},
    {"Okta: remove one member and add another", "Group", kGroup, kOktaGroupMembership, true, kGroup, nullptr,
     R"({"remove":["89bb1940-b905-4575-9e7f-6f887cfb368e"],"add":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","type":"User"}]})"},
    {"Entra: capitalised Replace with the string \"False\" (legacy job)", "User", kUser, kEntraDisableLegacy, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: disable with a boolean (aadOptscim062020)", "User", kUser, kEntraDisableFlagged, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: disable user (Develop a SCIM endpoint)", "User", kUser, kEntraDisableUser, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: capitalised Add of a single-valued string", "User", kUser, kEntraAddNickNameLegacy, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen","nickName":"Babs",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: six capitalised Replace operations (legacy job)", "User", kEnterpriseUser, kEntraReplaceManyLegacy,
     false,
     R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,"displayName":"Pvlo","externalId":"Eqpj",
         "name":{"givenName":"Gtfd","familyName":"Pkqf"},
         "emails":[{"value":"TestBcwqnm@test.microsoft.com","type":"work","primary":true}],
         "$E":{"employeeNumber":"Eqpj","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}})",
     nullptr, nullptr},
    {"Entra: path-less replace keyed by paths (aadOptscim062020)", "User", kEnterpriseUser, kEntraReplaceManyFlagged,
     false,
     R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,"displayName":"Bjfe",
         "name":{"givenName":"Kkom","familyName":"Unua"},
         "emails":[{"value":"TestMhvaes@test.microsoft.com","type":"work","primary":true}],
         "$E":{"employeeNumber":"Aklq","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}})",
     nullptr, nullptr},
    {"Entra: path-less value with a dotted path, the manager URN and a value filter", "User", kUser,
     kEntraPathlessPaths, false,
     R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen",
         "name":{"givenName":"X","familyName":"Jensen"},
         "emails":[{"value":"a@b.c","type":"work","primary":true}],
         "$E":{"manager":{"value":"id-123"}}})",
     nullptr, nullptr},
    {"Entra: path-less value keyed by a filter that matches nothing is noTarget", "User",
     R"({"schemas":["$U"],"userName":"bjensen@example.com"})", kEntraPathlessPaths, false, nullptr, "noTarget",
     nullptr},
    {"Entra: the string \"False\" inside a path-less value", "User",
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true})", kEntraPathlessActiveString, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":false})", nullptr, nullptr},
    {"Entra: update user, multi-valued (work email through a filter)", "User", kUser, kEntraUpdateUserMultiValued,
     false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"updatedFamilyName"},
         "emails":[{"value":"updatedEmail@microsoft.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: update user, single-valued (userName)", "User", kUser, kEntraUpdateUserSingleValued, false,
     R"({"schemas":["$U"],"userName":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com","active":true,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: update group, non-member attributes", "Group", kGroup, kEntraUpdateGroupName, true,
     R"({"schemas":["$G"],"displayName":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"})", nullptr,
     nullptr},
    {"Entra: add a member with \"$ref\": null", "Group", kGroup, kEntraAddMember, true, kGroup, nullptr,
     R"({"add":[{"value":"f648f8d5ea4e4cd38e9c","type":"User"}]})"},
    {"Entra: remove a member listed in the value (not every member)", "Group", kGroup, kEntraRemoveMember, true,
     kGroup, nullptr, R"({"remove":["f648f8d5ea4e4cd38e9c"]})"},
    {"Entra: remove a member listed in the value (legacy job)", "Group", kGroup, kEntraRemoveMemberLegacy, true,
     kGroup, nullptr, R"({"remove":["u1091"]})"},
    {"Entra: remove a member by filter (aadOptscim062020)", "Group", kGroup, kEntraRemoveMemberFlagged, true, kGroup,
     nullptr, R"({"remove":["7f4bc1a3-285e-48ae-8202-5accb43efb0e"]})"},
    {"Entra: remove a listed member from a group kept in the document", "Group",
     R"({"schemas":["$G"],"displayName":"Tour Guides","members":[{"value":"f648f8d5ea4e4cd38e9c","type":"User"},{"value":"u2","type":"User"}]})",
     kEntraRemoveMember, false, R"({"schemas":["$G"],"displayName":"Tour Guides","members":[{"value":"u2","type":"User"}]})",
     nullptr, nullptr},
    {"Entra: manager without its URN, as a one-element array (example 5)", "User", kUser, kEntraSetManagerExample5,
     false,
     R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
         "$E":{"manager":{"$ref":"http://.../scim/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"}}})",
     nullptr, nullptr},
    {"Entra: manager as a bare id", "User", kEnterpriseUser, kEntraManagerBareId, false,
     R"({"schemas":["$U","$E"],"userName":"bjensen@example.com","active":true,
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
         "$E":{"employeeNumber":"701984","manager":{"value":"2819c223-7f76-453a-919d-413861904646"}}})",
     nullptr, nullptr},
    {"Entra: add through a filter creates the work email", "User",
     R"({"schemas":["$U"],"userName":"jdoe","emails":[{"value":"jdoe@home.example","type":"home"}]})",
     kEntraAddWorkEmail, false,
     R"({"schemas":["$U"],"userName":"jdoe","emails":[{"value":"jdoe@home.example","type":"home"},{"type":"work","value":"john_doe@foo.com"}]})",
     nullptr, nullptr},
    {"Entra: add through a filter updates an existing work email", "User", kUser, kEntraAddWorkEmail, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true,"displayName":"Babs Jensen",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"john_doe@foo.com","type":"work","primary":true}]})",
     nullptr, nullptr},
    {"Entra: add app roles", "User", R"({"schemas":["$U"],"userName":"jdoe"})", kEntraAddRoles, false,
     R"({"schemas":["$U"],"userName":"jdoe","roles":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"Developer"}]})",
     nullptr, nullptr},
    {"Entra: app roles as the JSON text of the array", "User", R"({"schemas":["$U"],"userName":"jdoe"})",
     kEntraRolesAsJsonText, false,
     R"({"schemas":["$U"],"userName":"jdoe","roles":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"Developer"}]})",
     nullptr, nullptr},
    {"Entra: one app role as the JSON text of an object", "User",
     R"({"schemas":["$U"],"userName":"jdoe","roles":[{"value":"Viewer"}]})", kEntraRoleAsJsonTextObject, false,
     R"({"schemas":["$U"],"userName":"jdoe","roles":[{"type":"WindowsAzureActiveDirectoryRole","value":"Developer"}]})",
     nullptr, nullptr},
    {"roles as text that is not JSON is invalidValue", "User", R"({"schemas":["$U"],"userName":"jdoe"})",
     kRolesNotJson, false, nullptr, "invalidValue", nullptr},
    {"remove a role by value, case-insensitively", "User",
     R"({"schemas":["$U"],"userName":"jdoe","roles":[{"value":"Developer"},{"value":"Viewer"}]})", kRemoveRoleByValue,
     false, R"({"schemas":["$U"],"userName":"jdoe","roles":[{"value":"Viewer"}]})", nullptr, nullptr},
    {"Entra: 'operations' in lower case", "User", kUser, kLowercaseOperationsKey, false,
     R"({"schemas":["$U"],"userName":"bjensen@example.com","active":true,"displayName":"Babs",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]})",
     nullptr, nullptr},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(patch_quirks)

BOOST_DATA_TEST_CASE(idp_payloads, boost::unit_test::data::make(kQuirks), c) { patch_test::check(c); }

BOOST_AUTO_TEST_CASE(op_names_in_any_case) {
  using kestra::scim::patch::OpKind;
  using kestra::scim::patch::quirks::op_kind_from_name;
  BOOST_TEST((op_kind_from_name("Add") == OpKind::Add));
  BOOST_TEST((op_kind_from_name("REPLACE") == OpKind::Replace));
  BOOST_TEST((op_kind_from_name("remove") == OpKind::Remove));
  BOOST_TEST(!op_kind_from_name("move").has_value());
  BOOST_TEST(!op_kind_from_name("").has_value());
  BOOST_TEST(!op_kind_from_name("adds").has_value());
}

BOOST_AUTO_TEST_CASE(find_any_case_prefers_the_exact_key) {
  auto o = patch_test::parse(R"({"operations":1,"Operations":2})").as_object();
  auto* v = kestra::scim::patch::quirks::find_any_case(o, "Operations");
  BOOST_TEST_REQUIRE(v != nullptr);
  BOOST_TEST(v->as_int64() == 2);
  BOOST_TEST(kestra::scim::patch::quirks::find_any_case(o, "OPERATIONS") != nullptr);
  BOOST_TEST(kestra::scim::patch::quirks::find_any_case(o, "schemas") == nullptr);
}

BOOST_AUTO_TEST_CASE(pathless_value_keys_become_paths) {
  const auto& r = patch_test::registry();
  auto value = patch_test::parse(
                   R"({"schemas":["x"],"displayName":"D","name.givenName":"G","$E":{"department":"S","costCenter":"C"},"emails[type eq \"work\"].value":"a@b.c"})")
                   .as_object();
  auto paths = kestra::scim::patch::quirks::expand_pathless_value(*r.resource_type("User"), value);
  std::vector<std::string> got;
  for (const auto& p : paths) got.push_back(p.path);
  const std::vector<std::string> want = {
      "displayName", "name.givenName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", R"(emails[type eq "work"].value)"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(paths[2].value->as_string() == "S");
}

BOOST_AUTO_TEST_CASE(element_from_an_eq_filter) {
  using kestra::scim::patch::quirks::element_from_filter;
  auto f = [](const char* text) { return std::move(*kestra::scim::filter::parse_filter(text)); };
  auto work = element_from_filter(*f(R"(type eq "work")"));
  BOOST_TEST_REQUIRE(work.has_value());
  BOOST_TEST(json_equal(*work, R"({"type":"work"})"));
  auto both = element_from_filter(*f(R"(type eq "work" and primary eq true)"));
  BOOST_TEST_REQUIRE(both.has_value());
  BOOST_TEST(json_equal(*both, R"({"type":"work","primary":true})"));
  BOOST_TEST(!element_from_filter(*f(R"(type eq "work" or type eq "home")")).has_value());
  BOOST_TEST(!element_from_filter(*f(R"(type ne "work")")).has_value());
  BOOST_TEST(!element_from_filter(*f(R"(type eq "work" and type eq "home")")).has_value());
  BOOST_TEST(!element_from_filter(*f(R"(not (type eq "work"))")).has_value());
  BOOST_TEST(!element_from_filter(*f(R"(value pr)")).has_value());
}

BOOST_AUTO_TEST_CASE(unqualified_name_in_one_extension) {
  const auto& r = patch_test::registry();
  using kestra::scim::patch::quirks::resolve_in_single_extension;
  auto manager = resolve_in_single_extension(r, *r.resource_type("User"), {"", "manager", "value"});
  BOOST_TEST_REQUIRE(manager.has_value());
  BOOST_TEST(manager->extension);
  BOOST_TEST(manager->schema->id == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
  BOOST_TEST(manager->target().name == "value");
  BOOST_TEST(!resolve_in_single_extension(r, *r.resource_type("User"), {"", "favouriteColour", ""}).has_value());
  BOOST_TEST(!resolve_in_single_extension(r, *r.resource_type("Group"), {"", "manager", ""}).has_value());
  BOOST_TEST(!resolve_in_single_extension(r, *r.resource_type("User"),
                                          {"urn:ietf:params:scim:schemas:core:2.0:User", "manager", ""})
                  .has_value());
}

BOOST_AUTO_TEST_CASE(singleton_array_for_a_single_valued_attribute) {
  const auto& r = patch_test::registry();
  const auto* manager = r.schema("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")->attribute("manager");
  const auto* emails = r.schema("urn:ietf:params:scim:schemas:core:2.0:User")->attribute("emails");
  using kestra::scim::patch::quirks::unwrap_singleton_array;
  auto one = patch_test::parse(R"([{"value":"m"}])");
  auto two = patch_test::parse(R"([{"value":"m"},{"value":"n"}])");
  BOOST_TEST(unwrap_singleton_array(*manager, one) == patch_test::parse(R"({"value":"m"})"));
  BOOST_TEST(&unwrap_singleton_array(*manager, two) == &two);
  BOOST_TEST(&unwrap_singleton_array(*emails, one) == &one);
}

BOOST_AUTO_TEST_CASE(member_refs_of_a_value) {
  const auto& r = patch_test::registry();
  const auto* members = r.schema("urn:ietf:params:scim:schemas:core:2.0:Group")->attribute("members");
  using kestra::scim::patch::quirks::member_refs;
  auto refs = member_refs(*members, patch_test::parse(R"([{"$ref":null,"value":"a"},{"value":"g","type":"GROUP","display":"G"},{"value":"a"}])"), "members");
  BOOST_TEST_REQUIRE(refs.has_value());
  BOOST_TEST_REQUIRE(refs->size() == 2u);
  BOOST_TEST((*refs)[0].value == "a");
  BOOST_TEST((*refs)[0].type == "User");
  BOOST_TEST((*refs)[1].value == "g");
  BOOST_TEST((*refs)[1].type == "Group");
  BOOST_TEST(member_refs(*members, patch_test::parse("null"), "members").value().empty());
  BOOST_TEST(member_refs(*members, patch_test::parse(R"({"value":"a"})"), "members").value().size() == 1u);
  auto bad = member_refs(*members, patch_test::parse(R"([{"value":7}])"), "members");
  BOOST_TEST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().scim_type == "invalidValue");
}

BOOST_AUTO_TEST_CASE(readonly_keys_of_a_pathless_value_are_skipped) {
  const auto& r = patch_test::registry();
  const auto& user = *r.resource_type("User");
  using kestra::scim::patch::quirks::ignored_in_pathless_value;
  BOOST_TEST(ignored_in_pathless_value(*r.resolve(user, "", "id")));
  BOOST_TEST(ignored_in_pathless_value(*r.resolve(user, "", "meta")));
  BOOST_TEST(ignored_in_pathless_value(*r.resolve(user, "", "groups")));
  BOOST_TEST(ignored_in_pathless_value(
      *r.resolve(user, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "displayName")));
  BOOST_TEST(!ignored_in_pathless_value(*r.resolve(user, "", "userName")));
  BOOST_TEST(!ignored_in_pathless_value(*r.resolve(user, "", "externalId")));
}

BOOST_AUTO_TEST_SUITE_END()
