#include "app/config.hpp"

#include "core/processors.hpp"
#include "core/text.hpp"
#include "iam/domain_claims.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <thread>
#include <vector>

namespace kestra::app {
namespace {

// The number under `key` (fallback when unset), refused unless the whole
// text is one number that `fits`; `what` says what it must be.
template <class Number, class Fits>
Result<Number> number(const ConfigSource& source, std::string_view key, Number fallback, Fits fits,
                      std::string_view what) {
  auto text = source.get(key);
  if (!text) return fallback;
  Number value = 0;
  const auto* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || !fits(value)) {
    return Error::invalid(std::string(key) + " must be " + std::string(what) + ", not '" + *text + "'");
  }
  return value;
}

Result<int> positive_int(const ConfigSource& source, std::string_view key, int fallback) {
  return number(source, key, fallback, [](int v) { return v > 0; }, "a positive whole number");
}

// A number above zero and at most 1,000,000 ("0.5", "20", "1e3").
Result<double> positive_number(const ConfigSource& source, std::string_view key, double fallback) {
  return number(source, key, fallback, [](double v) { return v > 0 && v <= 1e6; },
                "a number above 0 and at most 1000000");
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

// --- the datasource block ---------------------------------------------------

// The datasources entry the store uses: "postgres", "mysql", or "" (SQLite).
Result<std::string> datasource_name(const ConfigSource& source) {
  const bool postgres = source.get("datasources.postgres.url").has_value();
  const bool mysql = source.get("datasources.mysql.url").has_value();
  if (auto type = source.get("kestra.repository.type")) {
    const std::string t = ascii_lower(*type);
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

// The datasource as configured; the adapters turn its URL into a connection
// (adapters/jdbc_url.hpp).
Result<void> load_datasource(const ConfigSource& source, ports::StoreConfig& store) {
  auto name = datasource_name(source);
  if (!name) return name.error();
  if (name->empty()) return {};
  const std::string prefix = "datasources." + *name + ".";
  store.datasource = ports::StoreConfig::Datasource{*name, source.get(prefix + "url").value_or(""),
                                                    source.get(prefix + "username"), source.get(prefix + "password")};
  return {};
}

}  // namespace

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
  const std::string t = ascii_lower(text);
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
