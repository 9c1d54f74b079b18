package io.jdtm.internal;

import io.jdtm.Codec;
import io.jdtm.TransactionListener;
import io.jdtm.spi.TransactionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.DoubleSupplier;

/**
 * Everything an {@link Engine} is built from, validated by the public builder. Immutable.
 *
 * @param ownedExecutor the executor to shut down on close, when the engine created it; else null
 * @param random uniform doubles in [0, 1) for jitter
 * @param xaRecoveryInterval how often registered XA resources are scanned for in-doubt branches
 */
public record EngineConfig(
    TransactionStore store,
    Clock clock,
    Codec codec,
    HandlerRegistry handlers,
    Targets targets,
    Payloads payloads,
    Executor executor,
    ExecutorService ownedExecutor,
    TxDefaults defaults,
    Duration lease,
    Duration pollInterval,
    int recoveryBatchSize,
    int maxInFlight,
    Duration shutdownTimeout,
    String instanceId,
    TransactionListener listener,
    DoubleSupplier random,
    Duration xaRecoveryInterval) {}
