package io.jdtm;

/** The store could not be reached or failed; the outcome of the write in progress is unknown. Thread-safe once constructed. */
public class StoreUnavailableException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreUnavailableException(String message, String gid, Throwable cause) {
    super(message, gid, null, null, cause);
  }
}
