-- kestra-scim schema, version 2 (SQLite dialect): role assignment (#9).
-- The same logical schema as postgres/ and mysql/0002_role_assignment.sql.
--
-- scim_bindings: one subject may hold a role from several sources at once
-- (an admin's ADMIN binding and a SCIM one never replace each other), so the
-- unique key gains `source`; a SCIM binding also keeps the client's `type`
-- label and `primary` flag of the role value.  SQLite cannot drop a
-- constraint: the table is rebuilt (new table, copy, drop, rename, index).
-- Nothing references scim_bindings, so foreign_keys = ON does not object.
CREATE TABLE scim_bindings_v2 (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  role_id         TEXT NOT NULL REFERENCES scim_roles (id) ON DELETE CASCADE,
  subject_type    TEXT NOT NULL,          -- USER | GROUP | SERVICE_ACCOUNT
  subject_id      TEXT NOT NULL,
  source          TEXT NOT NULL,          -- SYSTEM | SCIM | DEFAULT | ADMIN
  integration_id  TEXT,                   -- the integration that made it (SCIM)
  created_at      TEXT NOT NULL,
  assignment_type TEXT,                   -- SCIM: the client's type label of the role value
  is_primary      INTEGER NOT NULL DEFAULT 0,  -- SCIM: the role value's primary flag
  CONSTRAINT scim_bindings_role_subject_source UNIQUE (tenant_id, role_id, subject_type, subject_id, source)
);
INSERT INTO scim_bindings_v2 (id, tenant_id, role_id, subject_type, subject_id, source, integration_id, created_at)
  SELECT id, tenant_id, role_id, subject_type, subject_id, source, integration_id, created_at FROM scim_bindings;
DROP TABLE scim_bindings;
ALTER TABLE scim_bindings_v2 RENAME TO scim_bindings;
CREATE INDEX scim_bindings_subject ON scim_bindings (tenant_id, subject_type, subject_id);

-- Which roles SCIM may assign: the tenant's own list (integration_id '')
-- or one integration's, which overrides it.  No row: the default rule.
CREATE TABLE scim_role_allow_lists (
  tenant_id      TEXT NOT NULL,
  integration_id TEXT NOT NULL,           -- '' = the tenant's own list
  role_ids       TEXT NOT NULL,           -- JSON array of role ids
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, integration_id)
);
