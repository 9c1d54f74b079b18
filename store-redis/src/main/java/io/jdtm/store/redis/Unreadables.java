package io.jdtm.store.redis;

import io.jdtm.JdtmException;
import io.jdtm.spi.Names;
import io.jdtm.spi.QuietLogs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Describes and reports records whose stored values do not parse: an ERROR naming the key, the
 * field and the problem the first time this store meets a record, DEBUG after that (the last
 * 1,000 such gids are remembered), so a record that stays broken does not flood the log. Never
 * shows payloads. Thread-safe.
 */
final class Unreadables {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private static final int REMEMBERED = 1_000;

  private final Keys keys;
  private final Set<String> reported = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  Unreadables(Keys keys) {
    this.keys = keys;
  }

  /** What {@code load} and {@code create} throw for the record. */
  JdtmException exception(String gid, RecordCodec.BadRecord e) {
    return new JdtmException("the stored record is unreadable: " + describe(gid, e)
        + "; repair or delete the key", gid, null, null, null);
  }

  /** e.g. {@code key jdtm_{jdtm_s3}tx:g1 field s holds 'BOGUS', not one of [...]}. */
  String describe(String gid, RecordCodec.BadRecord e) {
    return "key " + keys.prefix + "{" + keys.prefix + "s" + keys.shard(gid) + "}tx:"
        + Names.quote(gid).replace("'", "") + " " + e.getMessage();
  }

  /** Logs that a claim or query met the record, and what it did about it. */
  void report(String gid, RecordCodec.BadRecord e, String consequence) {
    String shown = Names.isValidGid(gid) ? gid : Names.quote(gid);
    if (reported.add(gid) && !QuietLogs.isQuiet()) {
      log.error("gid={}: the stored record is unreadable: {}; {}. Repair or delete the key",
          shown, describe(gid, e), consequence);
    } else {
      log.debug("gid={}: the stored record is still unreadable ({}); {}", shown, e.getMessage(),
          consequence);
    }
  }
}
