package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.msm.api.SerializerProvider;
import dev.msm.api.SessionStoreProvider;
import dev.msm.api.Unit;

/** Issue 16: every attribute has a public setter, so Java configuration (Spring Boot) needs no setProperty. */
@Unit
class AttributeSettersTest {

    @Test
    void everyStoreAndSerializerAttribute_HasAPublicSetterAndGetter() throws Exception {
        Set<String> names = new HashSet<>(List.of("redisUrl", "redisCluster", "redisSentinelMaster",
                "redisMaxValueBytes", "couchbaseConnectionString", "couchbaseBucket", "couchbaseScope",
                "couchbaseCollection", "couchbaseConnectTimeout", "couchbaseMaxValueBytes", "memcachedItemSizeMax"));
        ServiceLoader.load(SerializerProvider.class).forEach(p -> names.addAll(p.attributeNames()));
        ServiceLoader.load(SessionStoreProvider.class).forEach(p -> names.addAll(p.attributeNames()));
        assertTrue(names.contains("allowedClasses") && names.contains("memoryNodes"), names.toString());
        for (String name : names) {
            assertTrue(ReadmeExamplesTest.hasSetter(name), "no setter for [" + name + "]");
            if (name.equals("password")) {
                continue; // a secret: set only
            }
            String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            assertEquals(String.class, MsmManagerBase.class.getMethod(getter).getReturnType(), getter);
        }
    }

}
