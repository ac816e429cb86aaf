package io.activitytrail.spring;

import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityTrail;
import io.activitytrail.MetricsListener;
import io.activitytrail.MicrometerMetricsListener;
import io.activitytrail.PrivacyPolicy;
import io.activitytrail.UserResolver;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.ActivityApiServlet;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.spring.internal.AuthoritiesAccessPolicy;
import io.activitytrail.spring.internal.SecurityContextUserResolver;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * ActivityTrail for Spring Boot 4.0 and 3.5: a {@link JdbcActivityStore} on the application's
 * {@link DataSource}, the {@link ActivityTrail} (closed with the context), and in a servlet web
 * application the {@link ActivityFilter} (before Spring Security's filter chain) and the
 * {@link ActivityApiServlet} with its dashboard. With Spring Security: the user (named by an
 * {@link AuthenticationUserId}) and roles from the security context, and sign-in, sign-in failure
 * and sign-out logged from its events. With
 * Micrometer: the pipeline's meters. With Actuator (Boot 4 and 3.5): an {@code activity} health indicator.
 * Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(ActivityTrail.class)
@ConditionalOnProperty(prefix = "activity", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ActivityTrailProperties.class)
public class ActivityTrailAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityTrailAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(ActivityStore.class)
    @Conditional(DataSourceAvailable.class)
    public JdbcActivityStore activityStore(ObjectProvider<DataSource> dataSource, ActivityTrailProperties properties,
            ActivityReadPool readPool) {
        ActivityTrailProperties.Pool own = properties.getDatasource();
        JdbcActivityStore.Builder builder = own.isSet()
                ? JdbcActivityStore.builder(own.getUrl(), own.getUsername(), own.getPassword())
                : JdbcActivityStore.builder(dataSource.getObject());
        builder.table(properties.getTable())
                .migrate(properties.isMigrate())
                .partitionsAhead(properties.getPartitionsAhead())
                .statsCacheTtl(properties.getStatsCacheTtl())
                .retention(properties.getRetention())
                .scheduledMaintenance(properties.isMaintenanceEnabled())
                .maintenanceInterval(properties.getMaintenanceInterval())
                .scheduledRetention(properties.isRetentionEnabled());
        if (properties.getSchema() != null) {
            builder.schema(properties.getSchema());
        }
        readPool.dataSource().ifPresent(builder::readDataSource);
        return builder.build();
    }

    /** The replica's pool of {@code activity.read-datasource.*}, closed with the context; not a {@code DataSource} bean, so the application keeps a single one. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ActivityReadPool activityReadPool(ActivityTrailProperties properties) {
        return ActivityReadPool.of(properties.getReadDatasource());
    }

    /** The application's {@code DataSource}, or {@code activity.datasource.url}. */
    static final class DataSourceAvailable extends AnyNestedCondition {
        DataSourceAvailable() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(DataSource.class)
        static final class ApplicationDataSource {}

        @ConditionalOnProperty(prefix = "activity.datasource", name = "url")
        static final class OwnDataSource {}
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(ActivityStore.class)
    public ActivityTrail activityTrail(ActivityStore store, ActivityTrailProperties properties,
            ObjectProvider<MetricsListener> metricsListener) {
        ActivityTrailProperties.Privacy privacy = properties.getPrivacy();
        ActivityTrail.Builder builder = ActivityTrail.builder()
                .store(store)
                .batchSize(properties.getBatchSize())
                .flushInterval(properties.getFlushInterval())
                .queueCapacity(properties.getQueueCapacity())
                .deviceCacheSize(properties.getDeviceCacheSize())
                .overflowPolicy(properties.getOverflow())
                .spoolDirectory(Path.of(properties.getSpoolDir()))
                .shutdownTimeout(properties.getShutdownTimeout())
                .retention(properties.getRetention())
                // The context closes the trail; a JVM shutdown hook of its own would race it.
                .shutdownHook(false)
                .privacy(PrivacyPolicy.builder()
                        .ipv4Prefix(privacy.getIpMaskV4())
                        .ipv6Prefix(privacy.getIpMaskV6())
                        .locationPrecision(privacy.getLocation())
                        .secretKeys(privacy.getSecretKeys())
                        .build());
        metricsListener.ifAvailable(builder::metricsListener);
        if (properties.getSessionIdHashKey() == null || properties.getSessionIdHashKey().isBlank()) {
            LOG.warn("activity.session-id-hash-key is not set: session ids are hashed with a key made for this process, "
                    + "so hashes differ per instance and per restart; set it from a secret shared by all instances");
        } else {
            builder.sessionIdHashKey(properties.getSessionIdHashKey().getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** Meters of the write pipeline, when Micrometer and a registry are there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        MetricsListener activityMetricsListener(MeterRegistry registry) {
            return new MicrometerMetricsListener(registry);
        }
    }

    /** The user and roles from Spring Security, and its authentication events in the users' histories. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
    static class SecurityConfiguration {
        @Bean
        @ConditionalOnMissingBean
        AuthenticationUserId activityAuthenticationUserId() {
            return AuthenticationUserId.name();
        }

        @Bean
        @ConditionalOnMissingBean(name = "activityUserResolver")
        UserResolver<HttpServletRequest> activityUserResolver(AuthenticationUserId userId) {
            return new SecurityContextUserResolver(userId);
        }

        @Bean
        @ConditionalOnMissingBean
        AccessPolicy activityAccessPolicy(ActivityTrailProperties properties) {
            ActivityTrailProperties.Access access = properties.getAccess();
            return new AuthoritiesAccessPolicy(access.getAdminRole(), access.getSupportRole(), access.getViewPermission());
        }
    }
}
