// Helpers the scenarios share (scenarios.cpp, noisy.cpp): not a public
// interface of the load tool.
#pragma once

#include "scenarios.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kestra::bench {

inline std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// SplitMix64: a fixed, well-spread sequence of user picks per step index.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::string id_of(const std::string& body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  const boost::json::object* object = ec ? nullptr : doc.if_object();
  const boost::json::value* id = object ? object->if_contains("id") : nullptr;
  return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

// The scenarios of noisy.cpp (the noisy neighbour).
std::unique_ptr<Scenario> make_noisy_scenario(const Args& args);
std::unique_ptr<Scenario> make_big_writes_scenario(const Args& args);

}  // namespace kestra::bench
