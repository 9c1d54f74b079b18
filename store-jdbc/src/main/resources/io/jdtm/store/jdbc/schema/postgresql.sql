-- jdtm JDBC store, schema version 2, PostgreSQL 12+. Table prefix: ${prefix}
-- Times are epoch milliseconds (UTC) in BIGINT columns: no time zone enters anywhere.
-- Ids use the "C" collation so that gid order is code-point order whatever the database locale.
CREATE TABLE IF NOT EXISTS ${prefix}tx (
  gid         VARCHAR(128) COLLATE "C" NOT NULL PRIMARY KEY,
  mode        VARCHAR(16)  NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  version     BIGINT       NOT NULL,
  lease_owner VARCHAR(128),
  lease_epoch BIGINT       NOT NULL,
  next_due_at BIGINT,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  reason      TEXT,
  custom_data TEXT,
  options     VARCHAR(255) NOT NULL,
  -- Every branch op's definition, in order (binary, its first byte the format version);
  -- rewritten only when branches are added.
  branches    BYTEA       NOT NULL,
  -- Every branch op's progress, in the same order; rewritten by every write.
  progress    BYTEA       NOT NULL
);
-- Serves claimDue; holds only records that are due at some time.
CREATE INDEX IF NOT EXISTS ${prefix}tx_due ON ${prefix}tx (next_due_at)
  WHERE next_due_at IS NOT NULL;
-- Serves purge; holds only finished records, so active writes never touch it.
CREATE INDEX IF NOT EXISTS ${prefix}tx_finished ON ${prefix}tx (updated_at)
  WHERE status IN ('SUCCEEDED', 'FAILED');
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INTEGER NOT NULL PRIMARY KEY
);
INSERT INTO ${prefix}schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;
