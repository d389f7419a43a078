// The SCIM endpoint's answers: JSON bodies with the SCIM media type, errors
// (scim/error_response), list envelopes written at once or streamed, and
// bodiless answers with their ETag.
#pragma once

#include "core/result.hpp"
#include "http/http.hpp"
#include "scim/resources/resource_handler.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::scim {

http::Response scim_json(int status, std::string body);
http::Response scim_json(int status, const boost::json::object& body);
http::Response fail(const Error& e);
Error method_not_allowed(std::string_view method);
Error method_not_allowed(const http::Request& req);

// A list envelope with resources already rendered as JSON text.
std::string list_response(std::int64_t total, std::int64_t start_index, const std::vector<std::string>& resources,
                          const std::optional<std::string>& next_cursor);
// A list whose resources go out one after the other as they are rendered
// (a group with its members is read while it is written), so that a page
// is never held whole.
http::Response streamed_list(std::int64_t total, std::int64_t start_index, std::vector<BodyWriter> resources,
                             const std::optional<std::string>& next_cursor);
// A resource's whole text.
Result<std::string> written(const BodyWriter& body);

// 429 with the Retry-After of `wait`.
http::Response too_many(const std::string& why, std::chrono::seconds wait);
// A bodiless answer (204, or 304 for a matching If-None-Match), with its ETag when known.
http::Response bodiless(int status, std::string_view etag = {});
// A GET whose If-None-Match lists `etag`.
bool not_modified(const http::Request& req, std::string_view etag);

}  // namespace kestra::scim
