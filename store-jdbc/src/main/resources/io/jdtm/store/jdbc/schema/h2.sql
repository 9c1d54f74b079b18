-- jdtm JDBC store, schema version 2, H2 2.x. Table prefix: ${prefix}
-- Times are epoch milliseconds (UTC) in BIGINT columns: no time zone enters anywhere.
CREATE TABLE IF NOT EXISTS ${prefix}tx (
  gid         VARCHAR(128) NOT NULL PRIMARY KEY,
  mode        VARCHAR(16)  NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  version     BIGINT       NOT NULL,
  lease_owner VARCHAR(128),
  lease_epoch BIGINT       NOT NULL,
  next_due_at BIGINT,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  reason      VARCHAR,
  custom_data VARCHAR,
  options     VARCHAR(255) NOT NULL,
  -- Every branch op's definition, in order (binary, its first byte the format version);
  -- rewritten only when branches are added.
  -- A BLOB, so that H2 keeps a large value out of the row and an update that does not change
  -- it does not copy it (a VARBINARY would be rewritten with every progress write).
  branches    BLOB        NOT NULL,
  -- Every branch op's progress, in the same order; rewritten by every write.
  progress    VARBINARY   NOT NULL
);
-- Serves claimDue (due, oldest first).
CREATE INDEX IF NOT EXISTS ${prefix}tx_due ON ${prefix}tx (next_due_at);
-- Serves status-filtered queries and purge; changes only when the status does.
CREATE INDEX IF NOT EXISTS ${prefix}tx_status ON ${prefix}tx (status, gid);
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INTEGER NOT NULL PRIMARY KEY
);
MERGE INTO ${prefix}schema_version (version) KEY (version) VALUES (2);
