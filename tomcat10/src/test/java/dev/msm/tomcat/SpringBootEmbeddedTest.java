package dev.msm.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.servlet.http.HttpSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatContextCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.msm.api.MemcachedNodes;
import dev.msm.core.Browser;

/**
 * The README's Spring Boot 3 example, as written there: a {@code TomcatContextCustomizer} bean that sets msm's
 * manager on Boot's embedded Tomcat. Two Boot applications share two memcached nodes; a user's session continues from
 * one to the other.
 */
class SpringBootEmbeddedTest {

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(2);

    @BeforeAll
    static void bootLogsThroughJul() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    /** A Boot application with msm, configured as in the README. */
    @SpringBootApplication(proxyBeanMethods = false)
    @RestController
    public static class App {

        /** The README's bean. */
        @Bean
        TomcatContextCustomizer msmSessions() {
            return context -> {
                MsmManager manager = new MsmManager();
                manager.setMemcachedNodes(NODES.memcachedNodes());
                manager.setSticky("false");
                manager.setLockingMode("all");
                context.setManager(manager);
            };
        }

        /** Counts per session. */
        @GetMapping("/count")
        String count(HttpSession session) {
            Integer n = (Integer) session.getAttribute("count");
            int next = n == null ? 1 : n + 1;
            session.setAttribute("count", next);
            return "count=" + next;
        }
    }

    private static ConfigurableApplicationContext run() {
        // Boot otherwise disables Tomcat's MBean registry for the whole JVM, and the JMX scenario that runs later in
        // this module's JVM would find no manager MBean
        return new SpringApplication(App.class).run("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--server.tomcat.mbeanregistry.enabled=true");
    }

    private static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
    }

    @Test
    void bootApplications_ShareSessionsThroughMsm() {
        try (ConfigurableApplicationContext a = run(); ConfigurableApplicationContext b = run()) {
            TomcatWebServer server = (TomcatWebServer) ((ServletWebServerApplicationContext) a).getWebServer();
            org.apache.catalina.Context context = (org.apache.catalina.Context) server.getTomcat().getHost()
                    .findChildren()[0];
            assertInstanceOf(MsmManager.class, context.getManager());
            Browser user = new Browser();
            assertEquals("count=1", user.body(url(a) + "/count"));
            assertEquals("count=2", user.body(url(b) + "/count"));
            assertEquals("count=3", user.body(url(a) + "/count"));
        }
    }
}
