// parse_patch_request: the PatchOp envelope (RFC 7644 3.5.2).
#include "patch_test_support.hpp"

#include <boost/test/data/test_case.hpp>

namespace {

using kestra::scim::patch::OpKind;
using kestra::scim::patch::parse_patch_request;

struct RequestCase {
  const char* name;
  const char* body;
  const char* want_error;  // scimType, or nullptr
  const char* want_ops;    // on success: "add:path|remove:path|replace:" (path as kept)
};
std::ostream& operator<<(std::ostream& os, const RequestCase& c) { return os << c.name; }

const RequestCase kRequests[] = {
    {"no schemas", R"({"Operations":[{"op":"add","path":"title","value":"x"}]})", "invalidSyntax", nullptr},
    {"schemas of a resource, not PatchOp", R"({"schemas":["$U"],"Operations":[{"op":"add","path":"title","value":"x"}]})",
     "invalidSyntax", nullptr},
    {"schemas not an array", R"({"schemas":"$P","Operations":[{"op":"add","path":"title","value":"x"}]})",
     "invalidSyntax", nullptr},
    {"PatchOp URN in another case", R"({"schemas":["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],"Operations":[{"op":"add","path":"title","value":"x"}]})",
     nullptr, "add:title"},
    {"no Operations", R"({"schemas":["$P"]})", "invalidSyntax", nullptr},
    {"Operations empty", R"({"schemas":["$P"],"Operations":[]})", "invalidSyntax", nullptr},
    {"Operations not an array", R"({"schemas":["$P"],"Operations":{"op":"add"}})", "invalidSyntax", nullptr},
    {"an operation that is not an object", R"({"schemas":["$P"],"Operations":["add"]})", "invalidSyntax", nullptr},
    {"no op", R"({"schemas":["$P"],"Operations":[{"path":"title","value":"x"}]})", "invalidSyntax", nullptr},
    {"op not a string", R"({"schemas":["$P"],"Operations":[{"op":1,"path":"title","value":"x"}]})", "invalidSyntax",
     nullptr},
    {"unknown op", R"({"schemas":["$P"],"Operations":[{"op":"move","path":"title","value":"x"}]})", "invalidSyntax",
     nullptr},
    {"op given twice in different case", R"({"schemas":["$P"],"Operations":[{"op":"add","Op":"remove","path":"title","value":"x"}]})",
     "invalidSyntax", nullptr},
    {"add without value", R"({"schemas":["$P"],"Operations":[{"op":"add","path":"title"}]})", "invalidSyntax",
     nullptr},
    {"replace without value", R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"title"}]})",
     "invalidSyntax", nullptr},
    {"remove without path", R"({"schemas":["$P"],"Operations":[{"op":"remove"}]})", "noTarget", nullptr},
    {"remove with a null path", R"({"schemas":["$P"],"Operations":[{"op":"remove","path":null}]})", "noTarget",
     nullptr},
    {"path-less add of a string", R"({"schemas":["$P"],"Operations":[{"op":"add","value":"Babs"}]})", "invalidValue",
     nullptr},
    {"path-less replace of an array", R"({"schemas":["$P"],"Operations":[{"op":"replace","value":[{"active":false}]}]})",
     "invalidValue", nullptr},
    {"path not a string", R"({"schemas":["$P"],"Operations":[{"op":"add","path":7,"value":"x"}]})", "invalidPath",
     nullptr},
    {"path empty", R"({"schemas":["$P"],"Operations":[{"op":"add","path":"","value":"x"}]})", "invalidPath", nullptr},
    {"path with an open filter", R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"","value":"x"}]})",
     "invalidPath", nullptr},
    {"path with a filter missing its value", R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq]"}]})",
     "invalidPath", nullptr},
    {"capitalised ops and member names", R"({"schemas":["$P"],"Operations":[{"Op":"Add","Path":"title","Value":"x"},{"OP":"REMOVE","PATH":"nickName"},{"op":"Replace","value":{"active":false}}]})",
     nullptr, "add:title|remove:nickName|replace:"},
    {"lower-case operations key", R"({"schemas":["$P"],"operations":[{"op":"replace","path":"active","value":false}]})",
     nullptr, "replace:active"},
    {"a null path is no path", R"({"schemas":["$P"],"Operations":[{"op":"replace","path":null,"value":{"active":false}}]})",
     nullptr, "replace:"},
    {"the path is kept trimmed", R"({"schemas":["$P"],"Operations":[{"op":"add","path":"  name.givenName ","value":"x"}]})",
     nullptr, "add:name.givenName"},
    {"remove may carry a value", R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members","value":[{"value":"u1"}]}]})",
     nullptr, "remove:members"},
    {"unknown members of an operation are ignored", R"({"schemas":["$P"],"Operations":[{"op":"add","path":"title","value":"x","comment":"why"}]})",
     nullptr, "add:title"},
};

