package io.activitytrail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityTrail;
import io.activitytrail.InMemoryActivityStore;
import io.activitytrail.MetricsListener;
import io.activitytrail.MicrometerMetricsListener;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.ActivityApiServlet;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.spring.internal.AuthoritiesAccessPolicy;
import io.activitytrail.spring.internal.SecurityEventsListener;
import io.activitytrail.testsupport.PostgresExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Each condition of the auto-configuration, on a real PostgreSQL. */
class ActivityTrailAutoConfigurationIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @TempDir
    Path spool;

    /** The pool stays open: it is the extension's, and a context would close a bean that is a pool. */
    private ApplicationContextRunner plain() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ActivityTrailAutoConfiguration.class, ActivityTrailIntegrationAutoConfiguration.class))
                .withBean(DataSource.class, () -> new DelegatingDataSource(postgres.dataSource()))
                .withPropertyValues("activity.spool-dir=" + spool);
    }

    private WebApplicationContextRunner web() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ActivityTrailAutoConfiguration.class, ActivityTrailIntegrationAutoConfiguration.class))
                .withBean(DataSource.class, () -> new DelegatingDataSource(postgres.dataSource()))
                .withPropertyValues("activity.spool-dir=" + spool);
    }

    @Test
    void shouldMakeAStoreOnTheDataSourceAndATrailOnIt() {
        plain().withPropertyValues("activity.queue-capacity=1234").run(context -> {
            assertThat(context).hasSingleBean(JdbcActivityStore.class).hasSingleBean(ActivityTrail.class);
            ActivityTrail trail = context.getBean(ActivityTrail.class);
            assertThat(trail.health().queueCapacity()).isEqualTo(1234);
            trail.log("alice", "invoice_paid", "Paid invoice 17");
            trail.flush();
            assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("alice").build()).activities())
                    .extracting(a -> a.description()).contains("Paid invoice 17");
            assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
        });
    }

    @Test
    void shouldBackOffWithoutADataSource() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ActivityTrailAutoConfiguration.class, ActivityTrailIntegrationAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(ActivityStore.class).doesNotHaveBean(ActivityTrail.class));
    }

    private static String schemaUrl() {
        String url = PostgresExtension.serverUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + postgres.schema();
    }

    @Test
    void shouldUseAPoolOfItsOwnFromTheActivityDatasourceProperties() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ActivityTrailAutoConfiguration.class))
                .withPropertyValues("activity.spool-dir=" + spool, "activity.datasource.url=" + schemaUrl(),
                        "activity.datasource.username=postgres")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(DataSource.class).hasSingleBean(JdbcActivityStore.class);
                    ActivityTrail trail = context.getBean(ActivityTrail.class);
                    trail.log("own-pool-user", "pooled", null);
                    trail.flush();
                    assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("own-pool-user").build()).activities()).hasSize(1);
                });
    }

    @Test
    void shouldReadThroughTheReadDatasourceWhenOneIsSet() {
        plain().withPropertyValues("activity.read-datasource.url=" + schemaUrl(), "activity.read-datasource.username=postgres")
                .run(context -> {
                    ActivityTrail trail = context.getBean(ActivityTrail.class);
                    trail.log("replica-reader", "written", null);
                    trail.flush();
                    assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("replica-reader").build()).activities()).hasSize(1);
                    com.zaxxer.hikari.HikariDataSource read = (com.zaxxer.hikari.HikariDataSource)
                            context.getBean(ActivityReadPool.class).dataSource().orElseThrow();
                    assertThat(read.isReadOnly()).isTrue();
                    assertThat(read.getHikariPoolMXBean().getTotalConnections()).as("connections the read pool opened").isPositive();
                });
        plain().run(context -> assertThat(context.getBean(ActivityReadPool.class).dataSource()).isEmpty());
    }

    @Test
    void shouldFlushTheTrailIntoTheDatabaseBeforeTheContextClosesTheApplicationsPool() throws Exception {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ActivityTrailAutoConfiguration.class))
                .withBean(DataSource.class, () -> {
                    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
                    config.setJdbcUrl(schemaUrl());
                    config.setUsername("postgres");
                    return new com.zaxxer.hikari.HikariDataSource(config);
                })
                .withPropertyValues("activity.spool-dir=" + spool.resolve("closing"), "activity.flush-interval=1m")
                .run(context -> {
                    ActivityTrail trail = context.getBean(ActivityTrail.class);
                    for (int i = 0; i < 50; i++) {
                        trail.log("closing-user", "queued_at_close", null);
                    }
                });
        try (java.sql.Connection c = postgres.newConnection(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM user_activity_logs WHERE user_id = 'closing-user'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("stored at close, not left in the spool").isEqualTo(50);
        }
    }

    @Test
    void shouldBackOffWhenSwitchedOff() {
        web().withPropertyValues("activity.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(ActivityTrail.class).doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Test
    void shouldUseTheApplicationsOwnStore() {
        plain().withBean(ActivityStore.class, InMemoryActivityStore::new).run(context -> {
            assertThat(context).doesNotHaveBean(JdbcActivityStore.class).hasSingleBean(InMemoryActivityStore.class);
            assertThat(context).hasSingleBean(ActivityTrail.class);
        });
    }

    @Test
    void shouldBackOffForTheApplicationsOwnTrailPolicyAndSettings() {
        AccessPolicy own = AccessPolicy.roles("boss", "helpdesk", "may_view");
        io.activitytrail.servlet.FilterSettings filterSettings = io.activitytrail.servlet.FilterSettings.builder()
                .anonymousUserId("guest").build();
        web().withBean(ActivityStore.class, InMemoryActivityStore::new)
                .withBean("myTrail", ActivityTrail.class, () -> ActivityTrail.builder().store(new InMemoryActivityStore())
                        .spoolDirectory(spool.resolve("own")).shutdownHook(false).build())
                .withBean(AccessPolicy.class, () -> own)
                .withBean(io.activitytrail.servlet.FilterSettings.class, () -> filterSettings)
                .run(context -> {
                    assertThat(context).hasSingleBean(ActivityTrail.class).hasBean("myTrail").doesNotHaveBean("activityTrail");
                    assertThat(context.getBean(AccessPolicy.class)).isSameAs(own);
                    assertThat(context.getBean(io.activitytrail.servlet.FilterSettings.class)).isSameAs(filterSettings);
                    assertThat(context).hasSingleBean(FilterRegistrationBean.class);
                });
    }

    @Test
    void shouldRegisterTheFilterBeforeSpringSecurityAndTheApiAtItsBasePath() {
        web().withPropertyValues("activity.api.base-path=/my/activity").run(context -> {
            @SuppressWarnings("unchecked")
            FilterRegistrationBean<ActivityFilter> filter = context.getBean(FilterRegistrationBean.class);
            assertThat(filter.getFilter()).isInstanceOf(ActivityFilter.class);
            assertThat(filter.getOrder()).as("before Spring Security's chain, at -100").isLessThan(-100)
                    .isEqualTo(ActivityTrailIntegrationAutoConfiguration.FILTER_ORDER);
            @SuppressWarnings("unchecked")
            ServletRegistrationBean<ActivityApiServlet> api = context.getBean(ServletRegistrationBean.class);
            assertThat(api.getServlet()).isInstanceOf(ActivityApiServlet.class);
            assertThat(api.getUrlMappings()).containsExactly("/my/activity/*");
            assertThat(context.getBean(AccessPolicy.class)).isInstanceOf(AuthoritiesAccessPolicy.class);
            assertThat(context).hasSingleBean(SecurityEventsListener.class);
        });
    }

    /** Regression: an empty prefix let clients log any action through POST /log, login and admin.activity_erased included. */
    @Test
    void shouldRefuseAnEmptyClientActionPrefixAtStartup() {
        for (String prefix : new String[] {"", "  "}) {
            web().withPropertyValues("activity.api.client-action-prefix=" + prefix).run(context -> assertThat(context)
                    .hasFailed().getFailure().rootCause().hasMessageContaining("activity.api.client-action-prefix"));
        }
        web().withPropertyValues("activity.api.client-action-prefix=app.").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void shouldRegisterNeitherFilterNorApiWhenTheirPropertiesSaySo() {
        web().withPropertyValues("activity.filter.enabled=false", "activity.api.enabled=false").run(context -> assertThat(context)
                .hasSingleBean(ActivityTrail.class).doesNotHaveBean(FilterRegistrationBean.class)
                .doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void shouldDoWithoutSpringSecurity() {
        web().withClassLoader(new FilteredClassLoader("org.springframework.security")).run(context -> {
            assertThat(context).hasSingleBean(ActivityTrail.class).hasSingleBean(ServletRegistrationBean.class);
            assertThat(context).doesNotHaveBean(AccessPolicy.class).doesNotHaveBean(SecurityEventsListener.class)
                    .doesNotHaveBean("activityUserResolver");
        });
    }

    @Test
    void shouldMeterThePipelineWhenARegistryIsThere() {
        plain().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context.getBean(MetricsListener.class)).isInstanceOf(MicrometerMetricsListener.class);
            ActivityTrail trail = context.getBean(ActivityTrail.class);
            trail.log("alice", "metered", null);
            trail.flush();
            assertThat(context.getBean(MeterRegistry.class).get("activitytrail.activities.written").counter().count()).isEqualTo(1.0);
        });
        plain().run(context -> assertThat(context).doesNotHaveBean(MetricsListener.class));
    }

    /** The health indicator on either line's health API (what it reports is in {@code SpringBootEndToEndIT}). */
    @Test
    void shouldMakeTheHealthIndicatorOnTheLinesHealthApi() {
        plain().run(context -> assertThat(context).hasSingleBean(ActivityTrail.class).hasBean("activityHealthIndicator"));
        plain().withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate.health"))
                .run(context -> assertThat(context).hasSingleBean(ActivityTrail.class).doesNotHaveBean("activityHealthIndicator"));
    }
}
