package dev.msm.redis;

import java.time.Duration;
import java.util.Map;

import dev.msm.api.DelayingProxy;
import dev.msm.api.ServerProcess;
import dev.msm.api.SessionStore;
import dev.msm.api.Settings;
import dev.msm.api.SlowNodeScenarios;

/**
 * A Redis that is slow, not dead: every answer 200 ms late through a {@link DelayingProxy}. Below the operation
 * timeout it stays available and loses nothing.
 */
class RedisSlowServerTest extends SlowNodeScenarios {

    @Override
    protected ServerProcess startServer() {
        return ServerProcess.redis();
    }

    @Override
    protected SessionStore store(String address, Duration timeout) {
        return new RedisStoreProvider().create(new Settings(Map.of("redisUrl", "redis://" + address), timeout,
                "/slow"));
    }

    @Override
    protected String node() {
        return null;
    }
}
