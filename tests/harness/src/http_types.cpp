#include "http_types.hpp"

#include "text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace kestra::harness {

std::optional<std::string_view> HttpExchange::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

HttpReply HttpReply::json(unsigned status, std::string body) {
    HttpReply reply;
    reply.status = status;
    reply.headers.emplace_back("Content-Type", "application/json");
    reply.body = std::move(body);
    return reply;
}

HttpReply HttpReply::message(unsigned status, std::string_view message) {
    return json(status, boost::json::serialize(boost::json::object{{"message", message}}));
}

}  // namespace kestra::harness
