// Discovery endpoints over HTTP (RFC 7644 4): /ServiceProviderConfig,
// /ResourceTypes, /Schemas, their ListResponse shapes and absolute
// meta.location, and the public URL (kestra.url) in every location.
#define BOOST_TEST_MODULE scim_discovery_endpoints
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kResourceTypeUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
constexpr const char* kSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Schema";
constexpr const char* kKestraGroupUrn = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group";

struct World {
  HarnessProcess harness{[] {
    auto options = module_options();
    options.extra_yaml += "kestra.scim.filter.max-results: 250\n"
                          "kestra.scim.bulk.max-operations: 40\n"
                          "kestra.scim.bulk.max-payload-size: 65536\n";
    return options;
  }()};
  Scim okta = scim_client(harness, "acme", "okta");
};

World& world() {
  static auto w = std::make_unique<World>();
  return *w;
}

struct Single {
  const char* path;
  const char* schema;         // of the document
  const char* resource_type;  // meta.resourceType
  const char* id;             // nullptr: none
};
std::ostream& operator<<(std::ostream& out, const Single& s) { return out << s.path; }

const Single kSingles[] = {
    {"/ServiceProviderConfig", "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", "ServiceProviderConfig",
     nullptr},
    {"/ResourceTypes/User", kResourceTypeUrn, "ResourceType", "User"},
    {"/ResourceTypes/Group", kResourceTypeUrn, "ResourceType", "Group"},
    {"/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", kSchemaUrn, "Schema", "urn:ietf:params:scim:schemas:core:2.0:User"},
    {"/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", kSchemaUrn, "Schema",
     "urn:ietf:params:scim:schemas:core:2.0:Group"},
    {"/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", kSchemaUrn, "Schema",
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
    {"/Schemas/urn:ietf:params:scim:schemas:extension:kestra:2.0:Group", kSchemaUrn, "Schema", kKestraGroupUrn},
    {"/ResourceTypes/Role", kResourceTypeUrn, "ResourceType", "Role"},
    {"/Schemas/urn:ietf:params:scim:schemas:core:2.0:Role", kSchemaUrn, "Schema",
     "urn:ietf:params:scim:schemas:core:2.0:Role"},
};

struct Listing {
  const char* path;
  std::vector<std::string> ids;
  const char* item_path;  // each item's location is <base><item_path><id>
};
std::ostream& operator<<(std::ostream& out, const Listing& l) { return out << l.path; }

const Listing kListings[] = {
    {"/ResourceTypes", {"User", "Group", "Role"}, "/ResourceTypes/"},
    {"/Schemas",
     {"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group", kKestraGroupUrn, "urn:ietf:params:scim:schemas:core:2.0:Role"},
     "/Schemas/"},
};

const json::object* attribute(const json::object& schema, std::string_view name) {
  for (const auto& a : schema.at("attributes").as_array()) {
    if (a.at("name").as_string() == name) return &a.as_object();
  }
  return nullptr;
}

}  // namespace

BOOST_DATA_TEST_CASE(single_documents_have_their_schema_and_an_absolute_location, data::make(kSingles), s) {
  auto& w = world();
  const auto res = w.okta.get(s.path);
  const auto doc = require_json(res, 200, s.path);
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");
  BOOST_TEST(doc.at("schemas") == json::array{s.schema});
  BOOST_TEST(str(doc.at("meta"), "resourceType") == s.resource_type);
  BOOST_TEST(str(doc.at("meta"), "location") == w.okta.url() + s.path);
  if (s.id) BOOST_TEST(str(doc, "id") == s.id);
}

BOOST_DATA_TEST_CASE(listings_are_list_responses_of_every_document, data::make(kListings), l) {
  auto& w = world();
  const auto page = list(w.okta, l.path);
  BOOST_TEST(total_of(page) == static_cast<std::int64_t>(l.ids.size()));
  BOOST_TEST(page.at("startIndex").as_int64() == 1);
  BOOST_TEST(as_set(ids_of(page)) == as_set(l.ids));
  for (const auto& item : page.at("Resources").as_array()) {
    const std::string id = str(item, "id");
    BOOST_TEST(str(item.at("meta"), "location") == w.okta.url() + l.item_path + id);
    // The listed document is the one served alone.
    BOOST_TEST(item == json::value(get_json(w.okta, l.item_path + id)));
  }
}

