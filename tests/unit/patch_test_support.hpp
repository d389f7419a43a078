// Shared by the patch_*_test.cpp tables: one case is a resource before, a
// PATCH body, the options, and either the resource after (plus the member
// delta) or the scimType of the error.
//
// JSON text may abbreviate URNs: $U core User, $E enterprise User, $G core
// Group, $K Kestra Group extension, $P PatchOp.  Fixtures of real IdP
// payloads are written out in full.
#pragma once

#include "scim/filter/render.hpp"
#include "scim/patch/patch.hpp"
#include "scim/schema/registry.hpp"
#include "scim/schema/validator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace patch_test {

namespace json = boost::json;
using kestra::scim::schema::Registry;

inline std::string expand(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kTokens[] = {
      {"$U", "urn:ietf:params:scim:schemas:core:2.0:User"},
      {"$E", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
      {"$G", "urn:ietf:params:scim:schemas:core:2.0:Group"},
      {"$K", "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group"},
      {"$P", "urn:ietf:params:scim:api:messages:2.0:PatchOp"},
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    if (text[i] == '$' && i + 1 < text.size()) {
      for (const auto& [token, urn] : kTokens) {
        if (text.substr(i, 2) != token) continue;
        out += urn;
        ++i;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i];
  }
  return out;
}

inline json::value parse(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(expand(text), ec);
  BOOST_TEST_REQUIRE(!ec, "bad test JSON: " << text);
  return v;
}

inline bool json_equal(const json::object& object, std::string_view text) { return json::value(object) == parse(text); }

inline const Registry& registry() {
  static const Registry r = [] {
    auto loaded = Registry::load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    return std::move(*loaded);
  }();
  return r;
}

// A made-up type with what the standard schemas lack: immutable attributes.
inline const Registry& things() {
  static const Registry r = [] {
    auto loaded = Registry::from_json(parse(R"([
      {"id":"urn:t:Thing","name":"Thing","attributes":[
        {"name":"code","type":"string","mutability":"immutable"},
        {"name":"label","type":"string","required":true},
        {"name":"tags","type":"string","multiValued":true,"mutability":"immutable"},
        {"name":"badge","type":"complex","subAttributes":[
          {"name":"serial","type":"string","mutability":"immutable","caseExact":true},
          {"name":"colour","type":"string"}]}]}])")
                                          .as_array(),
                                      parse(R"([{"id":"Thing","endpoint":"/Things","schema":"urn:t:Thing"}])").as_array());
    BOOST_TEST_REQUIRE(loaded.has_value());
    return std::move(*loaded);
  }();
  return r;
}

struct Case {
  const char* name;
  const char* type;             // "User", "Group" or "Thing"
  const char* before;           // the stored document, normalised
  const char* body;             // the PATCH body
  bool members_separate;        // PatchOptions::members_separate
  const char* want;             // the patched document; nullptr when an error is expected
  const char* want_error;       // its scimType; nullptr on success
  const char* want_delta;       // {"replace_all","add","remove","matching"}; nullptr: no member change
};

inline std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

inline json::value delta_json(const kestra::scim::patch::PatchOutcome& outcome) {
  const auto& d = outcome.members;
  json::object out;
  if (d.replace_all) out["replace_all"] = true;
  if (!d.add.empty()) {
    json::array add;
    for (const auto& m : d.add) add.push_back(json::object{{"value", m.value}, {"type", m.type}});
    out["add"] = std::move(add);
  }
  if (!d.remove.empty()) {
    json::array remove;
    for (const auto& id : d.remove) remove.emplace_back(id);
    out["remove"] = std::move(remove);
  }
  if (d.remove_matching) out["matching"] = kestra::scim::filter::to_string(*d.remove_matching);
  return out;
}

inline kestra::Result<kestra::scim::patch::PatchOutcome> run(const Registry& r, const char* type_name,
                                                             const json::value& before, const json::value& body,
                                                             bool members_separate) {
  const auto* type = r.resource_type(type_name);
  BOOST_TEST_REQUIRE(type != nullptr);
  auto request = kestra::scim::patch::parse_patch_request(body.as_object());
  if (!request) return request.error();
  return kestra::scim::patch::apply_patch(r, *type, before.as_object(), *request,
                                          kestra::scim::patch::PatchOptions{members_separate});
}

// What a result holds, for messages (Boost.Test evaluates them eagerly).
inline std::string describe(const kestra::Result<kestra::scim::patch::PatchOutcome>& outcome) {
  if (outcome) return json::serialize(outcome->resource);
  return outcome.error().scim_type + ": " + outcome.error().detail;
}

inline void check(const Case& c) {
  const Registry& r = std::string_view(c.type) == "Thing" ? things() : registry();
  const json::value before = parse(c.before);
  const json::value body = parse(c.body);
  {  // the fixture itself is a stored (normalised) document
    auto normalised = kestra::scim::schema::validate_resource(r, *r.resource_type(c.type), before.as_object(),
                                                              kestra::scim::schema::Mode::Create);
    BOOST_TEST_REQUIRE(normalised.has_value(), "fixture 'before' is invalid");
    BOOST_TEST_REQUIRE(json::value(*normalised) == before, "fixture 'before' is not normalised: " << json::serialize(*normalised));
  }

  auto outcome = run(r, c.type, before, body, c.members_separate);
  if (c.want_error) {
    BOOST_TEST_REQUIRE(!outcome.has_value(), "expected " << c.want_error << ", got " << describe(outcome));
    BOOST_TEST(outcome.error().scim_type == c.want_error, outcome.error().scim_type << ": " << outcome.error().detail);
    BOOST_TEST((outcome.error().kind == kestra::ErrorKind::InvalidInput));
    BOOST_TEST(!outcome.error().detail.empty());
    BOOST_TEST_MESSAGE(c.name << " -> " << outcome.error().detail);
    return;
  }
  BOOST_TEST_REQUIRE(outcome.has_value(), "unexpected error " << describe(outcome));
  const json::value want = parse(c.want);
  const json::value got = outcome->resource;
  BOOST_TEST(got == want, "\n got:  " << json::serialize(got) << "\n want: " << json::serialize(want));
  BOOST_TEST(outcome->changed == (want != before));
  const json::value want_delta = c.want_delta ? parse(c.want_delta) : json::value(json::object());
  const json::value got_delta = delta_json(*outcome);
  BOOST_TEST(got_delta == want_delta,
             "\n got delta:  " << json::serialize(got_delta) << "\n want delta: " << json::serialize(want_delta));
  BOOST_TEST(outcome->members.remove_matching == outcome->owned_filter.get());
}

}  // namespace patch_test
