package io.jdtm.testkit.sim;

import io.jdtm.Mode;
import io.jdtm.spi.TransactionStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * Settings of a simulation run. Immutable.
 *
 * @param stores opens a new, empty store for each chain
 * @param chains how many plans to run
 * @param steps steps per plan
 * @param nodes manager nodes sharing the store
 * @param participants test participants (branch services)
 * @param maxFaultRate highest injected store fault rate
 * @param masterSeed seed of the chain seeds
 * @param modes transaction modes the plans use
 * @param users your own participants, beside the scripted ones
 * @param check your own invariants, run at the end of every chain
 * @param beforeChain your own setup, run before every chain (reset your participants' state)
 */
public record SimulationConfig(
    Supplier<TransactionStore> stores,
    int chains,
    int steps,
    int nodes,
    int participants,
    double maxFaultRate,
    long masterSeed,
    List<Mode> modes,
    List<UserParticipant<?>> users,
    java.util.function.Consumer<Quiescence> check,
    Runnable beforeChain) {}
