// /Groups: a tenant's groups, their members streamed as they are read
// (scim/group_service).
#pragma once

#include "scim/group_service.hpp"
#include "scim/resources/resource_handler.hpp"

namespace kestra::scim {

class GroupResource final : public ResourceHandler {
 public:
  explicit GroupResource(GroupService& groups) : groups_(groups) {}

  const schema::ResourceType& type() const override { return groups_.type(); }
  std::string_view endpoint() const override { return "Groups"; }
  std::string_view noun() const override { return "group"; }
  std::string_view permission() const override { return "GROUPS"; }
  bool patch_answers_no_content() const override { return true; }

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

  // A group as it goes out: its members written as they are read.
  BodyWriter streamed(const ResourceContext& context, ports::GroupRow row,
                      std::shared_ptr<const schema::Projection> projection);

 private:
  // A written group: its text rendered at once (an error is still an answer).
  Result<Representation> written(Result<ports::GroupRow> row, const ResourceContext& context,
                                 const schema::Projection& projection);

  GroupService& groups_;
};

}  // namespace kestra::scim
