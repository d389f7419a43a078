// The noisy neighbour: the worst request shapes one tenant (A) can
// send, as the module answers them now (refused, bounded or served).
//   noisy       one shape per step, in turn over the connections (the load
//               beside which tenant B's lookups are measured);
//   big-writes  per step, a 1 MB POST /Users and each 1 MB PATCH shape on a
//               fresh target, one after the other (their times are compared).
// Bodies are built as text: the ids come from the seeding tool (UUIDs) and
// every generated value is plain ASCII, so nothing needs escaping.
#include "naming.hpp"
#include "scenario_util.hpp"

#include <sstream>
#include <utility>

namespace kestra::bench {
namespace {

using boost::asio::awaitable;

constexpr const char* kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr const char* kBulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
constexpr const char* kBadToken = "Bearer noisy-neighbour-not-a-token-0123456789";

std::string patch_body(const std::string& operations) {
  return std::string("{\"schemas\":[\"") + kPatchOp + "\"],\"Operations\":[" + operations + "]}";
}

// `op` on `path` with the value array `items` (each a JSON text), as many
// as keep the whole body within `bytes`; the count taken in `taken`.
template <class Item>
std::string array_patch(std::string_view op, std::string_view path, std::size_t bytes, std::size_t most, Item item,
                        std::size_t& taken) {
  const std::string head = std::string("{\"schemas\":[\"") + kPatchOp + "\"],\"Operations\":[{\"op\":\"" +
                           std::string(op) + "\",\"path\":\"" + std::string(path) + "\",\"value\":[";
  const std::string tail = "]}]}";
  std::string body = head;
  taken = 0;
  for (std::size_t k = 0; k < most; ++k) {
    const std::string next = item(k);
    if (body.size() + next.size() + 1 + tail.size() > bytes) break;
    if (taken > 0) body += ',';
    body += next;
    ++taken;
  }
  return body + tail;
}

std::string email_item(std::string_view tag, std::size_t k) {
  // about 64 bytes an address: 1 MB holds some 16,000
  return "{\"value\":\"w" + std::string(tag) + "." + std::to_string(k) + ".padpadpadpadpadpad@bench.example\",\"type\":\"work\"}";
}

// POST /Users of `name` with emails up to `bytes`; their count in `taken`.
std::string large_user(const std::string& name, std::size_t bytes, std::size_t& taken) {
  const std::string head = std::string("{\"schemas\":[\"") + kUserSchema + "\"],\"userName\":\"" + name +
                           "\",\"displayName\":\"Large user\",\"emails\":[";
  const std::string tail = "]}";
  std::string body = head;
  taken = 0;
  for (std::size_t k = 0;; ++k) {
    const std::string next = email_item(name.substr(0, name.find('@')), k);
    if (body.size() + next.size() + 1 + tail.size() > bytes) break;
    if (taken > 0) body += ',';
    body += next;
    ++taken;
  }
  return body + tail;
}

std::string small_user(const std::string& name) {
  return std::string("{\"schemas\":[\"") + kUserSchema + "\"],\"userName\":\"" + name + "\"}";
}

std::string empty_group(const std::string& name) {
  return std::string("{\"schemas\":[\"") + kGroupSchema + "\"],\"displayName\":\"" + name + "\",\"members\":[]}";
}

// `terms` terms `display co "…"` joined by or, matching no member (so the
// PATCH does all the work and changes nothing).
std::string display_terms(std::string_view tag, int terms) {
  std::string path;
  for (int t = 0; t < terms; ++t) {
    if (t > 0) path += " or ";
    path += "display co \\\"" + std::string(tag) + std::to_string(t) + "\\\"";
  }
  return path;
}

std::vector<std::string> read_ids(const std::string& path) {
  std::istringstream lines(read_file(path));
  std::vector<std::string> ids;
  std::string id, name;
  while (lines >> id >> name) ids.push_back(id);
  if (ids.empty()) throw std::invalid_argument(path + " lists no id");
  return ids;
}

// Adding existing users: the ids of --ids, as many as fit in `bytes`.
std::string members_patch(const std::vector<std::string>& ids, std::size_t bytes, std::size_t& taken) {
  return array_patch("add", "members", bytes, ids.size(),
                     [&](std::size_t k) { return "{\"value\":\"" + ids[k] + "\"}"; }, taken);
}

// Up to 49,000 member ids in 1 MB: short ids that name no user.
std::string unknown_members_patch(std::size_t bytes, std::size_t& taken) {
  return array_patch("add", "members", bytes, 49000,
                     [](std::size_t k) { return "{\"value\":\"u" + std::to_string(1000000 + k) + "\"}"; }, taken);
}

// Tenant A's session: past its fair share of the sessions its requests are
// refused 429 at once, which is the point; counted per status, not errors.
class SharedSession final : public Session {
 public:
  explicit SharedSession(Session& inner) : inner_(inner) {}
  awaitable<Reply> send(Request request) override {
    request.may_be_refused = true;
    co_return co_await inner_.send(std::move(request));
  }
  void fail(const std::string& why) override { inner_.fail(why); }
  awaitable<void> abandon(Abandon abandon) override {
    abandon.request.may_be_refused = true;
    co_await inner_.abandon(std::move(abandon));
  }