std::string describe(const kestra::scim::patch::PatchRequest& request) {
  std::string out;
  for (const auto& op : request.operations) {
    if (!out.empty()) out += "|";
    out += op.op == OpKind::Add ? "add:" : op.op == OpKind::Remove ? "remove:" : "replace:";
    out += op.path_text;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(patch_request)

BOOST_DATA_TEST_CASE(envelope, boost::unit_test::data::make(kRequests), c) {
  auto body = patch_test::parse(c.body);
  auto request = parse_patch_request(body.as_object());
  if (c.want_error) {
    BOOST_TEST_REQUIRE(!request.has_value(), "expected " << c.want_error << ", got " << (request ? describe(*request) : std::string()));
    BOOST_TEST(request.error().scim_type == c.want_error, request.error().detail);
    BOOST_TEST((request.error().kind == kestra::ErrorKind::InvalidInput));
    return;
  }
  BOOST_TEST_REQUIRE(request.has_value(), (request ? std::string() : request.error().scim_type + ": " + request.error().detail));
  BOOST_TEST(describe(*request) == c.want_ops);
}

BOOST_AUTO_TEST_CASE(parsed_path_and_value) {
  auto body = patch_test::parse(
      R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@b.c"},{"op":"remove","path":"title"}]})");
  auto request = parse_patch_request(body.as_object());
  BOOST_TEST_REQUIRE(request.has_value());
  const auto& first = request->operations[0];
  BOOST_TEST_REQUIRE(first.path.has_value());
  BOOST_TEST(first.path->attribute.attribute == "emails");
  BOOST_TEST(first.path->value_filter != nullptr);
  BOOST_TEST(first.path->sub_attribute_after_filter == "value");
  BOOST_TEST_REQUIRE(first.value.has_value());
  BOOST_TEST(first.value->as_string() == "a@b.c");
  BOOST_TEST(!request->operations[1].value.has_value());
}

BOOST_AUTO_TEST_CASE(operation_cap) {
  auto body_of = [](std::size_t n) {
    std::string text = R"({"schemas":["$P"],"Operations":[)";
    for (std::size_t i = 0; i < n; ++i) text += std::string(i ? "," : "") + R"({"op":"add","path":"title","value":"x"})";
    return patch_test::parse(text + "]}");
  };
  BOOST_TEST(kestra::scim::patch::kMaxOperations == 1000u);
  auto at_cap = parse_patch_request(body_of(1000).as_object());
  BOOST_TEST_REQUIRE(at_cap.has_value());
  BOOST_TEST(at_cap->operations.size() == 1000u);
  auto over = parse_patch_request(body_of(1001).as_object());
  BOOST_TEST_REQUIRE(!over.has_value());
  BOOST_TEST(over.error().scim_type == "invalidValue");
  BOOST_TEST(over.error().detail.find("1000") != std::string::npos);
  auto custom = parse_patch_request(body_of(3).as_object(), 2);
  BOOST_TEST_REQUIRE(!custom.has_value());
  BOOST_TEST(custom.error().scim_type == "invalidValue");
}

BOOST_AUTO_TEST_CASE(paths_honour_the_configured_filter_limits) {
  const auto body = patch_test::parse(
      R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}]})");
  BOOST_TEST(parse_patch_request(body.as_object()).has_value());
  auto nodes = parse_patch_request(body.as_object(), 10, {.max_nodes = 2});
  BOOST_TEST_REQUIRE(nodes.has_error());
  BOOST_TEST(nodes.error().scim_type == "invalidPath");
  BOOST_TEST(nodes.error().detail.find("more than 2 nodes") != std::string::npos, nodes.error().detail);
  auto length = parse_patch_request(body.as_object(), 10, {.max_length = 20});
  BOOST_TEST_REQUIRE(length.has_error());
  BOOST_TEST(length.error().scim_type == "invalidPath");
  BOOST_TEST(length.error().detail.find("the limit is 20") != std::string::npos, length.error().detail);
}

BOOST_AUTO_TEST_CASE(odd_bodies_never_throw) {
  const char* bodies[] = {
      R"({})",
      R"({"schemas":[1,null,{}],"Operations":[{"op":"add","path":"title","value":"x"}]})",
      R"({"schemas":["$P"],"Operations":[null,{"op":"add"}]})",
      R"({"schemas":["$P"],"Operations":[{"op":"add","path":"emails[type eq \"w\\u0000\"].value","value":{}}]})",
      R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"]]]","value":1}]})",
      R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"a[b[c eq 1]]","value":1}]})",
  };
  const auto& r = patch_test::registry();
  auto before = patch_test::parse(R"({"schemas":["$U"],"userName":"bjensen"})");
  for (const char* text : bodies) {
    auto body = patch_test::parse(text);
    BOOST_CHECK_NO_THROW({
      auto request = parse_patch_request(body.as_object());
      if (request) (void)kestra::scim::patch::apply_patch(r, *r.resource_type("User"), before.as_object(), *request);
    });
  }
}

BOOST_AUTO_TEST_SUITE_END()
