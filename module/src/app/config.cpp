#include "app/config.hpp"

#include "core/processors.hpp"
#include "iam/domain_claims.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <thread>
#include <vector>

namespace kestra::app {
namespace {

Result<int> positive_int(const ConfigSource& source, std::string_view key, int fallback) {
  auto text = source.get(key);
  if (!text) return fallback;
  int value = 0;
  const auto* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) {
    return Error::invalid(std::string(key) + " must be a positive whole number, not '" + *text + "'");
  }
  return value;
}

// A number above zero and at most 1,000,000 ("0.5", "20", "1e3").
Result<double> positive_number(const ConfigSource& source, std::string_view key, double fallback) {
  auto text = source.get(key);
  if (!text) return fallback;
  double value = 0;
  const auto* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || !(value > 0) || value > 1e6) {
    return Error::invalid(std::string(key) + " must be a number above 0 and at most 1000000, not '" + *text + "'");
  }
  return value;
}

Result<bool> boolean(const ConfigSource& source, std::string_view key, bool fallback) {
  auto text = source.get(key);
  if (!text) return fallback;
  if (*text == "true" || *text == "TRUE" || *text == "True") return true;
  if (*text == "false" || *text == "FALSE" || *text == "False") return false;
  return Error::invalid(std::string(key) + " must be true or false, not '" + *text + "'");
}

// A token bucket's rate and burst under two keys; the burst at least 1.
Result<void> load_bucket(const ConfigSource& source, std::string_view rate_key, std::string_view burst_key,
                         provisioning::RateLimit& limit) {
  auto rate = positive_number(source, rate_key, limit.requests_per_second);
  if (!rate) return rate.error();
  auto burst = positive_number(source, burst_key, limit.burst);
  if (!burst) return burst.error();
  if (*burst < 1) return Error::invalid(std::string(burst_key) + " must be at least 1");
  limit.requests_per_second = *rate;
  limit.burst = *burst;
  return {};
}

// kestra.scim.rate-limit.*: requests per integration (a token bucket each).
Result<void> load_rate_limit(const ConfigSource& source, provisioning::RateLimit& limit) {
  auto enabled = boolean(source, "kestra.scim.rate-limit.enabled", limit.enabled);
  if (!enabled) return enabled.error();
  limit.enabled = *enabled;
  return load_bucket(source, "kestra.scim.rate-limit.requests-per-second", "kestra.scim.rate-limit.burst", limit);
}

constexpr std::size_t kNoShareLimit = static_cast<std::size_t>(-1);

// A fraction of the host's capacity: above 0, at most 1 (default 0.75).
Result<double> share(const ConfigSource& source, std::string_view key) {
  auto fraction = positive_number(source, key, 0.75);
  if (!fraction) return fraction.error();
  if (*fraction > 1) return Error::invalid(std::string(key) + " is a fraction of the sessions: at most 1");
  return fraction;
}

// kestra.scim.fair-share.*: the share of the sessions (of `pool`) one
// tenant and one integration may hold, and of the processors one tenant may
// run on while others are active.
Result<void> load_fair_share(const ConfigSource& source, std::size_t pool, provisioning::FairShareLimits& limits) {
  auto tenant_share = share(source, "kestra.scim.fair-share.tenant");
  if (!tenant_share) return tenant_share.error();
  auto integration_share = share(source, "kestra.scim.fair-share.integration");
  if (!integration_share) return integration_share.error();
  auto fair = boolean(source, "kestra.scim.fair-share.enabled", true);
  if (!fair) return fair.error();
  auto cpus = positive_int(source, "kestra.scim.fair-share.cpus", static_cast<int>(available_processors()));
  if (!cpus) return cpus.error();
  if (!*fair) {
    limits = provisioning::FairShareLimits{kNoShareLimit, kNoShareLimit};
    return {};
  }
  limits = provisioning::fair_share_limits(pool, *tenant_share, *integration_share);
  limits.cpus = static_cast<std::size_t>(*cpus);
  for (auto [key, value] : {std::pair{"kestra.scim.fair-share.contention-window", &limits.contention_window},
                            std::pair{"kestra.scim.fair-share.run-wait", &limits.run_wait}}) {
    auto text = source.get(key);
    if (!text) continue;
    auto parsed = parse_duration(key, *text);
    if (!parsed) return parsed.error();
    *value = *parsed;
  }
  return {};
}

