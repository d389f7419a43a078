-- kestra-scim schema, version 1 (SQLite dialect).
-- One logical schema for all dialects; every table is prefixed scim_ so that
-- the module can share the host's own database.  Times are UTC ISO-8601 text
-- with milliseconds ("2026-11-29T03:55:51.123Z"), booleans 0/1, ids UUID text.
-- *_key columns hold the case-folded form that uniqueness and
-- case-insensitive lookups use.

-- Tenants for which the module has run its IAM bootstrap.
CREATE TABLE scim_tenants (
  id          TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL
);

-- IAM: roles, service accounts, API tokens, bindings.
CREATE TABLE scim_roles (
  id             TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  name           TEXT NOT NULL,
  name_key       TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  permissions    TEXT NOT NULL,           -- JSON: {"GROUPS":["CREATE",...],...}
  system_managed INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  UNIQUE (tenant_id, name_key)
);

CREATE TABLE scim_service_accounts (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE scim_api_tokens (
  id                 TEXT PRIMARY KEY,
  service_account_id TEXT NOT NULL REFERENCES scim_service_accounts (id) ON DELETE CASCADE,
  lookup_prefix      TEXT NOT NULL UNIQUE,  -- non-secret head of the token
  secret_hash        TEXT NOT NULL,         -- hex HMAC-SHA-256 of the whole token
  created_at         TEXT NOT NULL,
  revoked_at         TEXT
);
CREATE INDEX scim_api_tokens_account ON scim_api_tokens (service_account_id);

CREATE TABLE scim_bindings (
  id             TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL,
  role_id        TEXT NOT NULL REFERENCES scim_roles (id) ON DELETE CASCADE,
  subject_type   TEXT NOT NULL,           -- USER | GROUP | SERVICE_ACCOUNT
  subject_id     TEXT NOT NULL,
  source         TEXT NOT NULL,           -- SYSTEM | SCIM | DEFAULT | ADMIN
  integration_id TEXT,                    -- the integration that made it (SCIM)
  created_at     TEXT NOT NULL,
  UNIQUE (tenant_id, role_id, subject_type, subject_id)
);
CREATE INDEX scim_bindings_subject ON scim_bindings (tenant_id, subject_type, subject_id);

-- Provisioning integrations (the admin page).
CREATE TABLE scim_integrations (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL,
  name               TEXT NOT NULL,       -- lower-case DNS label
  description        TEXT NOT NULL DEFAULT '',
  type               TEXT NOT NULL,       -- SCIM
  enabled            INTEGER NOT NULL,
  service_account_id TEXT REFERENCES scim_service_accounts (id) ON DELETE SET NULL,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  last_request_at    TEXT,
  UNIQUE (tenant_id, name)
);
CREATE INDEX scim_integrations_account ON scim_integrations (service_account_id);

-- Users are global; attributes shared by every tenant live here.
CREATE TABLE scim_users (
  id                 TEXT PRIMARY KEY,
  user_name          TEXT NOT NULL,
  user_name_key      TEXT NOT NULL UNIQUE,
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
  resource           TEXT NOT NULL,       -- JSON: every stored SCIM attribute
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  version            INTEGER NOT NULL
);
CREATE INDEX scim_users_display_name ON scim_users (display_name_key);

-- Values of multi-valued user attributes (emails, phoneNumbers, ims, photos,
-- entitlements, x509Certificates, addresses), for filters and uniqueness.
CREATE TABLE scim_user_values (
  user_id    TEXT NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  attribute  TEXT NOT NULL,
  position   INTEGER NOT NULL,
  value      TEXT,
  value_key  TEXT,
  type       TEXT,
  is_primary INTEGER NOT NULL DEFAULT 0,
  display    TEXT,
  PRIMARY KEY (user_id, attribute, position)
);
CREATE INDEX scim_user_values_lookup ON scim_user_values (attribute, value_key, user_id);

-- A user's access to a tenant; active is per tenant.
CREATE TABLE scim_tenant_users (
  tenant_id      TEXT NOT NULL,
  user_id        TEXT NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  active         INTEGER NOT NULL,
  integration_id TEXT,                    -- the integration that granted access
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  version        INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX scim_tenant_users_user ON scim_tenant_users (user_id);
CREATE INDEX scim_tenant_users_integration ON scim_tenant_users (tenant_id, integration_id);
CREATE INDEX scim_tenant_users_created ON scim_tenant_users (tenant_id, created_at, user_id);

-- externalId is per integration: each IdP keeps its own.
CREATE TABLE scim_external_ids (
  integration_id TEXT NOT NULL,
  resource_type  TEXT NOT NULL,           -- User | Group
  resource_id    TEXT NOT NULL,
  external_id    TEXT NOT NULL,
  PRIMARY KEY (integration_id, resource_type, resource_id)
);
CREATE INDEX scim_external_ids_lookup ON scim_external_ids (integration_id, resource_type, external_id, resource_id);

-- Groups belong to one tenant.
CREATE TABLE scim_groups (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  display_name     TEXT NOT NULL,
  display_name_key TEXT NOT NULL,
  integration_id   TEXT,                  -- the integration that created it
  resource         TEXT NOT NULL,         -- JSON: stored attributes other than members
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  version          INTEGER NOT NULL,
  member_count     INTEGER NOT NULL DEFAULT 0,  -- kept by every membership change
  UNIQUE (tenant_id, display_name_key)
);
CREATE INDEX scim_groups_integration ON scim_groups (tenant_id, integration_id);
CREATE INDEX scim_groups_created ON scim_groups (tenant_id, created_at, id);

-- Membership is its own table: one row per member, so a change touches only
-- the changed rows whatever the group's size.
CREATE TABLE scim_group_members (
  group_id    TEXT NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
  member_id   TEXT NOT NULL,
  member_type TEXT NOT NULL,              -- User | Group
  tenant_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (group_id, member_id)
);
CREATE INDEX scim_group_members_member ON scim_group_members (tenant_id, member_id, group_id);

-- Audit trail of admin actions and SCIM writes.
CREATE TABLE scim_audit (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id      TEXT NOT NULL,
  integration_id TEXT,
  actor_type     TEXT NOT NULL,           -- ADMIN | INTEGRATION | SYSTEM
  actor_id       TEXT NOT NULL,
  action         TEXT NOT NULL,
  target_type    TEXT NOT NULL,
  target_id      TEXT NOT NULL,
  outcome        TEXT NOT NULL,           -- SUCCESS | FAILURE
  detail         TEXT NOT NULL DEFAULT '',
  request_id     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL
);
CREATE INDEX scim_audit_integration ON scim_audit (tenant_id, integration_id, id);

-- Planner statistics (https://sqlite.org/optoverview.html#manual_control_of_query_plans_using_sqlite_stat_tables):
-- without them SQLite guesses that "tenant_id = ?" is as selective as
-- "user_name_key = ?", and walks a whole tenant to answer a filter on
-- userName, externalId, emails or members.  These figures describe a large
-- tenant; a later ANALYZE replaces them with measured ones.
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
  ('scim_users', 'sqlite_autoindex_scim_users_1', '100000 1'),
  ('scim_users', 'sqlite_autoindex_scim_users_2', '100000 1'),
  ('scim_users', 'scim_users_display_name', '100000 2'),
  ('scim_user_values', 'sqlite_autoindex_scim_user_values_1', '300000 3 2 1'),
  ('scim_user_values', 'scim_user_values_lookup', '300000 50000 1 1'),
  ('scim_tenant_users', 'sqlite_autoindex_scim_tenant_users_1', '100000 20000 1'),
  ('scim_tenant_users', 'scim_tenant_users_user', '100000 2'),
  ('scim_tenant_users', 'scim_tenant_users_integration', '100000 20000 20000'),
  ('scim_tenant_users', 'scim_tenant_users_created', '100000 20000 2 1'),
  ('scim_external_ids', 'sqlite_autoindex_scim_external_ids_1', '100000 20000 10000 1'),
  ('scim_external_ids', 'scim_external_ids_lookup', '100000 20000 10000 1 1'),
  ('scim_groups', 'sqlite_autoindex_scim_groups_1', '10000 1'),
  ('scim_groups', 'sqlite_autoindex_scim_groups_2', '10000 2000 1'),
  ('scim_groups', 'scim_groups_integration', '10000 2000 2000'),
  ('scim_groups', 'scim_groups_created', '10000 2000 1 1'),
  ('scim_group_members', 'sqlite_autoindex_scim_group_members_1', '1000000 100 1'),
  ('scim_group_members', 'scim_group_members_member', '1000000 200000 5 1');
ANALYZE sqlite_schema;
