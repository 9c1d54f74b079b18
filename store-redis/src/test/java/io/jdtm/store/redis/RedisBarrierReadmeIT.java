package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The code of README.md's "The barrier on Redis" (its handlers verbatim: {@link
 * ReadmeRedisExamplesTest} checks that they still are), compiled and run on the shared Redis
 * (with a key prefix of this test's own instead of {@code shop_}, and unique user names).
 */
class RedisBarrierReadmeIT {
  /** The README's handlers, verbatim. */
  static final class Handlers {
    private final RedisBarrier barrier;

    Handlers(RedisBarrier barrier) {
      this.barrier = barrier;
    }

    // saga action: take the amount from the user unless the balance would fall below 0
    Outcome debit(BranchContext ctx, String user, long amount) throws Exception {
      return barrier.call(ctx, user, fx -> {
        fx.adjust("balance:{" + user + "}", -amount, 0);   // FAILURE, nothing applied, below 0
        return Outcome.success();
      });
    }

    // its compensation: the same hash tag, so it sees the action's barrier key
    Outcome debitUndo(BranchContext ctx, String user, long amount) throws Exception {
      return barrier.call(ctx, user, fx -> {
        fx.incrBy("balance:{" + user + "}", amount);
        return Outcome.success();
      });
    }
  }

  @Test
  void readme_debitThenUndoAndAPurge_behaveAsDescribed() throws Exception {
    String prefix = RedisServers.uniquePrefix("barrier");
    String user = prefix + "alice";
    String balance = "balance:{" + user + "}";
    RedisClient client = RedisClient.create(RedisServers.sharedUri());
    RedisCommands<String, String> redis = client.connect().sync();
    try (RedisBarrier barrier = RedisBarrier.builder()
        .uri(RedisServers.sharedUri())
        .keyPrefix(prefix)
        .build()) {
      Handlers shop = new Handlers(barrier);
      redis.set(balance, "50");
      String gid = prefix.replace('_', '-') + "saga";
      BranchContext action = BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION);

      Outcome refused = shop.debit(BranchContext.of(gid + "-big", Mode.SAGA, "01",
          BranchOp.ACTION), user, 80);
      Outcome debited = shop.debit(action, user, 30);
      Outcome again = shop.debit(BranchContext.of(gid, Mode.SAGA, "01", BranchOp.ACTION), user,
          30);
      String afterDebit = redis.get(balance);
      Outcome undone = shop.debitUndo(BranchContext.of(gid, Mode.SAGA, "01",
          BranchOp.COMPENSATE), user, 30);
      long purged = barrier.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));

      assertThat(refused.kind()).isEqualTo(Outcome.Kind.FAILURE);
      assertThat(debited).isEqualTo(Outcome.success());
      assertThat(again).isEqualTo(Outcome.success());
      assertThat(afterDebit).isEqualTo("20");
      assertThat(undone).isEqualTo(Outcome.success());
      assertThat(redis.get(balance)).isEqualTo("50");
      assertThat(purged).isEqualTo(2);
    } finally {
      redis.del(balance);
      client.shutdown();
    }
  }
}
