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

/**
 * One user: an HTTP client with its own cookie jar, shared by every Tomcat on 127.0.0.1 (cookies do not depend on
 * the port), as a browser behind a load balancer would see them.
 */
public final class Browser {

    /** A response: status and body. */
    public record Response(int status, String body) {
    }

    private final CookieManager cookies = new CookieManager();
    private final HttpClient client;

    public Browser() {
        client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * @param url an absolute URL
     * @return status and body
     */
    public Response get(String url) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Posts a form.
     *
     * @param form already URL-encoded, e.g. {@code j_username=alice&j_password=secret}
     * @return status and body (redirects are not followed)
     */
    public Response post(String url, String form) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    /** Replaces the session cookie, e.g. with a hostile value. */
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
}