// kestra.scim.rate-limit.failed-auth-*: failed authentications per client address.
Result<void> load_failed_auth_limit(const ConfigSource& source, provisioning::RateLimit& limit) {
  return load_bucket(source, "kestra.scim.rate-limit.failed-auth-per-second", "kestra.scim.rate-limit.failed-auth-burst",
                     limit);
}

// A limit: a whole number from 1 to `most` (never unlimited).
Result<void> read_limit(const ConfigSource& source, std::string_view key, std::size_t most, std::size_t& limit) {
  auto value = positive_int(source, key, static_cast<int>(limit));
  if (!value) return value.error();
  if (static_cast<std::size_t>(*value) > most) {
    return Error::invalid(std::string(key) + " must be at most " + std::to_string(most) + ", not " +
                          std::to_string(*value));
  }
  limit = static_cast<std::size_t>(*value);
  return {};
}

// The items of a comma-separated text, trimmed, empty ones left out.
std::vector<std::string_view> list_items(std::string_view text) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// kestra.scim.domain-claims: a list of "TENANT=DOMAIN" (a sequence, or one
// comma-separated text).
Result<void> load_domain_claims(const ConfigSource& source, std::vector<ports::DomainClaim>& claims) {
  const auto text = source.get("kestra.scim.domain-claims");
  if (!text) return {};
  for (std::string_view item : list_items(*text)) {
    const auto equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Error::invalid("kestra.scim.domain-claims: '" + std::string(item) +
                            "' is not TENANT=DOMAIN (e.g. acme=acme.example)");
    }
    auto domain = iam::normalize_domain(item.substr(equals + 1));
    if (!domain) return Error::invalid("kestra.scim.domain-claims: " + domain.error().detail);
    ports::DomainClaim claim{std::string(item.substr(0, equals)), std::move(*domain), "CONFIG", ""};
    const bool repeated = std::any_of(claims.begin(), claims.end(), [&](const ports::DomainClaim& c) {
      return c.tenant_id == claim.tenant_id && c.domain == claim.domain;
    });
    if (!repeated) claims.push_back(std::move(claim));
  }
  return {};
}

// A list key (a sequence, or one comma-separated text): each item checked
// and normalized by `normalize`.  Unset: `list` keeps its default; set, it
// must name at least one item.
template <class Normalize>
Result<void> load_list(const ConfigSource& source, std::string_view key, Normalize normalize,
                       std::vector<std::string>& list) {
  const auto text = source.get(key);
  if (!text) return {};
  std::vector<std::string> items;
  for (std::string_view item : list_items(*text)) {
    auto normalized = normalize(item);
    if (!normalized) return Error::invalid(std::string(key) + ": " + normalized.error().detail);
    if (std::find(items.begin(), items.end(), *normalized) == items.end()) items.push_back(std::move(*normalized));
  }
  if (items.empty()) return Error::invalid(std::string(key) + " is set but names nothing");
  list = std::move(items);
  return {};
}

// kestra.url and kestra.scim.trusted-proxies, .allowed-hosts, .allowed-origins
// (http/public_address.hpp).
Result<void> load_addresses(const ConfigSource& source, http::AddressPolicy& policy) {
  if (auto url = source.get("kestra.url")) policy.public_url = *url;
  if (auto r = load_list(source, "kestra.scim.trusted-proxies", http::normalize_address, policy.trusted_proxies); !r) {
    return r;
  }
  if (auto r = load_list(source, "kestra.scim.allowed-hosts", http::normalize_allowed_host, policy.allowed_hosts);
      !r) {
    return r;
  }
  return load_list(source, "kestra.scim.allowed-origins", http::normalize_origin, policy.allowed_origins);
}

