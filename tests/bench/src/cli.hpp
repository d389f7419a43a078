// Command-line options of the benchmark tools: "--key value" pairs, a key
// may repeat.  Malformed input throws std::invalid_argument.
#pragma once

#include <cstdio>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::bench {

class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view key = argv[i];
      if (key.size() < 3 || key.substr(0, 2) != "--") throw std::invalid_argument("unexpected argument '" + std::string(key) + "'");
      if (i + 1 >= argc) throw std::invalid_argument("option " + std::string(key) + " needs a value");
      values_[std::string(key.substr(2))].emplace_back(argv[++i]);
    }
  }

  bool has(const std::string& key) const { return values_.count(key) != 0; }

  std::string text(const std::string& key, const std::string& fallback) const {
    const auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second.back();
  }

  std::string required(const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) throw std::invalid_argument("option --" + key + " is required");
    return it->second.back();
  }

  std::vector<std::string> all(const std::string& key) const {
    const auto it = values_.find(key);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
  }

  long long number(const std::string& key, long long fallback) const {
    if (!has(key)) return fallback;
    const std::string value = text(key, "");
    std::size_t used = 0;
    long long n = 0;
    try {
      n = std::stoll(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || value.empty()) throw std::invalid_argument("--" + key + " must be an integer, not '" + value + "'");
    return n;
  }

  double decimal(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    const std::string value = text(key, "");
    std::size_t used = 0;
    double d = 0;
    try {
      d = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || value.empty()) throw std::invalid_argument("--" + key + " must be a number, not '" + value + "'");
    return d;
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// main() of a tool: runs `run` on the parsed options; a usage error exits
// 2 (with `usage`), any other failure 1.
template <class Run>
int run_tool(const char* tool, const char* usage, int argc, char** argv, Run run) {
  try {
    return run(Args(argc, argv));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n%s", tool, e.what(), usage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
    return 1;
  }
}

}  // namespace kestra::bench
