-- kestra-scim schema, version 1 (PostgreSQL dialect).
-- The same logical schema as sqlite/0001_initial.sql and mysql/0001_initial.sql:
-- same tables, columns, keys and indexes.  Every table is prefixed scim_ so
-- that the module can share the host's own database.  Times are UTC ISO-8601
-- text with milliseconds ("2026-11-29T03:55:51.123Z"), booleans SMALLINT 0/1,
-- ids UUID text.  *_key columns hold the case-folded form that uniqueness and
-- case-insensitive lookups use.  Text is COLLATE "C": byte-wise comparison
-- and order, as in SQLite, and LIKE 'prefix%' served by the b-tree indexes.

-- Tenants for which the module has run its IAM bootstrap.
CREATE TABLE scim_tenants (
  id          TEXT COLLATE "C" PRIMARY KEY,
  created_at  TEXT COLLATE "C" NOT NULL
);

-- IAM: roles, service accounts, API tokens, bindings.
CREATE TABLE scim_roles (
  id             TEXT COLLATE "C" PRIMARY KEY,
  tenant_id      TEXT COLLATE "C" NOT NULL,
  name           TEXT COLLATE "C" NOT NULL,
  name_key       TEXT COLLATE "C" NOT NULL,
  description    TEXT COLLATE "C" NOT NULL DEFAULT '',
  permissions    TEXT COLLATE "C" NOT NULL,   -- JSON: {"GROUPS":["CREATE",...],...}
  system_managed SMALLINT NOT NULL DEFAULT 0,
  created_at     TEXT COLLATE "C" NOT NULL,
  updated_at     TEXT COLLATE "C" NOT NULL,
  UNIQUE (tenant_id, name_key)
);

