// The exchange types SOCI 4.0.3 lacks (bool, std::optional) and how rows
// are read.  A row whose columns are plain members is declared with
// KESTRA_ROW(Type, member, ...) — Boost.Fusion's BOOST_FUSION_ADAPT_STRUCT
// — and read through the one soci::type_conversion below, its columns by
// position in the order of the SELECT its catalogue writes.  A row that
// computes a field writes its own conversion with columns::read.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/fusion/include/for_each.hpp>
#include <boost/fusion/include/is_sequence.hpp>

#include <soci/session.h>
#include <soci/soci-backend.h>
#include <soci/type-conversion-traits.h>
#include <soci/values.h>
#include <soci/values-exchange.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace soci {

// A flag is an integer column (0 or 1) in every dialect.
template <>
struct type_conversion<bool> {
  typedef int base_type;
  static void from_base(int in, indicator ind, bool& out) {
    if (ind == i_null) throw soci_error("a NULL flag was read");
    out = in != 0;
  }
  static void to_base(bool in, int& out, indicator& ind) {
    out = in ? 1 : 0;
    ind = i_ok;
  }
};

// An absent value is NULL.
template <class T>
struct type_conversion<std::optional<T>> {
  typedef typename type_conversion<T>::base_type base_type;
  static void from_base(const base_type& in, indicator ind, std::optional<T>& out) {
    if (ind == i_null) {
      out.reset();
      return;
    }
    T value;
    type_conversion<T>::from_base(in, ind, value);
    out = std::move(value);
  }
  static void to_base(const std::optional<T>& in, base_type& out, indicator& ind) {
    if (!in) {
      ind = i_null;
      return;
    }
    type_conversion<T>::to_base(*in, out, ind);
  }
};

}  // namespace soci

namespace kestra::adapters::columns {

// Column `i` as an integer, whatever integer type (or text: SQLite's
// COUNT(*) in a subquery) the backend describes it as.
inline long long integer(const soci::values& v, std::size_t i) {
  if (v.get_indicator(i) == soci::i_null) throw soci::soci_error("a NULL number was read");
  switch (v.get_properties(i).get_data_type()) {
    case soci::dt_integer: return v.get<int>(i);
    case soci::dt_long_long: return v.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(v.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(v.get<double>(i));
    case soci::dt_string: return std::stoll(v.get<std::string>(i));
    default: throw soci::soci_error("column " + std::to_string(i) + " is not a number");
  }
}

inline bool flag(const soci::values& v, std::size_t i) { return integer(v, i) != 0; }

// Column `i` as text; nullopt when NULL.
inline std::optional<std::string> optional_text(const soci::values& v, std::size_t i) {
  if (v.get_indicator(i) == soci::i_null) return std::nullopt;
  if (v.get_properties(i).get_data_type() == soci::dt_string) return v.get<std::string>(i);
  return std::to_string(integer(v, i));
}

inline std::string text(const soci::values& v, std::size_t i) {
  auto value = optional_text(v, i);
  if (!value) throw soci::soci_error("column " + std::to_string(i) + " is NULL");
  return *std::move(value);
}

namespace detail {

inline void read_one(const soci::values& v, std::size_t i, std::string& out) { out = text(v, i); }
inline void read_one(const soci::values& v, std::size_t i, std::optional<std::string>& out) {
  out = optional_text(v, i);
}
inline void read_one(const soci::values& v, std::size_t i, bool& out) { out = flag(v, i); }
template <class Integer, std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
void read_one(const soci::values& v, std::size_t i, Integer& out) {
  out = static_cast<Integer>(integer(v, i));
}

}  // namespace detail

// Reads the row's columns, in order, into `fields`: text, optional text,
// flags and integers, whatever type the backend describes each as.
template <class... Field>
void read(const soci::values& v, Field&... fields) {
  std::size_t i = 0;
  (detail::read_one(v, i++, fields), ...);
}

}  // namespace kestra::adapters::columns

// A row of plain members, named in column order (global namespace).
#define KESTRA_ROW(Type, ...) BOOST_FUSION_ADAPT_STRUCT(Type, __VA_ARGS__)

namespace soci {

// Every row declared with KESTRA_ROW: each member from its column, in order.
template <class Row>
struct type_conversion<Row, std::enable_if_t<boost::fusion::traits::is_sequence<Row>::value>> {
  typedef values base_type;
  static void from_base(const values& v, indicator, Row& out) {
    std::size_t i = 0;
    boost::fusion::for_each(out, [&](auto& field) { kestra::adapters::columns::detail::read_one(v, i++, field); });
  }
};

}  // namespace soci
