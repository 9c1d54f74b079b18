-- jdtm sub-transaction barrier, table version 1, MariaDB 10.6+ and MySQL 8.0+ (InnoDB).
-- Table prefix: ${prefix}
-- Lives in the participant's database; needs none of the store's tables.
-- One row per (mode, gid, branch, op) a barrier call wrote: the key makes every op take effect at
-- most once; reason is the op that wrote the row. created_at is epoch milliseconds (UTC).
-- utf8mb4_bin: ids compare case-sensitively, byte for byte, whatever the server default.
CREATE TABLE IF NOT EXISTS ${prefix}barrier (
  trans_type  VARCHAR(16)  NOT NULL,
  gid         VARCHAR(128) NOT NULL,
  branch_id   VARCHAR(128) NOT NULL,
  op          VARCHAR(16)  NOT NULL,
  barrier_id  VARCHAR(16)  NOT NULL,
  reason      VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (trans_type, gid, branch_id, op, barrier_id),
  -- Serves purgeOlderThan.
  INDEX ${prefix}barrier_time (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
