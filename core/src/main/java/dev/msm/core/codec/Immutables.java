package dev.msm.core.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Knows values that cannot change after being handed out: a request that only read such attributes did not modify
 * the session, so msm need not serialize it to find out.
 */
public final class Immutables {

    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class, Locale.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class, OffsetDateTime.class, ZonedDateTime.class);

    private Immutables() {
    }

    /**
     * @return {@code true} if the value's class is a known immutable JDK type or an enum (enum constants with
     *         mutable fields are rare and not considered)
     */
    public static boolean isImmutable(Object value) {
        Class<?> c = value.getClass();
        return IMMUTABLE.contains(c) || c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum());
    }
}
