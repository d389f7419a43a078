// Fuzzes the SCIM filter: parse within the default limits, then evaluate in
// memory against a user and compile to SQL for every dialect and target.
// Any outcome is fine but a crash, a leak, a hang or undefined behaviour.
#include "dialect_factory.hpp"
#include "filter_sql.hpp"
#include "scim/filter/evaluator.hpp"
#include "scim/filter/parser.hpp"
#include "fuzz_support.hpp"
#include "scim/schema/registry.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

namespace {

using namespace kestra;

struct World {
  scim::schema::Registry registry = fuzz::load_registry();
  boost::json::object user = boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "userName": "bjensen@example.com",
    "name": {"givenName": "Barbara", "familyName": "Jensen"}, "active": true, "displayName": "Babs",
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "b@home.example"}],
    "meta": {"created": "2026-01-02T03:04:05.000Z", "lastModified": "2026-01-02T03:04:05.000Z"},
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984",
      "manager": {"value": "26118915"}}})").as_object();
  std::vector<std::unique_ptr<adapters::Dialect>> dialects;

  World() {
    for (const char* backend : {"sqlite", "postgresql", "mysql"}) {
      ports::StoreConfig config;
      config.backend = backend;
      config.sqlite_path = "/tmp/kestra-fuzz-unused/x.db";
      config.host = "127.0.0.1";
      config.database = "kestra";
      auto dialect = adapters::make_dialect(config);
      if (dialect) dialects.push_back(std::move(*dialect));
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto node = scim::filter::parse_filter(text);
  if (!node) return 0;
  for (const char* type : {"User", "Group"}) {
    const auto* resource_type = world.registry.resource_type(type);
    (void)scim::filter::matches(**node, world.user, world.registry.lookup_for(*resource_type));
  }
  const ports::Scope scope{"acme", "okta"};
  for (const auto& dialect : world.dialects) {
    for (auto target : {adapters::FilterTarget::Users, adapters::FilterTarget::Groups, adapters::FilterTarget::Members}) {
      adapters::SqlParams params;
      (void)adapters::compile_filter(*dialect, target, scope, **node, params);
    }
  }
  return 0;
}
