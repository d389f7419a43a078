// Internal to scim/filter: the lexer and recursive-descent parser shared by
// parse_filter and parse_patch_path.
#pragma once

#include "core/result.hpp"
#include "scim/filter/ast.hpp"
#include "scim/filter/parser.hpp"
#include "scim/filter/patch_path.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kestra::scim::filter::detail {

enum class TokenKind { End, LParen, RParen, LBracket, RBracket, Dot, Word, String, Number };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // as written
  std::size_t offset = 0;
  std::string decoded;  // String: the unescaped value
};

class Grammar {
 public:
  // `subject` names the input in messages ("filter", "path"); `scim_type` is
  // the scimType of every error.
  Grammar(std::string_view input, const Limits& limits, std::string_view subject, std::string_view scim_type);

  Result<NodePtr> whole_filter();
  Result<PatchPath> whole_patch_path();

 private:
  // Lexer.  Each returns false after recording an error.
  bool advance();
  bool lex_string(std::size_t start);
  bool lex_number(std::size_t start);

  // The input within its length limit and not empty, its first token read;
  // else why not.
  std::optional<Error> begin();
  // Parser.  Each returns null after recording an error.
  template <class Join>
  NodePtr chain(std::string_view keyword, NodePtr (Grammar::*operand)());
  NodePtr or_expression();
  NodePtr and_expression();
  NodePtr not_expression();
  NodePtr atom();
  NodePtr group();
  // "(" filter ")" or "[" filter "]" from the opening token at `open`: the
  // filter inside, the closing token consumed; `empty` is the error for "()".
  NodePtr enclosed(std::size_t open, TokenKind close, std::string_view empty);
  NodePtr attribute_expression();
  NodePtr operator_tail(AttrPath path, std::string_view path_text);
  NodePtr value_filter(std::size_t open_offset);
  std::optional<Literal> literal(std::string_view op_text);
  std::optional<AttrPath> attribute_path(const Token& word);
  // The name in "[…].name", at the current token; `dot_offset` is the '.'.
  std::optional<std::string> sub_attribute_after_filter(std::size_t dot_offset);
  NodePtr make(decltype(Node::value) value);

  bool enter_group(std::size_t offset);
  void leave_group() { --depth_; }
  bool is_keyword(std::string_view keyword) const;
  std::string describe_current() const;
  std::nullptr_t fail(std::string what, std::size_t offset);

  std::string_view input_;
  Limits limits_;
  std::string_view subject_;
  std::string_view scim_type_;
  std::size_t cursor_ = 0;
  Token token_;
  std::size_t nodes_ = 0;
  std::size_t depth_ = 0;
  bool in_value_filter_ = false;
  std::optional<Error> error_;
};

}  // namespace kestra::scim::filter::detail
