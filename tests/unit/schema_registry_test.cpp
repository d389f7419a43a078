#include "scim/schema/registry.hpp"

#include "kestra/resources.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace json = boost::json;
using namespace kestra::scim::schema;

namespace {

const Registry& registry() {
  static const Registry r = [] {
    auto loaded = Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value(), (loaded.has_value() ? "" : loaded.error().detail));
    return std::move(*loaded);
  }();
  return r;
}

const ResourceType& type_of(const char* id) {
  auto* rt = registry().resource_type(id);
  BOOST_TEST_REQUIRE(rt != nullptr);
  return *rt;
}

json::value parse(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  BOOST_TEST_REQUIRE(!ec, "bad test JSON: " << text);
  return v;
}

constexpr const char* kCore = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr const char* kEnt = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* kGrp = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr const char* kKgrp = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group";

struct ResolveCase {
  const char* name;
  const char* type;
  const char* urn;
  const char* attribute;
  const char* sub;
  bool found;
  const char* target = "";  // canonical name of what was found
  Type kind = Type::String;
  bool case_exact = false;
  Mutability mutability = Mutability::ReadWrite;
  Returned returned = Returned::Default;
  bool extension = false;
  bool common = false;
};
std::ostream& operator<<(std::ostream& os, const ResolveCase& c) { return os << c.name; }

using M = Mutability;
using R = Returned;
const ResolveCase kResolve[] = {
    {"userName", "User", "", "userName", "", true, "userName"},
    {"userName upper", "User", "", "USERNAME", "", true, "userName"},
    {"userName core urn", "User", kCore, "userName", "", true, "userName"},
    {"userName urn upper", "User", "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", "userName", "", true, "userName"},
    {"id", "User", "", "id", "", true, "id", Type::String, true, M::ReadOnly, R::Always, false, true},
    {"id via core urn", "User", kCore, "ID", "", true, "id", Type::String, true, M::ReadOnly, R::Always, false, true},
    {"externalId", "User", "", "externalid", "", true, "externalId", Type::String, true, M::ReadWrite, R::Default, false,
     true},
    {"meta.created", "User", "", "meta", "created", true, "created", Type::DateTime, false, M::ReadOnly, R::Default,
     false, true},
    {"meta.lastModified upper", "User", "", "META", "LASTMODIFIED", true, "lastModified", Type::DateTime, false,
     M::ReadOnly, R::Default, false, true},
    {"meta.location", "User", "", "meta", "location", true, "location", Type::Reference, true, M::ReadOnly, R::Default,
     false, true},
    {"meta", "User", "", "meta", "", true, "meta", Type::Complex, false, M::ReadOnly, R::Always, false, true},
    {"name.givenName", "User", "", "name", "givenName", true, "givenName"},
    {"Name.FamilyName", "User", "", "Name", "FamilyName", true, "familyName"},
    {"name.nope", "User", "", "name", "nope", false},
    {"emails", "User", "", "emails", "", true, "emails", Type::Complex},
    {"emails.value", "User", "", "emails", "value", true, "value"},
    {"emails.primary", "User", "", "emails", "primary", true, "primary", Type::Boolean},
    {"password", "User", "", "password", "", true, "password", Type::String, false, M::WriteOnly, R::Never},
    {"groups", "User", "", "groups", "", true, "groups", Type::Complex, false, M::ReadOnly},
    {"groups.$ref", "User", "", "groups", "$ref", true, "$ref", Type::Reference, false, M::ReadOnly},
    {"active", "User", "", "active", "", true, "active", Type::Boolean},
    {"x509Certificates.value", "User", "", "x509certificates", "value", true, "value", Type::Binary},
    {"profileUrl", "User", "", "profileUrl", "", true, "profileUrl", Type::Reference},
    {"extension attr without urn", "User", "", "employeeNumber", "", false},
    {"employeeNumber", "User", kEnt, "employeeNumber", "", true, "employeeNumber", Type::String, false, M::ReadWrite,
     R::Default, true},
    {"employeeNumber ci", "User", "urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:user", "EMPLOYEENUMBER", "",
     true, "employeeNumber", Type::String, false, M::ReadWrite, R::Default, true},
    {"manager.value", "User", kEnt, "manager", "value", true, "value", Type::String, true, M::ReadWrite, R::Default,
     true},
    {"manager.displayName", "User", kEnt, "manager", "displayName", true, "displayName", Type::String, false,
     M::ReadOnly, R::Default, true},
    {"core attr under extension urn", "User", kEnt, "userName", "", false},
    {"unknown urn", "User", "urn:example:2.0:User", "userName", "", false},
    {"unknown attribute", "User", "", "nosuch", "", false},
    {"sub of simple attribute", "User", "", "userName", "value", false},
    {"empty attribute", "User", "", "", "", false},
    {"group urn on user", "User", kGrp, "displayName", "", false},
    {"kestra group urn on user", "User", kKgrp, "roles", "", false},
    {"group displayName", "Group", "", "displayName", "", true, "displayName"},
    {"group displayName core urn", "Group", kGrp, "DisplayName", "", true, "displayName"},
    {"members.value", "Group", "", "members", "value", true, "value", Type::String, true, M::Immutable},
    {"members.display", "Group", "", "members", "display", true, "display", Type::String, false, M::ReadOnly},
    {"members.type", "Group", "", "Members", "Type", true, "type", Type::String, false, M::Immutable},
    {"members.$ref", "Group", "", "members", "$REF", true, "$ref", Type::Reference, false, M::Immutable},
    {"kestra roles", "Group", kKgrp, "roles", "", true, "roles", Type::Complex, false, M::ReadWrite, R::Default, true},
    {"kestra roles.value", "Group", kKgrp, "roles", "value", true, "value", Type::String, false, M::ReadWrite,
     R::Default, true},
    {"roles without urn on group", "Group", "", "roles", "", false},
    {"userName on group", "Group", "", "userName", "", false},
    {"enterprise on group", "Group", kEnt, "employeeNumber", "", false},
    {"meta.version on group", "Group", "", "meta", "version", true, "version", Type::String, true, M::ReadOnly,
     R::Default, false, true},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_registry)

