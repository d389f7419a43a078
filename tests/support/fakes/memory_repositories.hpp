// The in-memory repositories over one MemoryState.
#pragma once

#include "memory_state.hpp"

#include <memory>

namespace kestra::test::fakes {

std::unique_ptr<ports::UserStore> make_user_store(MemoryState& state);
std::unique_ptr<ports::GroupStore> make_group_store(MemoryState& state);
std::unique_ptr<ports::DomainClaimStore> make_domain_claim_store(MemoryState& state);
std::unique_ptr<ports::ProvisioningStore> make_provisioning_store(MemoryState& state);

}  // namespace kestra::test::fakes
