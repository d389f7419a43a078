#include "server_dialect.hpp"

#include "errors.hpp"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace kestra::adapters::server {

std::string quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string pairs(const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  for (const auto& [key, value] : values) {
    if (!value.empty()) out += " " + key + "=" + quoted(value);
  }
  return out;
}

Result<std::map<std::string, std::string>> parse_pairs(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  while (true) {
    skip_space();
    if (i >= text.size()) return out;
    const std::size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    const std::string key(text.substr(start, i - start));
    skip_space();
    if (key.empty() || i >= text.size() || text[i] != '=') {
      return Error::invalid("the connection string is malformed near position " + std::to_string(start + 1));
    }
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          value.push_back(text[i++]);
        }
      }
      if (!closed) return Error::invalid("the connection string leaves the value of " + key + " unquoted");
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) value.push_back(text[i++]);
    }
    if (!out.emplace(key, value).second) return Error::invalid("the connection string sets " + key + " twice");
  }
}

std::string_view without_scheme(std::string_view connection, std::string_view scheme) {
  const std::string prefix = std::string(scheme) + "://";
  if (connection.starts_with(prefix)) connection.remove_prefix(prefix.size());
  return connection;
}

Result<void> check_server_config(const ports::StoreConfig& config, std::string_view engine,
                                 std::initializer_list<std::string_view> allowed) {
  const std::string name(engine);
  const bool fields = !config.host.empty() || !config.database.empty() || !config.port.empty();
  if (config.connection.empty() && !fields) {
    return Error::invalid("the " + name + " store needs a server: set the datasource URL (host and database)");
  }
  if (!config.connection.empty() && fields) {
    return Error::invalid("the " + name + " store takes either a connection string or host, port and database, "
                          "not both");
  }
  if (config.statement_timeout_ms < 0) {
    return Error::invalid("statement_timeout_ms must not be negative, not " +
                          std::to_string(config.statement_timeout_ms));
  }
  for (const auto& [key, value] : config.options) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Error::invalid("the " + name + " store does not know the connection option '" + key + "'");
    }
  }
  return {};
}

void wait_for_lock(const std::function<bool()>& try_lock, std::chrono::milliseconds patience,
                   const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!try_lock()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw UnavailableError(what + " was still held by another process after " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(patience).count()) +
                             " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

bool has_unasked_input(int fd) {
  pollfd idle{fd, POLLIN, 0};
  return fd < 0 || ::poll(&idle, 1, 0) != 0;
}

}  // namespace kestra::adapters::server
