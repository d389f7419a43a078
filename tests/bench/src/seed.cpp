// kestra-bench-seed: fills a tenant fast, in process, through the module's
// own domain services and store (the path a POST takes, without HTTP):
// --users users named user_name(--prefix, i), then groups whose members are
// the first SIZE of them.  Prints "group NAME ID" per group.
#include "cli.hpp"
#include "naming.hpp"
#include "store_options.hpp"

#include "core/crypto.hpp"
#include "kestra/adapters/store_factory.hpp"
#include "ports/host.hpp"
#include "scim/group_service.hpp"
#include "scim/role_service.hpp"
#include "scim/schema/registry.hpp"
#include "provisioning/domain_claim_cache.hpp"
#include "scim/user_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace {

namespace json = boost::json;
using kestra::bench::Args;

constexpr const char* kUsage =
    "usage: kestra-bench-seed STORE --tenant T [--integration ID] --prefix P --users N [--threads N]\n"
    "         [--group NAME:SIZE]... [--ids-out FILE [--ids-count N]]\n"
    "  STORE: --backend sqlite --sqlite-path FILE | --backend postgresql|mysql --connection \"...\" [--schema S]\n";

[[noreturn]] void fail(const std::string& what, const kestra::Error& error) {
  throw std::runtime_error(what + ": " + error.detail);
}

// The body Okta sends for a new user (tests/scim/testdata/okta/create_user.json).
json::object okta_user(const std::string& prefix, std::uint64_t index) {
  const std::string name = kestra::bench::user_name(prefix, index);
  return json::object{
      {"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
      {"userName", name},
      {"name", json::object{{"givenName", "Bench"}, {"familyName", "User " + std::to_string(index)}}},
      {"emails", json::array{json::object{{"primary", true}, {"value", name}, {"type", "work"}}}},
      {"displayName", "Bench User " + std::to_string(index)},
      {"locale", "en-US"},
      {"externalId", "seed-" + prefix + "-" + std::to_string(index)},
      {"groups", json::array{}},
      {"password", "1mz050nq"},
      {"active", true}};
}

// The seeder writes through the services without a host: its log is stderr
// and no one listens to its events.
class SeedHost final : public kestra::ports::HostPort {
 public:
  void log(kestra::ports::LogLevel, std::string_view message) const override { std::cerr << message << '\n'; }
  bool tenant_exists(std::string_view) const override { return true; }
  void emit_event(std::string_view, std::string_view, std::string_view, std::string_view) const override {}
};

int run(const Args& args) {
  const auto users = static_cast<std::uint64_t>(args.number("users", 0));
  const int threads = static_cast<int>(args.number("threads", 1));
  if (threads < 1 || threads > 64) throw std::invalid_argument("--threads must be 1..64");
  const kestra::ports::Scope scope{args.required("tenant"), args.text("integration", "")};
  const std::string prefix = args.required("prefix");

  auto store = kestra::adapters::open_store(kestra::bench::store_config(args, threads));
  if (!store) fail("cannot open the store", store.error());
  if (auto tenant = (*store)->ensure_tenant(scope.tenant_id); !tenant) fail("cannot add the tenant", tenant.error());
  auto registry = kestra::scim::schema::Registry::load();
  if (!registry) fail("cannot load the SCIM schemas", registry.error());
  const SeedHost host;
  kestra::scim::RoleService role_service((*store)->provisioning(), *registry, host, {});
  // The module's own wiring: claims read through the cache, as on a host.
  kestra::provisioning::DomainClaimCache claims((*store)->domain_claims());
  kestra::scim::UserService user_service((*store)->users(), claims, *registry, role_service);
  kestra::scim::GroupService group_service((*store)->groups(), *registry, role_service);
  const kestra::provisioning::Actor actor{"SYSTEM", "kestra-bench-seed", ""};

  std::vector<std::string> ids(users);
  std::atomic<std::uint64_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (std::uint64_t i = next++; i < users; i = next++) {
        auto created = user_service.create(scope, okta_user(prefix, i), actor);
        if (created) {
          ids[i] = created->row.id;
          continue;
        }
        std::lock_guard lock(error_mutex);
        if (first_error.empty()) first_error = "user " + std::to_string(i) + ": " + created.error().detail;
        next = users;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  if (!first_error.empty()) throw std::runtime_error(first_error);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "seeded %llu users in tenant %s in %.1f s\n", static_cast<unsigned long long>(users),
               scope.tenant_id.c_str(), seconds);

  for (const std::string& spec : args.all("group")) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--group takes NAME:SIZE, not " + spec);
    const std::string name = spec.substr(0, colon);
    const auto size = static_cast<std::uint64_t>(std::stoull(spec.substr(colon + 1)));
    if (size > users) throw std::invalid_argument("group " + name + " has more members than --users");
    json::array members;
    members.reserve(size);
    for (std::uint64_t i = 0; i < size; ++i) members.push_back(json::object{{"value", ids[i]}});
    json::object body{{"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:Group"}},
                      {"displayName", name},
                      {"members", std::move(members)}};
    auto group = group_service.create(scope, body, actor);
    if (!group) fail("cannot create group " + name, group.error());
    std::printf("group %s %s\n", name.c_str(), group->id.c_str());
  }

  if (args.has("ids-out")) {
    std::ofstream out(args.required("ids-out"));
    const auto count = std::min<std::uint64_t>(users, static_cast<std::uint64_t>(args.number("ids-count", 100)));
    for (std::uint64_t i = 0; i < count; ++i) out << ids[i] << ' ' << kestra::bench::user_name(prefix, i) << '\n';
    if (!out) throw std::runtime_error("cannot write " + args.required("ids-out"));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return kestra::bench::run_tool("kestra-bench-seed", kUsage, argc, argv, run); }
