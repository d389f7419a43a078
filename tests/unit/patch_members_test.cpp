// Group members kept apart from the document (PatchOptions::members_separate):
// every operation on "members" becomes part of a MemberDelta, folded so that
// the store's order (replace_all, remove, remove_matching, add) gives the
// same result as the operations one by one.
#include "patch_test_support.hpp"

#include <boost/test/data/test_case.hpp>

namespace {

using patch_test::Case;

constexpr const char* kGroup = R"({"schemas":["$G"],"displayName":"Tour Guides"})";

const Case kMembers[] = {
    {"members: RFC 3.5.2.1 add a member", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"display":"Babs Jensen",
         "$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"}]}]})",
     true, kGroup, nullptr, R"({"add":[{"value":"2819c223-7f76-453a-919d-413861904646","type":"User"}]})"},
    {"members: RFC 3.5.2.2 remove one member by filter", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]})",
     true, kGroup, nullptr, R"({"remove":["2819c223-7f76-453a-919d-413861904646"]})"},
    {"members: RFC 3.5.2.2 remove every member", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members"}]})", true, kGroup, nullptr,
     R"({"replace_all":true})"},
    {"members: RFC 3.5.2.2 replace the members by remove then add", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[
         {"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"},
         {"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}]})",
     true, kGroup, nullptr,
     R"({"replace_all":true,"add":[{"value":"2819c223-7f76-453a-919d-413861904646","type":"User"},{"value":"08e1d05d-121c-4561-8b96-473d93df9210","type":"User"}]})"},
    {"members: RFC 3.5.2.3 replace the members", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members","value":[
         {"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"},
         {"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}]})",
     true, kGroup, nullptr,
     R"({"replace_all":true,"add":[{"value":"2819c223-7f76-453a-919d-413861904646","type":"User"},{"value":"08e1d05d-121c-4561-8b96-473d93df9210","type":"User"}]})"},
    {"members: replace with [] empties the group", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members","value":[]}]})", true, kGroup, nullptr,
     R"({"replace_all":true})"},
    {"members: an or-chain of value eq is a list of ids", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq \"a1\" or value eq \"b2\" or VALUE EQ \"c3\"]"}]})",
     true, kGroup, nullptr, R"({"remove":["a1","b2","c3"]})"},
    {"members: a filter on type is a remove_matching", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[type eq \"Group\"]"}]})", true, kGroup,
     nullptr, R"({"matching":"type eq \"Group\""})"},
    {"members: a filter on display is a remove_matching", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[display co \"Smith\"]"}]})", true, kGroup,
     nullptr, R"({"matching":"display co \"Smith\""})"},
    {"members: value eq under and is a remove_matching", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq \"a1\" and type eq \"User\"]"}]})",
     true, kGroup, nullptr, R"~({"matching":"(value eq \"a1\" and type eq \"User\")"})~"},
    {"members: value ne is a remove_matching", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value ne \"a1\"]"}]})", true, kGroup,
     nullptr, R"({"matching":"value ne \"a1\""})"},
    {"members: two filters are or-ed", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[type eq \"Group\"]"},{"op":"remove","path":"members[display sw \"x\"]"}]})",
     true, kGroup, nullptr, R"~({"matching":"(type eq \"Group\" or display sw \"x\")"})~"},
    {"members: add then remove of one member cancels out", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"a1"}]},{"op":"remove","path":"members[value eq \"a1\"]"}]})",
     true, kGroup, nullptr, R"({"remove":["a1"]})"},
    {"members: remove then add of one member keeps it", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[value eq \"a1\"]"},{"op":"add","path":"members","value":[{"value":"a1"}]}]})",
     true, kGroup, nullptr, R"({"remove":["a1"],"add":[{"value":"a1","type":"User"}]})"},
    {"members: add then remove every member", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"a1"}]},{"op":"remove","path":"members"}]})",
     true, kGroup, nullptr, R"({"replace_all":true})"},
    {"members: a later filter drops the pending adds it matches", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"g1","type":"Group"},{"value":"u1"}]},
         {"op":"remove","path":"members[type eq \"Group\"]"}]})",
     true, kGroup, nullptr, R"({"add":[{"value":"u1","type":"User"}],"matching":"type eq \"Group\""})"},
    {"members: after replace_all, a filter only drops pending adds", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members","value":[{"value":"g1","type":"Group"},{"value":"u1"}]},
         {"op":"remove","path":"members[type eq \"Group\"]"}]})",
     true, kGroup, nullptr, R"({"replace_all":true,"add":[{"value":"u1","type":"User"}]})"},
    {"members: after replace_all, a removal by id only drops the pending add", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members","value":[{"value":"a1"},{"value":"b2"}]},
         {"op":"remove","path":"members[value eq \"a1\"]"}]})",
     true, kGroup, nullptr, R"({"replace_all":true,"add":[{"value":"b2","type":"User"}]})"},
    {"members: adds after replace_all accumulate", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members","value":[{"value":"a1"}]},{"op":"add","path":"members","value":[{"value":"b2"}]}]})",
     true, kGroup, nullptr, R"({"replace_all":true,"add":[{"value":"a1","type":"User"},{"value":"b2","type":"User"}]})"},
    {"members: type in any case, User by default", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"g1","type":"group"},{"value":"u1"},{"value":"u2","type":"USER"}]}]})",
     true, kGroup, nullptr,
     R"({"add":[{"value":"g1","type":"Group"},{"value":"u1","type":"User"},{"value":"u2","type":"User"}]})"},
    {"members: an id listed twice is added once", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u1"}]},{"op":"add","path":"members","value":{"value":"u1"}}]})",
     true, kGroup, nullptr, R"({"add":[{"value":"u1","type":"User"}]})"},
    {"members: a member without value", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"display":"Babs"}]}]})", true,
     nullptr, "invalidValue", nullptr},
    {"members: a member with an empty value", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":""}]}]})", true, nullptr,
     "invalidValue", nullptr},
    {"members: a type other than User or Group", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"d1","type":"Device"}]}]})",
     true, nullptr, "invalidValue", nullptr},
    {"members: an unknown member sub-attribute", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[{"value":"u1","operation":"delete"}]}]})",
     true, nullptr, "invalidSyntax", nullptr},
    {"members: a member's value is immutable", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members[value eq \"a1\"].value","value":"b2"}]})",
     true, nullptr, "mutability", nullptr},
    {"members: a member's display is readOnly", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","path":"members.display","value":"x"}]})", true, nullptr,
     "mutability", nullptr},
    {"members: add through a filter", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members[value eq \"a1\"]","value":{"value":"a1"}}]})",
     true, nullptr, "invalidPath", nullptr},
    {"members: a filter on an unknown member attribute", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[email eq \"a@b.c\"]"}]})", true, nullptr,
     "invalidPath", nullptr},
    {"members: path-less add", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","value":{"members":[{"value":"u1"}]}}]})", true, kGroup,
     nullptr, R"({"add":[{"value":"u1","type":"User"}]})"},
    {"members: path-less replace with displayName and members", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"replace","value":{"displayName":"Guides","members":[{"value":"u1","display":"Babs"}]}}]})",
     true, R"({"schemas":["$G"],"displayName":"Guides"})", nullptr,
     R"({"replace_all":true,"add":[{"value":"u1","type":"User"}]})"},
    {"members: remove with a value list removes those only", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members","value":[{"value":"a1"},{"value":"b2"}]}]})",
     true, kGroup, nullptr, R"({"remove":["a1","b2"]})"},
    {"members: remove with an empty value list removes nothing", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members","value":[]}]})", true, kGroup, nullptr,
     nullptr},
    {"members: remove with value null removes every member", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members","value":null}]})", true, kGroup, nullptr,
     R"({"replace_all":true})"},
    {"members: the document's members are untouched when kept apart", "Group",
     R"({"schemas":["$G"],"displayName":"Tour Guides","members":[{"value":"u9","type":"User"}]})",
     R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members"}]})", true,
     R"({"schemas":["$G"],"displayName":"Tour Guides","members":[{"value":"u9","type":"User"}]})", nullptr,
     R"({"replace_all":true})"},
    {"members: the Kestra extension's roles are not members", "Group", kGroup,
     R"({"schemas":["$P"],"Operations":[{"op":"add","path":"$K:roles","value":[{"value":"admin"}]}]})", true,
     R"({"schemas":["$G","$K"],"displayName":"Tour Guides","$K":{"roles":[{"value":"admin"}]}})", nullptr, nullptr},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(patch_members)

