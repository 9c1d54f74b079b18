-- jdtm sub-transaction barrier, table version 1, H2 2.x. Table prefix: ${prefix}
-- Lives in the participant's database; needs none of the store's tables.
-- One row per (mode, gid, branch, op) a barrier call wrote: the key makes every op take effect at
-- most once; reason is the op that wrote the row. created_at is epoch milliseconds (UTC).
CREATE TABLE IF NOT EXISTS ${prefix}barrier (
  trans_type  VARCHAR(16)  NOT NULL,
  gid         VARCHAR(128) NOT NULL,
  branch_id   VARCHAR(128) NOT NULL,
  op          VARCHAR(16)  NOT NULL,
  barrier_id  VARCHAR(16)  NOT NULL,
  reason      VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (trans_type, gid, branch_id, op, barrier_id)
);
-- Serves purgeOlderThan.
CREATE INDEX IF NOT EXISTS ${prefix}barrier_time ON ${prefix}barrier (created_at);
