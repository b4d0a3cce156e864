package dev.msm.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.msm.api.ServerProcess;

/**
 * A {@code redis-server} that also listens with TLS, on {@link #tlsPort()}, with a self-signed certificate for
 * {@code 127.0.0.1} made by {@code openssl} (clients are not asked for certificates).
 */
final class TlsServer implements AutoCloseable {

    private final Path dir;
    private final int tlsPort;
    private final ServerProcess server;

    TlsServer() {
        try {
            dir = Files.createTempDirectory("msm-redis-tls");
            Process openssl = new ProcessBuilder(ServerProcess.binary("openssl", "openssl"), "req", "-x509",
                    "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        tlsPort = ServerProcess.freePort();
        server = ServerProcess.redis(List.of("--tls-port", String.valueOf(tlsPort),
                "--tls-cert-file", dir.resolve("cert.pem").toString(),
                "--tls-key-file", dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("cert.pem").toString(),
                "--tls-auth-clients", "no"));
    }

    int tlsPort() {
        return tlsPort;
    }

    /** Where TLS is served, e.g. {@code 127.0.0.1:6380}. */
    String tlsAddress() {
        return "127.0.0.1:" + tlsPort;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (String file : List.of("key.pem", "cert.pem", "openssl.log")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        Files.deleteIfExists(dir);
    }
}
