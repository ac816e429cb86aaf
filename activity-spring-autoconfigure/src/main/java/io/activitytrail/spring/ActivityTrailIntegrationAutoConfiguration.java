package io.activitytrail.spring;

import io.activitytrail.ActivityTrail;
import io.activitytrail.UserResolver;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.ActivityApiServlet;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.servlet.ApiSettings;
import io.activitytrail.servlet.FilterSettings;
import io.activitytrail.spring.internal.ActivityHealthIndicator;
import io.activitytrail.spring.internal.Boot3HealthIndicator;
import io.activitytrail.spring.internal.SecurityEventsListener;
import io.activitytrail.spring.internal.TrackActivityInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * What stands on the {@link ActivityTrail} of {@link ActivityTrailAutoConfiguration} (or the
 * application's own): the filter, the JSON API and the dashboard in a servlet web application,
 * Spring Security's authentication events, and the Actuator health indicator. A separate
 * auto-configuration, ordered after the first, so that its conditions see the trail.
 */
@AutoConfiguration(after = ActivityTrailAutoConfiguration.class)
@ConditionalOnBean(ActivityTrail.class)
@ConditionalOnProperty(prefix = "activity", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ActivityTrailIntegrationAutoConfiguration {
    /**
     * The order of the {@code ActivityFilter} registration: just before Spring Security's filter
     * chain ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, -100, on both Boot lines), so that
     * the requests the chain answers itself (a 403 for a missing CSRF token or a denied access, a
     * 401 from an entry point, the sign-in and sign-out requests) are logged and carry a request
     * id too. After Boot's character-encoding, form-content and request-context filters and
     * Spring Session's repository filter. The user is then read from where Spring Security keeps
     * it, not only from its thread-bound holder (which is empty outside the chain).
     */
    public static final int FILTER_ORDER = -100 - 1;

    /** The request filter, the JSON API and the dashboard in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.boot.web.servlet.FilterRegistrationBean")
    static class WebConfiguration {
        @Bean
        @ConditionalOnMissingBean
        FilterSettings activityFilterSettings(ActivityTrailProperties properties,
                ObjectProvider<UserResolver<HttpServletRequest>> userResolver) {
            ActivityTrailProperties.Filter filter = properties.getFilter();
            FilterSettings.Builder builder = FilterSettings.builder()
                    .trustedProxies(filter.getTrustedProxies())
                    .activityApiPath(properties.getApi().getBasePath());
            if (!filter.getInclude().isEmpty()) {
                builder.includePatterns(filter.getInclude());
            }
            if (!filter.getExclude().isEmpty()) {
                builder.addExcludePatterns(filter.getExclude().toArray(String[]::new));
            }
            if (filter.isLogAnonymous()) {
                builder.anonymousUserId("anonymous");
            }
            userResolver.ifAvailable(builder::userResolver);
            return builder.build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "activityFilterRegistration")
        @ConditionalOnProperty(prefix = "activity.filter", name = "enabled", havingValue = "true", matchIfMissing = true)
        FilterRegistrationBean<ActivityFilter> activityFilterRegistration(ActivityTrail trail, FilterSettings settings) {
            FilterRegistrationBean<ActivityFilter> registration = new FilterRegistrationBean<>(new ActivityFilter(trail, settings));
            registration.setName("activityFilter");
            registration.setOrder(FILTER_ORDER);
            registration.addUrlPatterns("/*");
            return registration;
        }

        @Bean
        @ConditionalOnMissingBean
        ApiSettings activityApiSettings(ActivityTrailProperties properties, FilterSettings filterSettings,
                ObjectProvider<UserResolver<HttpServletRequest>> userResolver) {
            ActivityTrailProperties.Api api = properties.getApi();
            String prefix = api.getClientActionPrefix();
            if (prefix == null || prefix.isBlank()) {
                // Every action starts with "": clients could log login, logout or admin.activity_erased.
                throw new IllegalArgumentException("activity.api.client-action-prefix must not be empty, but was "
                        + (prefix == null ? "null" : "\"" + prefix + "\"")
                        + ": it is what every action logged through POST /log must start with (default \"client.\")");
            }
            ApiSettings.Builder builder = ApiSettings.builder()
                    .basePath(api.getBasePath())
                    .readLimit(api.getReadLimit())
                    .exportLimit(api.getExportLimit())
                    .logLimit(api.getLogLimit())
                    .anonymousLimit(api.getAnonymousLimit())
                    .rateLimitWindow(api.getRateLimitWindow())
                    .logActionAllowed(action -> action.startsWith(prefix))
                    .healthOpen(api.isHealthOpen())
                    .clientAddress(filterSettings)
                    .dashboardEnabled(properties.getDashboard().isEnabled());
            userResolver.ifAvailable(builder::userResolver);
            return builder.build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "activityApiServletRegistration")
        @ConditionalOnProperty(prefix = "activity.api", name = "enabled", havingValue = "true", matchIfMissing = true)
        ServletRegistrationBean<ActivityApiServlet> activityApiServletRegistration(ActivityTrail trail,
                ObjectProvider<AccessPolicy> accessPolicy, ApiSettings settings) {
            AccessPolicy policy = accessPolicy.getIfAvailable(AccessPolicy::roles);
            ServletRegistrationBean<ActivityApiServlet> registration =
                    new ServletRegistrationBean<>(new ActivityApiServlet(trail, policy, settings), settings.urlPattern());
            registration.setName("activityApi");
            return registration;
        }
    }

    /** Sign-in, failed sign-in and sign-out from Spring Security's events. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.authentication.event.AuthenticationSuccessEvent")
    static class SecurityEventsConfiguration {
        @Bean
        @ConditionalOnProperty(prefix = "activity.security", name = "events", havingValue = "true", matchIfMissing = true)
        SecurityEventsListener activitySecurityEventsListener(ActivityTrail trail,
                ObjectProvider<UserDetailsService> userDetailsService, ObjectProvider<AuthenticationUserId> userId,
                ObjectProvider<FilterSettings> filterSettings) {
            UserDetailsService users = userDetailsService.getIfUnique();
            // The store's spelling of the name, not the typed one: a store that ignores case (the
            // in-memory one, most JDBC ones) signs ALICE in as alice, and that is whose history it is.
            Function<String, Optional<UserDetails>> knownUser = name -> {
                if (users == null) {
                    return Optional.empty();
                }
                try {
                    return Optional.ofNullable(users.loadUserByUsername(name));
                } catch (UsernameNotFoundException e) {
                    return Optional.empty();
                }
            };
            // The filter's trusted proxies (activity.filter.trusted-proxies) for the client's address.
            return new SecurityEventsListener(trail, userId.getIfAvailable(AuthenticationUserId::name), knownUser,
                    filterSettings.getIfAvailable(FilterSettings::defaults));
        }
    }

    /** An {@code activity} health indicator on Boot 4's health API. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "activityHealthIndicator")
        ActivityHealthIndicator activityHealthIndicator(ActivityTrail trail) {
            return new ActivityHealthIndicator(trail);
        }
    }

    /**
     * The same {@code activity} health indicator on Boot 3.5's health API (see
     * {@link Boot3HealthIndicator} for why it is made at run time). Registered with its type set,
     * so that Actuator, which looks contributors up by type, finds it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @Import(Boot3HealthIndicator.Registrar.class)
    static class Boot3HealthConfiguration {}

    /** {@link TrackActivity} on bean methods: an infrastructure advisor, picked up by the auto-proxy creator Boot's AOP configuration registers. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.aop.support.annotation.AnnotationMatchingPointcut",
            "org.springframework.security.core.context.SecurityContextHolder"})
    static class TrackActivityConfiguration {
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor activityTrackActivityAdvisor(ObjectProvider<ActivityTrail> trail, ObjectProvider<AuthenticationUserId> userId) {
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                    new AnnotationMatchingPointcut(null, TrackActivity.class, true), new TrackActivityInterceptor(trail, userId));
            advisor.setOrder(Ordered.LOWEST_PRECEDENCE);
            return advisor;
        }
    }
}
