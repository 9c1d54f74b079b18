package io.jdtm.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * Each peer workload runs a few operations on the setup its benchmark uses (seconds, not minutes).
 */
class PeerWorkloadsTest {
  private static final int OPERATIONS = 20;

  @Test
  void seataSaga_threeStepsOnH2Mem_everySagaSucceeds() throws Exception {
    assertSeataSagasSucceed("mem");
  }

  @Test
  void seataSaga_threeStepsOnH2File_everySagaSucceeds() throws Exception {
    assertSeataSagasSucceed("file");
  }

  @Test
  void camelSaga_threeStepsInMemory_everySagaCompletes() throws Exception {
    try (CamelSaga camel = CamelSaga.open(3)) {
      assertThatCode(() -> {
        for (int i = 0; i < OPERATIONS; i++) {
          camel.run("saga-" + i);
        }
      }).doesNotThrowAnyException();
    }
  }

  @Test
  void outbox_messagesOnH2Mem_everyMessageDelivered() throws Exception {
    try (OutboxMessages outbox = OutboxMessages.open("mem")) {
      for (int i = 0; i < OPERATIONS; i++) {
        outbox.commitAndAwaitDelivery("message-" + i);
      }
      assertThat(outbox.delivered()).isEqualTo(OPERATIONS);
    }
  }

  @Test
  void dbScheduler_oneTimeTasksOnH2Mem_everyTaskExecuted() throws Exception {
    try (DbSchedulerTasks scheduler = DbSchedulerTasks.open("mem")) {
      for (int i = 0; i < OPERATIONS; i++) {
        scheduler.scheduleAndAwaitExecution("task-" + i);
      }
      assertThat(scheduler.executed()).isEqualTo(OPERATIONS);
    }
  }

  private static void assertSeataSagasSucceed(String h2) throws Exception {
    try (SeataSaga seata = SeataSaga.open(h2, 3)) {
      for (int i = 0; i < OPERATIONS; i++) {
        seata.run("saga-" + i);
      }
      assertThat(seata.succeededStates()).isEqualTo(3L * OPERATIONS);
    }
  }
}