// kestra.scim.limits.*: the module's own request limits.  The upper bounds
// keep recursion over a document or a filter within a thread's stack.
Result<void> load_limits(const ConfigSource& source, ModuleConfig& config) {
  constexpr std::size_t kAnySize = std::numeric_limits<int>::max();
  const struct {
    std::string_view key;
    std::size_t most;
    std::size_t& limit;
  } limits[] = {
      {"kestra.scim.limits.max-body-size", kAnySize, config.json.max_bytes},
      {"kestra.scim.limits.json-max-depth", 256, config.json.max_depth},
      {"kestra.scim.limits.json-max-elements", kAnySize, config.json.max_elements},
      {"kestra.scim.limits.filter-max-length", kAnySize, config.filter.max_length},
      {"kestra.scim.limits.filter-max-nodes", 1000, config.filter.max_nodes},
      {"kestra.scim.limits.string-max-length", kAnySize, config.max_string_chars},
      {"kestra.scim.limits.list-max-bytes", kAnySize, config.list_max_bytes},
  };
  for (const auto& l : limits) {
    if (auto read = read_limit(source, l.key, l.most, l.limit); !read) return read;
  }
  return {};
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long long> whole_number(std::string_view text) {
  long long value = 0;
  if (!all_digits(text)) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// --- JDBC URLs ------------------------------------------------------------

Error bad_url(const std::string& detail) { return Error::invalid("the datasource URL " + detail); }

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int value = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || ptr != text.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

struct HostPort {
  std::string host;
  std::string port;
};

// "host", "host:5432", "[::1]:5432", "" (the default host).
Result<HostPort> parse_host(std::string_view text) {
  HostPort out;
  std::string_view rest;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return bad_url("has an IPv6 address without its closing ']'");
    out.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return bad_url("has text after an IPv6 address");
  } else {
    const std::size_t colon = text.find(':');
    out.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) rest = text.substr(colon);
  }
  if (!rest.empty()) {
    const std::string_view port = rest.substr(1);
    const auto number = whole_number(port);
    if (!number || *number < 1 || *number > 65535) {
      return bad_url("has port '" + std::string(port) + "'; expected a number from 1 to 65535");
    }
    out.port = std::string(port);
  }
  return out;
}

struct Jdbc {
  std::string backend;  // postgresql | mysql
  std::vector<HostPort> hosts;
  std::string user, password;
  std::string database;
  std::vector<std::pair<std::string, std::string>> parameters;  // keys lower-cased
};

