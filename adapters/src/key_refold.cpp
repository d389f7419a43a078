#include "key_refold.hpp"

#include "core/case_fold.hpp"

#include <soci/into.h>
#include <soci/statement.h>
#include <soci/use.h>

#include <algorithm>
#include <functional>
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

void refold_users(soci::session& sql, std::vector<std::string>& warnings) {
  std::vector<Move> names;
  std::vector<std::pair<std::string, std::string>> displays;  // id, new key
  {
    std::string id, name, name_key, display, display_key;
    soci::indicator display_ind = soci::i_ok, display_key_ind = soci::i_ok;
    soci::statement st = (sql.prepare << "SELECT id, user_name, user_name_key, display_name, display_name_key "
                                         "FROM scim_users ORDER BY created_at, id",
                          soci::into(id), soci::into(name), soci::into(name_key), soci::into(display, display_ind),
                          soci::into(display_key, display_key_ind));
    st.execute();
    std::string key;
    while (st.fetch()) {
      if (refolded(name, name_key, key)) names.push_back({id, "", key});
      if (display_ind != soci::i_ok) continue;
      if (refolded(display, display_key_ind == soci::i_ok ? display_key : std::string(), key)) {
        displays.emplace_back(id, key);
      }
    }
  }
  for (const auto& [id, key] : displays) {
    sql << "UPDATE scim_users SET display_name_key = :key WHERE id = :id", soci::use(key, "key"),
        soci::use(id, "id");
  }
  const auto left = move_unique(
      std::move(names),
      [&](const Move& m) {
        long long others = 0;
        sql << "SELECT COUNT(*) FROM scim_users WHERE user_name_key = :key AND id <> :id", soci::into(others),
            soci::use(m.key, "key"), soci::use(m.id, "id");
        return others > 0;
      },
      [&](const Move& m) {
        sql << "UPDATE scim_users SET user_name_key = :key WHERE id = :id", soci::use(m.key, "key"),
            soci::use(m.id, "id");
      });
  for (const Move& m : left) warnings.push_back(collision("scim_users", "user_name_key", m.id, "two userNames"));
}

void refold_groups(soci::session& sql, std::vector<std::string>& warnings) {
  std::vector<Move> names;
  {
    std::string id, tenant, name, key;
    soci::statement st = (sql.prepare << "SELECT id, tenant_id, display_name, display_name_key FROM scim_groups "
                                         "ORDER BY created_at, id",
                          soci::into(id), soci::into(tenant), soci::into(name), soci::into(key));
    st.execute();
    std::string new_key;
    while (st.fetch()) {
      if (refolded(name, key, new_key)) names.push_back({id, tenant, new_key});
    }
  }
  const auto left = move_unique(
      std::move(names),
      [&](const Move& m) {
        long long others = 0;
        sql << "SELECT COUNT(*) FROM scim_groups WHERE tenant_id = :tenant AND display_name_key = :key AND id <> :id",
            soci::into(others), soci::use(m.scope, "tenant"), soci::use(m.key, "key"), soci::use(m.id, "id");
        return others > 0;
      },
      [&](const Move& m) {
        sql << "UPDATE scim_groups SET display_name_key = :key WHERE id = :id", soci::use(m.key, "key"),
            soci::use(m.id, "id");
      });
  for (const Move& m : left) {
    warnings.push_back(collision("scim_groups", "display_name_key", m.id, "two displayNames of one tenant's groups"));
  }
}

// Multi-valued attributes (emails, phoneNumbers, ...): not unique.
void refold_user_values(soci::session& sql) {
  struct Value {
    std::string user_id;
    std::string attribute;
    int position;
    std::string key;
  };
  std::vector<Value> changed;
  {
    std::string user_id, attribute, value, key;
    int position = 0;
    soci::indicator value_ind = soci::i_ok;
    soci::statement st = (sql.prepare << "SELECT user_id, attribute, position, value, value_key FROM scim_user_values "
                                         "WHERE value_key IS NOT NULL",
                          soci::into(user_id), soci::into(attribute), soci::into(position),
                          soci::into(value, value_ind), soci::into(key));
    st.execute();
    std::string new_key;
    while (st.fetch()) {
      if (value_ind != soci::i_ok || !refolded(value, key, new_key)) continue;
      changed.push_back({user_id, attribute, position, new_key});
    }
  }
  for (const Value& v : changed) {
    sql << "UPDATE scim_user_values SET value_key = :key WHERE user_id = :user AND attribute = :attribute AND "
           "position = :position",
        soci::use(v.key, "key"), soci::use(v.user_id, "user"), soci::use(v.attribute, "attribute"),
        soci::use(v.position, "position");
  }
}

}  // namespace

void refold_keys(soci::session& sql, std::vector<std::string>& warnings) {
  refold_users(sql, warnings);
  refold_groups(sql, warnings);
  refold_user_values(sql);
}

}  // namespace kestra::adapters
