-- jdtm JDBC store, schema version 1, MariaDB 10.6+ and MySQL 8.0+ (InnoDB). Table prefix: ${prefix}
-- Times are epoch milliseconds (UTC) in BIGINT columns: no time zone enters anywhere.
-- utf8mb4_bin: gids compare case-sensitively, in code-point order, whatever the server default.
CREATE TABLE IF NOT EXISTS ${prefix}tx (
  gid         VARCHAR(128) NOT NULL,
  mode        VARCHAR(16)  NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  version     BIGINT       NOT NULL,
  lease_owner VARCHAR(128),
  lease_epoch BIGINT       NOT NULL,
  next_due_at BIGINT,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  reason      MEDIUMTEXT,
  custom_data MEDIUMTEXT,
  options     VARCHAR(255) NOT NULL,
  PRIMARY KEY (gid),
  -- Serves claimDue (due, oldest first).
  INDEX ${prefix}tx_due (next_due_at),
  -- Serves status-filtered queries and purge; changes only when the status does.
  INDEX ${prefix}tx_status (status, gid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS ${prefix}branch (
  gid         VARCHAR(128) NOT NULL,
  branch_id   VARCHAR(128) NOT NULL,
  op          VARCHAR(16)  NOT NULL,
  ord         BIGINT       NOT NULL,
  target      TEXT         NOT NULL,
  payload     LONGBLOB     NOT NULL,
  depends_on  TEXT,
  status      VARCHAR(16)  NOT NULL,
  attempts    INT          NOT NULL,
  backoff_level INT        NOT NULL DEFAULT 0,
  retry_at    BIGINT,
  last_error  MEDIUMTEXT,
  PRIMARY KEY (gid, branch_id, op)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INT NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT IGNORE INTO ${prefix}schema_version (version) VALUES (1);