 private:
  Session& inner_;
};

// What a step after a setup request needs: the created resource's id.
awaitable<std::string> create(Session& session, std::string target, std::string body, int label) {
  Request request{"POST", std::move(target), std::move(body), label, 201};
  const Reply reply = co_await session.send(std::move(request));
  co_return reply.ok ? id_of(reply.body) : std::string();
}

class NoisyScenario final : public Scenario {
 public:
  enum Shape { kFilterRefused, kFilterLargest, kMembers, kEmails, kReadUnread, kListLarge, kStalledBodies, kBulk,
               kBadTokens, kOrFilter, kShapes, kSetup = kShapes };

  explicit NoisyScenario(const Args& args)
      : base_(args.required("base")),
        prefix_(args.required("prefix")),
        group_small_(args.required("group-small")),
        group_large_(args.required("group-large")),
        bytes_(static_cast<std::size_t>(args.number("body-bytes", 1000000))),
        hold_s_(args.decimal("hold", 2)),
        stall_connections_(static_cast<int>(args.number("stall-connections", 8))) {
    members_body_ = members_patch(read_ids(args.required("ids")), bytes_, members_);
    std::string ops;
    for (int op = 0; op < 20; ++op) {
      if (op > 0) ops += ',';
      ops += "{\"op\":\"remove\",\"path\":\"members[" + display_terms("q" + std::to_string(op) + "-", 40) + "]\"}";
    }
    filter_refused_ = patch_body(ops);
    filter_largest_ = patch_body("{\"op\":\"remove\",\"path\":\"members[" + display_terms("q", 128) + "]\"}");
    std::string filter;
    const char* attributes[] = {"userName", "displayName", "emails.value", "externalId"};
    for (int t = 0; t < 90; ++t) {
      if (t > 0) filter += " or ";
      filter += std::string(attributes[t % 4]) + " co \"q" + std::to_string(t) + "\"";
    }
    or_filter_ = base_ + "/Users?filter=" + percent_encode(filter);
  }

  std::vector<std::string> labels() const override {
    return {"filter_refused", "filter_largest", "members_1mb", "emails_1mb", "read_unread", "list_large",
            "stalled_bodies", "bulk_1000", "bad_tokens", "or_filter_90", "setup"};
  }
  bool counts_statuses() const override { return true; }
  std::vector<Figure> figures() const override {
    return {{"members_1mb_members", static_cast<double>(members_), "count"},
            {"members_1mb_bytes", static_cast<double>(members_body_.size()), "bytes"}};
  }

