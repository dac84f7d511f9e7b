package dev.udpimage.limit;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs at most {@code perSecond} warnings a second; the rest are only counted and
 * summarised in the next warning that gets through ("... and N more suppressed"). Hostile
 * traffic must not turn into a log flood.
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
        if (!this.log.isWarnEnabled()) {
            return;
        }
        long second = System.nanoTime() / 1_000_000_000L;
        if (this.window.getAndSet(second) != second) {
            this.loggedInWindow.set(0);
        }
        if (this.loggedInWindow.incrementAndGet() > this.perSecond) {
            this.suppressed.incrementAndGet();
            return;
        }
        long skipped = this.suppressed.getAndSet(0);
        if (skipped > 0) {
            this.log.warn(format + " (and {} more like it suppressed; see /received/stats)",
                    append(arguments, skipped));
        }
        else {
            this.log.warn(format, arguments);
        }
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }

}
