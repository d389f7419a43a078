// What every resource type shares (scim/resource_endpoint act()), driven
// without HTTP or a store: a recording handler stands for the resource type,
// and each row says what a request comes to and which call reached it.
#include "scim/resource_endpoint.hpp"

#include <boost/json.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace scim = kestra::scim;
namespace json = boost::json;
using kestra::ErrorKind;
using kestra::Result;

namespace {

const scim::schema::Registry& registry() {
  static const scim::schema::Registry r = [] {
    auto loaded = scim::schema::Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    return std::move(*loaded);
  }();
  return r;
}

// A resource type that records what the endpoint asked of it and answers
// with the id it was given (or "new" for a create).
class RecordingHandler final : public scim::ResourceHandler {
 public:
  explicit RecordingHandler(scim::ResourceTraits traits)
      : ResourceHandler(traits), type_(*registry().resource_type("Group")) {}

  const scim::schema::ResourceType& type() const override { return type_; }

  Result<scim::Representation> create(const scim::ResourceContext&, const json::object& body,
                                      const scim::schema::Projection& projection) override {
    return answer("create new " + json::serialize(body), "new", projection);
  }
  Result<scim::Representation> get(const scim::ResourceContext&, const std::string& id,
                                   const scim::schema::Projection& projection) override {
    return answer("get " + id, id, projection);
  }
  Result<scim::Representation> replace(const scim::ResourceContext&, const std::string& id, const json::object&,
                                       const scim::IfMatch& if_match, const scim::schema::Projection& projection) override {
    return answer("replace " + id + with(if_match), id, projection);
  }
  Result<scim::Representation> patch(const scim::ResourceContext&, const std::string& id, const json::object&,
                                     const scim::IfMatch& if_match, const scim::schema::Projection& projection) override {
    return answer("patch " + id + with(if_match), id, projection);
  }
  Result<void> remove(const scim::ResourceContext&, const std::string& id, const scim::IfMatch& if_match) override {
    calls.push_back("remove " + id + with(if_match));
    return {};
  }
  Result<scim::ResourcePage> list(const scim::ResourceContext&, const scim::ListRequest&,
                                  const scim::schema::Projection&) override {
    calls.push_back("list");
    return scim::ResourcePage{};
  }

  std::vector<std::string> calls;

 private:
  static std::string with(const scim::IfMatch& if_match) {
    return if_match ? " if " + std::string(*if_match) : std::string();
  }
  Result<scim::Representation> answer(std::string call, std::string id, const scim::schema::Projection& projection) {
    // The projection the endpoint parsed reaches the handler.
    if (projection.has_attributes) call += " attributes";
    if (!projection.excluded.empty()) call += " excluded";
    calls.push_back(std::move(call));
    return scim::Representation{std::move(id), "W/\"1\"", scim::text_body("{}"), false};
  }

