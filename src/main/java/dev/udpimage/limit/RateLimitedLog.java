package dev.udpimage.limit;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs at most {@code perSecond} lines a second (warnings and errors together); the rest
 * are only counted and summarised in the next line that gets through ("... and N more
 * suppressed"). Every log line a datagram can cause goes through one of these: hostile
 * traffic must not turn into a log flood that fills the disk.
 */
public final class RateLimitedLog {

    private final Logger log;

    private final int perSecond;

    private final AtomicLong window = new AtomicLong();

    private final AtomicLong loggedInWindow = new AtomicLong();

    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    public void warn(String format, Object... arguments) {
        if (this.log.isWarnEnabled()) {
            log(false, format, arguments);
        }
    }

    /**
     * An error (the last argument may be the exception, with its stack trace), within the
     * same limit.
     */
    public void error(String format, Object... arguments) {
        if (this.log.isErrorEnabled()) {
            log(true, format, arguments);
        }
    }

    private void log(boolean error, String format, Object... arguments) {
        long second = System.nanoTime() / 1_000_000_000L;
        if (this.window.getAndSet(second) != second) {
            this.loggedInWindow.set(0);
        }
        if (this.loggedInWindow.incrementAndGet() > this.perSecond) {
            this.suppressed.incrementAndGet();
            return;
        }
        long skipped = this.suppressed.getAndSet(0);
        String message = format;
        Object[] all = arguments;
        if (skipped > 0) {
            message = format + " (and {} more like it suppressed; see /received/stats)";
            all = insertBeforeThrowable(arguments, skipped);
        }
        if (error) {
            this.log.error(message, all);
        }
        else {
            this.log.warn(message, all);
        }
    }

    /** Adds an argument at the end, but before a trailing exception. */
    private static Object[] insertBeforeThrowable(Object[] arguments, Object added) {
        int at = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable ? arguments.length - 1
                : arguments.length;
        Object[] all = new Object[arguments.length + 1];
        System.arraycopy(arguments, 0, all, 0, at);
        all[at] = added;
        System.arraycopy(arguments, at, all, at + 1, arguments.length - at);
        return all;
    }

}