Result<Jdbc> parse_jdbc(std::string_view url) {
  Jdbc out;
  std::string_view rest;
  for (const auto& [prefix, backend] : {std::pair{"jdbc:postgresql:", "postgresql"}, std::pair{"jdbc:mysql:", "mysql"},
                                        std::pair{"jdbc:mariadb:", "mysql"}}) {
    if (url.starts_with(prefix)) {
      out.backend = backend;
      rest = url.substr(std::string_view(prefix).size());
    }
  }
  if (out.backend.empty()) {
    return bad_url("must start with jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb:");
  }

  const std::size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  rest = rest.substr(0, question);

  std::string_view path = rest;
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      authority.remove_prefix(at + 1);
      const std::size_t colon = userinfo.find(':');
      auto user = percent_decode(userinfo.substr(0, colon));
      auto password = percent_decode(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
      if (!user || !password) return bad_url("has a malformed %-escape in its user or password");
      out.user = *user;
      out.password = *password;
    }
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = authority.find(',', start);
      auto host = parse_host(authority.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (!host) return host.error();
      out.hosts.push_back(*host);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  } else if (out.backend == "mysql") {
    return bad_url("must name a server: jdbc:mysql://host[:port]/database");
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  auto database = percent_decode(path);
  if (!database) return bad_url("has a malformed %-escape in its database name");
  out.database = *database;

  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    auto key = percent_decode(pair.substr(0, equals));
    auto value = percent_decode(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    if (!key || !value) return bad_url("has a malformed %-escape in its parameters");
    out.parameters.emplace_back(lower(*key), *value);
  }
  return out;
}

bool truthy(std::string_view value) {
  const std::string v = lower(value);
  return v == "true" || v == "1" || v == "yes";
}

// socketTimeout as StoreConfig::socket_timeout_ms: a whole number of
// seconds (pgJDBC) or milliseconds (MySQL Connector/J), 0 for none, at most
// a day.
Result<void> socket_timeout(ports::StoreConfig& c, std::string_view value, long long ms_per_unit) {
  const auto n = whole_number(value);
  constexpr long long kDayMs = 24LL * 3600 * 1000;
  if (!n || *n > kDayMs / ms_per_unit) {
    return bad_url(std::string("parameter socketTimeout must be a number of ") +
                   (ms_per_unit == 1 ? "milliseconds" : "seconds") + " up to a day");
  }
  c.socket_timeout_ms = static_cast<int>(*n * ms_per_unit);
  return {};
}

// Milliseconds (JDBC) to whole seconds, rounded up; nullopt for 0 (no limit).
Result<std::optional<std::string>> seconds_from_ms(std::string_view name, std::string_view value) {
  const auto ms = whole_number(value);
  if (!ms) return bad_url("parameter " + std::string(name) + " must be a number of milliseconds");
  if (*ms == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::to_string((*ms + 999) / 1000));
}

Result<void> postgres_parameter(ports::StoreConfig& c, const std::string& key, const std::string& value) {
  if (key == "currentschema") {
    if (value.find(',') != std::string::npos) return bad_url("parameter currentSchema must name one schema");
    c.schema = value;
  } else if (key == "sslmode") {
    static constexpr std::string_view kModes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    if (std::find(std::begin(kModes), std::end(kModes), value) == std::end(kModes)) {
      return bad_url("parameter sslmode must be disable, allow, prefer, require, verify-ca or verify-full");
    }
    c.options.emplace_back("sslmode", value);
  } else if (key == "ssl") {
    // pgJDBC: ssl=true verifies the server's certificate and host name.
    if (truthy(value)) c.options.emplace_back("sslmode", "verify-full");
  } else if (key == "sslrootcert" || key == "sslcert" || key == "sslkey") {
    c.options.emplace_back(key, value);
  } else if (key == "connecttimeout") {
    if (!all_digits(value)) return bad_url("parameter connectTimeout must be a number of seconds");
    if (value != "0") c.options.emplace_back("connect_timeout", value);
  } else if (key == "sockettimeout") {
    return socket_timeout(c, value, 1000);
  } else if (key == "applicationname") {
    c.options.emplace_back("application_name", value);
  } else if (key == "targetservertype") {
    const std::string v = lower(value);
    std::string attrs;
    if (v == "any") attrs = "any";
    if (v == "primary" || v == "master") attrs = "primary";
    if (v == "secondary" || v == "slave") attrs = "standby";
    if (v == "prefersecondary" || v == "preferslave") attrs = "prefer-standby";
    if (attrs.empty()) return bad_url("parameter targetServerType must be any, primary, secondary or preferSecondary");
    c.options.emplace_back("target_session_attrs", attrs);
  }
  return {};
}

Result<void> mysql_parameter(ports::StoreConfig& c, const std::string& key, const std::string& value) {
  if (key == "sslmode") {
    const std::string v = lower(value);
    if (v == "required" || v == "verify_ca" || v == "verify_identity") {
      std::string mode = value;
      std::transform(mode.begin(), mode.end(), mode.begin(), [](char ch) {
        return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
      });
      c.options.emplace_back("ssl_mode", mode);
    } else if (v == "verify-ca" || v == "verify-full") {
      c.options.emplace_back("ssl_mode", v == "verify-ca" ? "VERIFY_CA" : "VERIFY_IDENTITY");
    } else if (v != "disabled" && v != "disable" && v != "preferred" && v != "trust") {
      return bad_url("parameter sslMode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
    }
  } else if (key == "requiressl") {
    if (truthy(value)) c.options.emplace_back("ssl_mode", "REQUIRED");
  } else if (key == "serversslcert") {
    c.options.emplace_back("sslca", value);
  } else if (key == "connecttimeout") {
    auto seconds = seconds_from_ms("connectTimeout", value);
    if (!seconds) return seconds.error();
    if (*seconds) c.options.emplace_back("connect_timeout", **seconds);
  } else if (key == "sockettimeout") {
    auto seconds = seconds_from_ms("socketTimeout", value);
    if (!seconds) return seconds.error();
    if (*seconds) {
      c.options.emplace_back("read_timeout", **seconds);
      c.options.emplace_back("write_timeout", **seconds);
    }
    return socket_timeout(c, value, 1);
  } else if (key == "localsocket") {
    c.options.emplace_back("unix_socket", value);
  }
  return {};
}

// --- the datasource block ---------------------------------------------------

// The datasources entry the store uses: "postgres", "mysql", or "" (SQLite).
Result<std::string> datasource_name(const ConfigSource& source) {
  const bool postgres = source.get("datasources.postgres.url").has_value();
  const bool mysql = source.get("datasources.mysql.url").has_value();
  if (auto type = source.get("kestra.repository.type")) {
    const std::string t = lower(*type);
    if (t == "postgres" || t == "mysql") {
      if (!(t == "postgres" ? postgres : mysql)) {
        return Error::invalid("kestra.repository.type is " + t + " but datasources." + t + ".url is not set");
      }
      return t;
    }
    if (t == "h2" || t == "memory") return std::string();
    // Elasticsearch keeps Kestra's own data: the datasource, if any, is ours.
    if (t != "elasticsearch") {
      return Error::invalid("kestra.repository.type must be postgres, mysql, h2, memory or elasticsearch, not '" +
                            *type + "'");
    }
  }
  if (postgres && mysql) {
    return Error::invalid(
        "both datasources.postgres and datasources.mysql are set; set kestra.repository.type to choose one");
  }
  if (postgres) return std::string("postgres");
  if (mysql) return std::string("mysql");
  return std::string();
}

Result<void> load_datasource(const ConfigSource& source, ports::StoreConfig& store) {
  auto name = datasource_name(source);
  if (!name) return name.error();
  if (name->empty()) return {};

  const std::string prefix = "datasources." + *name + ".";
  const std::string url = source.get(prefix + "url").value_or("");
  auto parsed = store_config_from_jdbc(url, store);
  if (!parsed) return Error::invalid(prefix + "url: " + parsed.error().detail);
  if ((*name == "postgres") != (parsed->backend == "postgresql")) {
    return Error::invalid(prefix + "url must be a " +
                          std::string(*name == "postgres" ? "jdbc:postgresql:" : "jdbc:mysql: or jdbc:mariadb:") +
                          " URL");
  }
  if (auto user = source.get(prefix + "username")) parsed->user = *user;
  if (auto password = source.get(prefix + "password")) parsed->password = *password;
  store = std::move(*parsed);
  return {};
}

}  // namespace

Result<ports::StoreConfig> store_config_from_jdbc(std::string_view url, ports::StoreConfig base) {
  auto jdbc = parse_jdbc(url);
  if (!jdbc) return jdbc.error();
  ports::StoreConfig c = std::move(base);
  c.backend = jdbc->backend;
  c.connection.clear();
  c.options.clear();
  c.schema.clear();
  c.host.clear();
  c.port.clear();
  c.database = jdbc->database;
  c.user = jdbc->user;
  c.password = jdbc->password;

  const bool mysql = c.backend == "mysql";
  if (mysql && jdbc->hosts.size() > 1) return bad_url("names several hosts; MySQL takes one");
  if (mysql && c.database.empty()) return bad_url("must name a database: jdbc:mysql://host[:port]/database");
  // libpq pairs hosts and ports by position: a port for each host.
  bool any_port = false;
  for (const HostPort& h : jdbc->hosts) any_port = any_port || !h.port.empty();
  for (std::size_t i = 0; i < jdbc->hosts.size(); ++i) {
    const HostPort& h = jdbc->hosts[i];
    const std::string separator = i == 0 ? "" : ",";
    c.host += separator + (h.host.empty() ? "localhost" : h.host);
    if (any_port) c.port += separator + (h.port.empty() ? (mysql ? "3306" : "5432") : h.port);
  }

  for (const auto& [key, value] : jdbc->parameters) {
    if (key == "user") {
      c.user = value;
      continue;
    }
    if (key == "password") {
      c.password = value;
      continue;
    }
    auto applied = mysql ? mysql_parameter(c, key, value) : postgres_parameter(c, key, value);
    if (!applied) return applied.error();
  }
  return c;
}

Result<std::chrono::milliseconds> parse_duration(std::string_view key, std::string_view text) {
  const Error bad = Error::invalid(std::string(key) + " must be a duration such as 30s, 500ms, 2m or PT30S, not '" +
                                   std::string(text) + "'");
  using std::chrono::milliseconds;
  constexpr long long kMax = 24LL * 3600 * 1000;  // a day
  long long total = 0;
  const auto add = [&](long long n, long long factor) {
    if (n > kMax / factor || total + n * factor > kMax) return false;
    total += n * factor;
    return true;
  };
  const std::string t = lower(text);
  if (t.starts_with("pt")) {
    std::string_view rest = std::string_view(t).substr(2);
    if (rest.empty()) return bad;
    char last = 0;
    while (!rest.empty()) {
      std::size_t digits = 0;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      const auto n = whole_number(rest.substr(0, digits));
      if (!n || digits == rest.size()) return bad;
      const char unit = rest[digits];
      const long long factor = unit == 'h' ? 3600000 : unit == 'm' ? 60000 : unit == 's' ? 1000 : 0;
      const bool ordered = last == 0 || (last == 'h' && unit != 'h') || (last == 'm' && unit == 's');
      if (factor == 0 || !ordered || !add(*n, factor)) return bad;
      last = unit;
      rest.remove_prefix(digits + 1);
    }
    return milliseconds(total);
  }
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  const auto n = whole_number(std::string_view(t).substr(0, digits));
  const std::string_view unit = std::string_view(t).substr(digits);
  const long long factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
  if (!n || factor == 0 || !add(*n, factor)) return bad;
  return milliseconds(total);
}

Result<ModuleConfig> load_config(const ConfigSource& source) {
  auto tenants = source.get(kTenantsEnabledKey);
  if (!tenants || (*tenants != "true" && *tenants != "TRUE" && *tenants != "True")) {
    return Error::invalid("SCIM provisioning requires multi-tenancy: set " + std::string(kTenantsEnabledKey) +
                          ": true in the host configuration");
  }
  ModuleConfig config;
  if (auto addresses = load_addresses(source, config.addresses); !addresses) return addresses.error();
  if (auto path = source.get("kestra.scim.sqlite.path")) config.store.sqlite_path = *path;
  if (auto pepper = source.get("kestra.scim.token.pepper")) config.token_pepper = *pepper;
  auto datasource = load_datasource(source, config.store);
  if (!datasource) return datasource.error();
  if (auto limits = load_limits(source, config); !limits) return limits.error();
  if (auto rate = load_rate_limit(source, config.rate_limit); !rate) return rate.error();
  if (auto failed = load_failed_auth_limit(source, config.failed_auth_limit); !failed) return failed.error();
  // Kestra's own key, in either spelling Micronaut accepts.
  for (std::string_view prefix : {"kestra.security.defaultRole.", "kestra.security.default-role."}) {
    const std::string p(prefix);
    if (config.default_role.empty()) {
      if (auto id = source.get(p + "roleId")) config.default_role = *id;
      else if (auto id2 = source.get(p + "role-id")) config.default_role = *id2;
      else if (auto name = source.get(p + "name")) config.default_role = *name;
    }
    if (config.default_role_tenant.empty()) {
      if (auto t = source.get(p + "tenantId")) config.default_role_tenant = *t;
      else if (auto t2 = source.get(p + "tenant-id")) config.default_role_tenant = *t2;
    }
  }

  if (auto claims = load_domain_claims(source, config.domain_claims); !claims) return claims.error();

  // One session per request the host runs at once: its worker count.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto workers = positive_int(source, "kestra.harness.workers", std::max(4, 2 * cores));
  if (!workers) return workers.error();
  auto pool = positive_int(source, "kestra.scim.datasource.pool-size", *workers);
  auto max_results = positive_int(source, "kestra.scim.filter.max-results", config.max_results);
  auto bulk_ops = positive_int(source, "kestra.scim.bulk.max-operations", config.bulk_max_operations);
  auto bulk_bytes = positive_int(source, "kestra.scim.bulk.max-payload-size", config.bulk_max_payload_bytes);
  for (const auto* r : {&pool, &max_results, &bulk_ops, &bulk_bytes}) {
    if (r->has_error()) return r->error();
  }
  if (auto refresh = source.get("kestra.scim.domain-claims-refresh")) {
    auto parsed = parse_duration("kestra.scim.domain-claims-refresh", *refresh);
    if (!parsed) return parsed.error();
    config.domain_claims_refresh = *parsed;
  }
  if (auto timeout = source.get("kestra.scim.datasource.statement-timeout")) {
    auto parsed = parse_duration("kestra.scim.datasource.statement-timeout", *timeout);
    if (!parsed) return parsed.error();
    config.store.statement_timeout_ms = static_cast<int>(parsed->count());
  }
  config.store.pool_size = *pool;
  if (auto fair = load_fair_share(source, static_cast<std::size_t>(*pool), config.fair_share); !fair) {
    return fair.error();
  }
  config.max_results = *max_results;
  config.bulk_max_operations = *bulk_ops;
  config.bulk_max_payload_bytes = *bulk_bytes;
  return config;
}

scim::ScimSettings scim_settings(const ModuleConfig& config) {
  return {config.addresses, config.max_results, config.bulk_max_operations, config.bulk_max_payload_bytes, config.json,
          config.filter};
}

}  // namespace kestra::app
