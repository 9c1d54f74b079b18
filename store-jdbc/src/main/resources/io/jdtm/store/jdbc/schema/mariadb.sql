-- jdtm JDBC store, schema version 2, MariaDB 10.6+ and MySQL 8.0+ (InnoDB). Table prefix: ${prefix}
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
  -- Every branch op's definition, in order (binary, its first byte the format version);
  -- rewritten only when branches are added.
  -- One statement carries the whole value: the server's max_allowed_packet (16 MiB by default)
  -- must exceed the largest record's payloads together.
  branches    LONGBLOB     NOT NULL,
  -- Every branch op's progress, in the same order; rewritten by every write.
  progress    LONGBLOB     NOT NULL,
  PRIMARY KEY (gid),
  -- Serves claimDue (due, oldest first).
  INDEX ${prefix}tx_due (next_due_at),
  -- Serves status-filtered queries and purge; changes only when the status does.
  INDEX ${prefix}tx_status (status, gid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
  version INT NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT IGNORE INTO ${prefix}schema_version (version) VALUES (2);
