package dev.msm.boot.starter;

import static dev.msm.api.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.msm.api.MemcachedNodes;
import dev.msm.api.ServerProcess;
import dev.msm.boot.MsmInstaller;
import dev.msm.boot.counter.SessionCounter;
import dev.msm.core.MsmManagerBase;
import dev.msm.tomcat.MsmManager;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The starter in a real Spring Boot application (Boot 3 in {@code msm-spring-boot3-starter}, Boot 4 in
 * {@code msm-spring-boot4-starter}: the same test) with real memcached nodes: the README's
 * {@code application.properties} and nothing else install msm, a wrong value stops the start with msm's message, the
 * {@code msm} health indicator follows the nodes, and the meters count what msm did.
 */
class MsmStarterTest {

    private static final Pattern PROPERTIES = Pattern.compile("```properties\n(.*?)```", Pattern.DOTALL);

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(2);

    @BeforeAll
    static void bootLogsThroughJul() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    /** A Boot application that knows nothing of msm but the starter on its class path. */
    @SpringBootApplication(proxyBeanMethods = false)
    @Import(SessionCounter.class)
    public static class App {
    }

    /** @return the README's starter properties, each block as property → value */
    static List<Map<String, String>> readmeProperties() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        List<Map<String, String>> blocks = new ArrayList<>();
        Matcher m = PROPERTIES.matcher(readme);
        while (m.find()) {
            Map<String, String> block = new LinkedHashMap<>();
            for (String line : m.group(1).split("\n")) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    block.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            // starter blocks name the store; the Security section's catalina.properties block (msm.* system
            // properties for ${...} substitution in context.xml) does not
            if (block.containsKey("msm.memcached-nodes") || block.containsKey("msm.store")) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    private static Map<String, String> onTestNodes(Map<String, String> properties, ServerProcess... nodes) {
        Map<String, String> p = new LinkedHashMap<>(properties);
        List<String> list = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            list.add("n" + (i + 1) + ":" + nodes[i].address());
        }
        p.put("msm.memcached-nodes", String.join(" ", list));
        return p;
    }

