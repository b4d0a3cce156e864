package dev.msm.boot.manual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.msm.api.MemcachedNodes;
import dev.msm.boot.autoconfigure.MsmAutoConfiguration;
import dev.msm.boot.counter.SessionCounter;
import dev.msm.boot.starter.HttpUser;
import dev.msm.tomcat.MsmManager;

/**
 * The README's Spring Boot 4 example without the starter, as written there (only the node list is the test's): a
 * {@code TomcatContextCustomizer}, imported from its Boot 4 package, sets msm's manager. Two Boot applications share
 * two memcached nodes; a user's session continues from one to the other.
 */
class ManualCustomizerTest {

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(2);

    @BeforeAll
    static void bootLogsThroughJul() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    /** A Boot 4 application with msm set up by hand: the starter's auto-configuration is left out. */
    @SpringBootApplication(proxyBeanMethods = false, exclude = MsmAutoConfiguration.class)
    @Import(SessionCounter.class)
    public static class App {

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
    }

    private static ConfigurableApplicationContext run() {
        return new SpringApplication(App.class).run("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off");
    }

    private static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/count";
    }

    @Test
    void readmeBoot4Customizer_TwoApplications_ShareTheSession() {
        try (ConfigurableApplicationContext a = run(); ConfigurableApplicationContext b = run()) {
            HttpUser user = new HttpUser();
            assertEquals("count=1", user.body(url(a)));
            assertEquals("count=2", user.body(url(b)));
            assertEquals("count=3", user.body(url(a)));
        }
    }

    @Test
    void readmeBoot4Snippet_IsThisTestsCode() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String snippet = null;
        while (m.find()) {
            if (m.group(1).contains("org.springframework.boot.tomcat.TomcatContextCustomizer")) {
                snippet = m.group(1);
            }
        }
        assertTrue(snippet != null, "the README lost its Spring Boot 4 example");
        List<String> source = Files.readAllLines(
                Path.of("src", "test", "java", "dev", "msm", "boot", "manual", "ManualCustomizerTest.java"))
                .stream().map(String::trim).toList();
        for (String line : snippet.split("\n")) {
            // the node list is the test's own memcached processes
            if (!line.isBlank() && !line.contains("setMemcachedNodes(")) {
                assertTrue(source.contains(line.trim()), "README line not in this test: " + line);
            }
        }
    }
}
