#include "iam/permissions.hpp"

#include <boost/json.hpp>

namespace kestra::iam {

bool Permissions::allows(std::string_view resource, std::string_view action) const {
  auto it = grants_.find(std::string(resource));
  return it != grants_.end() && it->second.contains(std::string(action));
}

void Permissions::merge(const Permissions& other) {
  for (const auto& [resource, actions] : other.grants_) grants_[resource].insert(actions.begin(), actions.end());
}

std::string Permissions::to_json() const {
  boost::json::object out;
  for (const auto& [resource, actions] : grants_) {
    boost::json::array list;
    for (const auto& a : actions) list.emplace_back(a);
    out[resource] = std::move(list);
  }
  return boost::json::serialize(out);
}

Result<Permissions> Permissions::from_json(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return Error::internal("stored role permissions are not a JSON object");
  std::map<std::string, std::set<std::string>> grants;
  for (const auto& [resource, actions] : value.as_object()) {
    if (!actions.is_array()) return Error::internal("stored role permissions are malformed");
    auto& set = grants[std::string(resource)];
    for (const auto& a : actions.as_array()) {
      if (!a.is_string()) return Error::internal("stored role permissions are malformed");
      set.insert(std::string(a.as_string()));
    }
  }
  return Permissions(std::move(grants));
}

Result<void> validate_permissions(const Permissions& permissions) {
  constexpr std::size_t kMaxResourceLength = 64;
  for (const auto& [resource, actions] : permissions.grants()) {
    const bool identifier = !resource.empty() && resource.size() <= kMaxResourceLength &&
                            resource.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos;
    if (!identifier) {
      return Error::invalid("permission resource '" + resource +
                            "' is not valid: use an upper-case name such as USERS, GROUPS or BINDINGS");
    }
    for (const auto& action : actions) {
      if (action != "CREATE" && action != "READ" && action != "UPDATE" && action != "DELETE") {
        return Error::invalid("permission action '" + action + "' on " + resource +
                              " is not valid: use CREATE, READ, UPDATE or DELETE");
      }
    }
  }
  return {};
}

Permissions scim_provisioner_permissions() {
  return Permissions({{"GROUPS", {"CREATE", "READ", "UPDATE", "DELETE"}},
                      {"USERS", {"CREATE", "READ", "UPDATE"}},
                      {"BINDINGS", {"CREATE", "READ", "UPDATE", "DELETE"}}});
}

}  // namespace kestra::iam
