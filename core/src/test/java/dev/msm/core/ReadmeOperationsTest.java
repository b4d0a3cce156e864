package dev.msm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardEngine;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.util.SessionConfig;
import org.apache.catalina.util.StandardSessionIdGenerator;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.msm.api.Unit;
import dev.msm.core.keys.SessionId;
import dev.msm.core.keys.SessionIdFormat;

/**
 * The README's operations snippets work as the README says: its {@code logging.properties} lines load with
 * {@link LogManager} and turn on FINE for the loggers msm really logs to, and each load-balancer example sends a
 * session id that msm produces for a Tomcat with a {@code jvmRoute} to that Tomcat, applying the example's own
 * pattern (nginx {@code map} regex, HAProxy {@code use-server} match, mod_proxy_balancer and mod_jk routes).
 */
@Unit
class ReadmeOperationsTest {

    /** The README's example Tomcats: jvmRoute to address. */
    private static final Map<String, String> TOMCATS = Map.of("tomcat1", "10.0.0.11", "tomcat2", "10.0.0.12");
    /** A route no example knows, and that a pattern without an end anchor would take for {@code tomcat1}. */
    private static final String UNKNOWN_ROUTE = "tomcat10";

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }

    /** The fenced block with this info string whose first line starts with {@code firstLine} ("" for any). */
    private static String block(String info, String firstLine) throws IOException {
        Matcher m = Pattern.compile("(?m)^```" + Pattern.quote(info) + "\\n(.*?)^```", Pattern.DOTALL)
                .matcher(readme());
        List<String> found = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).startsWith(firstLine)) {
                found.add(m.group(1));
            }
        }
        assertEquals(1, found.size(), "README blocks ```" + info + " starting with [" + firstLine + "]");
        return found.get(0);
    }

    /** A session id as msm's manager makes it: Tomcat's generator with the jvmRoute, then msm's format. */
    private static String sessionId(String jvmRoute, Set<String> nodes) {
        StandardSessionIdGenerator generator = new StandardSessionIdGenerator();
        generator.setJvmRoute(jvmRoute);
        SessionIdFormat format = new SessionIdFormat(nodes);
        String node = nodes.isEmpty() ? null : nodes.iterator().next();
        String id = format.create(generator.generateSessionId(), node).full();
        SessionId parsed = format.parse(id);
        assertNotNull(parsed, id);
        assertEquals(jvmRoute, parsed.route(), id);
        return id;
    }

    /** Ids of every example Tomcat and of an unknown one, with and without node ids (memcached; Redis). */
    private static Map<String, List<String>> idsByRoute() {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        for (String route : List.of("tomcat1", "tomcat2", UNKNOWN_ROUTE)) {
            ids.put(route, List.of(sessionId(route, Set.of("n1")), sessionId(route, Set.of("n2")),
                    sessionId(route, Set.of())));
        }
        return ids;
    }

    private static String cookieName() {
        return SessionConfig.getSessionCookieName(null);
    }

    // ------------------------------------------------------------------ logging

    @Test
    void loggingProperties_LoadWithLogManager_TurnOnFineForMsmAndTheApplicationLogger() throws IOException {
        String snippet = block("properties", "# $CATALINA_BASE/conf/logging.properties");
        Properties props = new Properties();
        props.load(new StringReader(snippet));
        StandardEngine engine = new StandardEngine();
        engine.setName("Catalina");
        StandardHost host = new StandardHost();
        host.setName("localhost");
        host.setParent(engine);
        StandardContext shop = new StandardContext();
        shop.setName("/shop");
        shop.setPath("/shop");
        shop.setParent(host);
        String contextLogger = shop.getLogName();
        List<String> msmLoggers = List.of(SessionStorage.class.getName(), MsmManagerBase.class.getName(),
                "dev.msm.memcached.MemcachedSessionStore", "dev.msm.redis.RedisSessionStore",
                "dev.msm.couchbase.CouchbaseSessionStore");
        for (String logger : msmLoggers) {
            assertClassExists(logger);
        }
        Set<String> levelKeys = props.stringPropertyNames();
        assertFalse(levelKeys.isEmpty());
        for (String key : levelKeys) {
            assertTrue(key.endsWith(".level"), key);
            String logger = key.substring(0, key.length() - ".level".length());
            boolean msm = msmLoggers.stream().allMatch(c -> c.startsWith(logger + "."));
            assertTrue(msm || logger.equals(contextLogger), "[" + logger + "] is neither a package every msm logger is"
                    + " in nor Tomcat's logger of the application /shop [" + contextLogger + "]");
        }
        List<String> checked = new ArrayList<>(msmLoggers);
        checked.add(contextLogger);
        for (String logger : checked) {
            assertFalse(LogFactory.getLog(logger).isDebugEnabled(), "FINE already on for " + logger);
        }
        LogManager manager = LogManager.getLogManager();
        Map<String, String> before = new HashMap<>();
        levelKeys.forEach(k -> before.put(k, manager.getProperty(k)));
        List<Logger> configured = new ArrayList<>();
        try {
            manager.updateConfiguration(new ByteArrayInputStream(snippet.getBytes(StandardCharsets.ISO_8859_1)),
                    k -> (old, now) -> levelKeys.contains(k) ? now : old);
            // JULI instantiates the parents of every logger, so a level set for a package applies to its classes
            for (String key : levelKeys) {
                configured.add(Logger.getLogger(key.substring(0, key.length() - ".level".length())));
            }
            for (String logger : checked) {
                assertTrue(LogFactory.getLog(logger).isDebugEnabled(), "not FINE after the README's lines: " + logger);
            }
        } finally {
            manager.updateConfiguration(new ByteArrayInputStream(new byte[0]),
                    k -> (old, now) -> levelKeys.contains(k) ? before.get(k) : old);
            configured.forEach(l -> l.setLevel(null));
        }
    }

    @Test
    void loggingSection_NamesOnlyPackagesThatExist() throws IOException {
        String readme = readme();
        int start = readme.indexOf("\n### Logging\n");
        String section = readme.substring(start, readme.indexOf("\n## ", start));
        Matcher m = Pattern.compile("`(dev\\.msm\\.[a-z.]+)\\.\\*`").matcher(section);
        int count = 0;
        while (m.find()) {
            count++;
            String dir = m.group(1).replace('.', '/') + "/";
            assertNotNull(getClass().getClassLoader().getResource(dir), "no package " + m.group(1));
        }
        assertEquals(4, count, "packages named in the Logging section");
    }

    private static void assertClassExists(String name) {
        try {
            Class.forName(name, false, ReadmeOperationsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no class " + name, e);
        }
    }

    // ------------------------------------------------------------------ load balancers

    @Test
    void nginxExample_MapsTheCookiesRouteToTheUpstreamOfThatTomcat() throws IOException {
        String conf = block("nginx", "map ");
        Matcher map = Pattern.compile("map \\$cookie_(\\w+) \\$(\\w+) \\{(.*?)}", Pattern.DOTALL).matcher(conf);
        assertTrue(map.find(), conf);
        assertEquals(cookieName(), map.group(1));
        Matcher pass = Pattern.compile("proxy_pass http://\\$(\\w+);").matcher(conf);
        assertTrue(pass.find(), conf);
        assertEquals(map.group(2), pass.group(1), "proxy_pass uses the map's variable");
        Map<Pattern, String> regexes = new LinkedHashMap<>();
        String fallback = null;
        for (String line : map.group(3).strip().split("\\n")) {
            String[] parts = line.strip().replaceAll(";$", "").split("\\s+");
            assertEquals(2, parts.length, line);
            if (parts[0].equals("default")) {
                fallback = parts[1];
            } else if (parts[0].startsWith("~*")) {
                regexes.put(Pattern.compile(parts[0].substring(2), Pattern.CASE_INSENSITIVE), parts[1]);
            } else {
                assertTrue(parts[0].startsWith("~"), "a regex entry: " + line);
                regexes.put(Pattern.compile(parts[0].substring(1)), parts[1]);
            }
        }
        Map<String, List<String[]>> upstreams = new HashMap<>();
        Matcher up = Pattern.compile("upstream (\\w+) \\{([^}]*)}").matcher(conf);
        while (up.find()) {
            List<String[]> servers = new ArrayList<>();
            for (String server : up.group(2).split(";")) {
                if (!server.isBlank()) {
                    servers.add(server.strip().split("\\s+"));
                }
            }
            upstreams.put(up.group(1), servers);
        }
        for (Map.Entry<String, List<String>> e : idsByRoute().entrySet()) {
            for (String id : e.getValue()) {
                String upstream = fallback;
                for (Map.Entry<Pattern, String> r : regexes.entrySet()) {
                    if (r.getKey().matcher(id).find()) { // nginx: the first regex that matches, unanchored
                        upstream = r.getValue();
                        break;
                    }
                }
                List<String[]> servers = upstreams.get(upstream);
                assertNotNull(servers, "no upstream [" + upstream + "] for " + id);
                List<String> primary = new ArrayList<>();
                List<String> all = new ArrayList<>();
                for (String[] s : servers) {
                    assertEquals("server", s[0]);
                    all.add(s[1]);
                    if (s.length == 2) {
                        primary.add(s[1]);
                    } else {
                        assertEquals(List.of("backup"), List.of(s).subList(2, s.length));
                    }
                }
                assertEquals(TOMCATS.size(), all.size(), "every Tomcat takes over when needed: " + upstream);
                List<String> expected = TOMCATS.containsKey(e.getKey()) ? List.of(TOMCATS.get(e.getKey()) + ":8080")
                        : all;
                assertEquals(expected, primary, id + " -> upstream " + upstream);
            }
        }
    }

    @Test
    void haproxyExample_UseServerSendsTheSessionToItsTomcat() throws IOException {
        String conf = block("haproxy", "backend ");
        Matcher rule = Pattern.compile("use-server (\\S+) if \\{ req\\.cook\\((\\w+)\\) -m (\\w+) (\\S+) }")
                .matcher(conf);
        List<String[]> rules = new ArrayList<>();
        while (rule.find()) {
            assertEquals(cookieName(), rule.group(2));
            rules.add(new String[] {rule.group(1), rule.group(3), rule.group(4)});
        }
        assertEquals(TOMCATS.size(), rules.size(), conf);
        Map<String, String> servers = new HashMap<>();
        Matcher server = Pattern.compile("(?m)^\\s*server (\\S+) (\\S+)").matcher(conf);
        while (server.find()) {
            servers.put(server.group(1), server.group(2));
        }
        for (Map.Entry<String, List<String>> e : idsByRoute().entrySet()) {
            for (String id : e.getValue()) {
                String chosen = null;
                for (String[] r : rules) {
                    if (haproxyMatches(r[1], r[2], id)) {
                        chosen = r[0];
                        break;
                    }
                }
                String expected = TOMCATS.containsKey(e.getKey()) ? TOMCATS.get(e.getKey()) + ":8080" : null;
                assertEquals(expected, chosen == null ? null : servers.get(chosen), id);
            }
        }
    }

    private static boolean haproxyMatches(String method, String pattern, String value) {
        switch (method) {
            case "str":
                return value.equals(pattern);
            case "beg":
                return value.startsWith(pattern);
            case "end":
                return value.endsWith(pattern);
            case "sub":
                return value.contains(pattern);
            case "reg":
                return Pattern.compile(pattern).matcher(value).find();
            default:
                throw new AssertionError("match method not simulated: -m " + method);
        }
    }

    @Test
    void modProxyBalancerExample_RouteAfterTheFirstDotSelectsTheMemberOfThatTomcat() throws IOException {
        String conf = block("apache", "<Proxy ");
        Matcher sticky = Pattern.compile("stickysession=(\\w+)\\|(\\w+)").matcher(conf);
        assertTrue(sticky.find(), conf);
        assertEquals(cookieName(), sticky.group(1));
        assertEquals(SessionConfig.getSessionUriParamName(null), sticky.group(2));
        Map<String, String> members = new HashMap<>();
        Matcher member = Pattern.compile("BalancerMember \"http://([^\":]+):\\d+\" route=(\\S+)").matcher(conf);
        while (member.find()) {
            members.put(member.group(2), member.group(1));
        }
        assertEquals(TOMCATS.size(), members.size(), conf);
        for (Map.Entry<String, List<String>> e : idsByRoute().entrySet()) {
            for (String id : e.getValue()) {
                // mod_proxy_balancer: the route is what follows the first '.' of the cookie or path parameter
                String route = id.substring(id.indexOf('.') + 1);
                assertEquals(TOMCATS.get(e.getKey()), members.get(route), id);
            }
        }
    }

    @Test
    void modJkExample_WorkerRouteIsTheJvmRouteOfItsTomcat() throws IOException {
        Properties workers = new Properties();
        workers.load(new StringReader(block("properties", "# conf/workers.properties")));
        String balancer = workers.getProperty("worker.list");
        assertEquals("lb", workers.getProperty("worker." + balancer + ".type"));
        assertEquals("true", workers.getProperty("worker." + balancer + ".sticky_session"));
        Map<String, String> hostByRoute = new HashMap<>();
        for (String worker : workers.getProperty("worker." + balancer + ".balance_workers").split(",")) {
            assertEquals("ajp13", workers.getProperty("worker." + worker + ".type"));
            hostByRoute.put(workers.getProperty("worker." + worker + ".route", worker),
                    workers.getProperty("worker." + worker + ".host"));
        }
        for (Map.Entry<String, List<String>> e : idsByRoute().entrySet()) {
            for (String id : e.getValue()) {
                // mod_jk: the route is what follows the first '.' of the session id
                assertEquals(TOMCATS.get(e.getKey()), hostByRoute.get(id.substring(id.indexOf('.') + 1)), id);
            }
        }
    }

    /** Every MBean attribute the README's Operations section names has its getter on the manager. */
    @Test
    void everyMBeanAttributeTheReadmeNames_HasAGetter() throws IOException {
        String text = readme();
        int start = text.indexOf("with numeric attributes:");
        int end = text.indexOf("; operation", start);
        assertTrue(start > 0 && end > start, "the README's list of MBean attributes");
        Matcher m = Pattern.compile("`(\\w+)(/P99)?`").matcher(text.substring(start, end));
        int names = 0;
        while (m.find()) {
            List<String> attributes = m.group(2) == null ? List.of(m.group(1))
                    : List.of(m.group(1), m.group(1).replaceAll("P50$", "P99"));
            for (String a : attributes) {
                String getter = "get" + Character.toUpperCase(a.charAt(0)) + a.substring(1);
                String is = "is" + Character.toUpperCase(a.charAt(0)) + a.substring(1);
                boolean found = Arrays.stream(MsmManagerBase.class.getMethods()).anyMatch(
                        x -> x.getParameterCount() == 0 && (x.getName().equals(getter) || x.getName().equals(is)));
                assertTrue(found, "the README names MBean attribute [" + a + "] but the manager has no " + getter);
                names++;
            }
        }
        assertTrue(names > 30, "attributes found: " + names);
    }
}
