#include "scim/etag.hpp"
#include "scim/resources/resources.hpp"
#include "scim/resources/service_resource.hpp"

#include <boost/json/serialize.hpp>

namespace kestra::scim {
namespace {

class UserResource final : public ServiceResource<UserService, UserView> {
 public:
  explicit UserResource(UserService& users)
      : ServiceResource(users, {.endpoint = "Users", .noun = "user", .permission = "USERS", .delete_action = "UPDATE"}) {}

 private:
  // A user's groups are read only when the answer shows them.
  Result<UserView> read(const ResourceContext& context, const std::string& id,
                        const schema::Projection& projection) override {
    return service_.get(context.scope, id, schema::wants(projection, "groups"));
  }
  Result<ports::ListPage<UserView>> read_page(const ResourceContext& context, const ListRequest& request,
                                              const schema::Projection& projection) override {
    return service_.list(context.scope, request, schema::wants(projection, "groups"));
  }

  Result<Representation> show(UserView user, const ResourceContext& context, const SharedProjection& projection,
                              Shown) override {
    auto rendered = render_user(user, context.base + "/Users/" + user.row.id, context.reads_bindings);
    schema::apply(*projection, rendered);
    return Representation{user.row.id, user_etag(user.row.version, user.row.access_version),
                          text_body(boost::json::serialize(rendered)), false};
  }
};

}  // namespace

std::unique_ptr<ResourceHandler> user_resource(UserService& users) { return std::make_unique<UserResource>(users); }

}  // namespace kestra::scim
