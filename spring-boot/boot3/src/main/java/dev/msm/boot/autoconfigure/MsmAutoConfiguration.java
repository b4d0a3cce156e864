package dev.msm.boot.autoconfigure;

import org.apache.catalina.startup.Tomcat;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.msm.boot.MsmConfiguration;
import dev.msm.boot.MsmInstaller;
import dev.msm.boot.MsmProperties;
import dev.msm.tomcat.MsmManager;

/**
 * Spring Boot 3: installs msm's manager on the embedded Tomcat from the {@code msm.*} properties, and adds the
 * {@code msm} health indicator and the {@code msm.*} meters where actuator and Micrometer are present. What Boot 3 and
 * 4 write alike lives in {@code msm-spring-boot-common} ({@link MsmConfiguration}: the properties and the meters);
 * the Boot 4 twin of this class differs only in imports.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Tomcat.class, TomcatContextCustomizer.class})
@Import(MsmConfiguration.class)
public class MsmAutoConfiguration {

    @Bean
    MsmInstaller msmInstaller(MsmProperties properties) {
        return new MsmInstaller(properties, MsmManager::new);
    }

    @Bean
    TomcatContextCustomizer msmTomcatContextCustomizer(MsmInstaller installer) {
        return installer::install;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("msm")
    static class StoreHealth {

        @Bean
        HealthIndicator msmHealthIndicator(MsmInstaller installer) {
            return () -> {
                MsmInstaller.StoreHealth h = installer.storeHealth();
                return (h.up() ? Health.up() : Health.down()).withDetails(h.details()).build();
            };
        }
    }
}
