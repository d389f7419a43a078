#include "scim/resources/resource_handler.hpp"

namespace kestra::scim {

Error ResourceHandler::not_writable() const {
  return {ErrorKind::MethodNotAllowed, std::string(read_only()), {}};
}

Result<Representation> ResourceHandler::create(const ResourceContext&, const boost::json::object&,
                                               const schema::Projection&) {
  return not_writable();
}

Result<Representation> ResourceHandler::replace(const ResourceContext&, const std::string&, const boost::json::object&,
                                                const IfMatch&, const schema::Projection&) {
  return not_writable();
}

Result<Representation> ResourceHandler::patch(const ResourceContext&, const std::string&, const boost::json::object&,
                                              const IfMatch&, const schema::Projection&) {
  return not_writable();
}

Result<void> ResourceHandler::remove(const ResourceContext&, const std::string&, const IfMatch&) {
  return not_writable();
}

BodyWriter text_body(std::string text) {
  return [text = std::move(text)](const http::BodySink& sink) -> Result<void> {
    (void)sink(text);
    return {};
  };
}

}  // namespace kestra::scim
