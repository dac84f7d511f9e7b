package dev.udpimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium ({@code chromium} and {@code chromium-driver}) driven by
 * Selenium, with a fresh profile. Without it a test is skipped, except in CI
 * ({@code CI=true}), where it fails.
 */
public final class Chromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    public static WebDriver start() throws IOException {
        Commands.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no " + CHROMIUM + " / " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        Path profile = Files.createTempDirectory("viewer-chromium-");
        ChromeOptions options = new ChromeOptions();
        // a navigation returns once the document is parsed, not at its load event: the
        // viewer's MJPEG tiles (multipart/x-mixed-replace) start right after load and
        // never finish, and chromedriver, waiting for the page to finish loading, then
        // waited out its page-load timeout (ViewerBrowserIT: browser.get hung 300 s once
        // in five fresh-clone CI runs; the page itself had loaded and was refreshing).
        // Every test waits for what it needs on the page.
        options.setPageLoadStrategy(PageLoadStrategy.EAGER);
        options.setPageLoadTimeout(Duration.ofSeconds(30));
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        return new ChromeDriver(service, options);
    }

    /** Runs a script in the browser's page; what it returned. */
    public static Object js(WebDriver browser, String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /**
     * Waits until the condition holds, at most {@code timeout}; fails saying
     * {@code what}.
     */
    public static void waitFor(WebDriver browser, String what, Duration timeout, Supplier<Boolean> condition) {
        new WebDriverWait(browser, timeout).withMessage(what).until(driver -> condition.get());
    }

    /** The browser's page as it is now, as {@code target/<name>.png}. */
    public static void screenshot(WebDriver browser, String name) throws IOException {
        Path file = Path.of("target", name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

}
