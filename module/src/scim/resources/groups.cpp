#include "scim/etag.hpp"
#include "scim/resources/resources.hpp"
#include "scim/resources/service_resource.hpp"

namespace kestra::scim {
namespace {

class GroupResource final : public ServiceResource<GroupService, ports::GroupRow> {
 public:
  explicit GroupResource(GroupService& groups)
      : ServiceResource(groups,
                        {.endpoint = "Groups", .noun = "group", .permission = "GROUPS", .patch_answers_no_content = true}) {}

 private:
  // A written group is rendered at once; a read or patched one as it is
  // written out, its members streamed (a PATCH usually answers 204).
  Result<Representation> show(ports::GroupRow group, const ResourceContext& context,
                              const SharedProjection& projection, Shown when) override {
    std::string id = group.id;
    std::string etag = group_etag(group.version);
    if (when == Shown::written) {
      auto text = render_group(group, context.base, *projection, &service_, context.scope, context.reads_bindings);
      if (!text) return text.error();
      return Representation{std::move(id), std::move(etag), text_body(std::move(*text)), false};
    }
    BodyWriter body = [group = std::move(group), projection, base = context.base, groups = &service_,
                       scope = context.scope, with_roles = context.reads_bindings](const http::BodySink& sink) {
      return render_group_to(group, base, *projection, groups, scope, with_roles, sink);
    };
    return Representation{std::move(id), std::move(etag), std::move(body), true};
  }
};

}  // namespace

std::unique_ptr<ResourceHandler> group_resource(GroupService& groups) {
  return std::make_unique<GroupResource>(groups);
}

}  // namespace kestra::scim
