package se.assistansbryggan.e2e;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import se.assistansbryggan.client.GatewayClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operators' web page in a real browser: Debian's Chromium, headless, driven by Selenium
 * through chromedriver (both installed by scripts/install-browser during the build). An operator
 * signs in with the sample credentials, sees the queues, finds the dead letter, reads it with the
 * personal number masked, and sends it back to its queue with a reason, which is audited.
 */
class ConsoleBrowserTest {
    static final String DLQ = "DLQ.kommun.0180";
    @TempDir
    static Path data;
    static GatewayHarness harness;
    static String acceptor;
    static String console;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("browser.skip"), "built with -Dbrowser.skip=true");
        acceptor = "tcp://127.0.0.1:" + GatewayHarness.freePort();
        int consolePort = GatewayHarness.freePort();
        harness = new GatewayHarness(data).start(Map.of("gateway.broker.acceptor", acceptor,
                "gateway.operations.console-port", Integer.toString(consolePort),
                "gateway.broker.redelivery.max-attempts", "2", "gateway.broker.redelivery.first-delay", "PT0.05S",
                "gateway.operations.history-every", "PT1S"));
        console = "https://127.0.0.1:" + consolePort;
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        options.setAcceptInsecureCerts(true); // the console's certificate is from the sample CA
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void an_operator_signs_in_reads_a_dead_letter_masked_and_retries_it_with_a_reason() throws Exception {
        String id = OperationsTest.deadLetter(harness, acceptor);

        browser.get(console + "/console/");
        browser.manage().deleteAllCookies();
        browser.get(console + "/console/");
        signIn("drift", "wrong password");
        visible("failed");
        signIn("drift", "sample-console-NOT-FOR-PRODUCTION");
        visible("console");
        // the first view: what needs an operator, the dead letter first, with the kommun's name beside its queue
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("attention"), DLQ));
        WebElement first = browser.findElement(By.cssSelector("#attention tbody tr"));
        assertEquals("dead-letters", first.getAttribute("data-kind"));
        assertTrue(first.getText().contains("Stockholms stad"), first.getText());
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("dead-letters"), id));
        // the last hour as a chart: a line per series, and the newest point's numbers beside it
        assertEquals(3, browser.findElements(By.cssSelector("#history polyline[data-series]")).size());
        assertTrue(browser.findElement(By.id("history-legend")).getText().contains("döda meddelanden 1"),
                browser.findElement(By.id("history-legend")).getText());

        button("Visa", id).click();
        WebElement shown = visible("message");
        await(ExpectedConditions.textToBePresentInElement(shown, "1984****-****"));
        assertFalse(shown.getText().contains("19840709-2389"), "the personal number is masked");

        button("Försök igen", id).click();
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "ange ett skäl"));
        browser.findElement(By.id("reason")).sendKeys("kommunens system är lagat");
        button("Försök igen", id).click();
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Skickat igen: " + id));

        assertEquals(0, harness.gateway().broker().depth(DLQ));
        try (var reader = harness.reader()) {
            assertEquals(id, reader.receive("kommun.0180", 5000).orElseThrow().messageId());
        }
        String trail = harness.auditTrail();
        assertTrue(trail.lines().anyMatch(l -> l.contains("\"event\":\"OPERATOR_RETRIED\"") && l.contains("console:drift")
                && l.contains("kommunens system är lagat")), trail);
        assertTrue(trail.contains("\"event\":\"OPERATOR_LOGIN_FAILED\""));
    }

    /** National scale: the queues of all 290 kommuner are paged, and found by a kommun's name or code. */
    @Test
    void the_queues_of_290_kommuner_are_paged_and_searched_by_name() {
        browser.get(console + "/console/");
        if (browser.manage().getCookieNamed("bryggan_session") == null) {
            signIn("drift", "sample-console-NOT-FOR-PRODUCTION");
        }
        visible("console");
        WebElement page = await(ExpectedConditions.presenceOfElementLocated(By.id("queues-page")));
        await(ExpectedConditions.textMatches(By.id("queues-page"), java.util.regex.Pattern.compile("^1–25 av \\d+$")));
        int total = Integer.parseInt(page.getText().replaceAll(".* av ", ""));
        assertTrue(total > 2 * 290, "every kommun's queue and escalation queue: " + total);
        assertEquals(25, browser.findElements(By.cssSelector("#queues tbody tr")).size());
        String firstOfPageOne = browser.findElement(By.cssSelector("#queues tbody tr")).getText();

        browser.findElement(By.id("queues-next")).click();
        await(ExpectedConditions.textToBe(By.id("queues-page"), "26–50 av " + total));
        assertFalse(browser.findElement(By.cssSelector("#queues tbody tr")).getText().equals(firstOfPageOne));

        WebElement search = browser.findElement(By.id("queue-search"));
        search.clear();
        search.sendKeys("kiruna");
        search.submit();
        await(ExpectedConditions.textToBe(By.id("queues-page"), "1–2 av 2"));
        var rows = browser.findElements(By.cssSelector("#queues tbody tr"));
        assertTrue(rows.stream().allMatch(r -> r.getText().contains("Kiruna") && r.getText().contains("kommun.2584")),
                rows.stream().map(WebElement::getText).toList().toString());
        search.clear();
        search.sendKeys("1440");
        search.submit();
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("queues"), "Ale"));
    }

    /** The API behind the page: no session, no entry; a session cookie changes nothing without the page's header. */
    @Test
    void without_a_session_nothing_and_with_a_cookie_alone_no_change() throws Exception {
        // trusts the sample CA, presents no client certificate
        HttpClient plain = HttpClient.newBuilder().sslContext(GatewayClient.sslContext(GatewayHarness.CERTS.resolve("truststore.p12"),
                GatewayHarness.CERTS.resolve("truststore.p12"), GatewayHarness.PASSWORD)).build();
        assertEquals(403, plain.send(HttpRequest.newBuilder(URI.create(console + "/operations/queues")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        browser.get(console + "/console/");
        if (browser.manage().getCookieNamed("bryggan_session") == null) {
            signIn("drift", "sample-console-NOT-FOR-PRODUCTION");
            visible("console");
        }
        Cookie session = browser.manage().getCookieNamed("bryggan_session");
        assertTrue(session.isHttpOnly() && session.isSecure(), "the session cookie is HttpOnly and Secure");
        HttpRequest forged = HttpRequest.newBuilder(URI.create(console + "/operations/dead-letters/" + DLQ
                        + "/00000000-0000-4000-8000-000000000001/retry?reason=x"))
                .header("Cookie", "bryggan_session=" + session.getValue()).POST(HttpRequest.BodyPublishers.noBody()).build();
        assertEquals(403, plain.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpRequest read = HttpRequest.newBuilder(URI.create(console + "/operations/queues"))
                .header("Cookie", "bryggan_session=" + session.getValue()).build();
        assertEquals(200, plain.send(read, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static void signIn(String name, String password) {
        visible("signin");
        WebElement nameField = browser.findElement(By.id("name"));
        nameField.clear();
        nameField.sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("signin-button")).click();
    }

    private static WebElement button(String label, String messageId) {
        return await(ExpectedConditions.elementToBeClickable(
                By.cssSelector("button[data-action='" + label + "'][data-message-id='" + messageId + "']")));
    }

    private static WebElement visible(String id) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private static <T> T await(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(10)).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the page at " + browser.getCurrentUrl() + " did not get there:\n" + browser.getPageSource(), e);
        }
    }
}
