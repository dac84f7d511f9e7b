package dev.udpimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A {@link ServiceTest} class that drives the running service in {@link Chromium}: one
 * browser for the class, started before its tests and quit after them.
 */
public abstract class BrowserTestSupport extends ServiceTestSupport {

    protected static WebDriver browser;

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
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /**
     * Waits until the condition holds, at most {@code timeout}; fails saying
     * {@code what}.
     */
    protected static void waitFor(String what, Duration timeout, Supplier<Boolean> condition) {
        new WebDriverWait(browser, timeout).withMessage(what).until(driver -> condition.get());
    }

    /** The page as it is now, as {@code target/<name>.png}. */
    protected static void screenshot(String name) throws IOException {
        Path file = Path.of("target", name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

}
