// SCIM schemas and resource types as data (RFC 7643 7 and 6): loaded once from
// the embedded resources/scim/schemas/*.json and resources/scim/resource-types/*.json.
// They drive validation, case-insensitive attribute names, mutability, the
// `returned` projection, and what the filter knows of an attribute.
//
// The common attributes of RFC 7643 3.1 (id, externalId, meta) belong to no
// schema document; the registry defines them in code and resolves them for
// every resource type.
#pragma once

#include "core/result.hpp"
#include "core/text.hpp"
#include "scim/filter/attribute_info.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::scim::schema {

inline constexpr std::string_view kSchemaSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Schema";
inline constexpr std::string_view kResourceTypeSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
inline constexpr std::string_view kUserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kGroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kEnterpriseUserUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kKestraGroupUrn = "urn:ietf:params:scim:schemas:extension:kestra:2.0:Group";

enum class Type { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex };
enum class Mutability { ReadOnly, ReadWrite, Immutable, WriteOnly };
enum class Returned { Always, Never, Default, Request };
enum class Uniqueness { None, Server, Global };

struct Attribute {
  std::string name;  // as the schema spells it
  Type type = Type::String;
  bool multi_valued = false;
  bool required = false;
  bool case_exact = false;
  Mutability mutability = Mutability::ReadWrite;
  Returned returned = Returned::Default;
  Uniqueness uniqueness = Uniqueness::None;
  std::vector<std::string> canonical_values;
  std::vector<std::string> reference_types;
  std::vector<Attribute> sub_attributes;  // only for Type::Complex; never complex themselves
  std::size_t max_chars = 0;              // strings, references, binaries: longest value (0: any)

  // Case-insensitive; nullptr when absent.
  const Attribute* sub_attribute(std::string_view name) const;
};

struct Schema {
  std::string id;  // the URN
  std::string name;
  std::string description;
  std::vector<Attribute> attributes;

  // Case-insensitive; nullptr when absent.
  const Attribute* attribute(std::string_view name) const;
};

struct SchemaExtension {
  const Schema* schema = nullptr;
  bool required = false;
};

struct ResourceType {
  std::string id;  // e.g. "User"
  std::string name;
  std::string endpoint;  // e.g. "/Users"
  std::string description;
  const Schema* schema = nullptr;  // the core schema
  std::vector<SchemaExtension> extensions;

  // Case-insensitive URN; nullptr when `urn` is not an extension of this type.
  const SchemaExtension* extension(std::string_view urn) const;
};

// An attribute found for a resource type.
struct Resolved {
  const Schema* schema = nullptr;  // the owning schema; the registry's common schema for id/externalId/meta
  const Attribute* attribute = nullptr;
  const Attribute* sub_attribute = nullptr;  // set when a sub-attribute was named
  bool common = false;                       // id, externalId or meta (RFC 7643 3.1)
  bool extension = false;                    // lives under its schema URN in the resource

  const Attribute& target() const { return sub_attribute ? *sub_attribute : *attribute; }
};

class Registry {
 public:
  // The embedded resources/scim/ documents.  An error here is a broken build.
  static Result<Registry> load();
  // Arbitrary documents (tests, or a host-supplied set): `schemas` holds RFC 7643 7
  // schema documents, `resource_types` RFC 7643 6 resource type documents.
  static Result<Registry> from_json(const boost::json::array& schemas, const boost::json::array& resource_types);

  Registry(Registry&&) noexcept = default;
  Registry& operator=(Registry&&) noexcept = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Case-insensitive.  nullptr when absent.  Pointers stay valid while the
  // registry (or the registry it was moved into) lives.
  const Schema* schema(std::string_view urn) const;
  const ResourceType* resource_type(std::string_view id) const;  // by id or name
  const ResourceType* resource_type_by_endpoint(std::string_view endpoint) const;
  std::vector<const Schema*> schemas() const;
  std::vector<const ResourceType*> resource_types() const;
  const Schema& common() const { return *common_; }  // id, externalId, meta

  // The attribute named by (urn, attribute, sub_attribute) in a resource of `type`.
  // An empty urn, or the core schema's URN, reaches the common and core
  // attributes; extension attributes need their extension's URN.  nullopt for
  // an unknown URN, attribute or sub-attribute, or a sub-attribute of a
  // non-complex attribute.
  std::optional<Resolved> resolve(const ResourceType& type, std::string_view urn, std::string_view attribute,
                                  std::string_view sub_attribute = {}) const;

  // Splits "urn:…:User:name.givenName", "name.givenName" or a bare extension
  // URN into its parts, matching the URN prefix against the type's schemas.
  // A URN that is not one of them stays in `urn` (and will not resolve).
  filter::AttrPath split_path(const ResourceType& type, std::string_view text) const;
  // split_path then resolve.
  std::optional<Resolved> resolve_path(const ResourceType& type, std::string_view text) const;

  // For the filter evaluator and the SQL compiler.  Outside a value path,
  // `multi_valued` is true when the path crosses a multi-valued attribute
  // ("emails" and "emails.value" both are); inside one (`parent` set), the
  // path names a sub-attribute of the element and `multi_valued` is false.
  // `type` must be one of this registry's resource types; the returned
  // function points into the registry: it must not outlive it.
  filter::AttributeLookup lookup_for(const ResourceType& type) const;

  // Discovery (RFC 7644 4): each document with meta.resourceType ("Schema" /
  // "ResourceType") and meta.location.  `base_location` is the URL of the
  // /Schemas (or /ResourceTypes) endpoint; each location is base + "/" + id.
  // The ListResponse envelope is the caller's.
  boost::json::array schemas_json(std::string_view base_location) const;
  Result<boost::json::object> schema_json(std::string_view urn, std::string_view location) const;
  boost::json::array resource_types_json(std::string_view base_location) const;
  Result<boost::json::object> resource_type_json(std::string_view id, std::string_view location) const;

  // Sets Attribute::max_chars of every string, reference and binary
  // attribute (kestra.scim.limits.string-max-length).
  void limit_strings(std::size_t max_chars);

 private:
  Registry() = default;

  std::unique_ptr<Schema> common_;
  std::vector<std::unique_ptr<Schema>> schemas_;
  std::vector<boost::json::object> schema_docs_;  // parallel to schemas_
  std::vector<std::unique_ptr<ResourceType>> resource_types_;
  std::vector<boost::json::object> resource_type_docs_;  // parallel to resource_types_
};

}  // namespace kestra::scim::schema
