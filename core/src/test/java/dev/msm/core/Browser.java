package dev.msm.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.msm.api.Http;

/**
 * The HTTP client of the embedded-Tomcat tests. One instance is one user: a cookie jar shared by every Tomcat on
 * 127.0.0.1 (cookies do not depend on the port), as a browser behind a load balancer would see them.
 * {@link #raw} sends what no HTTP client would (control characters and 4 KiB values in the cookie).
 */
public final class Browser {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * A response.
     *
     * @param sessionCookie the {@code JSESSIONID} the response sets, or {@code null}
     */
    public record Response(int status, String body, String sessionCookie) {
    }

    private final CookieManager cookies = new CookieManager();
    private final HttpClient client;

    public Browser() {
        client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * @param url an absolute URL
     * @return status and body
     */
    public Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
    }

    /**
     * Sends a GET without waiting for the answer, with this user's cookies (e.g. many requests of one session at
     * once).
     *
     * @param url an absolute URL
     * @return the response when it arrives
     */
    public CompletableFuture<Response> getAsync(String url) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(Browser::response);
    }

    /**
     * Posts a form.
     *
     * @param form already URL-encoded, e.g. {@code j_username=alice&j_password=secret}
     * @return status and body (redirects are not followed)
     */
    public Response post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private Response send(HttpRequest request) {
        try {
            return response(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response response(HttpResponse<String> r) {
        String session = null;
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith("JSESSIONID=")) {
                session = c.substring("JSESSIONID=".length()).split(";", 2)[0];
            }
        }
        return new Response(r.statusCode(), r.body(), session);
    }

    /**
     * @return the body, asserting status 200
     */
    public String body(String url) {
        Response r = get(url);
        if (r.status() != 200) {
            throw new AssertionError("GET " + url + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * @return the JSESSIONID cookie's value, or {@code null}
     */
    public String sessionId() {
        for (HttpCookie c : cookies.getCookieStore().getCookies()) {
            if (c.getName().equals("JSESSIONID")) {
                return c.getValue();
            }
        }
        return null;
    }

    /** Replaces the session cookie, e.g. with another user's. */
    public void setSessionId(String value) {
        cookies.getCookieStore().removeAll();
        HttpCookie c = new HttpCookie("JSESSIONID", value);
        c.setPath("/app");
        c.setVersion(0);
        cookies.getCookieStore().add(URI.create("http://127.0.0.1/app"), c);
    }

    /** Forgets all cookies. */
    public void clear() {
        cookies.getCookieStore().removeAll();
    }

    /**
     * A GET written byte by byte on its own connection ({@link Http}), for cookies no HTTP client would send; no
     * cookie jar.
     *
     * @param cookie the JSESSIONID value, sent as is (may hold any character)
     */
    public static Response raw(int port, String path, String cookie) {
        Http.Response r = Http.get("http://127.0.0.1:" + port + path, "JSESSIONID=" + cookie);
        return new Response(r.status(), r.body(), r.sessionCookie());
    }
}
