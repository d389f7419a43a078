#include "scim/filter/grammar.hpp"
#include "core/text.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace kestra::scim::filter::detail {
namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_char(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; }
bool is_word_start(char c) { return is_alpha(c) || c == '$'; }
bool is_word_char(char c) { return is_name_char(c) || c == ':' || c == '.' || c == '$'; }
// ATTRNAME = ALPHA *(nameChar), with "$ref"-style names allowed.
bool valid_name(std::string_view name) {
  if (!name.empty() && name.front() == '$') name.remove_prefix(1);
  if (name.empty() || !is_alpha(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool valid_urn(std::string_view urn) {
  if (urn.size() < 5 || !iequals(urn.substr(0, 4), "urn:")) return false;
  char previous = ':';
  for (char c : urn.substr(4)) {
    if (!is_name_char(c) && c != '.' && c != ':') return false;
    if (c == ':' && previous == ':') return false;
    previous = c;
  }
  return previous != ':';
}

struct OperatorName {
  std::string_view name;
  CompareOp op;
};
constexpr std::array<OperatorName, 9> kOperators{{{"eq", CompareOp::Eq},
                                                  {"ne", CompareOp::Ne},
                                                  {"co", CompareOp::Co},
                                                  {"sw", CompareOp::Sw},
                                                  {"ew", CompareOp::Ew},
                                                  {"gt", CompareOp::Gt},
                                                  {"ge", CompareOp::Ge},
                                                  {"lt", CompareOp::Lt},
                                                  {"le", CompareOp::Le}}};

std::optional<CompareOp> compare_op(std::string_view text) {
  for (const auto& entry : kOperators) {
    if (iequals(entry.name, text)) return entry.op;
  }
  return std::nullopt;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a \u escape (four hex digits) whose backslash is at `at`.
std::optional<std::uint32_t> unicode_escape(std::string_view s, std::size_t at) {
  if (at + 6 > s.size() || s[at] != '\\' || s[at + 1] != 'u') return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const int digit = hex_value(s[i]);
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<std::uint32_t>(digit);
  }
  return value;
}

// Echoes input in messages: at most 40 bytes, cut on a UTF-8 boundary.
std::string quoted(std::string_view text) {
  std::size_t shown = 40;
  if (text.size() <= shown) return "'" + std::string(text) + "'";
  while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) --shown;
  return "'" + std::string(text.substr(0, shown)) + "…'";
}

constexpr std::string_view kOperatorList = "eq, ne, co, sw, ew, gt, ge, lt, le or pr";

}  // namespace

Grammar::Grammar(std::string_view input, const Limits& limits, std::string_view subject, std::string_view scim_type)
    : input_(input), limits_(limits), subject_(subject), scim_type_(scim_type) {}

std::nullptr_t Grammar::fail(std::string what, std::size_t offset) {
  if (error_) return nullptr;
  std::string where = offset >= input_.size()
                          ? " at the end of the " + std::string(subject_) + " (position " + std::to_string(offset + 1) + ")"
                          : " at position " + std::to_string(offset + 1);
  error_ = Error::invalid("Invalid " + std::string(subject_) + ": " + what + where + ".", std::string(scim_type_));
  return nullptr;
}

std::string Grammar::describe_current() const {
  if (token_.kind == TokenKind::End) return "nothing";
  return quoted(token_.text);
}

bool Grammar::is_keyword(std::string_view keyword) const {
  return token_.kind == TokenKind::Word && iequals(token_.text, keyword);
}

bool Grammar::enter_group(std::size_t offset) {
  if (++depth_ <= limits_.max_depth) return true;
  fail("groups nest deeper than " + std::to_string(limits_.max_depth) + " levels", offset);
  return false;
}

NodePtr Grammar::make(decltype(Node::value) value) {
  if (++nodes_ > limits_.max_nodes) {
    return fail("more than " + std::to_string(limits_.max_nodes) + " nodes", token_.offset);
  }
  return std::make_unique<Node>(Node{std::move(value)});
}

// ---- Lexer ----------------------------------------------------------------

bool Grammar::advance() {
  while (cursor_ < input_.size() && is_space(input_[cursor_])) ++cursor_;
  token_.decoded.clear();
  const std::size_t start = cursor_;
  if (start >= input_.size()) {
    token_.kind = TokenKind::End;
    token_.text = {};
    token_.offset = input_.size();
    return true;
  }
  const char c = input_[start];
  const auto single = [&](TokenKind kind) {
    token_.kind = kind;
    token_.text = input_.substr(start, 1);
    token_.offset = start;
    ++cursor_;
    return true;
  };
  switch (c) {
    case '(': return single(TokenKind::LParen);
    case ')': return single(TokenKind::RParen);
    case '[': return single(TokenKind::LBracket);
    case ']': return single(TokenKind::RBracket);
    case '.': return single(TokenKind::Dot);
    case '"': return lex_string(start);
    default: break;
  }
  if (c == '-' || is_digit(c)) return lex_number(start);
  if (is_word_start(c)) {
    std::size_t end = start + 1;
    while (end < input_.size() && is_word_char(input_[end])) ++end;
    token_.kind = TokenKind::Word;
    token_.text = input_.substr(start, end - start);
    token_.offset = start;
    cursor_ = end;
    return true;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte >= 0x7F) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    fail(std::string("unexpected byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF], start);
  } else if (c == '\'') {
    fail("unexpected character ' (strings take double quotes)", start);
  } else {
    fail(std::string("unexpected character '") + c + "'", start);
  }
  return false;
}

bool Grammar::lex_string(std::size_t start) {
  std::string value;
  std::size_t i = start + 1;
  while (true) {
    if (i >= input_.size()) {
      fail("unterminated string (the closing '\"' is missing) starting", start);
      return false;
    }
    const char c = input_[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"') break;
    if (byte < 0x20) {
      fail("unescaped control character in a string", i);
      return false;
    }
    if (byte >= 0x80) {
      char32_t decoded = 0;
      const std::size_t length = utf8::decode(input_, i, decoded);
      if (length == 0) {
        fail("invalid UTF-8 in a string", i);
        return false;
      }
      value.append(input_.substr(i, length));
      i += length;
      continue;
    }
    if (c != '\\') {
      value += c;
      ++i;
      continue;
    }
    if (i + 1 >= input_.size()) {
      fail("unterminated string (the closing '\"' is missing) starting", start);
      return false;
    }
    const char escaped = input_[i + 1];
    switch (escaped) {
      case '"': value += '"'; break;
      case '\\': value += '\\'; break;
      case '/': value += '/'; break;
      case 'b': value += '\b'; break;
      case 'f': value += '\f'; break;
      case 'n': value += '\n'; break;
      case 'r': value += '\r'; break;
      case 't': value += '\t'; break;
      case 'u': {
        auto cp = unicode_escape(input_, i);
        if (!cp) {
          fail("invalid \\u escape (four hex digits expected) in a string", i);
          return false;
        }
        std::size_t consumed = 6;
        if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
          fail("unpaired UTF-16 low surrogate in a string", i);
          return false;
        }
        if (*cp >= 0xD800 && *cp <= 0xDBFF) {
          auto low = unicode_escape(input_, i + 6);
          if (!low || *low < 0xDC00 || *low > 0xDFFF) {
            fail("unpaired UTF-16 high surrogate in a string", i);
            return false;
          }
          *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          consumed = 12;
        }
        if (*cp == 0) {
          fail("\\u0000 is not allowed in a string", i);
          return false;
        }
        utf8::append(value, *cp);
        i += consumed;
        continue;
      }
      default:
        fail(std::string("invalid escape '\\") + escaped + "' in a string", i);
        return false;
    }
    i += 2;
  }
  token_.kind = TokenKind::String;
  token_.text = input_.substr(start, i + 1 - start);
  token_.offset = start;
  token_.decoded = std::move(value);
  cursor_ = i + 1;
  return true;
}

// JSON number: -? (0 / [1-9][0-9]*) [. [0-9]+] [(e/E) [+/-] [0-9]+]
bool Grammar::lex_number(std::size_t start) {
  std::size_t i = start;
  const auto digits = [&] {
    const std::size_t first = i;
    while (i < input_.size() && is_digit(input_[i])) ++i;
    return i > first;
  };
  bool ok = true;
  if (input_[i] == '-') ++i;
  if (i < input_.size() && input_[i] == '0') {
    ++i;
  } else {
    ok = digits();
  }
  if (ok && i < input_.size() && input_[i] == '.') {
    ++i;
    ok = digits();
  }
  if (ok && i < input_.size() && (input_[i] == 'e' || input_[i] == 'E')) {
    ++i;
    if (i < input_.size() && (input_[i] == '+' || input_[i] == '-')) ++i;
    ok = digits();
  }
  if (ok && i < input_.size() && (is_word_char(input_[i]) || input_[i] == '"')) ok = false;
  if (!ok) {
    std::size_t end = i;
    while (end < input_.size() && (is_word_char(input_[end]) || input_[end] == '+')) ++end;
    fail("malformed number " + quoted(input_.substr(start, std::max(end, i) - start)), start);
    return false;
  }
  token_.kind = TokenKind::Number;
  token_.text = input_.substr(start, i - start);
  token_.offset = start;
  cursor_ = i;
  return true;
}

// ---- Parser ---------------------------------------------------------------

std::optional<Error> Grammar::begin() {
  const std::string invalid = "Invalid " + std::string(subject_) + ": ";
  if (input_.size() > limits_.max_length) {
    return Error::invalid(invalid + "it is " + std::to_string(input_.size()) + " bytes long; the limit is " +
                              std::to_string(limits_.max_length) + ".",
                          std::string(scim_type_));
  }
  if (!advance()) return *error_;
  if (token_.kind == TokenKind::End) {
    return Error::invalid(invalid + "the " + std::string(subject_) + " is empty.", std::string(scim_type_));
  }
  return std::nullopt;
}

Result<NodePtr> Grammar::whole_filter() {
  if (auto refused = begin()) return *refused;
  auto node = or_expression();
  if (!node) return *error_;
  if (token_.kind == TokenKind::RParen) {
    fail("')' without a matching '('", token_.offset);
  } else if (token_.kind == TokenKind::RBracket) {
    fail("']' without a matching '['", token_.offset);
  } else if (token_.kind != TokenKind::End) {
    fail("expected 'and', 'or' or the end of the filter, found " + describe_current(), token_.offset);
  }
  if (error_) return *error_;
  return node;
}

Result<PatchPath> Grammar::whole_patch_path() {
  if (auto refused = begin()) return *refused;
  if (token_.kind != TokenKind::Word) {
    fail("expected an attribute name, found " + describe_current(), token_.offset);
    return *error_;
  }
  const Token word = token_;
  auto attribute = attribute_path(word);
  if (!attribute || !advance()) return *error_;
  PatchPath path{std::move(*attribute), nullptr, {}};
  if (token_.kind == TokenKind::LBracket) {
    if (!path.attribute.sub_attribute.empty()) {
      fail("a value filter '[…]' applies to a multi-valued attribute, not to the sub-attribute " + quoted(word.text),
           token_.offset);
      return *error_;
    }
    path.value_filter = value_filter(token_.offset);
    if (!path.value_filter) return *error_;
    if (token_.kind == TokenKind::Dot) {
      const std::size_t dot = token_.offset;
      if (!advance()) return *error_;
      auto sub = sub_attribute_after_filter(dot);
      if (!sub || !advance()) return *error_;
      path.sub_attribute_after_filter = std::move(*sub);
    }
  }
  if (token_.kind != TokenKind::End) {
    fail("unexpected " + describe_current() + " after the path", token_.offset);
    return *error_;
  }
  return path;
}

// A left-associative chain "operand (keyword operand)*", the ABNF's
// precedence: `or` binds looser than `and`, which binds looser than `not`.
template <class Join>
NodePtr Grammar::chain(std::string_view keyword, NodePtr (Grammar::*operand)()) {
  auto left = (this->*operand)();
  while (left && is_keyword(keyword)) {
    if (!advance()) return nullptr;
    auto right = (this->*operand)();
    if (!right) return nullptr;
    left = make(Join{std::move(left), std::move(right)});
  }
  return left;
}

NodePtr Grammar::or_expression() { return chain<Or>("or", &Grammar::and_expression); }

NodePtr Grammar::and_expression() { return chain<And>("and", &Grammar::not_expression); }

NodePtr Grammar::not_expression() {
  if (!is_keyword("not")) return atom();
  if (!advance()) return nullptr;
  if (token_.kind != TokenKind::LParen) {
    return fail("'not' must be followed by '(' as in not (…), found " + describe_current(), token_.offset);
  }
  auto inner = group();
  if (!inner) return nullptr;
  return make(Not{std::move(inner)});
}

NodePtr Grammar::atom() {
  if (token_.kind == TokenKind::LParen) return group();
  if (token_.kind == TokenKind::Word && !is_keyword("and") && !is_keyword("or")) return attribute_expression();
  return fail("expected an attribute path, 'not' or '(', found " + describe_current(), token_.offset);
}

NodePtr Grammar::enclosed(std::size_t open, TokenKind close, std::string_view empty) {
  if (!enter_group(open) || !advance()) return nullptr;
  if (token_.kind == close) return fail(std::string(empty), open);
  auto inner = or_expression();
  if (!inner) return nullptr;
  if (token_.kind != close) {
    const char closing = close == TokenKind::RParen ? ')' : ']';
    return fail(std::string("expected '") + closing + "' to close the '" + input_[open] + "' at position " +
                    std::to_string(open + 1) + ", found " + describe_current(),
                token_.offset);
  }
  leave_group();
  if (!advance()) return nullptr;
  return inner;
}

NodePtr Grammar::group() { return enclosed(token_.offset, TokenKind::RParen, "empty parentheses"); }

NodePtr Grammar::value_filter(std::size_t open_offset) {
  if (in_value_filter_) return fail("nested value paths ('[' inside '[…]') are not allowed", open_offset);
  in_value_filter_ = true;
  auto inner = enclosed(open_offset, TokenKind::RBracket, "empty value filter '[]'");
  in_value_filter_ = false;
  return inner;
}

NodePtr Grammar::attribute_expression() {
  const Token word = token_;
  auto path = attribute_path(word);
  if (!path || !advance()) return nullptr;
  if (token_.kind != TokenKind::LBracket) return operator_tail(std::move(*path), word.text);
  if (!path->sub_attribute.empty()) {
    return fail("a value path '[…]' applies to a multi-valued attribute, not to the sub-attribute " +
                    quoted(word.text),
                token_.offset);
  }
  auto filter = value_filter(token_.offset);
  if (!filter) return nullptr;
  if (token_.kind == TokenKind::Dot) {
    // Microsoft Entra: emails[type eq "work"].value eq "x" → emails[type eq "work" and value eq "x"].
    const std::size_t dot = token_.offset;
    if (!advance()) return nullptr;
    auto sub = sub_attribute_after_filter(dot);
    if (!sub || !advance()) return nullptr;
    const std::string shown = std::string(word.text) + "[…]." + *sub;
    auto condition = operator_tail(AttrPath{{}, std::move(*sub), {}}, shown);
    if (!condition) return nullptr;
    filter = make(And{std::move(filter), std::move(condition)});
    if (!filter) return nullptr;
  }
  return make(ValuePath{std::move(*path), std::move(filter)});
}

NodePtr Grammar::operator_tail(AttrPath path, std::string_view path_text) {
  if (token_.kind != TokenKind::Word) {
    return fail("expected an operator (" + std::string(kOperatorList) + ") after " + quoted(path_text) + ", found " +
                    describe_current(),
                token_.offset);
  }
  const Token op_word = token_;
  if (iequals(op_word.text, "pr")) {
    if (!advance()) return nullptr;
    if (token_.kind == TokenKind::String || token_.kind == TokenKind::Number || is_keyword("true") ||
        is_keyword("false") || is_keyword("null")) {
      return fail("'pr' takes no value, found " + describe_current(), token_.offset);
    }
    return make(Present{std::move(path)});
  }
  const auto op = compare_op(op_word.text);
  if (!op) {
    return fail("unknown operator " + quoted(op_word.text) + " after " + quoted(path_text) + " (expected " +
                    std::string(kOperatorList) + ")",
                op_word.offset);
  }
  if (!advance()) return nullptr;
  auto value = literal(op_word.text);
  if (!value) return nullptr;
  return make(Compare{std::move(path), *op, std::move(*value)});
}

std::optional<Literal> Grammar::literal(std::string_view op_text) {
  Literal value;
  switch (token_.kind) {
    case TokenKind::String:
      value.kind = Literal::Kind::String;
      value.text = std::move(token_.decoded);
      break;
    case TokenKind::Number:
      value.kind = Literal::Kind::Number;
      value.text = std::string(token_.text);
      break;
    case TokenKind::Word:
      if (is_keyword("true") || is_keyword("false")) {
        value.kind = Literal::Kind::Boolean;
        value.boolean = is_keyword("true");
      } else if (is_keyword("null")) {
        value.kind = Literal::Kind::Null;
      } else {
        fail("the value of " + quoted(op_text) +
                 " must be a JSON string (in double quotes), number, true, false or null, found " +
                 describe_current(),
             token_.offset);
        return std::nullopt;
      }
      break;
    default:
      fail("operator " + quoted(op_text) + " needs a value (a string, number, true, false or null), found " +
               describe_current(),
           token_.offset);
      return std::nullopt;
  }
  if (!advance()) return std::nullopt;
  return value;
}

std::optional<AttrPath> Grammar::attribute_path(const Token& word) {
  const std::string_view text = word.text;
  std::string_view urn;
  std::string_view rest = text;
  std::size_t rest_offset = word.offset;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    if (in_value_filter_) {
      fail("inside '[…]' attributes are relative to the element, so " + quoted(text) + " cannot name a schema",
           word.offset);
      return std::nullopt;
    }
    urn = text.substr(0, colon);
    rest = text.substr(colon + 1);
    rest_offset += colon + 1;
    if (!valid_urn(urn)) {
      fail(quoted(urn) + " is not a schema URN (urn:…)", word.offset);
      return std::nullopt;
    }
    if (rest.empty()) {
      fail(quoted(text) + " names a schema but no attribute", word.offset);
      return std::nullopt;
    }
  }
  const auto dot = rest.find('.');
  const std::string_view attribute = rest.substr(0, dot);
  const std::string_view sub = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  if (!valid_name(attribute)) {
    fail(quoted(attribute) + " is not a valid attribute name", rest_offset);
    return std::nullopt;
  }
  if (dot != std::string_view::npos) {
    if (sub.find('.') != std::string_view::npos) {
      fail(quoted(text) + " goes deeper than one sub-attribute", word.offset);
      return std::nullopt;
    }
    if (!valid_name(sub)) {
      fail(quoted(sub) + " is not a valid sub-attribute name", rest_offset + dot + 1);
      return std::nullopt;
    }
    if (in_value_filter_) {
      fail("inside '[…]' attributes are relative to the element, so " + quoted(text) +
               " cannot have a sub-attribute",
           word.offset);
      return std::nullopt;
    }
  }
  return AttrPath{std::string(urn), std::string(attribute), std::string(sub)};
}

std::optional<std::string> Grammar::sub_attribute_after_filter(std::size_t dot_offset) {
  if (token_.kind != TokenKind::Word || token_.offset != dot_offset + 1 || !valid_name(token_.text)) {
    fail("expected a sub-attribute name right after '].', found " + describe_current(), token_.offset);
    return std::nullopt;
  }
  return std::string(token_.text);
}

}  // namespace kestra::scim::filter::detail
