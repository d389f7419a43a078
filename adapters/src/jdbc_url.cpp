#include "kestra/adapters/jdbc_url.hpp"

#include "core/text.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kestra::adapters {
namespace {

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
    out.parameters.emplace_back(ascii_lower(*key), *value);
  }
  return out;
}

bool truthy(std::string_view value) {
  const std::string v = ascii_lower(value);
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
    if (!whole_number(value)) return bad_url("parameter connectTimeout must be a number of seconds");
    if (value != "0") c.options.emplace_back("connect_timeout", value);
  } else if (key == "sockettimeout") {
    return socket_timeout(c, value, 1000);
  } else if (key == "applicationname") {
    c.options.emplace_back("application_name", value);
  } else if (key == "targetservertype") {
    const std::string v = ascii_lower(value);
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
    const std::string v = ascii_lower(value);
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

Result<ports::StoreConfig> resolve_datasource(ports::StoreConfig config) {
  if (!config.datasource) return config;
  const auto datasource = std::move(*config.datasource);
  config.datasource.reset();
  const std::string prefix = "datasources." + datasource.name + ".";
  auto parsed = store_config_from_jdbc(datasource.url, std::move(config));
  if (!parsed) return Error::invalid(prefix + "url: " + parsed.error().detail);
  if ((datasource.name == "postgres") != (parsed->backend == "postgresql")) {
    return Error::invalid(prefix + "url must be a " +
                          std::string(datasource.name == "postgres" ? "jdbc:postgresql:" : "jdbc:mysql: or jdbc:mariadb:") +
                          " URL");
  }
  if (datasource.username) parsed->user = *datasource.username;
  if (datasource.password) parsed->password = *datasource.password;
  return parsed;
}

}  // namespace kestra::adapters