CREATE TABLE scim_service_accounts (
  id          TEXT COLLATE "C" PRIMARY KEY,
  tenant_id   TEXT COLLATE "C" NOT NULL,
  name        TEXT COLLATE "C" NOT NULL,
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at  TEXT COLLATE "C" NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE scim_api_tokens (
  id                 TEXT COLLATE "C" PRIMARY KEY,
  service_account_id TEXT COLLATE "C" NOT NULL REFERENCES scim_service_accounts (id) ON DELETE CASCADE,
  lookup_prefix      TEXT COLLATE "C" NOT NULL UNIQUE,  -- non-secret head of the token
  secret_hash        TEXT COLLATE "C" NOT NULL,         -- hex HMAC-SHA-256 of the whole token
  created_at         TEXT COLLATE "C" NOT NULL,
  revoked_at         TEXT COLLATE "C"
);
CREATE INDEX scim_api_tokens_account ON scim_api_tokens (service_account_id);

CREATE TABLE scim_bindings (
  id             TEXT COLLATE "C" PRIMARY KEY,
  tenant_id      TEXT COLLATE "C" NOT NULL,
  role_id        TEXT COLLATE "C" NOT NULL REFERENCES scim_roles (id) ON DELETE CASCADE,
  subject_type   TEXT COLLATE "C" NOT NULL,   -- USER | GROUP | SERVICE_ACCOUNT
  subject_id     TEXT COLLATE "C" NOT NULL,
  source         TEXT COLLATE "C" NOT NULL,   -- SYSTEM | SCIM | DEFAULT | ADMIN
  integration_id TEXT COLLATE "C",            -- the integration that made it (SCIM)
  created_at     TEXT COLLATE "C" NOT NULL,
  UNIQUE (tenant_id, role_id, subject_type, subject_id)
);
CREATE INDEX scim_bindings_subject ON scim_bindings (tenant_id, subject_type, subject_id);

-- Provisioning integrations (the admin page).
CREATE TABLE scim_integrations (
  id                 TEXT COLLATE "C" PRIMARY KEY,
  tenant_id          TEXT COLLATE "C" NOT NULL,
  name               TEXT COLLATE "C" NOT NULL,   -- lower-case DNS label
  description        TEXT COLLATE "C" NOT NULL DEFAULT '',
  type               TEXT COLLATE "C" NOT NULL,   -- SCIM
  enabled            SMALLINT NOT NULL,
  service_account_id TEXT COLLATE "C" REFERENCES scim_service_accounts (id) ON DELETE SET NULL,
  created_at         TEXT COLLATE "C" NOT NULL,
  updated_at         TEXT COLLATE "C" NOT NULL,
  last_request_at    TEXT COLLATE "C",
  UNIQUE (tenant_id, name)
);
CREATE INDEX scim_integrations_account ON scim_integrations (service_account_id);

-- Users are global; attributes shared by every tenant live here.
CREATE TABLE scim_users (
  id                 TEXT COLLATE "C" PRIMARY KEY,
  user_name          TEXT COLLATE "C" NOT NULL,
  user_name_key      TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name       TEXT COLLATE "C",
  display_name_key   TEXT COLLATE "C",
  nick_name          TEXT COLLATE "C",
  title              TEXT COLLATE "C",
  user_type          TEXT COLLATE "C",
  given_name         TEXT COLLATE "C",
  family_name        TEXT COLLATE "C",
  formatted_name     TEXT COLLATE "C",
  locale             TEXT COLLATE "C",
  preferred_language TEXT COLLATE "C",
  timezone           TEXT COLLATE "C",
  profile_url        TEXT COLLATE "C",
  employee_number    TEXT COLLATE "C",
  organization       TEXT COLLATE "C",
  department         TEXT COLLATE "C",
  division           TEXT COLLATE "C",
  cost_center        TEXT COLLATE "C",
  manager_id         TEXT COLLATE "C",
  resource           TEXT COLLATE "C" NOT NULL,   -- JSON: every stored SCIM attribute
  created_at         TEXT COLLATE "C" NOT NULL,
  updated_at         TEXT COLLATE "C" NOT NULL,
  version            BIGINT NOT NULL
);
CREATE INDEX scim_users_display_name ON scim_users (display_name_key);

-- Values of multi-valued user attributes (emails, phoneNumbers, ims, photos,
-- entitlements, x509Certificates, addresses), for filters and uniqueness.
CREATE TABLE scim_user_values (
  user_id    TEXT COLLATE "C" NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  attribute  TEXT COLLATE "C" NOT NULL,
  position   INTEGER NOT NULL,
  value      TEXT COLLATE "C",
  value_key  TEXT COLLATE "C",
  type       TEXT COLLATE "C",
  is_primary SMALLINT NOT NULL DEFAULT 0,
  display    TEXT COLLATE "C",
  PRIMARY KEY (user_id, attribute, position)
);
CREATE INDEX scim_user_values_lookup ON scim_user_values (attribute, value_key, user_id);

-- A user's access to a tenant; active is per tenant.
CREATE TABLE scim_tenant_users (
  tenant_id      TEXT COLLATE "C" NOT NULL,
  user_id        TEXT COLLATE "C" NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  active         SMALLINT NOT NULL,
  integration_id TEXT COLLATE "C",            -- the integration that granted access
  created_at     TEXT COLLATE "C" NOT NULL,
  updated_at     TEXT COLLATE "C" NOT NULL,
  version        BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX scim_tenant_users_user ON scim_tenant_users (user_id);
CREATE INDEX scim_tenant_users_integration ON scim_tenant_users (tenant_id, integration_id);
CREATE INDEX scim_tenant_users_created ON scim_tenant_users (tenant_id, created_at, user_id);

-- externalId is per integration: each IdP keeps its own.
CREATE TABLE scim_external_ids (
  integration_id TEXT COLLATE "C" NOT NULL,
  resource_type  TEXT COLLATE "C" NOT NULL,   -- User | Group
  resource_id    TEXT COLLATE "C" NOT NULL,
  external_id    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (integration_id, resource_type, resource_id)
);
CREATE INDEX scim_external_ids_lookup ON scim_external_ids (integration_id, resource_type, external_id, resource_id);

-- Groups belong to one tenant.
CREATE TABLE scim_groups (
  id               TEXT COLLATE "C" PRIMARY KEY,
  tenant_id        TEXT COLLATE "C" NOT NULL,
  display_name     TEXT COLLATE "C" NOT NULL,
  display_name_key TEXT COLLATE "C" NOT NULL,
  integration_id   TEXT COLLATE "C",          -- the integration that created it
  resource         TEXT COLLATE "C" NOT NULL, -- JSON: stored attributes other than members
  created_at       TEXT COLLATE "C" NOT NULL,
  updated_at       TEXT COLLATE "C" NOT NULL,
  version          BIGINT NOT NULL,
  member_count     BIGINT NOT NULL DEFAULT 0,  -- kept by every membership change
  UNIQUE (tenant_id, display_name_key)
);
CREATE INDEX scim_groups_integration ON scim_groups (tenant_id, integration_id);
CREATE INDEX scim_groups_created ON scim_groups (tenant_id, created_at, id);

-- Membership is its own table: one row per member, so a change touches only
-- the changed rows whatever the group's size.
CREATE TABLE scim_group_members (
  group_id    TEXT COLLATE "C" NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
  member_id   TEXT COLLATE "C" NOT NULL,
  member_type TEXT COLLATE "C" NOT NULL,      -- User | Group
  tenant_id   TEXT COLLATE "C" NOT NULL,
  created_at  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (group_id, member_id)
);
CREATE INDEX scim_group_members_member ON scim_group_members (tenant_id, member_id, group_id);

-- Audit trail of admin actions and SCIM writes.
CREATE TABLE scim_audit (
  id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  tenant_id      TEXT COLLATE "C" NOT NULL,
  integration_id TEXT COLLATE "C",
  actor_type     TEXT COLLATE "C" NOT NULL,   -- ADMIN | INTEGRATION | SYSTEM
  actor_id       TEXT COLLATE "C" NOT NULL,
  action         TEXT COLLATE "C" NOT NULL,
  target_type    TEXT COLLATE "C" NOT NULL,
  target_id      TEXT COLLATE "C" NOT NULL,
  outcome        TEXT COLLATE "C" NOT NULL,   -- SUCCESS | FAILURE
  detail         TEXT COLLATE "C" NOT NULL DEFAULT '',
  request_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX scim_audit_integration ON scim_audit (tenant_id, integration_id, id);