  awaitable<void> step(Session& own, int, std::uint64_t index) override {
    SharedSession session(own);
    const std::string tag = prefix_ + "-" + std::to_string(index);
    switch (static_cast<Shape>(index % kShapes)) {
      case kFilterRefused: {
        Request patch{"PATCH", base_ + "/Groups/" + group_small_, filter_refused_, kFilterRefused, 400};
        co_await session.send(std::move(patch));
        break;
      }
      case kFilterLargest: {
        Request patch{"PATCH", base_ + "/Groups/" + group_small_, filter_largest_, kFilterLargest, 204};
        co_await session.send(std::move(patch));
        break;
      }
      case kMembers: {
        std::string target = base_ + "/Groups", body = empty_group("noisy " + tag);
        const std::string group = co_await create(session, std::move(target), std::move(body), kSetup);
        if (group.empty()) break;
        Request patch{"PATCH", base_ + "/Groups/" + group, members_body_, kMembers, 204};
        co_await session.send(std::move(patch));
        break;
      }
      case kEmails: {
        // named zz-noisy-… (big-writes: zz-big-…, with the same step numbers):
        // after the large users in the userName order of kListLarge
        std::string target = base_ + "/Users", body = small_user("zz-noisy-" + tag + "@bench.example");
        const std::string user = co_await create(session, std::move(target), std::move(body), kSetup);
        if (user.empty()) break;
        std::size_t taken = 0;
        Request patch{"PATCH", base_ + "/Users/" + user,
                      array_patch("add", "emails", bytes_, SIZE_MAX,
                                  [&](std::size_t k) { return email_item(tag, k); }, taken),
                      kEmails, 200, 204};
        co_await session.send(std::move(patch));
        break;
      }
      case kReadUnread: {
        Abandon read{Request{"GET", base_ + "/Groups/" + group_large_, {}, kReadUnread, 200}, 0, 0,
                     stall_connections_, hold_s_, false};
        co_await session.abandon(std::move(read));
        break;
      }
      case kListLarge: {
        Request list{"GET", base_ + "/Users?startIndex=1&count=1000&sortBy=userName", {}, kListLarge, 200};
        co_await session.send(std::move(list));
        break;
      }
      case kStalledBodies: {
        std::size_t taken = 0;
        Request post{"POST", base_ + "/Users", large_user("stall-" + tag + "@bench.example", bytes_, taken),
                     kStalledBodies, 401, 429, kBadToken};
        Abandon stall{std::move(post), 0, 64 * 1024, stall_connections_, hold_s_, true};
        co_await session.abandon(std::move(stall));
        break;
      }
      case kBulk: {
        std::string operations;
        for (int op = 0; op < 1000; ++op) {
          if (op > 0) operations += ',';
          operations += "{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"b" + std::to_string(op) +
                         "\",\"data\":" + small_user("zb-" + tag + "-" + std::to_string(op) + "@bench.example") + "}";
        }
        Request bulk{"POST", base_ + "/Bulk",
                     std::string("{\"schemas\":[\"") + kBulkRequest + "\"],\"Operations\":[" + operations + "]}",
                     kBulk, 200};
        co_await session.send(std::move(bulk));
        break;
      }
      case kBadTokens:
        for (int k = 0; k < 20; ++k) {
          Request lookup{"GET", base_ + "/Users?filter=" + percent_encode("userName eq \"x@bench.example\""), {},
                         kBadTokens, 401, 429, kBadToken};
          co_await session.send(std::move(lookup));
        }
        break;
      case kOrFilter: {
        Request list{"GET", or_filter_, {}, kOrFilter, 200};
        co_await session.send(std::move(list));
        break;
      }
      case kShapes:
        break;
    }
  }

 private:
  std::string base_;
  std::string prefix_;
  std::string group_small_;
  std::string group_large_;
  std::size_t bytes_;
  double hold_s_;
  int stall_connections_;
  std::size_t members_ = 0;
  std::string members_body_;
  std::string filter_refused_;
  std::string filter_largest_;
  std::string or_filter_;
};

class BigWritesScenario final : public Scenario {
 public:
  enum Label { kPost, kMembers, kEmails, kUnknownMembers, kFilterLargest, kPostGroup, kSetup };

  explicit BigWritesScenario(const Args& args)
      : base_(args.required("base")),
        prefix_(args.required("prefix")),
        group_small_(args.text("group-small", "")),
        bytes_(static_cast<std::size_t>(args.number("body-bytes", 1000000))) {
    const auto ids = read_ids(args.required("ids"));
    members_body_ = members_patch(ids, bytes_, members_);
    // The same members in a POST /Groups: the write the member PATCH compares with.
    for (std::size_t k = 0; k < members_; ++k) group_members_ += (k ? ",{\"value\":\"" : "{\"value\":\"") + ids[k] + "\"}";
    filter_largest_ = patch_body("{\"op\":\"remove\",\"path\":\"members[" + display_terms("q", 128) + "]\"}");
    unknown_body_ = unknown_members_patch(bytes_, unknown_);
  }

