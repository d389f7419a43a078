// Where the module's absolute URLs point, and which browser origins may
// write through the admin API: plain functions of a request, with the
// configuration as data (AddressPolicy).  The two rules of the admin surface
// live here and nowhere else:
//
//   base_url: kestra.url when set.  Else the host named by the request:
//     X-Forwarded-Host / -Proto only when the peer is a trusted proxy, else
//     Host; that name is used only when it is an allowed host.  Any other
//     name gives the fallback: the request's scheme and the first allowed
//     host (by default "localhost"), which a client cannot choose.
//
//   check_admin_write: an admin POST/PUT/PATCH/DELETE is refused (403) when
//     the browser says it is cross-site: an Origin that is neither the
//     request's own origin (that of base_url) nor an allowed origin, or
//     Sec-Fetch-Site: cross-site, or same-site without such an Origin.  A
//     write with a body must say Content-Type: application/json (415).
//     Requests with neither header (curl, scripts, IdPs) are not browsers'
//     and pass.
#pragma once

#include "core/result.hpp"
#include "http/http.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::http {

struct AddressPolicy {
  // kestra.url: when set, the base of every absolute URL (trailing '/' dropped).
  std::string public_url;
  // kestra.scim.trusted-proxies: peer addresses (normalized, as by
  // normalize_address) whose X-Forwarded-Host / X-Forwarded-Proto count.
  std::vector<std::string> trusted_proxies;
  // kestra.scim.allowed-hosts: "host" (any port) or "host:port", lower case,
  // IPv6 in brackets.  The first is the fallback's host.
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
  // kestra.scim.allowed-origins: origins ("https://admin.example") that may
  // write through the admin API besides the request's own.
  std::vector<std::string> allowed_origins;
};

// Absolute base URL ("https://host[:port]", or kestra.url) of a request.
std::string base_url(const Request& req, const AddressPolicy& policy);

// Whether an admin request may proceed: Forbidden for a cross-site write,
// UnsupportedMediaType for a write whose body is not declared JSON.  Reads
// (GET, HEAD, OPTIONS) always may.
Result<void> check_admin_write(const Request& req, const AddressPolicy& policy);

// The origin of an absolute http(s) URL: "scheme://host[:port]", scheme
// and host lower-cased, the scheme's default port dropped, any path
// dropped.  nullopt when `url` is not such a URL.
std::optional<std::string> origin_of(std::string_view url);

// Configuration values, checked and normalized; InvalidInput saying why not.
// An IP address as the host reports peers ("10.0.0.5", "::1"; an IPv4-mapped
// IPv6 address as IPv4).
Result<std::string> normalize_address(std::string_view text);
// "name", "name:port", "[v6]" or "[v6]:port", lower-cased.
Result<std::string> normalize_allowed_host(std::string_view text);
// "http(s)://host[:port]" without a path.
Result<std::string> normalize_origin(std::string_view text);

}  // namespace kestra::http
