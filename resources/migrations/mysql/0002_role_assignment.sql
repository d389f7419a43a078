-- kestra-scim schema, version 2 (MySQL 8 / MariaDB 10.11 dialect): role
-- assignment (#9).  The same logical schema as sqlite/ and
-- postgres/0002_role_assignment.sql.
--
-- scim_bindings: one subject may hold a role from several sources at once
-- (an admin's ADMIN binding and a SCIM one never replace each other), so the
-- unique key gains `source`; a SCIM binding also keeps the client's `type`
-- label (up to 255 characters) and `primary` flag of the role value.  The
-- old key has the name MySQL gave the unnamed UNIQUE of 0001_initial.sql:
-- its first column.  One ALTER: the key is never missing in between (DDL
-- commits at once here).  The new key is 448 characters, 1792 bytes.
ALTER TABLE scim_bindings
  DROP INDEX tenant_id,
  ADD CONSTRAINT scim_bindings_role_subject_source UNIQUE (tenant_id, role_id, subject_type, subject_id, source),
  ADD COLUMN assignment_type VARCHAR(255),           -- SCIM: the client's type label of the role value
  ADD COLUMN is_primary      TINYINT NOT NULL DEFAULT 0;  -- SCIM: the role value's primary flag

-- Which roles SCIM may assign: the tenant's own list (integration_id '')
-- or one integration's, which overrides it.  No row: the default rule.
CREATE TABLE scim_role_allow_lists (
  tenant_id      VARCHAR(128) NOT NULL,
  integration_id VARCHAR(128) NOT NULL,    -- '' = the tenant's own list
  role_ids       MEDIUMTEXT NOT NULL,      -- JSON array of role ids
  updated_at     VARCHAR(32) NOT NULL,
  PRIMARY KEY (tenant_id, integration_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
