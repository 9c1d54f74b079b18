package io.jdtm.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of these tests (selected with {@code -Dslf4j.provider}): logs as
 * slf4j-simple does and, while a {@link Capture} is open, also records every event at every
 * level, TRACE included. Thread-safe.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
  /** One logging call: the formatted message and the throwable it carried, if any. */
  record Event(Level level, String logger, String message, Throwable error) {
    /** The message and, if any, the stack trace, as a log file would show them. */
    String printed() {
      if (error == null) {
        return message;
      }
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      return message + System.lineSeparator() + trace;
    }
  }

  /** What was logged while it was open. Close it to stop recording. */
  static final class Capture implements AutoCloseable {
    List<Event> events() {
      return List.copyOf(EVENTS);
    }

    @Override
    public void close() {
      if (CAPTURES.decrementAndGet() == 0) {
        EVENTS.clear();
      }
    }
  }

  private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();
  private static final AtomicInteger CAPTURES = new AtomicInteger();

  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

  /** Starts recording every event, from every thread. */
  static Capture start() {
    CAPTURES.incrementAndGet();
    return new Capture();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return name -> loggers.computeIfAbsent(name,
        n -> new CapturingLogger(n, simple.getLoggerFactory().getLogger(n)));
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return simple.getMDCAdapter();
  }

  @Override
  public String getRequestedApiVersion() {
    return simple.getRequestedApiVersion();
  }

  @Override
  public void initialize() {
    simple.initialize();
  }

  /** Records while a capture is open; passes everything on to slf4j-simple. */
  private static final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient Logger delegate;

    CapturingLogger(String name, Logger delegate) {
      this.name = name;
      this.delegate = delegate;
    }

    private static boolean capturing() {
      return CAPTURES.get() > 0;
    }

    @Override
    public boolean isTraceEnabled() {
      return capturing() || delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return capturing() || delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return capturing() || delegate.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return capturing() || delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return capturing() || delegate.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern,
        Object[] args, Throwable error) {
      if (capturing()) {
        EVENTS.add(new Event(level, name,
            MessageFormatter.basicArrayFormat(pattern, args), error));
      }
      delegate.atLevel(level).setCause(error).log(pattern, args == null ? new Object[0] : args);
    }
  }
}
