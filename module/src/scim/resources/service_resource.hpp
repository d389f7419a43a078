// A writable resource type served by its domain service (UserService,
// GroupService): the calls to the service are the same for every such
// type; how a stored item goes out (show) is the type's own.
#pragma once

#include "scim/resources/resource_handler.hpp"

#include <memory>
#include <utility>

namespace kestra::scim {

// When an item is shown: just written (create, PUT), read (GET, a list
// page) or patched (a PATCH, whose answer is often 204 and never read).
enum class Shown { written, read, patched };

using SharedProjection = std::shared_ptr<const schema::Projection>;

template <class Service, class Item>
class ServiceResource : public ResourceHandler {
 public:
  ServiceResource(Service& service, ResourceTraits traits) : ResourceHandler(traits), service_(service) {}

  const schema::ResourceType& type() const override { return service_.type(); }

  Result<Representation> create(const ResourceContext& context, const boost::json::object& body,
                                const schema::Projection& projection) override {
    return shown(service_.create(context.scope, body, context.actor), context, projection, Shown::written);
  }
  Result<Representation> get(const ResourceContext& context, const std::string& id,
                             const schema::Projection& projection) override {
    return shown(read(context, id, projection), context, projection, Shown::read);
  }
  Result<Representation> replace(const ResourceContext& context, const std::string& id,
                                 const boost::json::object& body, const IfMatch& if_match,
                                 const schema::Projection& projection) override {
    return shown(service_.replace(context.scope, id, body, if_match, context.actor), context, projection,
                 Shown::written);
  }
  Result<Representation> patch(const ResourceContext& context, const std::string& id, const boost::json::object& body,
                               const IfMatch& if_match, const schema::Projection& projection) override {
    return shown(service_.patch(context.scope, id, body, if_match, context.actor), context, projection,
                 Shown::patched);
  }
  Result<void> remove(const ResourceContext& context, const std::string& id, const IfMatch& if_match) override {
    return service_.remove(context.scope, id, if_match, context.actor);
  }
  Result<ResourcePage> list(const ResourceContext& context, const ListRequest& request,
                            const schema::Projection& projection) override {
    auto page = read_page(context, request, projection);
    if (!page) return page.error();
    ResourcePage out{page->total, {}, page->next_cursor, false};
    out.resources.reserve(page->items.size());
    const auto shared = std::make_shared<const schema::Projection>(projection);
    for (auto& item : page->items) {
      auto shown_item = show(std::move(item), context, shared, Shown::read);
      if (!shown_item) return shown_item.error();
      out.streamed = out.streamed || shown_item->streamed;
      out.resources.push_back(std::move(shown_item->body));
    }
    return out;
  }

 protected:
  // What a read loads: the stored item alone unless the type says more.
  virtual Result<Item> read(const ResourceContext& context, const std::string& id, const schema::Projection&) {
    return service_.get(context.scope, id);
  }
  virtual Result<ports::ListPage<Item>> read_page(const ResourceContext& context, const ListRequest& request,
                                                  const schema::Projection&) {
    return service_.list(context.scope, request);
  }
  // The item as it goes out: its id, ETag and a body rendered at once or as
  // it is written (an error rendering it at once is still an answer).
  virtual Result<Representation> show(Item item, const ResourceContext& context, const SharedProjection& projection,
                                      Shown when) = 0;

  Service& service_;

 private:
  Result<Representation> shown(Result<Item> item, const ResourceContext& context,
                               const schema::Projection& projection, Shown when) {
    if (!item) return item.error();
    return show(std::move(*item), context, std::make_shared<const schema::Projection>(projection), when);
  }
};

}  // namespace kestra::scim
