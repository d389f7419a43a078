// Identity-provider behaviour outside RFC 7644 that PATCH accepts, one file
// per quirk, each naming the IdP and the request that motivates it; the same
// payloads are fixtures in tests/unit/patch_quirks_test.cpp.
//
//   case_insensitive_names.hpp     Entra "Add"/"Replace"/"Remove", "operations"
//   pathless_value_paths.hpp       Entra path-less value keyed by paths
//   entra_add_filtered_element.hpp Entra add to emails[type eq "work"].value with no work email
//   unqualified_extension.hpp      Entra "path":"manager" (no extension URN)
//   singleton_array.hpp            Entra manager as [{"$ref":…,"value":…}]
//   members_value_list.hpp         Entra/JumpCloud/authentik remove members by value list; "$ref": null
//   okta_readonly_in_value.hpp     Okta group rename repeating the readOnly "id"
//
// Handled where every write goes, schema::validate_value: Entra's "True" /
// "False" strings for booleans, Entra's manager as a bare id string, and
// Entra's app role assignments ("roles") sent as the JSON text of the array.
// Okta's {"op":"replace","value":{"active":false}} is plain RFC 7644 3.5.2.3.
#pragma once

#include "scim/patch/quirks/case_insensitive_names.hpp"
#include "scim/patch/quirks/entra_add_filtered_element.hpp"
#include "scim/patch/quirks/members_value_list.hpp"
#include "scim/patch/quirks/okta_readonly_in_value.hpp"
#include "scim/patch/quirks/pathless_value_paths.hpp"
#include "scim/patch/quirks/singleton_array.hpp"
#include "scim/patch/quirks/unqualified_extension.hpp"
