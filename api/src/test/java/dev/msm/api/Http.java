package dev.msm.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tests' HTTP/1.1 written by hand, on one connection per request ({@code Connection: close}): no connection pool
 * that outlives a killed Tomcat, no retry a client library might do behind the test's back (a retried
 * {@code count.jsp} would count twice), and header bytes sent exactly as given, so that hostile cookies reach Tomcat
 * as they are. The end-to-end tests use it for every request, the embedded ones for hostile cookies.
 */
public final class Http {

    /**
     * A response.
     *
     * @param status  the status code
     * @param headers the header lines, as received
     * @param body    the body (de-chunked), ISO-8859-1 decoded
     */
    public record Response(int status, List<String> headers, String body) {

        /**
         * @param name a header name, case-insensitive
         * @return the first value of that header, or {@code null}
         */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String h : headers) {
                if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return h.substring(prefix.length()).trim();
                }
            }
            return null;
        }

        /**
         * @return the value of a {@code JSESSIONID} cookie the response sets, or {@code null}
         */
        public String sessionCookie() {
            for (String h : headers) {
                if (h.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
                    String v = h.substring(11).trim();
                    if (v.startsWith("JSESSIONID=")) {
                        v = v.substring("JSESSIONID=".length());
                        int semi = v.indexOf(';');
                        return semi < 0 ? v : v.substring(0, semi);
                    }
                }
            }
            return null;
        }
    }

    private Http() {
    }

    /**
     * Sends a GET.
     *
     * @param url    an absolute {@code http://127.0.0.1:PORT/...} URL
     * @param cookie the raw {@code Cookie} header value (any bytes), or {@code null} for none
     * @return the response
     * @throws UncheckedIOException when the connection fails (e.g. the Tomcat is down)
     */
    public static Response get(String url, String cookie) {
        return send("GET", url, cookie, null);
    }

    /**
     * Sends a form POST.
     *
     * @param url    an absolute URL
     * @param cookie the raw {@code Cookie} header value, or {@code null}
     * @param form   the URL-encoded form, e.g. {@code j_username=alice&j_password=secret}
     * @return the response (redirects are not followed)
     */
    public static Response post(String url, String cookie, String form) {
        return send("POST", url, cookie, form);
    }

    private static Response send(String method, String url, String cookie, String form) {
        URI uri = URI.create(url);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Connection: close\r\n");
        if (cookie != null) {
            request.append("Cookie: ").append(cookie).append("\r\n");
        }
        byte[] content = form == null ? null : form.getBytes(StandardCharsets.ISO_8859_1);
        if (content != null) {
            request.append("Content-Type: application/x-www-form-urlencoded\r\n")
                    .append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (content != null) {
                socket.getOutputStream().write(content);
            }
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed: " + e, e);
        }
    }

    private static Response parse(byte[] bytes) throws IOException {
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        int headerEnd = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.") || raw.length() < 12) {
            throw new IOException("Not an HTTP response: [" + raw + "]");
        }
        String head = headerEnd < 0 ? raw : raw.substring(0, headerEnd);
        String body = headerEnd < 0 ? "" : raw.substring(headerEnd + 4);
        int status = Integer.parseInt(head.substring(9, 12));
        List<String> headers = new ArrayList<>(List.of(head.split("\r\n")));
        headers.remove(0);
        Response r = new Response(status, headers, body);
        String encoding = r.header("Transfer-Encoding");
        if (encoding != null && encoding.equalsIgnoreCase("chunked")) {
            r = new Response(status, headers, unchunk(body));
        }
        return r;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String unchunk(String body) throws IOException {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int lineEnd = body.indexOf("\r\n", i);
            if (lineEnd < 0) {
                throw new IOException("Truncated chunked body");
            }
            String sizeText = body.substring(i, lineEnd).trim();
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt(semi < 0 ? sizeText : sizeText.substring(0, semi), 16);
            if (size == 0) {
                return sb.toString();
            }
            if (lineEnd + 2 + size > body.length()) {
                throw new IOException("Truncated chunked body");
            }
            sb.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        throw new IOException("Chunked body without its last chunk");
    }
}
