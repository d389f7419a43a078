// /Users: global users with per-tenant access (scim/user_service).
#pragma once

#include "scim/resources/resource_handler.hpp"
#include "scim/user_service.hpp"

namespace kestra::scim {

class UserResource final : public ResourceHandler {
 public:
  explicit UserResource(UserService& users) : users_(users) {}

  const schema::ResourceType& type() const override { return users_.type(); }
  std::string_view endpoint() const override { return "Users"; }
  std::string_view noun() const override { return "user"; }
  std::string_view permission() const override { return "USERS"; }
  std::string_view delete_action() const override { return "UPDATE"; }

  Result<Representation> create(const ResourceContext& context, const boost::json::object& body,
                                const schema::Projection& projection) override;
  Result<Representation> get(const ResourceContext& context, const std::string& id,
                             const schema::Projection& projection) override;
  Result<Representation> replace(const ResourceContext& context, const std::string& id,
                                 const boost::json::object& body, const IfMatch& if_match,
                                 const schema::Projection& projection) override;
  Result<Representation> patch(const ResourceContext& context, const std::string& id, const boost::json::object& body,
                               const IfMatch& if_match, const schema::Projection& projection) override;
  Result<void> remove(const ResourceContext& context, const std::string& id, const IfMatch& if_match) override;
  Result<ResourcePage> list(const ResourceContext& context, const ListRequest& request,
                            const schema::Projection& projection) override;

 private:
  UserService& users_;
};

}  // namespace kestra::scim
