#include "scenarios.hpp"

#include "naming.hpp"
#include "scenario_util.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace kestra::bench {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;

// Requests are named locals moved into Session::send: GCC 12 destroys a
// braced temporary passed by value to a coroutine twice (GCC PR 99576).

constexpr const char* kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

// Okta's existence check: GET ...?filter=ATTRIBUTE eq "VALUE"&startIndex=1&count=100.
std::string eq_filter(const std::string& base, std::string_view resource, std::string_view attribute,
                      std::string_view value) {
  return base + "/" + std::string(resource) + "?filter=" +
         percent_encode(std::string(attribute) + " eq \"" + std::string(value) + "\"") + "&startIndex=1&count=100";
}

// The total of a ListResponse, -1 when the body is not one.
std::int64_t total_results(const std::string& body) {
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  const json::object* object = ec ? nullptr : doc.if_object();
  const json::value* total = object ? object->if_contains("totalResults") : nullptr;
  return total && total->is_int64() ? total->as_int64() : -1;
}

// Okta's POST /Users body (a captured payload) made unique per user.
class UserBody {
 public:
  explicit UserBody(const std::string& path) {
    json::value doc = json::parse(read_file(path));
    if (!doc.is_object()) throw std::invalid_argument(path + " is not a JSON object");
    template_ = std::move(doc.as_object());
  }

  std::string make(const std::string& prefix, std::uint64_t index) const {
    json::object body = template_;
    const std::string name = user_name(prefix, index);
    body["userName"] = name;
    body["externalId"] = "ext-" + prefix + "-" + std::to_string(index);
    if (auto* emails = body.if_contains("emails"); emails && emails->is_array()) {
      for (auto& email : emails->as_array()) {
        if (email.is_object()) email.as_object()["value"] = name;
      }
    }
    return json::serialize(body);
  }

 private:
  json::object template_;
};

// GET one path, e.g. the host's /health or a group read.
class GetScenario final : public Scenario {
 public:
  explicit GetScenario(const Args& args)
      : path_(args.required("path")), expected_(static_cast<unsigned>(args.number("expect", 200))) {}

  awaitable<void> step(Session& session, int, std::uint64_t) override {
    Request get{"GET", path_, {}, 0, expected_};
    co_await session.send(std::move(get));
  }

 private:
  std::string path_;
  unsigned expected_;
};

// POST /Users with Okta's body; user INDEX is named user_name(prefix, INDEX).
class CreateScenario final : public Scenario {
 public:
  explicit CreateScenario(const Args& args)
      : base_(args.required("base")), prefix_(args.required("prefix")), body_(args.required("body-file")) {}

  awaitable<void> step(Session& session, int, std::uint64_t index) override {
    Request create{"POST", base_ + "/Users", body_.make(prefix_, index), 0, 201};
    co_await session.send(std::move(create));
  }

 private:
  std::string base_;
  std::string prefix_;
  UserBody body_;
};

// Okta's existence check on a random one of the --users seeded users; the
// answer must find exactly that user.
class LookupScenario final : public Scenario {
 public:
  explicit LookupScenario(const Args& args)
      : base_(args.required("base")),
        prefix_(args.required("prefix")),
        users_(static_cast<std::uint64_t>(args.number("users", 0))),
        seed_(static_cast<std::uint64_t>(args.number("seed", 1))) {
    if (users_ == 0) throw std::invalid_argument("--users must be positive");
  }

  awaitable<void> step(Session& session, int, std::uint64_t index) override {
    const std::uint64_t pick = mix(index ^ (seed_ << 32)) % users_;
    Request lookup{"GET", eq_filter(base_, "Users", "userName", user_name(prefix_, pick)), {}, 0, 200};
    const Reply reply = co_await session.send(std::move(lookup));
    if (reply.ok && total_results(reply.body) != 1) session.fail("lookup of user " + std::to_string(pick) + " found " + reply.body.substr(0, 200));
  }

 private:
  std::string base_;
  std::string prefix_;
  std::uint64_t users_;
  std::uint64_t seed_;
};

// Okta's membership PATCHes on one group: step K removes member K (mod the
// --ids list, "id userName" per line, all members of the group) and adds it back.
class PatchMembersScenario final : public Scenario {
 public:
  explicit PatchMembersScenario(const Args& args) : base_(args.required("base")), group_(args.required("group")) {
    std::istringstream lines(read_file(args.required("ids")));
    std::string id, name;
    while (lines >> id >> name) members_.emplace_back(id, name);
    const auto limit = static_cast<std::size_t>(args.number("ids-count", 0));
    if (limit > 0 && members_.size() > limit) members_.resize(limit);
    if (members_.empty()) throw std::invalid_argument("--ids lists no member");
  }

  std::vector<std::string> labels() const override { return {"remove", "add"}; }

