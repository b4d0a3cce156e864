package dev.msm.boot;

import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.RequestContextUtils;
import org.springframework.web.servlet.view.RedirectView;

import dev.msm.api.MemcachedNodes;

/**
 * Issue 16: a Spring Boot application with Spring Security (form login, CSRF on, an in-memory user, a counter in the
 * session, a flash attribute through a redirect) on two instances (Boot's embedded Tomcat) sharing two memcached
 * nodes, msm configured exactly as the README's "Spring Boot" section shows and nothing added: a user logged in on
 * one instance is logged in on the other, CSRF tokens are accepted on both, the flash attribute crosses. Shared by the
 * Boot 3 and Boot 4 test modules (each brings its own Boot and Tomcat and its {@link ReadmeCustomizer}).
 */
class SpringSecurityAcrossInstancesTest {

    @RegisterExtension
    static final MemcachedNodes NODES = new MemcachedNodes(2);

    /** {@code null}: the README's configuration exactly; else the serializer set in addition. */
    static volatile String serializer;

    @BeforeAll
    static void bootLogsThroughJul() {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    /** The application; its msm bean, the README's, is the module's {@link ReadmeCustomizer}. */
    @SpringBootApplication(proxyBeanMethods = false)
    @Import(ReadmeCustomizer.class)
    @RestController
    public static class App {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(r -> r.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults()).build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername(SecuredAppJourney.USER)
                    .password("{noop}" + SecuredAppJourney.PASSWORD).roles("USER").build());
        }

        @RequestMapping(path = "/count", method = {RequestMethod.GET, RequestMethod.POST})
        String count(HttpSession session, Principal user) {
            Integer n = (Integer) session.getAttribute("count");
            int next = n == null ? 1 : n + 1;
            session.setAttribute("count", next);
            return "count=" + next + " user=" + user.getName();
        }

        @GetMapping("/csrf")
        String csrf(CsrfToken token) {
            return token.getToken();
        }

        @PostMapping("/flash")
        RedirectView flash(@RequestParam("text") String text, RedirectAttributes redirect) {
            redirect.addFlashAttribute("text", text);
            return new RedirectView("/show", true);
        }

        @GetMapping("/show")
        String show(HttpServletRequest request) {
            Map<String, ?> flash = RequestContextUtils.getInputFlashMap(request);
            return "flash=" + (flash == null ? "none" : flash.get("text"));
        }
    }

    static String nodes() {
        return NODES.memcachedNodes();
    }

    @Test
    void readmeSnippet_IsWhatThisTestRuns() {
        ReadmeSnippet.assertUsedBy(ReadmeCustomizer.README_HEADING, "src/test/java/dev/msm/boot/"
                + "ReadmeCustomizer.java", "nodes()");
    }

    private static ConfigurableApplicationContext run() {
        return new SpringApplication(App.class).run("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off");
    }

    private static String url(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @Test
    void loginOnOneInstance_CarriesLoginCsrfAndFlashToTheOther() {
        serializer = null;
        try (ConfigurableApplicationContext a = run(); ConfigurableApplicationContext b = run()) {
            new SecuredAppJourney(url(a), url(b)).run();
        }
    }

    @Test
    void withKryo_LoginCsrfAndFlashCrossToo() {
        serializer = "kryo";
        try (ConfigurableApplicationContext a = run(); ConfigurableApplicationContext b = run()) {
            new SecuredAppJourney(url(a), url(b)).run();
        }
    }
}
