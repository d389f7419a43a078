// Microsoft Entra ID with ?aadOptscim062020 ("Requests to replace multiple
// attributes" in Microsoft's "Known issues and resolutions with SCIM 2.0
// protocol compliance") sends one path-less replace whose keys are paths:
//   {"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua",
//     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}
// and the same shape carries `emails[type eq "work"].value` and the manager.
// RFC 7644 3.5.2.3 expects attribute names there.  Every key is read as the
// path of one operation; an extension URN holding an object expands to one
// path per member ("urn:…:User" + ":" + name).  Plain names are the
// degenerate case, so RFC requests go the same way.
#pragma once

#include "scim/schema/registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace kestra::scim::patch::quirks {

struct PathValue {
  std::string path;
  const boost::json::value* value = nullptr;  // points into the request
};

// In the order of the value's members; "schemas" is skipped.
std::vector<PathValue> expand_pathless_value(const schema::ResourceType& type, const boost::json::object& value);

}  // namespace kestra::scim::patch::quirks
