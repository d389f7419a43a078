#include "key_refold.hpp"

#include "catalogue.hpp"
#include "core/case_fold.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace kestra::adapters {
namespace {

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Whether `text` needs a key other than `key`, that key in `out`.  ASCII
// text folds as before: its key stands.
bool refolded(const std::string& text, const std::string& key, std::string& out) {
  if (is_ascii(text)) return false;
  out = fold_case(text);
  return out != key;
}

// A row whose unique key is to change: `scope` is what the key is unique
// in (the tenant of a group; empty for users).
struct Move {
  std::string id;
  std::string scope;
  std::string key;
};

// Gives each row its new key unless another row holds it.  Repeats while a
// pass moved one, since a key may be freed by a row that moved after; rows
// are in creation order, so the earlier of two that fold alike wins.
// Returns the rows left where they were.
std::vector<Move> move_unique(std::vector<Move> pending, const std::function<bool(const Move&)>& taken,
                              const std::function<void(const Move&)>& update) {
  for (bool moved = true; moved && !pending.empty();) {
    moved = false;
    std::vector<Move> left;
    for (Move& m : pending) {
      if (taken(m)) {
        left.push_back(std::move(m));
        continue;
      }
      update(m);
      moved = true;
    }
    pending = std::move(left);
  }
  return pending;
}

std::string collision(const char* table, const char* column, const std::string& id, const char* what) {
  return "migration 0004_unicode_case_fold: " + std::string(table) + " id '" + id + "' keeps its old " + column +
         ": another row already holds its new key (" + what +
         " that differ only in case under Unicode case folding); rename one of them";
}

Statement once(std::string text) { return {std::move(text), Reuse::Once}; }

// Every SQL text of the re-key, named once.
struct Statements {
  Statement users = once(
      "SELECT id, user_name, user_name_key, display_name, display_name_key FROM scim_users ORDER BY created_at, id");
  Statement set_user_display_key = once("UPDATE scim_users SET display_name_key = :key WHERE id = :id");
  Statement count_other_user_names = once("SELECT COUNT(*) FROM scim_users WHERE user_name_key = :key AND id <> :id");
  Statement set_user_name_key = once("UPDATE scim_users SET user_name_key = :key WHERE id = :id");
  Statement groups =
      once("SELECT id, tenant_id, display_name, display_name_key FROM scim_groups ORDER BY created_at, id");
  Statement count_other_group_names = once(
      "SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND display_name_key = :key AND id <> :id");
  Statement set_group_key = once("UPDATE scim_groups SET display_name_key = :key WHERE id = :id");
  Statement user_values = once(
      "SELECT user_id, attribute, position, value, value_key FROM scim_user_values WHERE value_key IS NOT NULL");
  Statement set_value_key = once(
      "UPDATE scim_user_values SET value_key = :key WHERE user_id = :user AND attribute = :attribute AND "
      "position = :position");
};

}  // namespace
}  // namespace kestra::adapters

namespace kestra::adapters::refold {

struct UserKeys {
  std::string id, name, name_key;
  std::optional<std::string> display, display_key;
};
struct GroupKeys {
  std::string id, tenant, name, key;
};
struct ValueKey {
  std::string user_id, attribute;
  int position = 0;
  std::optional<std::string> value;
  std::string key;
};

}  // namespace kestra::adapters::refold

KESTRA_ROW(kestra::adapters::refold::UserKeys, id, name, name_key, display, display_key)
KESTRA_ROW(kestra::adapters::refold::GroupKeys, id, tenant, name, key)
KESTRA_ROW(kestra::adapters::refold::ValueKey, user_id, attribute, position, value, key)

namespace kestra::adapters {
namespace {

using refold::GroupKeys;
using refold::UserKeys;
using refold::ValueKey;

void refold_users(Session db, const Statements& s, std::vector<std::string>& warnings) {
  std::vector<Move> names;
  std::vector<std::pair<std::string, std::string>> displays;  // id, new key
  std::string key;
  for_each_row<UserKeys>(db, s.users, [&](const UserKeys& row) {
    if (refolded(row.name, row.name_key, key)) names.push_back({row.id, "", key});
    if (row.display && refolded(*row.display, row.display_key.value_or(""), key)) displays.emplace_back(row.id, key);
  });
  for (const auto& [id, new_key] : displays) {
    execute(db, s.set_user_display_key, param("key", new_key), param("id", id));
  }
  const auto left = move_unique(
      std::move(names),
      [&](const Move& m) {
        return count(db, s.count_other_user_names, param("key", m.key), param("id", m.id)) > 0;
      },
      [&](const Move& m) { execute(db, s.set_user_name_key, param("key", m.key), param("id", m.id)); });
  for (const Move& m : left) warnings.push_back(collision("scim_users", "user_name_key", m.id, "two userNames"));
}

void refold_groups(Session db, const Statements& s, std::vector<std::string>& warnings) {
  std::vector<Move> names;
  std::string key;
  for_each_row<GroupKeys>(db, s.groups, [&](const GroupKeys& row) {
    if (refolded(row.name, row.key, key)) names.push_back({row.id, row.tenant, key});
  });
  const auto left = move_unique(
      std::move(names),
      [&](const Move& m) {
        return count(db, s.count_other_group_names, param("tenant", m.scope), param("key", m.key),
                     param("id", m.id)) > 0;
      },
      [&](const Move& m) { execute(db, s.set_group_key, param("key", m.key), param("id", m.id)); });
  for (const Move& m : left) {
    warnings.push_back(collision("scim_groups", "display_name_key", m.id, "two displayNames of one tenant's groups"));
  }
}

// Multi-valued attributes (emails, phoneNumbers, ...): not unique.
void refold_user_values(Session db, const Statements& s) {
  std::vector<ValueKey> changed;
  std::string key;
  for_each_row<ValueKey>(db, s.user_values, [&](const ValueKey& row) {
    if (!row.value || !refolded(*row.value, row.key, key)) return;
    changed.push_back(row);
    changed.back().key = key;
  });
  for (const ValueKey& v : changed) {
    execute(db, s.set_value_key, param("key", v.key), param("user", v.user_id), param("attribute", v.attribute),
            param("position", v.position));
  }
}

}  // namespace

void refold_keys(soci::session& sql, std::vector<std::string>& warnings) {
  const Statements statements;
  StatementCache none;  // every statement here runs once: nothing is kept
  const Session db(sql, none);
  refold_users(db, statements, warnings);
  refold_groups(db, statements, warnings);
  refold_user_values(db, statements);
}

}  // namespace kestra::adapters
