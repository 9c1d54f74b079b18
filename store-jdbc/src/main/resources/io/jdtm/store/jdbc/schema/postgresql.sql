-- jdtm JDBC store, schema version 1, PostgreSQL 12+. Table prefix: ${prefix}
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
  options     VARCHAR(255) NOT NULL
);
-- Serves claimDue; holds only records that are due at some time.
CREATE INDEX IF NOT EXISTS ${prefix}tx_due ON ${prefix}tx (next_due_at)
  WHERE next_due_at IS NOT NULL;
-- Serves purge; holds only finished records, so active writes never touch it.
CREATE INDEX IF NOT EXISTS ${prefix}tx_finished ON ${prefix}tx (updated_at)
  WHERE status IN ('SUCCEEDED', 'FAILED');
CREATE TABLE IF NOT EXISTS ${prefix}branch (
  gid         VARCHAR(128) COLLATE "C" NOT NULL,
  branch_id   VARCHAR(128) COLLATE "C" NOT NULL,
  op          VARCHAR(16)  NOT NULL,
  ord         BIGINT       NOT NULL,
  target      TEXT         NOT NULL,
  payload     BYTEA        NOT NULL,
  depends_on  TEXT,
  status      VARCHAR(16)  NOT NULL,
  attempts    INTEGER      NOT NULL,
  backoff_level INTEGER    NOT NULL DEFAULT 0,
  retry_at    BIGINT,
  last_error  TEXT,
  PRIMARY KEY (gid, branch_id, op)
);
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INTEGER NOT NULL PRIMARY KEY
);
INSERT INTO ${prefix}schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