BOOST_AUTO_TEST_CASE(service_provider_config_advertises_features_and_limits) {
  auto& w = world();
  const auto spc = get_json(w.okta, "/ServiceProviderConfig");
  BOOST_TEST(spc.at("filter").at("supported") == json::value(true));
  BOOST_TEST(spc.at("filter").at("maxResults").as_int64() == 250);
  BOOST_TEST(spc.at("sort").at("supported") == json::value(true));
  BOOST_TEST(spc.at("etag").at("supported") == json::value(true));
  BOOST_TEST(spc.at("changePassword").at("supported") == json::value(false));
  BOOST_TEST(spc.at("bulk").at("supported") == json::value(true));
  BOOST_TEST(spc.at("bulk").at("maxOperations").as_int64() == 40);
  BOOST_TEST(spc.at("bulk").at("maxPayloadSize").as_int64() == 65536);
  BOOST_TEST(spc.at("patch").at("supported").is_bool());
  const auto& schemes = spc.at("authenticationSchemes").as_array();
  BOOST_TEST_REQUIRE(schemes.size() == 1u);
  BOOST_TEST(str(schemes[0], "type") == "oauthbearertoken");
  BOOST_TEST(!str(schemes[0], "name").empty());
  BOOST_TEST(!str(schemes[0], "description").empty());
  // Nothing secret in it.
  BOOST_TEST(json::serialize(spc).find(w.okta.integration.token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(resource_types_name_their_endpoints_and_extensions) {
  auto& w = world();
  const auto user = get_json(w.okta, "/ResourceTypes/User");
  BOOST_TEST(str(user, "endpoint") == "/Users");
  BOOST_TEST(str(user, "schema") == kUserUrn);
  BOOST_TEST(str(user.at("schemaExtensions").as_array().at(0), "schema") == kEnterpriseUrn);
  BOOST_TEST(user.at("schemaExtensions").as_array().at(0).at("required") == json::value(false));
  const auto group = get_json(w.okta, "/ResourceTypes/Group");
  BOOST_TEST(str(group, "endpoint") == "/Groups");
  BOOST_TEST(str(group, "schema") == kGroupUrn);
  // Every schema a resource type names is served.
  for (const auto& t : {user, group}) {
    get_json(w.okta, "/Schemas/" + str(t, "schema"));
    for (const auto& e : t.at("schemaExtensions").as_array()) get_json(w.okta, "/Schemas/" + str(e, "schema"));
  }
}

BOOST_AUTO_TEST_CASE(schemas_describe_what_the_service_enforces) {
  auto& w = world();
  const auto user = get_json(w.okta, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
  BOOST_TEST(str(user, "name") == "User");
  const auto* user_name = attribute(user, "userName");
  BOOST_TEST_REQUIRE(user_name);
  BOOST_TEST(user_name->at("required") == json::value(true));
  BOOST_TEST(user_name->at("caseExact") == json::value(false));
  BOOST_TEST(str(*user_name, "uniqueness") == "server");
  const auto* password = attribute(user, "password");
  BOOST_TEST_REQUIRE(password);
  BOOST_TEST(str(*password, "mutability") == "writeOnly");
  BOOST_TEST(str(*password, "returned") == "never");
  const auto* groups = attribute(user, "groups");
  BOOST_TEST_REQUIRE(groups);
  BOOST_TEST(str(*groups, "mutability") == "readOnly");
  const auto* emails = attribute(user, "emails");
  BOOST_TEST_REQUIRE(emails);
  BOOST_TEST(emails->at("multiValued") == json::value(true));
  BOOST_TEST(str(*emails, "type") == "complex");
  BOOST_TEST(!emails->at("subAttributes").as_array().empty());

  const auto group = get_json(w.okta, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group");
  const auto* display_name = attribute(group, "displayName");
  BOOST_TEST_REQUIRE(display_name);
  BOOST_TEST(display_name->at("required") == json::value(true));
  BOOST_TEST_REQUIRE(attribute(group, "members"));
}

BOOST_AUTO_TEST_CASE(discovery_needs_a_valid_token) {
  auto& w = world();
  for (const char* path : {"/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/ResourceTypes/User"}) {
    const auto res = request(w.harness.port(), "GET", w.okta.integration.base + path);
    check_error(res, 401);
  }
}

BOOST_AUTO_TEST_CASE(the_public_url_is_used_in_every_location) {
  auto options = module_options();
  options.extra_yaml += "kestra.url: \"https://kestra.example.com/\"\n";
  HarnessProcess harness(options);
  auto okta = scim_client(harness, "acme", "okta");
  const std::string base = "https://kestra.example.com" + okta.integration.base;

  BOOST_TEST(str(get_json(okta, "/ServiceProviderConfig").at("meta"), "location") == base + "/ServiceProviderConfig");
  BOOST_TEST(str(get_json(okta, "/ResourceTypes/User").at("meta"), "location") == base + "/ResourceTypes/User");
  const auto created = okta.post("/Users", user_body("url@example.com"));
  const auto user = require_json(created, 201, "POST");
  const std::string id = str(user, "id");
  BOOST_TEST(created.header("Location").value_or("") == base + "/Users/" + id);
  BOOST_TEST(str(user.at("meta"), "location") == base + "/Users/" + id);
  const auto group = create(okta, "/Groups", group_body("G", {id}));
  BOOST_TEST(str(group.at("members").as_array().at(0), "$ref") == base + "/Users/" + id);
  BOOST_TEST(str(group.at("meta"), "location") == base + "/Groups/" + str(group, "id"));
}

BOOST_AUTO_TEST_CASE(forwarded_headers_from_a_trusted_proxy_shape_locations_without_a_public_url) {
  auto options = module_options();
  // The harness's client is at 127.0.0.1: a trusted proxy that may name idp.example:9443.
  options.extra_yaml += "kestra.scim.trusted-proxies: [127.0.0.1]\n"
                        "kestra.scim.allowed-hosts: [127.0.0.1, \"idp.example:9443\"]\n";
  HarnessProcess harness(options);
  auto okta = scim_client(harness, "acme", "okta");
  const Headers forwarded{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "idp.example:9443"}};
  const auto doc = require_json(okta.get("/ResourceTypes/Group", forwarded), 200, "GET");
  BOOST_TEST(str(doc.at("meta"), "location") == "https://idp.example:9443" + okta.integration.base + "/ResourceTypes/Group");
  const auto created = okta.post("/Users", user_body("proxied@example.com"), forwarded);
  const auto user = require_json(created, 201, "POST");
  const std::string location = "https://idp.example:9443" + okta.integration.base + "/Users/" + str(user, "id");
  BOOST_TEST(created.header("Location").value_or("") == location);
  BOOST_TEST(str(user.at("meta"), "location") == location);
}

// A client cannot choose where the module's absolute
// URLs point, by Host or by X-Forwarded-* from a peer that is not a trusted proxy.
BOOST_AUTO_TEST_CASE(host_and_forwarded_headers_of_a_client_do_not_steer_locations) {
  auto& w = world();
  struct Steer {
    const char* name;
    Headers headers;
    std::string base;
  };
  const Steer cases[] = {
      {"Host not allowed", {{"Host", "evil.example"}}, "http://localhost"},
      {"Host not allowed, with a port", {{"Host", "evil.example:8443"}}, "http://localhost"},
      {"X-Forwarded-Host from an untrusted peer",
       {{"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Proto", "https"}}, w.harness.base_url()},
      {"X-Forwarded-Host naming an allowed host from an untrusted peer",
       {{"X-Forwarded-Host", "localhost:1"}, {"X-Forwarded-Proto", "https"}}, w.harness.base_url()},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto created = w.okta.post("/Users", user_body(std::string("steer-") + std::to_string(&c - cases) +
                                                               "@example.com"), c.headers);
      const auto user = require_json(created, 201, "POST");
      const std::string location = c.base + w.okta.integration.base + "/Users/" + str(user, "id");
      BOOST_TEST(created.header("Location").value_or("") == location);
      BOOST_TEST(str(user.at("meta"), "location") == location);
      BOOST_TEST(created.body.find("evil.example") == std::string::npos);
      const auto spc = require_json(w.okta.get("/ServiceProviderConfig", c.headers), 200, "GET");
      BOOST_TEST(str(spc.at("meta"), "location") == c.base + w.okta.integration.base + "/ServiceProviderConfig");
    }
  }
}
