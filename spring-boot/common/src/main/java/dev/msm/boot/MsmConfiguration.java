package dev.msm.boot;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans of the Boot 3 and Boot 4 auto-configurations that use no Spring Boot type that moved between them: the
 * {@code msm.*} properties and, with Micrometer present, the {@code msm.*} meters. Each version's
 * {@code MsmAutoConfiguration} imports this and adds the rest: the manager installer for its Tomcat, the
 * {@code TomcatContextCustomizer} and the health indicator, whose packages differ.
 */
@Configuration(proxyBeanMethods = false)
public class MsmConfiguration {

    @Bean
    @ConfigurationProperties("msm")
    MsmProperties msmProperties() {
        return new MsmProperties();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        MsmMetrics msmMetrics(MsmInstaller installer) {
            return new MsmMetrics(installer);
        }
    }
}
