package dev.msm.tomcat;

import java.util.HashMap;
import java.util.Map;

import dev.msm.core.MemcachedManagerScenarios;
import dev.msm.core.MsmManagerBase;

/** The manager scenarios on an embedded Tomcat 11 with two memcached nodes and the Kryo serializer. */
class Tomcat11KryoScenariosTest extends MemcachedManagerScenarios {

    @Override
    protected MsmManagerBase newManager() {
        return new MsmManager();
    }

    @Override
    protected Map<String, String> storeAttributes() {
        Map<String, String> attrs = new HashMap<>(super.storeAttributes());
        attrs.put("serializer", "kryo");
        return attrs;
    }
}