  awaitable<void> step(Session& session, int, std::uint64_t index) override {
    const auto& [id, name] = members_[index % members_.size()];
    const std::string target = base_ + "/Groups/" + group_;
    json::object remove{{"schemas", json::array{kPatchOp}},
                        {"Operations", json::array{json::object{{"op", "remove"}, {"path", "members[value eq \"" + id + "\"]"}}}}};
    Request remove_request{"PATCH", target, json::serialize(remove), 0, 204};
    co_await session.send(std::move(remove_request));
    json::object add{{"schemas", json::array{kPatchOp}},
                     {"Operations", json::array{json::object{
                                        {"op", "add"},
                                        {"path", "members"},
                                        {"value", json::array{json::object{{"value", id}, {"display", name}}}}}}}};
    Request add_request{"PATCH", target, json::serialize(add), 1, 204};
    co_await session.send(std::move(add_request));
  }

 private:
  std::string base_;
  std::string group_;
  std::vector<std::pair<std::string, std::string>> members_;
};

// Okta's initial push: per user an existence check and a POST; then per
// group an existence check, a POST without members and one PATCH adding
// its --members users.
class OktaSyncScenario final : public Scenario {
 public:
  explicit OktaSyncScenario(const Args& args)
      : base_(args.required("base")),
        prefix_(args.required("prefix")),
        body_(args.required("body-file")),
        users_(static_cast<std::uint64_t>(args.number("users", 0))),
        groups_(static_cast<std::uint64_t>(args.number("groups", 0))),
        members_(static_cast<std::uint64_t>(args.number("members", 0))),
        ids_(users_) {
    if (users_ == 0 || members_ > users_) throw std::invalid_argument("--users must be positive and at least --members");
  }

  std::vector<std::string> labels() const override {
    return {"user_lookup", "user_create", "group_lookup", "group_create", "group_patch"};
  }
  int phases() const override { return 2; }
  std::optional<std::uint64_t> phase_steps(int phase) const override { return phase == 0 ? users_ : groups_; }

  awaitable<void> step(Session& session, int phase, std::uint64_t index) override {
    if (phase == 0) {
      Request lookup{"GET", eq_filter(base_, "Users", "userName", user_name(prefix_, index)), {}, 0, 200};
      const Reply found = co_await session.send(std::move(lookup));
      if (found.ok && total_results(found.body) != 0) session.fail("user " + std::to_string(index) + " exists already");
      Request create{"POST", base_ + "/Users", body_.make(prefix_, index), 1, 201};
      const Reply created = co_await session.send(std::move(create));
      if (created.ok) ids_[index] = id_of(created.body);
      co_return;
    }
    const std::string name = prefix_ + " group " + std::to_string(index);
    Request lookup{"GET", eq_filter(base_, "Groups", "displayName", name), {}, 2, 200};
    const Reply found = co_await session.send(std::move(lookup));
    if (found.ok && total_results(found.body) != 0) session.fail("group " + name + " exists already");
    json::object group{{"schemas", json::array{kGroupSchema}}, {"displayName", name}, {"members", json::array{}}};
    Request create{"POST", base_ + "/Groups", json::serialize(group), 3, 201};
    const Reply created = co_await session.send(std::move(create));
    const std::string id = created.ok ? id_of(created.body) : std::string();
    if (id.empty()) co_return;
    json::array members;
    for (std::uint64_t m = 0; m < members_; ++m) {
      const std::uint64_t user = (index * members_ + m) % users_;
      if (ids_[user].empty()) continue;  // its create failed (counted already)
      members.push_back(json::object{{"value", ids_[user]}, {"display", user_name(prefix_, user)}});
    }
    json::object patch{{"schemas", json::array{kPatchOp}},
                       {"Operations", json::array{json::object{{"op", "add"}, {"path", "members"}, {"value", std::move(members)}}}}};
    Request patch_request{"PATCH", base_ + "/Groups/" + id, json::serialize(patch), 4, 204};
    co_await session.send(std::move(patch_request));
  }

 private:
  std::string base_;
  std::string prefix_;
  UserBody body_;
  std::uint64_t users_;
  std::uint64_t groups_;
  std::uint64_t members_;
  std::vector<std::string> ids_;  // of the users created, by index
};

}  // namespace

std::unique_ptr<Scenario> make_scenario(const Args& args) {
  const std::string name = args.required("scenario");
  if (name == "get") return std::make_unique<GetScenario>(args);
  if (name == "create") return std::make_unique<CreateScenario>(args);
  if (name == "lookup") return std::make_unique<LookupScenario>(args);
  if (name == "patch-members") return std::make_unique<PatchMembersScenario>(args);
  if (name == "okta-sync") return std::make_unique<OktaSyncScenario>(args);
  if (name == "noisy") return make_noisy_scenario(args);
  if (name == "big-writes") return make_big_writes_scenario(args);
  throw std::invalid_argument("unknown scenario '" + name + "'");
}

}  // namespace kestra::bench
