-- kestra-scim schema, version 3 (SQLite dialect): the tenant trust boundary
-- for global users (#18).  The same logical schema as postgres/ and
-- mysql/0003_domain_claims.sql.
--
-- scim_domain_claims: which tenants the instance admin lets provision which
-- domains.  A claimed domain is reserved to its claimants, who share its
-- users; an unclaimed one is first come (scim_users.owner_tenant_id).
CREATE TABLE scim_domain_claims (
  domain     TEXT NOT NULL,               -- lower case
  tenant_id  TEXT NOT NULL,
  source     TEXT NOT NULL,               -- CONFIG | ADMIN
  created_at TEXT NOT NULL,
  PRIMARY KEY (domain, tenant_id)
);
CREATE INDEX scim_domain_claims_tenant ON scim_domain_claims (tenant_id, domain);

-- The tenant that created the user (or, for users from before this
-- version, the first tenant given access): the only one that may link it or
-- write its global attributes while its domain is unclaimed.  NULL: a user
-- no tenant had access to at the upgrade; the next tenant to create it owns it.
ALTER TABLE scim_users ADD COLUMN owner_tenant_id TEXT;
UPDATE scim_users SET owner_tenant_id = (
  SELECT a.tenant_id FROM scim_tenant_users a WHERE a.user_id = scim_users.id
  ORDER BY a.created_at, a.tenant_id LIMIT 1);

-- The instance admin's view of cross-tenant links and claim changes.
CREATE INDEX scim_audit_action ON scim_audit (action, id);
