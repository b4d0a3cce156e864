package dev.msm.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test that needs no server: no memcached, redis-server, CouchbaseMock or Tomcat. {@code ./mvnw test
 * -Dgroups=unit} runs only these; there, {@link ServerProcess#requireServersAllowed} makes any test that starts a
 * server anyway fail at once, naming the server.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Unit.TAG)
public @interface Unit {

    /** The JUnit tag, as {@code -Dgroups} names it. */
    String TAG = "unit";
}
