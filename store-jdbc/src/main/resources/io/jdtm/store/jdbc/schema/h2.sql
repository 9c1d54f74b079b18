-- jdtm JDBC store, schema version 1, H2 2.x. Table prefix: ${prefix}
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
  options     VARCHAR(255) NOT NULL
);
-- Serves claimDue (due, oldest first).
CREATE INDEX IF NOT EXISTS ${prefix}tx_due ON ${prefix}tx (next_due_at);
-- Serves status-filtered queries and purge; changes only when the status does.
CREATE INDEX IF NOT EXISTS ${prefix}tx_status ON ${prefix}tx (status, gid);
CREATE TABLE IF NOT EXISTS ${prefix}branch (
  gid         VARCHAR(128) NOT NULL,
  branch_id   VARCHAR(128) NOT NULL,
  op          VARCHAR(16)  NOT NULL,
  ord         BIGINT       NOT NULL,
  target      VARCHAR      NOT NULL,
  payload     BLOB         NOT NULL,
  depends_on  VARCHAR,
  status      VARCHAR(16)  NOT NULL,
  attempts    INTEGER      NOT NULL,
  backoff_level INTEGER    NOT NULL DEFAULT 0,
  retry_at    BIGINT,
  last_error  VARCHAR,
  PRIMARY KEY (gid, branch_id, op)
);
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INTEGER NOT NULL PRIMARY KEY
);
MERGE INTO ${prefix}schema_version (version) KEY (version) VALUES (1);
