package dev.msm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user of a Spring Security application (form login, CSRF on, a counter in the session, a flash attribute
 * through a redirect) that alternates between two instances behind a non-sticky load balancer. The application
 * answers {@code GET /count} and {@code POST /count} with {@code count=N user=NAME}, {@code GET /csrf} with the CSRF
 * token, {@code POST /flash} with a redirect to {@code /show}, which answers {@code flash=TEXT}. Shared by the Boot 3
 * and Boot 4 tests (boot-tests/).
 */
public final class SecuredAppJourney {

    /** The in-memory user of the applications. */
    public static final String USER = "alice";
    /** Her password. */
    public static final String PASSWORD = "wonderland";

    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private record Response(int status, String body, String location) {
    }

    private final CookieManager cookies = new CookieManager();
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    private final String a;
    private final String b;

    /**
     * @param a the first instance, e.g. {@code http://127.0.0.1:8080}
     * @param b the second instance
     */
    public SecuredAppJourney(String a, String b) {
        this.a = a;
        this.b = b;
    }

    /**
     * Logs in on A, then crosses between the instances: every step asserts its exact outcome.
     */
    public void run() {
        HttpCookie language = new HttpCookie("lang", "en"); // saved with the request the login interrupts
        language.setPath("/");
        language.setVersion(0);
        cookies.getCookieStore().add(URI.create(a), language);
        Response protectedPage = get(a + "/count");
        assertEquals(302, protectedPage.status(), "not logged in yet: to the login page");
        assertTrue(protectedPage.location().endsWith("/login"), protectedPage.location());

        Response loginPage = get(a + "/login");
        assertEquals(200, loginPage.status());
        Response login = post(a + "/login", "username=" + USER + "&password=" + PASSWORD + "&_csrf="
                + csrfInput(loginPage.body()));
        assertEquals(302, login.status(), "login on A: " + login.body());
        assertTrue(login.location().endsWith("/count?continue") || login.location().endsWith("/count"),
                "login on A returns to the saved request: " + login.location());

        assertEquals("count=1 user=" + USER, ok(get(b + "/count")), "logged in on B");
        assertEquals("count=2 user=" + USER, ok(post(b + "/count", "_csrf=" + token(b))), "CSRF accepted on B");
        assertEquals("count=3 user=" + USER, ok(post(a + "/count", "_csrf=" + token(a))), "CSRF accepted on A");
        assertEquals(403, post(b + "/count", "_csrf=forged").status(), "a forged CSRF token is refused on B");

        Response flash = post(a + "/flash", "_csrf=" + token(b) + "&text=saved");
        assertEquals(302, flash.status(), "flash on A: " + flash.body());
        assertTrue(flash.location().endsWith("/show"), flash.location());
        assertEquals("flash=saved", ok(get(b + "/show")), "the flash attribute crosses from A to B");
        assertEquals("flash=none", ok(get(a + "/show")), "and is used once");

        assertEquals("count=4 user=" + USER, ok(get(a + "/count")), "still logged in on A");
        assertEquals("count=5 user=" + USER, ok(get(b + "/count")), "still logged in on B");
    }

    private String token(String instance) {
        return encode(ok(get(instance + "/csrf")));
    }

    private static String csrfInput(String html) {
        Matcher m = CSRF_INPUT.matcher(html);
        assertTrue(m.find(), "login page without a CSRF field: " + html);
        return encode(m.group(1));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String ok(Response r) {
        assertEquals(200, r.status(), "answered " + r.status() + " (location " + r.location() + "): " + r.body());
        return r.body();
    }

    private Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private Response post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
