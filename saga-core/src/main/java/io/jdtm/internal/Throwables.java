package io.jdtm.internal;

/** What the engine lets through when it contains everything else. */
final class Throwables {
  private Throwables() {}

  /**
   * Rethrows errors no caller can recover from (out of memory, internal JVM errors); returns for
   * everything else, including a stack overflow in one handler's call.
   */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
      throw (VirtualMachineError) t;
    }
  }
}