    static ConfigurableApplicationContext run(Map<String, String> properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--management.endpoints.web.exposure.include=health,prometheus",
                "--management.endpoint.health.show-details=always"));
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplication(App.class).run(args.toArray(String[]::new));
    }

    private static String url(ConfigurableApplicationContext app, String path) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path;
    }

    private static MsmManagerBase manager(ConfigurableApplicationContext app) {
        return app.getBean(MsmInstaller.class).manager();
    }

    @Test
    void readmeProperties_TwoInstances_ShareTheSession() throws Exception {
        List<Map<String, String>> blocks = readmeProperties();
        assertFalse(blocks.isEmpty(), "the README lost its application.properties example");
        for (Map<String, String> readme : blocks) {
            Map<String, String> properties = onTestNodes(readme, NODES.get("n1"), NODES.get("n2"));
            try (ConfigurableApplicationContext a = run(properties);
                    ConfigurableApplicationContext b = run(properties)) {
                assertInstanceOf(MsmManager.class, manager(a));
                for (Map.Entry<String, String> p : readme.entrySet()) {
                    if (!p.getKey().equals("msm.memcached-nodes")) {
                        assertEquals(p.getValue(), attribute(manager(a), p.getKey()), p.getKey());
                    }
                }
                HttpUser user = new HttpUser();
                assertEquals("count=1", user.body(url(a, "/count")));
                assertEquals("count=2", user.body(url(b, "/count")));
                assertEquals("count=3", user.body(url(a, "/count")));
            }
        }
    }

    /** @return the manager's value of the attribute a {@code msm.*} property sets, read back through its getter */
    private static String attribute(MsmManagerBase manager, String property) throws ReflectiveOperationException {
        String kebab = property.startsWith("msm.attributes.") ? property.substring("msm.attributes.".length())
                : property.substring("msm.".length());
        StringBuilder name = new StringBuilder();
        for (String part : kebab.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        try {
            return (String) manager.getClass().getMethod("get" + name).invoke(manager);
        } catch (NoSuchMethodException e) {
            return manager.getProperty(Character.toLowerCase(name.charAt(0)) + name.substring(1));
        }
    }

    @Test
    void misspelledValue_StopsTheStart_NamingAttributeAcceptedValuesAndProperty() {
        String chain = startFailure(Map.of("msm.sticky", "ture"));
        assertTrue(chain.contains("Invalid value [ture] for attribute [sticky]"), chain);
        assertTrue(chain.contains("[true, false]"), chain);
        assertTrue(chain.contains("(set by property [msm.sticky])"), chain);
    }

    @Test
    void unknownPassThroughAttribute_StopsTheStart_NamingIt() {
        String chain = startFailure(Map.of("msm.attributes.lock-timeuot", "100"));
        assertTrue(chain.contains("lockTimeuot"), chain);
        assertTrue(chain.contains("lockTimeout"), "the known attributes are listed: " + chain);
    }

    /** @return the messages of the exception that stopped an application on node n1 with these properties */
    private static String startFailure(Map<String, String> properties) {
        Exception e = assertThrows(Exception.class, () -> run(onTestNodes(properties, NODES.get("n1"))).close());
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    @Test
    void healthIndicator_FollowsEachNode_DownOnlyWhenNoNodeAnswers() {
        try (ServerProcess h1 = ServerProcess.memcached(); ServerProcess h2 = ServerProcess.memcached();
                ConfigurableApplicationContext app = run(onTestNodes(Map.of("msm.sticky", "false"), h1, h2))) {
            HttpUser probe = new HttpUser();
            String health = url(app, "/actuator/health/msm");
            HttpResponse<String> up = probe.get(health);
            assertEquals(200, up.statusCode(), up.body());
            assertTrue(up.body().contains(node("n1", h1, "UP")), up.body());
            assertTrue(up.body().contains(node("n2", h2, "UP")), up.body());

            h2.kill();
            await().until(() -> probe.get(health).body().contains(node("n2", h2, "DOWN")));
            assertEquals(200, probe.get(health).statusCode(), "one node answers: sessions can be stored");

            h1.kill();
            await().until(() -> probe.get(health).statusCode() == 503);
            assertTrue(probe.get(health).body().contains(node("n1", h1, "DOWN")));

            h1.start();
            await().until(() -> probe.get(health).statusCode() == 200);
            assertTrue(probe.get(health).body().contains(node("n1", h1, "UP")));
        }
    }

    private static String node(String id, ServerProcess server, String status) {
        return "\"" + id + "\":{\"address\":\"" + server.address() + "\",\"failover\":false,\"status\":\"" + status
                + "\"}";
    }

    @Test
    void meters_CountWhatMsmDid_WithPrometheusNames() {
        Map<String, String> properties = Map.of("msm.sticky", "false", "msm.attributes.operationTimeout", "900");
        try (ConfigurableApplicationContext app = run(onTestNodes(properties, NODES.get("n1"), NODES.get("n2")))) {
            assertEquals("900", manager(app).getOperationTimeout(), "a camel-case pass-through key");
            HttpUser user = new HttpUser();
            for (int i = 1; i <= 3; i++) {
                assertEquals("count=" + i, user.body(url(app, "/count")));
            }
            MsmManagerBase manager = manager(app);
            await().until(() -> manager.getStatWrites() == 3);
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            assertEquals(3.0, registry.get("msm.writes").functionCounter().count());
            assertEquals(manager.getStatRequests(), registry.get("msm.requests").functionCounter().count());
            FunctionTimer writes = registry.get("msm.write").functionTimer();
            assertEquals(3.0, writes.count());
            assertTrue(writes.totalTime(TimeUnit.MICROSECONDS) > 0);
            assertEquals(2.0, registry.get("msm.store.nodes.available").gauge().value());

            String scrape = user.body(url(app, "/actuator/prometheus"));
            assertTrue(Pattern.compile("(?m)^msm_writes_total 3\\.0$").matcher(scrape).find(), scrape);
            assertTrue(Pattern.compile("(?m)^msm_write_seconds_count 3(\\.0)?$").matcher(scrape).find(), scrape);
            assertTrue(Pattern.compile("(?m)^msm_write_seconds_sum \\d").matcher(scrape).find(), scrape);
            assertTrue(Pattern.compile("(?m)^msm_session_serialized_bytes_total [1-9]").matcher(scrape).find(),
                    scrape);
            assertTrue(Pattern.compile("(?m)^msm_store_nodes_available 2\\.0$").matcher(scrape).find(), scrape);
            assertTrue(Pattern.compile("(?m)^msm_load_seconds_count ").matcher(scrape).find(), scrape);
        }
    }
}
