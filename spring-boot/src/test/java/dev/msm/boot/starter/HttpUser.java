package dev.msm.boot.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** One user agent with its cookies, for the Boot applications under test. */
public final class HttpUser {

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    /**
     * @param url where to go
     * @return the response, whatever its status
     */
    public HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param url where to go
     * @return the body of a 200 response
     */
    public String body(String url) {
        HttpResponse<String> r = get(url);
        assertEquals(200, r.statusCode(), r::body);
        return r.body();
    }
}