  const scim::schema::ResourceType& type_;
};

const scim::ResourceTraits kWritable{.endpoint = "Things", .noun = "thing", .permission = "GROUPS",
                                     .patch_answers_no_content = true};
const scim::ResourceTraits kDeleteIsUpdate{.endpoint = "Things", .noun = "thing", .permission = "USERS",
                                           .delete_action = "UPDATE"};
const scim::ResourceTraits kReadOnly{.endpoint = "Things", .noun = "thing", .permission = "BINDINGS",
                                     .read_only = "things are read-only here"};

const std::map<std::string, std::set<std::string>> kAll{{"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
                                                        {"USERS", {"CREATE", "READ", "UPDATE", "DELETE"}},
                                                        {"BINDINGS", {"READ", "DELETE"}}};
const std::map<std::string, std::set<std::string>> kReadGroups{{"GROUPS", {"READ"}}};
const std::map<std::string, std::set<std::string>> kGroupsNoBindings{{"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}}};
const std::map<std::string, std::set<std::string>> kUpdateUsersBindingsDelete{{"USERS", {"UPDATE"}},
                                                                              {"BINDINGS", {"DELETE"}}};

struct Case {
  const char* name;
  const scim::ResourceTraits* traits;
  const std::map<std::string, std::set<std::string>>* grants;
  const char* method;
  std::string id;
  const char* body;  // nullptr: not JSON
  std::optional<std::string_view> if_match;
  const char* query;
  // The answer: a status, or an error kind and scimType.
  int status;
  std::optional<ErrorKind> error;
  const char* scim_type;
  bool with_body;
  const char* call;  // what reached the handler; "" nothing
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const std::string kLongId(300, 'a');

const Case kCases[] = {
    {"a create answers 201 with its body", &kWritable, &kAll, "POST", "", R"({"a":1})", {}, "", 201, {}, "", true,
     R"(create new {"a":1})"},
    {"a create needs CREATE", &kWritable, &kReadGroups, "POST", "", "{}", {}, "", 0, ErrorKind::Forbidden, "", false,
     ""},
    {"a GET of the collection is not act's (lists are)", &kWritable, &kAll, "GET", "", "{}", {}, "", 0,
     ErrorKind::MethodNotAllowed, "", false, ""},
    {"a read answers 200", &kWritable, &kReadGroups, "GET", "g1", nullptr, {}, "", 200, {}, "", true, "get g1"},
    {"a read passes the projection", &kWritable, &kReadGroups, "GET", "g1", nullptr, {},
     "attributes=displayName&excludedAttributes=members", 200, {}, "", true, "get g1 attributes excluded"},
    {"a bad projection is refused before the store", &kWritable, &kReadGroups, "GET", "g1", nullptr, {},
     "attributes=display%20Name", 0, ErrorKind::InvalidInput, "invalidValue", false, ""},
    {"a PUT passes If-Match", &kWritable, &kAll, "PUT", "g1", "{}", "W/\"3\"", "", 200, {}, "", true,
     "replace g1 if W/\"3\""},
    {"a PATCH that asks nothing back answers 204", &kWritable, &kAll, "PATCH", "g1", "{}", {}, "", 204, {}, "", false,
     "patch g1"},
    {"a PATCH that asks attributes answers 200", &kWritable, &kAll, "PATCH", "g1", "{}", {}, "attributes=displayName",
     200, {}, "", true, "patch g1 attributes"},
    {"a PATCH of a type that always answers answers 200", &kDeleteIsUpdate, &kAll, "PATCH", "u1", "{}", {}, "", 200,
     {}, "", true, "patch u1"},
    {"a write with a body that is not JSON changes nothing", &kWritable, &kAll, "PATCH", "g1", nullptr, {}, "", 0,
     ErrorKind::InvalidInput, "invalidSyntax", false, ""},
    {"a write needs UPDATE", &kWritable, &kReadGroups, "PUT", "g1", "{}", {}, "", 0, ErrorKind::Forbidden, "", false,
     ""},
    {"a DELETE answers 204 with no body", &kWritable, &kAll, "DELETE", "g1", nullptr, "W/\"2\"", "", 204, {}, "",
     false, "remove g1 if W/\"2\""},
    {"a DELETE needs BINDINGS DELETE as well", &kWritable, &kGroupsNoBindings, "DELETE", "g1", nullptr, {}, "", 0,
     ErrorKind::Forbidden, "", false, ""},
    {"a DELETE needs the type's own action", &kDeleteIsUpdate, &kUpdateUsersBindingsDelete, "DELETE", "u1", nullptr,
     {}, "", 204, {}, "", false, "remove u1"},
    {"a DELETE of a type that asks UPDATE is refused without it", &kDeleteIsUpdate, &kGroupsNoBindings, "DELETE", "u1",
     nullptr, {}, "", 0, ErrorKind::Forbidden, "", false, ""},
    {"an unknown method on an item is 405", &kWritable, &kAll, "POST", "g1", "{}", {}, "", 0,
     ErrorKind::MethodNotAllowed, "", false, ""},
    {"an id no store could hold is not found, unasked", &kWritable, &kAll, "GET", kLongId, nullptr, {}, "", 0,
     ErrorKind::NotFound, "", false, ""},
    {"an id with a control character is not found, unasked", &kWritable, &kAll, "PUT", "g\x01", "{}", {}, "", 0,
     ErrorKind::NotFound, "", false, ""},
    {"an id is checked after the permission", &kWritable, &kReadGroups, "PUT", kLongId, "{}", {}, "", 0,
     ErrorKind::Forbidden, "", false, ""},
    {"a read-only type reads", &kReadOnly, &kAll, "GET", "r1", nullptr, {}, "", 200, {}, "", true, "get r1"},
    {"a read-only type refuses writes with its reason", &kReadOnly, &kAll, "PATCH", "r1", "{}", {}, "", 0,
     ErrorKind::MethodNotAllowed, "", false, ""},
    {"a read-only type refuses creates", &kReadOnly, &kAll, "POST", "", "{}", {}, "", 0, ErrorKind::MethodNotAllowed,
     "", false, ""},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(resource_endpoint)

BOOST_DATA_TEST_CASE(a_request_comes_to, boost::unit_test::data::make(kCases), c) {
  RecordingHandler handler(*c.traits);
  kestra::provisioning::ScimCaller caller{"i1", "t1", "sa1", kestra::iam::Permissions(*c.grants)};
  const kestra::ports::Scope scope{"t1", "i1"};
  const kestra::provisioning::Actor actor("INTEGRATION", "i1", "r1");
  const std::string base = "https://h/scim/v2";
  const scim::ResourceContext context{scope, actor, base, scim::reads_bindings(caller)};
  bool body_read = false;
  const scim::BodyReader body = [&]() -> Result<json::object> {
    body_read = true;
    if (c.body == nullptr) return kestra::Error::invalid("not JSON", "invalidSyntax");
    return json::parse(c.body).as_object();
  };

  auto outcome = scim::act(handler, caller, context, {c.method, c.id, body, c.if_match, c.query}, registry(), 1000);

  if (c.error) {
    BOOST_TEST_REQUIRE(!outcome.has_value());
    BOOST_TEST(static_cast<int>(outcome.error().kind) == static_cast<int>(*c.error));
    BOOST_TEST(outcome.error().scim_type == c.scim_type);
    if (*c.error == ErrorKind::Forbidden) BOOST_TEST(!body_read, "a refused request's body is never read");
  } else {
    BOOST_TEST_REQUIRE(outcome.has_value(), outcome.error().detail);
    BOOST_TEST(outcome->status == c.status);
    BOOST_TEST(outcome->with_body == c.with_body);
    if (c.status != 204 || std::string_view(c.method) == "PATCH") {
      BOOST_TEST(outcome->resource.id == (c.id.empty() ? std::string("new") : c.id));
    }
  }
  const std::string call = handler.calls.empty() ? std::string() : handler.calls.front();
  BOOST_TEST(call == c.call);
  BOOST_TEST(handler.calls.size() <= 1u);
}

BOOST_AUTO_TEST_CASE(a_read_only_type_answers_its_reason) {
  RecordingHandler handler(kReadOnly);
  kestra::provisioning::ScimCaller caller{"i1", "t1", "sa1", kestra::iam::Permissions(kAll)};
  const kestra::ports::Scope scope{"t1", "i1"};
  const kestra::provisioning::Actor actor("INTEGRATION", "i1", "r1");
  const std::string base = "https://h/scim/v2";
  const scim::ResourceContext context{scope, actor, base, true};
  auto outcome = scim::act(handler, caller, context, {"DELETE", "r1", {}, {}, ""}, registry(), 1000);
  BOOST_TEST_REQUIRE(!outcome.has_value());
  BOOST_TEST(outcome.error().detail == "things are read-only here");
}

BOOST_AUTO_TEST_SUITE_END()