BOOST_AUTO_TEST_CASE(loads_embedded_documents) {
  const auto& r = registry();
  auto types = r.resource_types();
  BOOST_REQUIRE_EQUAL(types.size(), 3u);
  BOOST_TEST(types[0]->id == "User");
  BOOST_TEST(types[1]->id == "Group");
  BOOST_TEST(types[2]->id == "Role");
  BOOST_TEST(types[2]->endpoint == "/Roles");
  BOOST_TEST(types[0]->endpoint == "/Users");
  BOOST_TEST(types[1]->endpoint == "/Groups");
  BOOST_TEST(types[0]->schema->id == kCore);
  BOOST_REQUIRE_EQUAL(types[0]->extensions.size(), 1u);
  BOOST_TEST(types[0]->extensions[0].schema->id == kEnt);
  BOOST_TEST(!types[0]->extensions[0].required);
  BOOST_REQUIRE_EQUAL(types[1]->extensions.size(), 1u);
  BOOST_TEST(types[1]->extensions[0].schema->id == kKgrp);
  BOOST_TEST(!types[1]->extensions[0].required);

  auto schemas = r.schemas();
  BOOST_REQUIRE_EQUAL(schemas.size(), 5u);
  BOOST_TEST(schemas[0]->id == kCore);
  BOOST_TEST(schemas[1]->id == kEnt);
  BOOST_TEST(schemas[2]->id == kGrp);
  BOOST_TEST(schemas[3]->id == kKgrp);

  BOOST_TEST(r.resource_type("user") == types[0]);
  BOOST_TEST(r.resource_type_by_endpoint("/groups") == types[1]);
  BOOST_TEST(r.resource_type("Schema") == nullptr);
  BOOST_TEST(r.schema("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP") == schemas[2]);
  BOOST_TEST(r.schema("urn:nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(user_schema_characteristics) {
  const auto* user = registry().schema(kCore);
  BOOST_REQUIRE(user);
  const char* expected[] = {"userName", "name",     "displayName", "nickName",         "profileUrl",
                            "title",    "userType", "preferredLanguage", "locale",       "timezone",
                            "active",   "password", "emails",      "phoneNumbers",     "ims",
                            "photos",   "addresses", "groups",     "entitlements",     "roles",
                            "x509Certificates"};
  BOOST_REQUIRE_EQUAL(user->attributes.size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) BOOST_TEST(user->attributes[i].name == expected[i]);
  const auto* user_name = user->attribute("username");
  BOOST_TEST(user_name->required);
  BOOST_TEST(!user_name->case_exact);
  BOOST_TEST((user_name->uniqueness == Uniqueness::Server));
  const auto* emails = user->attribute("emails");
  BOOST_TEST(emails->multi_valued);
  const auto* type = emails->sub_attribute("type");
  BOOST_REQUIRE(type);
  BOOST_TEST((type->canonical_values == std::vector<std::string>{"work", "home", "other"}));
  const auto* groups_ref = user->attribute("groups")->sub_attribute("$ref");
  BOOST_TEST((groups_ref->reference_types == std::vector<std::string>{"User", "Group"}));
  const auto* group = registry().schema(kGrp);
  const auto* members_type = group->attribute("members")->sub_attribute("type");
  BOOST_TEST((members_type->canonical_values == std::vector<std::string>{"User", "Group"}));
  BOOST_TEST(group->attribute("displayName")->required);
}

// Every attribute in the resource files spells out all its characteristics.
BOOST_AUTO_TEST_CASE(resource_files_are_complete) {
  int checked = 0;
  for (auto path : kestra::resources::list("scim/schemas/")) {
    auto doc = parse(*kestra::resources::find(path)).as_object();
    BOOST_TEST(doc.contains("id"));
    BOOST_TEST(doc.contains("name"));
    BOOST_TEST(doc.contains("description"));
    std::function<void(const json::array&, bool)> check = [&](const json::array& attrs, bool nested) {
      for (const auto& v : attrs) {
        const auto& a = v.as_object();
        for (const char* key : {"name", "type", "multiValued", "description", "required", "caseExact", "mutability",
                                "returned", "uniqueness"})
          BOOST_TEST(a.contains(key), path << " " << a.at("name") << " lacks " << key);
        if (a.at("type") == "reference") BOOST_TEST(a.contains("referenceTypes"), path << " " << a.at("name"));
        if (a.at("type") == "complex") {
          BOOST_TEST_REQUIRE(!nested);
          BOOST_TEST_REQUIRE(a.contains("subAttributes"));
          check(a.at("subAttributes").as_array(), true);
        }
        ++checked;
      }
    };
    check(doc.at("attributes").as_array(), false);
  }
  BOOST_TEST(checked == 92);  // 67 User, 9 EnterpriseUser, 6 Group, 5 KestraGroup, 5 Role (with sub-attributes)
}

BOOST_DATA_TEST_CASE(resolves, boost::unit_test::data::make(kResolve), c) {
  const auto& rt = type_of(c.type);
  auto r = registry().resolve(rt, c.urn, c.attribute, c.sub);
  BOOST_REQUIRE_EQUAL(r.has_value(), c.found);
  // The same through one dotted, possibly URN-qualified, string.
  std::string text = std::string(c.urn).empty() ? std::string() : std::string(c.urn) + ":";
  text += c.attribute;
  if (*c.sub) text += std::string(".") + c.sub;
  auto by_path = registry().resolve_path(rt, text);
  BOOST_REQUIRE_EQUAL(by_path.has_value(), c.found);
  if (!c.found) return;
  BOOST_TEST(&r->target() == &by_path->target());
  const Attribute& t = r->target();
  BOOST_TEST(t.name == c.target);
  BOOST_TEST((t.type == c.kind));
  BOOST_TEST(t.case_exact == c.case_exact);
  BOOST_TEST((t.mutability == c.mutability));
  BOOST_TEST((t.returned == c.returned));
  BOOST_TEST(r->extension == c.extension);
  BOOST_TEST(r->common == c.common);
}

struct SplitCase {
  const char* name;
  const char* text;
  const char* urn;
  const char* attribute;
  const char* sub;
};
std::ostream& operator<<(std::ostream& os, const SplitCase& c) { return os << c.name; }
const SplitCase kSplit[] = {
    {"plain", "userName", "", "userName", ""},
    {"dotted", "name.givenName", "", "name", "givenName"},
    {"core urn", "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", kCore, "name", "givenName"},
    {"core urn other case", "URN:ietf:params:scim:schemas:core:2.0:user:userName", kCore, "userName", ""},
    {"extension urn", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", kEnt, "manager",
     "value"},
    {"bare extension", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", kEnt, "", ""},
    {"unknown urn", "urn:example:custom:2.0:User:thing.part", "urn:example:custom:2.0:User", "thing", "part"},
    {"prefix is not a urn match", "urn:ietf:params:scim:schemas:core:2.0:UserX:userName",
     "urn:ietf:params:scim:schemas:core:2.0:UserX", "userName", ""},
};

BOOST_DATA_TEST_CASE(splits_paths, boost::unit_test::data::make(kSplit), c) {
  auto p = registry().split_path(type_of("User"), c.text);
  BOOST_TEST(p.urn == c.urn);
  BOOST_TEST(p.attribute == c.attribute);
  BOOST_TEST(p.sub_attribute == c.sub);
}

struct LookupCase {
  const char* name;
  const char* type;
  kestra::scim::filter::AttrPath path;
  bool in_value_path;
  kestra::scim::filter::AttrPath parent;
  bool found;
  kestra::scim::filter::AttributeInfo::Type kind = kestra::scim::filter::AttributeInfo::Type::String;
  bool case_exact = false;
  bool multi_valued = false;
};
std::ostream& operator<<(std::ostream& os, const LookupCase& c) { return os << c.name; }

using FT = kestra::scim::filter::AttributeInfo::Type;
const LookupCase kLookup[] = {
    {"userName", "User", {"", "userName", ""}, false, {}, true, FT::String, false, false},
    {"USERNAME", "User", {"", "USERNAME", ""}, false, {}, true, FT::String, false, false},
    {"id is case exact", "User", {"", "id", ""}, false, {}, true, FT::String, true, false},
    {"externalId", "User", {"", "externalId", ""}, false, {}, true, FT::String, true, false},
    {"meta.created", "User", {"", "meta", "created"}, false, {}, true, FT::DateTime, false, false},
    {"meta.lastModified", "User", {"", "meta", "lastModified"}, false, {}, true, FT::DateTime, false, false},
    {"active", "User", {"", "active", ""}, false, {}, true, FT::Boolean, false, false},
    {"emails", "User", {"", "emails", ""}, false, {}, true, FT::Complex, false, true},
    {"emails.value", "User", {"", "emails", "value"}, false, {}, true, FT::String, false, true},
    {"name.familyName", "User", {"", "name", "familyName"}, false, {}, true, FT::String, false, false},
    {"core urn userName", "User", {kCore, "userName", ""}, false, {}, true, FT::String, false, false},
    {"enterprise employeeNumber", "User", {kEnt, "employeeNumber", ""}, false, {}, true, FT::String, false, false},
    {"enterprise attr without urn", "User", {"", "employeeNumber", ""}, false, {}, false},
    {"x509 value", "User", {"", "x509Certificates", "value"}, false, {}, true, FT::Binary, false, true},
    {"unknown", "User", {"", "shoeSize", ""}, false, {}, false},
    {"emails[type]", "User", {"", "type", ""}, true, {"", "emails", ""}, true, FT::String, false, false},
    {"emails[VALUE]", "User", {"", "VALUE", ""}, true, {"", "Emails", ""}, true, FT::String, false, false},
    {"emails[primary]", "User", {"", "primary", ""}, true, {"", "emails", ""}, true, FT::Boolean, false, false},
    {"emails[nope]", "User", {"", "nope", ""}, true, {"", "emails", ""}, false},
    {"emails[value.x]", "User", {"", "value", "x"}, true, {"", "emails", ""}, false},
    {"userName[value]", "User", {"", "value", ""}, true, {"", "userName", ""}, false},
    {"manager[value]", "User", {"", "value", ""}, true, {kEnt, "manager", ""}, true, FT::String, true, false},
    {"unknown parent", "User", {"", "value", ""}, true, {"", "nope", ""}, false},
    {"members.value", "Group", {"", "members", "value"}, false, {}, true, FT::String, true, true},
    {"members[value]", "Group", {"", "value", ""}, true, {"", "members", ""}, true, FT::String, true, false},
    {"members[type]", "Group", {"", "type", ""}, true, {"", "members", ""}, true, FT::String, false, false},
    {"group displayName", "Group", {"", "displayName", ""}, false, {}, true, FT::String, false, false},
    {"group externalId", "Group", {"", "externalId", ""}, false, {}, true, FT::String, true, false},
    {"kestra roles.value", "Group", {kKgrp, "roles", "value"}, false, {}, true, FT::String, false, true},
    {"group userName", "Group", {"", "userName", ""}, false, {}, false},
};

BOOST_DATA_TEST_CASE(lookup_answers, boost::unit_test::data::make(kLookup), c) {
  auto lookup = registry().lookup_for(type_of(c.type));
  auto info = lookup(c.path, c.in_value_path ? &c.parent : nullptr);
  BOOST_REQUIRE_EQUAL(info.has_value(), c.found);
  if (!c.found) return;
  BOOST_TEST((info->type == c.kind));
  BOOST_TEST(info->case_exact == c.case_exact);
  BOOST_TEST(info->multi_valued == c.multi_valued);
}

BOOST_AUTO_TEST_CASE(lookup_survives_registry_move) {
  auto loaded = Registry::load();
  BOOST_REQUIRE(loaded.has_value());
  Registry first = std::move(*loaded);
  auto lookup = first.lookup_for(*first.resource_type("User"));
  Registry second = std::move(first);
  auto info = lookup({"", "meta", "created"}, nullptr);
  BOOST_REQUIRE(info.has_value());
  BOOST_TEST((info->type == FT::DateTime));
}

BOOST_AUTO_TEST_CASE(discovery_documents) {
  const auto& r = registry();
  auto all = r.schemas_json("https://h/scim/v2/Schemas/");
  BOOST_REQUIRE_EQUAL(all.size(), 5u);
  const auto& first = all[0].as_object();
  BOOST_TEST(first.at("id") == kCore);
  BOOST_TEST(first.at("meta").at("resourceType") == "Schema");
  BOOST_TEST(first.at("meta").at("location") == json::value(std::string("https://h/scim/v2/Schemas/") + kCore));
  BOOST_TEST(first.at("schemas").at(0) == "urn:ietf:params:scim:schemas:core:2.0:Schema");
  BOOST_TEST(first.at("attributes").as_array().size() == 21u);

  auto one = r.schema_json("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user", "https://h/x");
  BOOST_REQUIRE(one.has_value());
  BOOST_TEST(one->at("id") == kEnt);
  BOOST_TEST(one->at("meta").at("location") == "https://h/x");
  auto missing = r.schema_json("urn:nope", "https://h/y");
  BOOST_REQUIRE(missing.has_error());
  BOOST_TEST((missing.error().kind == kestra::ErrorKind::NotFound));

  auto types = r.resource_types_json("https://h/scim/v2/ResourceTypes");
  BOOST_REQUIRE_EQUAL(types.size(), 3u);
  const auto& user = types[0].as_object();
  BOOST_TEST(user.at("id") == "User");
  BOOST_TEST(user.at("endpoint") == "/Users");
  BOOST_TEST(user.at("schema") == kCore);
  BOOST_TEST(user.at("schemas").at(0) == "urn:ietf:params:scim:schemas:core:2.0:ResourceType");
  BOOST_TEST(user.at("schemaExtensions").at(0).at("schema") == kEnt);
  BOOST_TEST(user.at("schemaExtensions").at(0).at("required") == false);
  BOOST_TEST(user.at("meta").at("resourceType") == "ResourceType");
  BOOST_TEST(user.at("meta").at("location") == "https://h/scim/v2/ResourceTypes/User");
  const auto& group = types[1].as_object();
  BOOST_TEST(group.at("endpoint") == "/Groups");
  BOOST_TEST(group.at("schemaExtensions").at(0).at("schema") == kKgrp);

  auto g = r.resource_type_json("group", "https://h/rt/Group");
  BOOST_REQUIRE(g.has_value());
  BOOST_TEST(g->at("meta").at("location") == "https://h/rt/Group");
  BOOST_TEST(r.resource_type_json("Widget", "x").has_error());
}

struct BadDocsCase {
  const char* name;
  const char* schemas;
  const char* resource_types;
  const char* message_part;
};
std::ostream& operator<<(std::ostream& os, const BadDocsCase& c) { return os << c.name; }

#define THING_RT R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Thing"}])"
const BadDocsCase kBadDocs[] = {
    {"unknown type", R"([{"id":"urn:t:Thing","attributes":[{"name":"a","type":"text"}]}])", THING_RT, "unknown type"},
    {"complex without subs", R"([{"id":"urn:t:Thing","attributes":[{"name":"a","type":"complex"}]}])", THING_RT,
     "subAttributes"},
    {"nested complex",
     R"([{"id":"urn:t:Thing","attributes":[{"name":"a","type":"complex","subAttributes":[{"name":"b","type":"complex","subAttributes":[{"name":"c"}]}]}]}])",
     THING_RT, "cannot be complex"},
    {"duplicate attribute", R"([{"id":"urn:t:Thing","attributes":[{"name":"a"},{"name":"A"}]}])", THING_RT, "twice"},
    {"no attributes array", R"([{"id":"urn:t:Thing"}])", THING_RT, "attributes"},
    {"nameless attribute", R"([{"id":"urn:t:Thing","attributes":[{"type":"string"}]}])", THING_RT, "no name"},
    {"bad mutability", R"([{"id":"urn:t:Thing","attributes":[{"name":"a","mutability":"sometimes"}]}])", THING_RT,
     "mutability"},
    {"multiValued not bool", R"([{"id":"urn:t:Thing","attributes":[{"name":"a","multiValued":"yes"}]}])", THING_RT,
     "multiValued"},
    {"unknown core schema", R"([{"id":"urn:t:Thing","attributes":[]}])",
     R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Other"}])", "unknown schema"},
    {"unknown extension", R"([{"id":"urn:t:Thing","attributes":[]}])",
     R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Thing","schemaExtensions":[{"schema":"urn:t:X"}]}])",
     "extension"},
    {"schema twice", R"([{"id":"urn:t:Thing","attributes":[]},{"id":"URN:T:THING","attributes":[]}])", THING_RT,
     "twice"},
    {"redefines id", R"([{"id":"urn:t:Thing","attributes":[{"name":"id"}]}])", THING_RT, "common attribute"},
    {"resource type without endpoint", R"([{"id":"urn:t:Thing","attributes":[]}])",
     R"([{"id":"Thing","schema":"urn:t:Thing"}])", "endpoint"},
};

BOOST_DATA_TEST_CASE(refuses_broken_documents, boost::unit_test::data::make(kBadDocs), c) {
  auto r = Registry::from_json(parse(c.schemas).as_array(), parse(c.resource_types).as_array());
  BOOST_REQUIRE(r.has_error());
  BOOST_TEST((r.error().kind == kestra::ErrorKind::Internal));
  BOOST_TEST(r.error().detail.find(c.message_part) != std::string::npos, r.error().detail);
}

BOOST_AUTO_TEST_CASE(defaults_follow_rfc_7643_2_2) {
  auto r = Registry::from_json(parse(R"([{"id":"urn:t:Thing","attributes":[{"name":"a"}]}])").as_array(),
                               parse(THING_RT).as_array());
  BOOST_REQUIRE(r.has_value());
  const auto& a = r->schema("urn:t:Thing")->attributes.at(0);
  BOOST_TEST((a.type == Type::String));
  BOOST_TEST(!a.multi_valued);
  BOOST_TEST(!a.required);
  BOOST_TEST(!a.case_exact);
  BOOST_TEST((a.mutability == Mutability::ReadWrite));
  BOOST_TEST((a.returned == Returned::Default));
  BOOST_TEST((a.uniqueness == Uniqueness::None));
  auto doc = r->schema_json("urn:t:Thing", "loc");
  BOOST_REQUIRE(doc.has_value());
  BOOST_TEST(doc->at("schemas").at(0) == "urn:ietf:params:scim:schemas:core:2.0:Schema");
}

BOOST_AUTO_TEST_SUITE_END()
