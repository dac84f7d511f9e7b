package dev.udpimage.support;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.WebDriver;

/**
 * A {@link ServiceTest} class that drives the running service in {@link Chromium}: one
 * browser for the class, started before its tests and quit after them.
 */
public abstract class BrowserTestSupport extends ServiceTestSupport {

    protected static WebDriver browser;

    /**
     * A failed test's page, said in the test output (CI keeps nothing else of it): where
     * the browser is, whether the page loaded, and what holds its connections.
     */
    @RegisterExtension
    static final TestWatcher PAGE_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            try {
                System.out.println("browser after " + context.getDisplayName() + " failed: "
                        + js("return location.href + ' readyState=' + document.readyState + ' camera tiles=' "
                                + "+ document.querySelectorAll('#stream-tiles li').length + ' live=' "
                                + "+ document.querySelectorAll('#stream-tiles li[data-live=\"true\"]').length "
                                + "+ ' resources=' + performance.getEntriesByType('resource').length;"));
                screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
            catch (RuntimeException | IOException | LinkageError ex) {
                System.out.println("browser after " + context.getDisplayName() + " failed, and does not answer: " + ex);
            }
        }
    };

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    protected static Object js(String script) {
        return Chromium.js(browser, script);
    }

    /**
     * Waits until the condition holds, at most {@code timeout}; fails saying
     * {@code what}.
     */
    protected static void waitFor(String what, Duration timeout, Supplier<Boolean> condition) {
        Chromium.waitFor(browser, what, timeout, condition);
    }

    /** The page as it is now, as {@code target/<name>.png}. */
    protected static void screenshot(String name) throws IOException {
        Chromium.screenshot(browser, name);
    }

}
