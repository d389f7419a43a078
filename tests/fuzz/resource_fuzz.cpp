// Fuzzes resource validation: a body as JSON, validated as a User, a Group
// and a Role for create and for replace (against an existing document).
#include "http/json_body.hpp"
#include "fuzz_support.hpp"
#include "scim/schema/registry.hpp"
#include "scim/schema/validator.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace kestra;

struct World {
  scim::schema::Registry registry = fuzz::load_registry();
  boost::json::object existing = boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen@example.com",
    "active": true})").as_object();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  auto body = http::parse_json_object(std::string_view(reinterpret_cast<const char*>(data), size), {});
  if (!body) return 0;
  for (const char* type : {"User", "Group", "Role"}) {
    const auto* resource_type = world.registry.resource_type(type);
    (void)scim::schema::validate_resource(world.registry, *resource_type, *body, scim::schema::Mode::Create);
    (void)scim::schema::validate_resource(world.registry, *resource_type, *body, scim::schema::Mode::Replace,
                                          &world.existing);
  }
  return 0;
}
