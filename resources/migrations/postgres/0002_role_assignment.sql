-- kestra-scim schema, version 2 (PostgreSQL dialect): role assignment (#9).
-- The same logical schema as sqlite/ and mysql/0002_role_assignment.sql.
--
-- scim_bindings: one subject may hold a role from several sources at once
-- (an admin's ADMIN binding and a SCIM one never replace each other), so the
-- unique key gains `source`; a SCIM binding also keeps the client's `type`
-- label and `primary` flag of the role value.  The old key has the name
-- PostgreSQL gave the unnamed UNIQUE of 0001_initial.sql.
ALTER TABLE scim_bindings DROP CONSTRAINT scim_bindings_tenant_id_role_id_subject_type_subject_id_key;
ALTER TABLE scim_bindings
  ADD CONSTRAINT scim_bindings_role_subject_source UNIQUE (tenant_id, role_id, subject_type, subject_id, source),
  ADD COLUMN assignment_type TEXT COLLATE "C",            -- SCIM: the client's type label of the role value
  ADD COLUMN is_primary      SMALLINT NOT NULL DEFAULT 0; -- SCIM: the role value's primary flag

-- Which roles SCIM may assign: the tenant's own list (integration_id '')
-- or one integration's, which overrides it.  No row: the default rule.
CREATE TABLE scim_role_allow_lists (
  tenant_id      TEXT COLLATE "C" NOT NULL,
  integration_id TEXT COLLATE "C" NOT NULL,   -- '' = the tenant's own list
  role_ids       TEXT COLLATE "C" NOT NULL,   -- JSON array of role ids
  updated_at     TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, integration_id)
);
