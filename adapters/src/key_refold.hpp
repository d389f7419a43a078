// Migration 0004_unicode_case_fold: the stored keys recomputed once with
// fold_case (ICU's simple case folding), which folds more code points than
// the hand-written fold that wrote them.
#pragma once

#include <soci/session.h>

#include <string>
#include <vector>

namespace kestra::adapters {

// Recomputes every key whose text is not pure ASCII (ASCII text folds the
// same before and after): scim_users.user_name_key and display_name_key,
// scim_groups.display_name_key, scim_user_values.value_key.  Runs in the
// caller's write transaction, under the migration lock; only the keys
// change (no version, no updated_at: nothing a client sees).
//
// A unique key (userName; a group's displayName in its tenant) that another
// row holds stays as it was: rows move in creation order, so of two rows
// that now fold alike the earlier keeps (or takes) the key and the later
// keeps its old one; nothing is lost and nothing fails.  Each such row adds
// a warning naming its table and id to `warnings`.  Throws soci_error.
void refold_keys(soci::session& sql, std::vector<std::string>& warnings);

}  // namespace kestra::adapters