  std::vector<std::string> labels() const override {
    return {"post_1mb", "patch_members_1mb", "patch_emails_1mb", "patch_unknown_members_1mb", "patch_filter_largest",
            "post_group_1mb", "setup"};
  }
  bool counts_statuses() const override { return true; }
  std::vector<Figure> figures() const override {
    return {{"post_1mb_bytes", static_cast<double>(post_bytes_), "bytes"},
            {"post_1mb_emails", static_cast<double>(post_emails_), "count"},
            {"patch_members_1mb_bytes", static_cast<double>(members_body_.size()), "bytes"},
            {"patch_members_1mb_members", static_cast<double>(members_), "count"},
            {"patch_emails_1mb_bytes", static_cast<double>(emails_bytes_), "bytes"},
            {"patch_emails_1mb_emails", static_cast<double>(emails_), "count"},
            {"patch_unknown_members_1mb_bytes", static_cast<double>(unknown_body_.size()), "bytes"},
            {"patch_unknown_members_1mb_members", static_cast<double>(unknown_), "count"}};
  }

  awaitable<void> step(Session& session, int, std::uint64_t index) override {
    const std::string tag = prefix_ + "-" + std::to_string(index);
    // named a-…: first in the userName order, the large users the noisy
    // scenario's list_large pages through
    std::string post = large_user("a-" + tag + "@bench.example", bytes_, post_emails_);
    post_bytes_ = post.size();
    Request create_large{"POST", base_ + "/Users", std::move(post), kPost, 201};
    co_await session.send(std::move(create_large));

    Request create_group{"POST", base_ + "/Groups",
                         std::string("{\"schemas\":[\"") + kGroupSchema + "\"],\"displayName\":\"big post " + tag +
                             "\",\"members\":[" + group_members_ + "]}",
                         kPostGroup, 201};
    co_await session.send(std::move(create_group));

    std::string group_target = base_ + "/Groups", group_body = empty_group("big " + tag);
    const std::string group = co_await create(session, std::move(group_target), std::move(group_body), kSetup);
    if (!group.empty()) {
      Request add{"PATCH", base_ + "/Groups/" + group, members_body_, kMembers, 204};
      co_await session.send(std::move(add));
      Request unknown{"PATCH", base_ + "/Groups/" + group, unknown_body_, kUnknownMembers, 400};
      co_await session.send(std::move(unknown));
    }

    std::string user_target = base_ + "/Users", user_body = small_user("zz-big-" + tag + "@bench.example");
    const std::string user = co_await create(session, std::move(user_target), std::move(user_body), kSetup);
    if (user.empty()) co_return;
    std::string emails =
        array_patch("add", "emails", bytes_, SIZE_MAX, [&](std::size_t k) { return email_item(tag, k); }, emails_);
    emails_bytes_ = emails.size();
    Request add{"PATCH", base_ + "/Users/" + user, std::move(emails), kEmails, 200, 204};
    co_await session.send(std::move(add));

    if (group_small_.empty()) co_return;
    // the largest value-path remove allowed (255 filter nodes), on --group-small
    Request largest{"PATCH", base_ + "/Groups/" + group_small_, filter_largest_, kFilterLargest, 204};
    co_await session.send(std::move(largest));
  }

 private:
  std::string base_;
  std::string prefix_;
  std::string group_small_;
  std::string group_members_;  // the members of members_body_, as a JSON array's items
  std::size_t bytes_;
  std::size_t members_ = 0;
  std::string members_body_;
  std::string filter_largest_;
  std::size_t unknown_ = 0;
  std::string unknown_body_;
  std::size_t post_bytes_ = 0, post_emails_ = 0, emails_bytes_ = 0, emails_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_noisy_scenario(const Args& args) { return std::make_unique<NoisyScenario>(args); }
std::unique_ptr<Scenario> make_big_writes_scenario(const Args& args) {
  return std::make_unique<BigWritesScenario>(args);
}

}  // namespace kestra::bench