BOOST_DATA_TEST_CASE(delta, boost::unit_test::data::make(kMembers), c) { patch_test::check(c); }

BOOST_AUTO_TEST_CASE(filter_outlives_a_moved_outcome) {
  auto before = patch_test::parse(kGroup);
  auto body = patch_test::parse(
      R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[type eq \"Group\"]"},{"op":"remove","path":"members[display co \"x\"]"}]})");
  auto outcome = patch_test::run(patch_test::registry(), "Group", before, body, true);
  BOOST_TEST_REQUIRE(outcome.has_value());
  const auto* node = outcome->members.remove_matching;
  BOOST_TEST_REQUIRE(node != nullptr);
  kestra::scim::patch::PatchOutcome moved = std::move(*outcome);
  outcome = kestra::Result<kestra::scim::patch::PatchOutcome>(kestra::Error::internal("gone"));
  BOOST_TEST(moved.members.remove_matching == node);
  BOOST_TEST(moved.owned_filter.get() == node);
  BOOST_TEST(kestra::scim::filter::to_string(*node) == R"~((type eq "Group" or display co "x"))~");
}

BOOST_AUTO_TEST_CASE(filter_outlives_the_request) {
  auto before = patch_test::parse(kGroup);
  auto body = patch_test::parse(R"({"schemas":["$P"],"Operations":[{"op":"remove","path":"members[type eq \"User\"]"}]})");
  const auto& r = patch_test::registry();
  std::optional<kestra::scim::patch::PatchOutcome> kept;
  {
    auto request = kestra::scim::patch::parse_patch_request(body.as_object());
    BOOST_TEST_REQUIRE(request.has_value());
    auto outcome = kestra::scim::patch::apply_patch(r, *r.resource_type("Group"), before.as_object(), *request,
                                                    kestra::scim::patch::PatchOptions{true});
    BOOST_TEST_REQUIRE(outcome.has_value());
    kept = std::move(*outcome);
  }
  BOOST_TEST_REQUIRE(kept->members.remove_matching != nullptr);
  BOOST_TEST(kestra::scim::filter::to_string(*kept->members.remove_matching) == R"(type eq "User")");
}

BOOST_AUTO_TEST_CASE(large_member_lists_stay_out_of_the_document) {
  // 5,000 ids in one add: the delta carries them, the document never does.
  std::string ops = R"({"schemas":["$P"],"Operations":[{"op":"add","path":"members","value":[)";
  for (int i = 0; i < 5000; ++i) ops += (i ? "," : "") + std::string(R"({"value":"u)") + std::to_string(i) + "\"}";
  ops += "]}]}";
  auto outcome =
      patch_test::run(patch_test::registry(), "Group", patch_test::parse(kGroup), patch_test::parse(ops), true);
  BOOST_TEST_REQUIRE(outcome.has_value());
  BOOST_TEST(outcome->members.add.size() == 5000u);
  BOOST_TEST(!outcome->resource.contains("members"));
  BOOST_TEST(!outcome->changed);
}

BOOST_AUTO_TEST_SUITE_END()
