// Fuzzes PATCH: the body as JSON, the PatchOp envelope and its paths, then
// the operations applied to a user and to a group (members apart, as the
// group service does).  Any outcome but a crash, leak, hang or UB is fine.
#include "http/json_body.hpp"
#include "scim/patch/patch.hpp"
#include "fuzz_support.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace kestra;

struct World {
  scim::schema::Registry registry = fuzz::load_registry();
  boost::json::object user = boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen@example.com",
    "name": {"givenName": "Barbara", "familyName": "Jensen"}, "active": true,
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
    "roles": [{"value": "Developer"}]})").as_object();
  boost::json::object group = boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Tour Guides",
    "members": [{"value": "u1", "type": "User"}]})").as_object();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  auto body = http::parse_json_object(std::string_view(reinterpret_cast<const char*>(data), size), {});
  if (!body) return 0;
  auto request = scim::patch::parse_patch_request(*body);
  if (!request) return 0;
  (void)scim::patch::apply_patch(world.registry, *world.registry.resource_type("User"), world.user, *request);
  (void)scim::patch::apply_patch(world.registry, *world.registry.resource_type("Group"), world.group, *request,
                                 scim::patch::PatchOptions{.members_separate = true});
  return 0;
}
