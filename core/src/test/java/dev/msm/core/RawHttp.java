package dev.msm.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests written byte by byte, for cookies no HTTP client would send (control characters, 4 KiB values).
 */
public final class RawHttp {

    /** Status, body and the new session cookie, if any. */
    public record Response(int status, String body, String sessionCookie) {
    }

    private RawHttp() {
    }

    /**
     * @param cookie the JSESSIONID value, sent as is (may hold any character)
     */
    public static Response get(int port, String path, String cookie) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            String request = "GET " + path + " HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nCookie: JSESSIONID=" + cookie
                    + "\\r\\nConnection: close\\r\\n\\r\\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String raw = new String(readAll(socket.getInputStream()), StandardCharsets.ISO_8859_1);
            int headerEnd = raw.indexOf("\\r\\n\\r\\n");
            String head = headerEnd < 0 ? raw : raw.substring(0, headerEnd);
            String body = headerEnd < 0 ? "" : raw.substring(headerEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            String session = null;
            for (String line : head.split("\\r\\n")) {
                if (line.regionMatches(true, 0, "Set-Cookie: JSESSIONID=", 0, 23)) {
                    String v = line.substring(23);
                    session = v.contains(";") ? v.substring(0, v.indexOf(';')) : v;
                }
            }
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Response(status, body, session);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    private static String unchunk(String body) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int lineEnd = body.indexOf("\\r\\n", i);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            sb.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        return sb.toString();
    }
}
