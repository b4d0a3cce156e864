package dev.msm.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.msm.api.ServerProcess;

/**
 * Memcached's {@code watch fetchers mutations} log stream: every key any client reads, writes, touches or deletes
 * while the watch is open, as memcached saw it on the wire.
 */
final class MemcachedWatch implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile(" key=(\\S+)");

    private final Socket socket;
    private final BufferedReader in;
    private final String node;

    /**
     * Opens the watch.
     *
     * @param node   the node id, for messages
     * @param server the memcached server
     */
    MemcachedWatch(String node, ServerProcess server) {
        this.node = node;
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
            socket.getOutputStream().write("watch fetchers mutations\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            socket.setSoTimeout(5_000);
            String answer = in.readLine();
            if (!"OK".equals(answer)) {
                throw new IllegalStateException("memcached " + node + " refused the watch: " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what the watch logged until a marker key shows up: the caller does a {@code get} of the marker after
     * the requests it wants to see, so that everything before it has been logged.
     *
     * @param marker a key that the caller reads after its requests
     * @return the keys seen before the marker, URL-decoded as memcached encodes them
     */
    List<String> keysUntil(String marker) {
        List<String> keys = new ArrayList<>();
        try {
            socket.setSoTimeout(10_000);
            String line;
            while ((line = in.readLine()) != null) {
                Matcher m = KEY.matcher(line);
                if (m.find()) {
                    String key = URLDecoder.decode(m.group(1), StandardCharsets.ISO_8859_1);
                    if (key.equals(marker)) {
                        return keys;
                    }
                    keys.add(key);
                }
            }
            throw new IllegalStateException("memcached " + node + " closed the watch");
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("memcached " + node + " never logged the marker key " + marker
                    + "; seen: " + keys, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket to a local test server
        }
    }
}
