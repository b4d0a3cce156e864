package dev.msm.api;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real memcached servers shared by the tests of one class: started before all of them, stopped after. Register it on
 * a static field: {@code @RegisterExtension static final MemcachedNodes NODES = new MemcachedNodes(2);}.
 */
public final class MemcachedNodes implements BeforeAllCallback, AfterAllCallback {

    private final int count;
    private final List<ServerProcess> servers = new ArrayList<>();

    /**
     * @param count how many servers, {@code n1} to {@code nN}
     */
    public MemcachedNodes(int count) {
        this.count = count;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        for (int i = 0; i < count; i++) {
            servers.add(ServerProcess.memcached());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(ServerProcess::close);
        servers.clear();
    }

    /**
     * @param id {@code n1} to {@code nN}
     * @return the server of that node
     */
    public ServerProcess get(String id) {
        return servers.get(Integer.parseInt(id.substring(1)) - 1);
    }

    /**
     * @return every node as msm's {@code memcachedNodes} attribute lists them: {@code n1:127.0.0.1:port n2:...}
     */
    public String memcachedNodes() {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            nodes.add("n" + (i + 1) + ":" + servers.get(i).address());
        }
        return String.join(" ", nodes);
    }
}
