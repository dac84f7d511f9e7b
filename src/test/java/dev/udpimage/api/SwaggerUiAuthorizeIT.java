package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.ServiceTest;

/**
 * Swagger UI in a real Chromium, with credentials configured: its Authorize button takes
 * the bearer token, and "Try it out" then sends it and gets 200. The page itself is
 * opened with Basic credentials in the URL, as a user's browser would have them after its
 * prompt. The same context as {@code OpenApiClientIT}.
 */
@ServiceTest
@TestPropertySource(properties = { "udp.security.username=client", "udp.security.password=client-secret",
        "udp.security.token=client-token" })
class SwaggerUiAuthorizeIT extends BrowserTestSupport {

    private WebElement await(String what, By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(what)
            .until(driver -> driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    @Test
    void authorizeTakesTheTokenAndTryItOutSendsIt() throws IOException {
        // as after the browser's Basic prompt: the credentials, once given, go with every
        // request to the origin (a page whose own URL holds them cannot fetch at all)
        browser.get("http://client:client-secret@127.0.0.1:" + this.httpPort + "/v3/api-docs");
        browser.get("http://127.0.0.1:" + this.httpPort + "/swagger-ui.html");
        try {
            authorizeAndTry();
        }
        finally {
            screenshot("swagger-authorized");
        }
    }

    private void authorizeAndTry() {
        await("the Authorize button", By.cssSelector(".auth-wrapper .authorize")).click();
        WebElement bearer = await("the bearer scheme's form",
                By.xpath("//div[contains(@class,'auth-container')][.//*[contains(text(),'bearerAuth')]]"));
        bearer.findElement(By.cssSelector("input")).sendKeys("client-token");
        bearer.findElement(By.cssSelector("button.authorize")).click();
        await("the scheme authorized", By.xpath(
                "//div[contains(@class,'auth-container')][.//*[contains(text(),'bearerAuth')]]//button[contains(.,'Logout')]"));
        await("the dialog's Close", By.cssSelector(".auth-btn-wrapper .btn-done")).click();

        await("GET /received/images", By.cssSelector("#operations-received-images .opblock-summary-control")).click();
        await("Try it out", By.cssSelector("#operations-received-images .try-out__btn")).click();
        await("Execute", By.cssSelector("#operations-received-images .execute")).click();
        WebElement status = await("the live response",
                By.cssSelector("#operations-received-images .live-responses-table tbody .response-col_status"));
        String curl = await("the request as curl", By.cssSelector("#operations-received-images .curl-command"))
            .getText();
        assertThat(curl).contains("Authorization: Bearer client-token");
        assertThat(status.getText()).startsWith("200");
    }

}
