package dev.msm.redis;

import dev.msm.api.DropInJarContract;

/** The Redis store jar, as built by {@code package}, is a drop-in jar as {@link DropInJarContract} requires. */
class RedisDropInSbomIT extends DropInJarContract {

    RedisDropInSbomIT() {
        super("redis");
    }
}
