// IAM permissions: resource type -> actions, as Kestra's roles hold them.
#pragma once

#include "core/result.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace kestra::iam {

inline constexpr std::string_view kProvisionerRole = "SCIMProvisioner";

class Permissions {
 public:
  Permissions() = default;
  explicit Permissions(std::map<std::string, std::set<std::string>> grants) : grants_(std::move(grants)) {}

  bool allows(std::string_view resource, std::string_view action) const;
  void merge(const Permissions& other);
  const std::map<std::string, std::set<std::string>>& grants() const { return grants_; }

  // {"BINDINGS":["CREATE",...],...}: sorted, so equal permissions serialise equally.
  std::string to_json() const;
  static Result<Permissions> from_json(std::string_view json);

  friend bool operator==(const Permissions&, const Permissions&) = default;

 private:
  std::map<std::string, std::set<std::string>> grants_;
};

// InvalidInput unless every resource is an upper-case identifier (A-Z and _,
// e.g. USERS, SERVICE_ACCOUNTS) and every action is CREATE, READ, UPDATE or
// DELETE.
Result<void> validate_permissions(const Permissions& permissions);

// GROUPS: CREATE READ UPDATE DELETE; USERS: CREATE READ UPDATE; BINDINGS:
// CREATE READ UPDATE DELETE.  No USERS DELETE: users are global.
Permissions scim_provisioner_permissions();

}  // namespace kestra::iam
