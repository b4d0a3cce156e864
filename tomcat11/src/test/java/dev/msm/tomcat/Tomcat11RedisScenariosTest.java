package dev.msm.tomcat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.msm.api.ServerProcess;
import dev.msm.core.MsmManagerBase;
import dev.msm.core.StoreScenarios;

/** The store scenarios on an embedded Tomcat 11 with a real redis-server. */
class Tomcat11RedisScenariosTest extends StoreScenarios {

    private static ServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = ServerProcess.redis();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }

    @Override
    protected Map<String, String> storeAttributes() {
        return Map.of("store", "redis", "redisUrl", "redis://" + redis.address(),
                "storageKeyPrefix", "static:" + cluster.hashCode());
    }

    @Override
    protected void stopServer() {
        redis.kill();
    }

    @Override
    protected void startServer() {
        redis.start();
    }
}
