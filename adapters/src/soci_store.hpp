// ports::Store over a pool of SOCI sessions; the SQL here is shared by every
// dialect.
#pragma once

#include "catalogue.hpp"
#include "core/result.hpp"
#include "dialect.hpp"
#include "pooled_session.hpp"
#include "ports/store.hpp"
#include "soci_domain_claim_store.hpp"
#include "soci_group_store.hpp"
#include "soci_provisioning_store.hpp"
#include "soci_user_store.hpp"

#include <soci/connection-pool.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace kestra::adapters {

class SociStore final : public ports::Store {
 public:
  // Connects config.pool_size sessions (already validated), prepares each,
  // migrates the schema.  A lent-out session waits for the server at most
  // config.socket_timeout_ms, else the statement timeout and
  // kSocketTimeoutGrace more (the server answers a statement it cancels).
  static constexpr std::chrono::milliseconds kSocketTimeoutGrace{5000};
  // Pool use and database errors go to `metrics`, which outlives the store.
  static Result<std::unique_ptr<ports::Store>> open(std::unique_ptr<Dialect> dialect,
                                                    const ports::StoreConfig& config,
                                                    const ports::Metrics& metrics);

  int schema_version() const override { return schema_version_; }
  const std::vector<std::string>& open_warnings() const override { return open_warnings_; }
  Result<bool> ensure_tenant(const std::string& tenant) override;
  Result<void> remove_tenant(const std::string& tenant) override;
  ports::ProvisioningStore& provisioning() override { return provisioning_; }
  ports::UserStore& users() override { return users_; }
  ports::GroupStore& groups() override { return groups_; }
  ports::DomainClaimStore& domain_claims() override { return domain_claims_; }

 private:
  SociStore(std::unique_ptr<Dialect> dialect, std::unique_ptr<SessionPool> sessions, int schema_version,
            std::vector<std::string> open_warnings);

  std::unique_ptr<Dialect> dialect_;
  std::unique_ptr<SessionPool> sessions_;
  int schema_version_;
  std::vector<std::string> open_warnings_;
  Statement insert_tenant_;
  // These use dialect_ and sessions_.
  SociProvisioningStore provisioning_;
  SociUserStore users_;
  SociGroupStore groups_;
  SociDomainClaimStore domain_claims_;
};

}  // namespace kestra::adapters
