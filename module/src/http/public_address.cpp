#include "http/public_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace kestra::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// First value of a comma-separated forwarded header, trimmed.
std::string_view first_token(std::string_view v) { return trim(v.substr(0, v.find(','))); }

bool is_scheme(std::string_view s) { return s == "http" || s == "https"; }

// "name[:port]" or "[v6][:port]", host lower-cased; brackets kept.
struct HostName {
  std::string host;
  std::string port;  // digits, or empty

  std::string text() const { return port.empty() ? host : host + ":" + port; }
};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool v6_char(char c) { return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ':' || c == '.'; }

std::optional<HostName> parse_host(std::string_view text) {
  const std::string t = lower(text);
  std::string_view rest = t;
  HostName out;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    const auto inner = rest.substr(1, close - 1);
    if (!std::all_of(inner.begin(), inner.end(), v6_char)) return std::nullopt;
    out.host = std::string(rest.substr(0, close + 1));
    rest.remove_prefix(close + 1);
  } else {
    const auto colon = rest.find(':');
    const auto name = rest.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), name_char)) return std::nullopt;
    out.host = std::string(name);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
  }
  if (rest.empty()) return out;
  if (!rest.starts_with(':')) return std::nullopt;
  const auto port = rest.substr(1);
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.size() > 5 || ec != std::errc() || ptr != port.data() + port.size() || value < 1 ||
      value > 65535) {
    return std::nullopt;
  }
  out.port = std::to_string(value);
  return out;
}

// An allowed-hosts entry without a port admits the host on any port.
bool allowed(const HostName& name, const std::vector<std::string>& allowed_hosts) {
  return std::any_of(allowed_hosts.begin(), allowed_hosts.end(), [&](const std::string& entry) {
    const auto e = parse_host(entry);
    return e && e->host == name.host && (e->port.empty() || e->port == name.port);
  });
}

bool trusted_peer(std::string_view remote_address, const std::vector<std::string>& proxies) {
  if (proxies.empty() || remote_address.empty()) return false;
  const auto peer = normalize_address(remote_address);
  return peer && std::find(proxies.begin(), proxies.end(), *peer) != proxies.end();
}

bool is_write(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

Error cross_site() {
  return {ErrorKind::Forbidden,
          "a cross-site request may not write through the admin API (its Origin or Sec-Fetch-Site is not this "
          "server's); a page served from another origin needs that origin in kestra.scim.allowed-origins",
          {}};
}

}  // namespace

std::string base_url(const Request& req, const AddressPolicy& policy) {
  if (!policy.public_url.empty()) {
    std::string url(policy.public_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  std::string scheme = lower(req.scheme);
  if (!is_scheme(scheme)) scheme = "http";
  std::string_view named;
  if (trusted_peer(req.remote_address, policy.trusted_proxies)) {
    if (auto proto = req.header("X-Forwarded-Proto")) {
      const std::string p = lower(first_token(*proto));
      if (is_scheme(p)) scheme = p;
    }
    if (auto forwarded = req.header("X-Forwarded-Host")) named = first_token(*forwarded);
  }
  if (named.empty()) {
    if (auto host = req.header("Host")) named = trim(*host);
  }
  if (const auto host = parse_host(named); host && allowed(*host, policy.allowed_hosts)) {
    return scheme + "://" + host->text();
  }
  return scheme + "://" + (policy.allowed_hosts.empty() ? std::string("localhost") : policy.allowed_hosts.front());
}

Result<void> check_admin_write(const Request& req, const AddressPolicy& policy) {
  if (!is_write(req.method)) return {};
  bool origin_allowed = false;
  if (const auto origin = req.header("Origin")) {
    const auto from = origin_of(trim(*origin));
    const auto own = origin_of(base_url(req, policy));
    origin_allowed = from && ((own && *from == *own) || std::find(policy.allowed_origins.begin(),
                                                                  policy.allowed_origins.end(),
                                                                  *from) != policy.allowed_origins.end());
    if (!origin_allowed) return cross_site();
  }
  if (const auto site = req.header("Sec-Fetch-Site")) {
    const std::string s = lower(trim(*site));
    if (s == "cross-site" || (s == "same-site" && !origin_allowed)) return cross_site();
  }
  if (req.body.empty()) return {};
  const auto type = req.header("Content-Type");
  const std::string media = type ? lower(trim(type->substr(0, type->find(';')))) : std::string();
  if (media != "application/json") {
    return Error{ErrorKind::UnsupportedMediaType,
                 "an admin request body must be JSON: send Content-Type: application/json", {}};
  }
  return {};
}

std::optional<std::string> origin_of(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string scheme = lower(url.substr(0, sep));
  if (!is_scheme(scheme)) return std::nullopt;
  const auto rest = url.substr(sep + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  auto host = parse_host(authority);
  if (!host) return std::nullopt;
  if ((scheme == "http" && host->port == "80") || (scheme == "https" && host->port == "443")) host->port.clear();
  return scheme + "://" + host->text();
}

Result<std::string> normalize_address(std::string_view text) {
  const std::string t(trim(text));
  std::array<unsigned char, sizeof(in6_addr)> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_pton(AF_INET, t.c_str(), bytes.data()) == 1) {
    return std::string(inet_ntop(AF_INET, bytes.data(), out.data(), out.size()));
  }
  if (inet_pton(AF_INET6, t.c_str(), bytes.data()) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes.data(), kMapped, sizeof kMapped) == 0) {
      return std::string(inet_ntop(AF_INET, bytes.data() + 12, out.data(), out.size()));
    }
    return std::string(inet_ntop(AF_INET6, bytes.data(), out.data(), out.size()));
  }
  return Error::invalid("'" + t + "' is not an IP address (such as 10.0.0.5 or ::1)");
}

Result<std::string> normalize_allowed_host(std::string_view text) {
  const auto host = parse_host(trim(text));
  if (!host) {
    return Error::invalid("'" + std::string(trim(text)) +
                          "' is not a host name with an optional port (such as kestra.example.com, "
                          "kestra.example.com:8443 or [::1])");
  }
  return host->text();
}

Result<std::string> normalize_origin(std::string_view text) {
  auto t = trim(text);
  if (t.ends_with('/')) t.remove_suffix(1);
  const auto origin = origin_of(t);
  const auto sep = t.find("://");
  if (!origin || t.substr(sep + 3).find_first_of("/?#") != std::string_view::npos) {
    return Error::invalid("'" + std::string(t) + "' is not an origin (such as https://admin.example.com)");
  }
  return *origin;
}

}  // namespace kestra::http
