-- kestra-scim schema, version 1 (MySQL 8 / MariaDB 10.11 dialect).
-- The same logical schema as sqlite/0001_initial.sql and postgres/0001_initial.sql:
-- same tables, columns, keys and indexes.  Every table is prefixed scim_ so
-- that the module can share the host's own database.  Times are UTC ISO-8601
-- text with milliseconds ("2026-11-29T03:55:51.123Z"), booleans TINYINT 0/1,
-- ids UUID text.  *_key columns hold the case-folded form that uniqueness and
-- case-insensitive lookups use.
--
-- InnoDB, utf8mb4, collation utf8mb4_bin: byte-wise comparison and order, as
-- in SQLite (the module folds case itself).  Indexed columns are VARCHAR and
-- every index stays within InnoDB's 3072 bytes (4 bytes a character): ids
-- 128, names 255, group names 512, times 32, kinds 32.  Free text and JSON
-- are TEXT / MEDIUMTEXT; the few indexed ones (display_name_key, value_key)
-- are indexed on their first 255 characters.  Foreign keys are table
-- constraints: MySQL ignores REFERENCES written on a column.

-- Tenants for which the module has run its IAM bootstrap.
CREATE TABLE scim_tenants (
  id          VARCHAR(128) NOT NULL PRIMARY KEY,
  created_at  VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- IAM: roles, service accounts, API tokens, bindings.
CREATE TABLE scim_roles (
  id             VARCHAR(128) NOT NULL PRIMARY KEY,
  tenant_id      VARCHAR(128) NOT NULL,
  name           VARCHAR(255) NOT NULL,
  name_key       VARCHAR(255) NOT NULL,
  description    TEXT NOT NULL DEFAULT (''),
  permissions    TEXT NOT NULL,                -- JSON: {"GROUPS":["CREATE",...],...}
  system_managed TINYINT NOT NULL DEFAULT 0,
  created_at     VARCHAR(32) NOT NULL,
  updated_at     VARCHAR(32) NOT NULL,
  UNIQUE (tenant_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE scim_service_accounts (
  id          VARCHAR(128) NOT NULL PRIMARY KEY,
  tenant_id   VARCHAR(128) NOT NULL,
  name        VARCHAR(255) NOT NULL,
  description TEXT NOT NULL DEFAULT (''),
  created_at  VARCHAR(32) NOT NULL,
  UNIQUE (tenant_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE scim_api_tokens (
  id                 VARCHAR(128) NOT NULL PRIMARY KEY,
  service_account_id VARCHAR(128) NOT NULL,
  lookup_prefix      VARCHAR(255) NOT NULL UNIQUE,  -- non-secret head of the token
  secret_hash        VARCHAR(255) NOT NULL,         -- hex HMAC-SHA-256 of the whole token
  created_at         VARCHAR(32) NOT NULL,
  revoked_at         VARCHAR(32),
  FOREIGN KEY (service_account_id) REFERENCES scim_service_accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_api_tokens_account ON scim_api_tokens (service_account_id);

CREATE TABLE scim_bindings (
  id             VARCHAR(128) NOT NULL PRIMARY KEY,
  tenant_id      VARCHAR(128) NOT NULL,
  role_id        VARCHAR(128) NOT NULL,
  subject_type   VARCHAR(32) NOT NULL,     -- USER | GROUP | SERVICE_ACCOUNT
  subject_id     VARCHAR(128) NOT NULL,
  source         VARCHAR(32) NOT NULL,     -- SYSTEM | SCIM | DEFAULT | ADMIN
  integration_id VARCHAR(128),             -- the integration that made it (SCIM)
  created_at     VARCHAR(32) NOT NULL,
  UNIQUE (tenant_id, role_id, subject_type, subject_id),
  FOREIGN KEY (role_id) REFERENCES scim_roles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_bindings_subject ON scim_bindings (tenant_id, subject_type, subject_id);

-- Provisioning integrations (the admin page).
CREATE TABLE scim_integrations (
  id                 VARCHAR(128) NOT NULL PRIMARY KEY,
  tenant_id          VARCHAR(128) NOT NULL,
  name               VARCHAR(255) NOT NULL,   -- lower-case DNS label
  description        TEXT NOT NULL DEFAULT (''),
  type               VARCHAR(32) NOT NULL,    -- SCIM
  enabled            TINYINT NOT NULL,
  service_account_id VARCHAR(128),
  created_at         VARCHAR(32) NOT NULL,
  updated_at         VARCHAR(32) NOT NULL,
  last_request_at    VARCHAR(32),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (service_account_id) REFERENCES scim_service_accounts (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_integrations_account ON scim_integrations (service_account_id);

-- Users are global; attributes shared by every tenant live here.
CREATE TABLE scim_users (
  id                 VARCHAR(128) NOT NULL PRIMARY KEY,
  user_name          VARCHAR(255) NOT NULL,
  user_name_key      VARCHAR(255) NOT NULL UNIQUE,
  display_name       TEXT,
  display_name_key   TEXT,
  nick_name          TEXT,
  title              TEXT,
  user_type          TEXT,
  given_name         TEXT,
  family_name        TEXT,
  formatted_name     TEXT,
  locale             TEXT,
  preferred_language TEXT,
  timezone           TEXT,
  profile_url        TEXT,
  employee_number    TEXT,
  organization       TEXT,
  department         TEXT,
  division           TEXT,
  cost_center        TEXT,
  manager_id         TEXT,
  resource           MEDIUMTEXT NOT NULL,     -- JSON: every stored SCIM attribute
  created_at         VARCHAR(32) NOT NULL,
  updated_at         VARCHAR(32) NOT NULL,
  version            BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_users_display_name ON scim_users (display_name_key(255));

-- Values of multi-valued user attributes (emails, phoneNumbers, ims, photos,
-- entitlements, x509Certificates, addresses), for filters and uniqueness.
CREATE TABLE scim_user_values (
  user_id    VARCHAR(128) NOT NULL,
  attribute  VARCHAR(32) NOT NULL,
  position   INT NOT NULL,
  value      MEDIUMTEXT,
  value_key  MEDIUMTEXT,
  type       TEXT,
  is_primary TINYINT NOT NULL DEFAULT 0,
  display    TEXT,
  PRIMARY KEY (user_id, attribute, position),
  FOREIGN KEY (user_id) REFERENCES scim_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_user_values_lookup ON scim_user_values (attribute, value_key(255), user_id);

-- A user's access to a tenant; active is per tenant.
CREATE TABLE scim_tenant_users (
  tenant_id      VARCHAR(128) NOT NULL,
  user_id        VARCHAR(128) NOT NULL,
  active         TINYINT NOT NULL,
  integration_id VARCHAR(128),             -- the integration that granted access
  created_at     VARCHAR(32) NOT NULL,
  updated_at     VARCHAR(32) NOT NULL,
  version        BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (user_id) REFERENCES scim_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_tenant_users_user ON scim_tenant_users (user_id);
CREATE INDEX scim_tenant_users_integration ON scim_tenant_users (tenant_id, integration_id);
CREATE INDEX scim_tenant_users_created ON scim_tenant_users (tenant_id, created_at, user_id);

-- externalId is per integration: each IdP keeps its own.
CREATE TABLE scim_external_ids (
  integration_id VARCHAR(128) NOT NULL,
  resource_type  VARCHAR(32) NOT NULL,     -- User | Group
  resource_id    VARCHAR(128) NOT NULL,
  external_id    VARCHAR(255) NOT NULL,
  PRIMARY KEY (integration_id, resource_type, resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_external_ids_lookup ON scim_external_ids (integration_id, resource_type, external_id, resource_id);

-- Groups belong to one tenant.
CREATE TABLE scim_groups (
  id               VARCHAR(128) NOT NULL PRIMARY KEY,
  tenant_id        VARCHAR(128) NOT NULL,
  display_name     VARCHAR(512) NOT NULL,
  display_name_key VARCHAR(512) NOT NULL,
  integration_id   VARCHAR(128),           -- the integration that created it
  resource         MEDIUMTEXT NOT NULL,    -- JSON: stored attributes other than members
  created_at       VARCHAR(32) NOT NULL,
  updated_at       VARCHAR(32) NOT NULL,
  version          BIGINT NOT NULL,
  member_count     BIGINT NOT NULL DEFAULT 0,  -- kept by every membership change
  UNIQUE (tenant_id, display_name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_groups_integration ON scim_groups (tenant_id, integration_id);
CREATE INDEX scim_groups_created ON scim_groups (tenant_id, created_at, id);

-- Membership is its own table: one row per member, so a change touches only
-- the changed rows whatever the group's size.
CREATE TABLE scim_group_members (
  group_id    VARCHAR(128) NOT NULL,
  member_id   VARCHAR(128) NOT NULL,
  member_type VARCHAR(32) NOT NULL,        -- User | Group
  tenant_id   VARCHAR(128) NOT NULL,
  created_at  VARCHAR(32) NOT NULL,
  PRIMARY KEY (group_id, member_id),
  FOREIGN KEY (group_id) REFERENCES scim_groups (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_group_members_member ON scim_group_members (tenant_id, member_id, group_id);

-- Audit trail of admin actions and SCIM writes.
CREATE TABLE scim_audit (
  id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id      VARCHAR(128) NOT NULL,
  integration_id VARCHAR(128),
  actor_type     VARCHAR(32) NOT NULL,     -- ADMIN | INTEGRATION | SYSTEM
  actor_id       TEXT NOT NULL,
  action         TEXT NOT NULL,
  target_type    TEXT NOT NULL,
  target_id      TEXT NOT NULL,
  outcome        VARCHAR(32) NOT NULL,     -- SUCCESS | FAILURE
  detail         TEXT NOT NULL DEFAULT (''),
  request_id     TEXT NOT NULL DEFAULT (''),
  created_at     VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX scim_audit_integration ON scim_audit (tenant_id, integration_id, id);
