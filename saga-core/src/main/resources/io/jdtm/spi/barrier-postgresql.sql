-- jdtm sub-transaction barrier, table version 1, PostgreSQL 12+. Table prefix: ${prefix}
-- Lives in the participant's database; needs none of the store's tables.
-- One row per (mode, gid, branch, op) a barrier call wrote: the key makes every op take effect at
-- most once; reason is the op that wrote the row. created_at is epoch milliseconds (UTC).
-- Ids use the "C" collation: they compare byte for byte whatever the database locale.
CREATE TABLE IF NOT EXISTS ${prefix}barrier (
  trans_type  VARCHAR(16)  COLLATE "C" NOT NULL,
  gid         VARCHAR(128) COLLATE "C" NOT NULL,
  branch_id   VARCHAR(128) COLLATE "C" NOT NULL,
  op          VARCHAR(16)  COLLATE "C" NOT NULL,
  barrier_id  VARCHAR(16)  COLLATE "C" NOT NULL,
  reason      VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (trans_type, gid, branch_id, op, barrier_id)
);
-- Serves purgeOlderThan.
CREATE INDEX IF NOT EXISTS ${prefix}barrier_time ON ${prefix}barrier (created_at);
