#include "filter_columns.hpp"

#include "filter_sql.hpp"
#include "user_attributes.hpp"

#include <chrono>
#include <iterator>
#include <optional>

namespace kestra::adapters {
namespace whitelist {

namespace f = scim::filter;

std::string describe(const f::AttrPath& path) {
  std::string text = path.urn.empty() ? "" : path.urn + ":";
  text += path.attribute;
  if (!path.sub_attribute.empty()) text += "." + path.sub_attribute;
  return text;
}

const UserColumnTables& user_columns() {
  static const UserColumnTables tables = [] {
    UserColumnTables t;
    // No reallocation: the views stay valid.
    t.texts.reserve(kUserAttributeCount + std::size(kUserMultiValued));
    t.subs.reserve(std::size(kUserMultiValued));
    t.core.assign(std::begin(kFixedUserColumns), std::end(kFixedUserColumns));
    for (const UserAttribute& a : kUserAttributes) {
      t.texts.push_back("u." + std::string(a.column) + (a.keyed ? "_key" : ""));
      const Column column{a.path, t.texts.back(), a.keyed ? Kind::Key : Kind::CaseIgnored, true};
      (a.enterprise ? t.enterprise : t.core).push_back(column);
    }
    for (const UserMultiValued& m : kUserMultiValued) {
      auto& subs = t.subs.emplace_back();
      subs.push_back({m.value_member, m.keyed ? "v.value_key" : "v.value", m.keyed ? Kind::Key : Kind::Exact, true});
      subs.push_back(kTypeSub);
      subs.push_back(kPrimarySub);
      if (m.display) subs.push_back(kDisplaySub);
      t.texts.push_back(ascii_lower(m.name));
      // An element's `value` is what the attribute alone compares; an
      // address has none.
      const std::string_view default_sub = m.value_member == "value" ? m.value_member : "";
      t.children.push_back({t.texts.back(), m.name, ChildTable::UserValues, default_sub, subs, false});
    }
    t.children.insert(t.children.end(), std::begin(kFixedUserChildren), std::end(kFixedUserChildren));
    return t;
  }();
  return tables;
}

Path normalise(const f::AttrPath& path) {
  Path out{ascii_lower(path.urn), ascii_lower(path.attribute), ascii_lower(path.sub_attribute), describe(path)};
  if (out.urn.empty()) {
    const std::size_t colon = out.attribute.rfind(':');
    if (colon != std::string::npos) {
      out.urn = out.attribute.substr(0, colon);
      out.attribute = out.attribute.substr(colon + 1);
    }
  }
  if (out.sub.empty()) {
    const std::size_t dot = out.attribute.find('.');
    if (dot != std::string::npos) {
      out.sub = out.attribute.substr(dot + 1);
      out.attribute = out.attribute.substr(0, dot);
    }
  }
  return out;
}

const Column* find_column(std::span<const Column> columns, std::string_view path) {
  for (const Column& c : columns) {
    if (c.path == path) return &c;
  }
  return nullptr;
}

const Child* find_child(std::span<const Child> children, std::string_view name) {
  for (const Child& c : children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Error invalid_filter(std::string detail) { return Error::invalid(std::move(detail), "invalidFilter"); }

// The outer row's id IN the ids of child rows meeting `condition`: one
// child row meets all of it.  IN over an uncorrelated subquery lets the
// engines start from the child table's index.
std::string child_subquery(const Child& child, FilterTarget target, const ports::Scope& scope,
                           const std::string& condition, SqlParams& params) {
  const std::string_view outer = target == FilterTarget::Users ? "a.user_id" : "g.id";
  switch (child.table) {
    case ChildTable::UserValues:
      return "(" + std::string(outer) + " IN (SELECT v.user_id FROM scim_user_values v WHERE v.attribute = " +
             params.text(std::string(child.stored_name)) + " AND " + condition + "))";
    case ChildTable::UserGroups:
      return "(" + std::string(outer) +
             " IN (SELECT m.member_id FROM scim_group_members m JOIN scim_groups mg ON mg.id = m.group_id "
             "WHERE m.tenant_id = " +
             params.text(scope.tenant_id) + " AND " + condition + "))";
    case ChildTable::GroupMembers:
      return "(" + std::string(outer) + " IN (SELECT m.group_id FROM scim_group_members m WHERE m.tenant_id = " +
             params.text(scope.tenant_id) + " AND " + condition + "))";
    case ChildTable::ExternalId:
      return "(" + std::string(outer) +
             " IN (SELECT e.resource_id FROM scim_external_ids e WHERE e.integration_id = " +
             params.text(scope.integration_id) + " AND e.resource_type = " +
             params.text(target == FilterTarget::Users ? "User" : "Group") + " AND " + condition + "))";
  }
  return "1 = 0";
}

namespace {

// Each operator's name and, for an ordered compare, its SQL.
struct Operator {
  f::CompareOp op;
  std::string_view name;
  std::string_view sql;
};
constexpr Operator kOperators[] = {
    {f::CompareOp::Eq, "eq", " = "}, {f::CompareOp::Ne, "ne", " = "}, {f::CompareOp::Co, "co", " = "},
    {f::CompareOp::Sw, "sw", " = "}, {f::CompareOp::Ew, "ew", " = "}, {f::CompareOp::Gt, "gt", " > "},
    {f::CompareOp::Ge, "ge", " >= "}, {f::CompareOp::Lt, "lt", " < "}, {f::CompareOp::Le, "le", " <= "},
};

const Operator* find_operator(f::CompareOp op) {
  for (const Operator& o : kOperators) {
    if (o.op == op) return &o;
  }
  return nullptr;
}

}  // namespace

std::string_view op_name(f::CompareOp op) {
  const Operator* o = find_operator(op);
  return o != nullptr ? o->name : "?";
}

std::string_view sql_order(f::CompareOp op) {
  const Operator* o = find_operator(op);
  return o != nullptr ? o->sql : " = ";
}

bool is_like(f::CompareOp op) { return op == f::CompareOp::Co || op == f::CompareOp::Sw || op == f::CompareOp::Ew; }

}  // namespace whitelist

namespace {

using namespace whitelist;

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t at = text.find(from); at != std::string_view::npos; at = text.find(from, start)) {
    out.append(text.substr(start, at - start));
    out.append(to);
    start = at + from.size();
  }
  out.append(text.substr(start));
  return out;
}

bool digits(std::string_view text, std::size_t at, std::size_t n) {
  if (at + n > text.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int number(std::string_view text, std::size_t at, std::size_t n) {
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) value = value * 10 + (text[i] - '0');
  return value;
}


}  // namespace

std::string member_display_sql(std::string_view alias) { return replace_all(kMemberDisplay, "{m}", alias); }

std::string member_rows_sql(std::string_view group_param) {
  // DISTINCT (member_id is unique in a group, so it changes nothing) keeps
  // PostgreSQL and SQLite from pulling the subquery up into its reader,
  // which would copy the display lookup into every term again.
  return "(SELECT DISTINCT m.member_id, m.member_type, " + member_display_sql("m") +
         " AS display FROM scim_group_members m WHERE m.group_id = " + std::string(group_param) + ") d";
}

Result<SortColumn> sort_column(const Dialect& dialect, FilterTarget target,
                               const std::optional<ports::SortKey>& sort) {
  if (target == FilterTarget::Members) return invalid_filter("group members cannot be sorted");
  if (!sort) {
    if (target == FilterTarget::Users) return SortColumn{"meta.created", "a.created_at", false, false};
    return SortColumn{"meta.created", "g.created_at", false, false};
  }
  f::AttrPath written;
  written.attribute = sort->attribute;
  Path path = normalise(written);
  const std::string full = path.sub.empty() ? path.attribute : path.attribute + "." + path.sub;

  const Column* column = nullptr;
  std::string schema = "core";
  if (target == FilterTarget::Users && path.urn == kEnterpriseUrn) {
    column = find_column(user_columns().enterprise, path.attribute == "manager" && path.sub.empty() ? "manager.value" : full);
    schema = "enterprise";
  } else if (path.urn.empty() || path.urn == (target == FilterTarget::Users ? kCoreUserUrn : kCoreGroupUrn)) {
    column = find_column(target == FilterTarget::Users ? std::span<const Column>(user_columns().core)
                                                       : std::span<const Column>(kGroupColumns),
                         full);
    if (column == nullptr) column = find_column(kExternalIdSort, full);
  }
  if (column == nullptr) {
    return invalid_filter("sortBy '" + sort->attribute + "' is not a singular attribute that " +
                          (target == FilterTarget::Users ? "Users" : "Groups") + " can be sorted by");
  }
  SortColumn out;
  out.attribute = schema + ":" + std::string(column->path);
  out.nullable = column->nullable;
  out.integer = column->kind == Kind::Boolean;
  switch (column->kind) {
    case Kind::CaseIgnored: out.expression = "LOWER(" + std::string(column->expression) + ")"; break;
    case Kind::Exact: out.expression = dialect.exact_text(column->expression); break;
    default: out.expression = std::string(column->expression); break;
  }
  return out;
}

std::optional<std::string> normalise_date_time(std::string_view text) {
  // YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]
  if (!digits(text, 0, 4) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
      !digits(text, 8, 2) || (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2) || text[13] != ':' ||
      !digits(text, 14, 2) || text[16] != ':' || !digits(text, 17, 2)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{year(number(text, 0, 4)), month(static_cast<unsigned>(number(text, 5, 2))),
                            day(static_cast<unsigned>(number(text, 8, 2)))};
  const int hh = number(text, 11, 2);
  const int mi = number(text, 14, 2);
  const int ss = number(text, 17, 2);
  if (!date.ok() || hh > 23 || mi > 59 || ss > 59) return std::nullopt;

  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - first < 3) millis = millis * 10 + (text[at] - '0');
      ++at;
    }
    if (at == first) return std::nullopt;
    for (std::size_t n = at - first; n < 3; ++n) millis *= 10;
  }
  int offset_minutes = 0;
  if (at < text.size()) {
    if (text[at] == 'Z' || text[at] == 'z') {
      ++at;
    } else if (text[at] == '+' || text[at] == '-') {
      if (!digits(text, at + 1, 2) || at + 3 >= text.size() || text[at + 3] != ':' || !digits(text, at + 4, 2)) {
        return std::nullopt;
      }
      const int oh = number(text, at + 1, 2);
      const int om = number(text, at + 4, 2);
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
      at += 6;
    } else {
      return std::nullopt;
    }
  }
  if (at != text.size()) return std::nullopt;

  const sys_time<milliseconds> instant =
      sys_days(date) + hours(hh) + minutes(mi) + seconds(ss) + milliseconds(millis) - minutes(offset_minutes);
  const auto day_point = floor<days>(instant);
  const year_month_day utc_date{day_point};
  const hh_mm_ss time{instant - day_point};
  if (static_cast<int>(utc_date.year()) < 0 || static_cast<int>(utc_date.year()) > 9999) return std::nullopt;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(utc_date.year()),
                static_cast<unsigned>(utc_date.month()), static_cast<unsigned>(utc_date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return std::string(buf);
}

}  // namespace kestra::adapters
