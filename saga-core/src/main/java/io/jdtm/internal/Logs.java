package io.jdtm.internal;

import io.jdtm.spi.QuietLogs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.CallerBoundaryAware;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The engine's loggers. On a thread running {@link QuietLogs#quietly}, their INFO, WARN and ERROR
 * lines are logged at DEBUG. Thread-safe.
 */
public final class Logs {
  private Logs() {}

  /** The logger of the engine class {@code type}: its own, demoted inside quiet work. */
  public static Logger get(Class<?> type) {
    return new Demoting(LoggerFactory.getLogger(type));
  }

  /** Passes every line to the class's own logger, at DEBUG when quiet. */
  private static final class Demoting extends LegacyAbstractLogger {
    private final Logger delegate;

    Demoting(Logger delegate) {
      this.delegate = delegate;
      this.name = delegate.getName();
    }

    private static Level level(Level asked) {
      return QuietLogs.isQuiet() && asked.toInt() > Level.DEBUG.toInt() ? Level.DEBUG : asked;
    }

    @Override
    public boolean isTraceEnabled() {
      return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return delegate.isEnabledForLevel(level(Level.INFO));
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate.isEnabledForLevel(level(Level.WARN));
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate.isEnabledForLevel(level(Level.ERROR));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return AbstractLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern,
        Object[] arguments, Throwable cause) {
      LoggingEventBuilder event = delegate.makeLoggingEventBuilder(level(level));
      if (event instanceof CallerBoundaryAware boundary) {
        boundary.setCallerBoundary(getFullyQualifiedCallerName());
      }
      if (marker != null) {
        event.addMarker(marker);
      }
      if (arguments != null) {
        for (Object argument : arguments) {
          event.addArgument(argument);
        }
      }
      event.setCause(cause).setMessage(pattern).log();
    }
  }
}
