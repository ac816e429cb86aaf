package io.activitytrail.spring.internal;

import io.activitytrail.ActivityTrail;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The {@code activity} health indicator on Boot 3.5's health API
 * ({@code org.springframework.boot.actuate.health}), made at run time: one module serves both Boot
 * lines, and Boot 3.5's {@code spring-boot-actuator} cannot sit on the compile path beside Boot
 * 4.0's (same artifact, other packages). So this implements Boot 3.5's {@code HealthIndicator} as
 * a proxy and builds its {@code Health} by reflection. What it reports is
 * {@code ActivityHealthCheck.check}, as on Boot 4.
 */
public final class Boot3HealthIndicator {
    static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String HEALTH = "org.springframework.boot.actuate.health.Health";
    private static final String STATUS = "org.springframework.boot.actuate.health.Status";

    private Boot3HealthIndicator() {}

    /** A Boot 3.5 {@code HealthIndicator} for {@code trail}, loaded by {@code classLoader}. */
    public static Object create(ActivityTrail trail, ClassLoader classLoader) throws ReflectiveOperationException {
        Class<?> indicator = Class.forName(INDICATOR, true, classLoader);
        Class<?> health = Class.forName(HEALTH, true, classLoader);
        Class<?> status = Class.forName(STATUS, true, classLoader);
        Method statusOf = health.getMethod("status", status);
        Class<?> builder = statusOf.getReturnType();
        Method withDetails = builder.getMethod("withDetails", Map.class);
        Method build = builder.getMethod("build");
        java.lang.reflect.Constructor<?> newStatus = status.getConstructor(String.class);
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "health":
                    Map<String, Object> details = new LinkedHashMap<>();
                    String code = ActivityHealthCheck.check(trail, details);
                    return build.invoke(withDetails.invoke(statusOf.invoke(null, newStatus.newInstance(code)), details));
                case "getHealth":
                    // HealthIndicator.getHealth(boolean includeDetails) is a default method that calls health().
                    return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                case "toString":
                    return "Boot3HealthIndicator[" + trail + "]";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException(method.toString());
            }
        };
        return Proxy.newProxyInstance(classLoader, new Class<?>[] {indicator}, handler);
    }

    /** Registers {@code activityHealthIndicator} typed as Boot 3.5's {@code HealthIndicator}, unless the application has one. */
    public static final class Registrar implements ImportBeanDefinitionRegistrar, BeanClassLoaderAware {
        private ClassLoader classLoader = Registrar.class.getClassLoader();

        @Override
        public void setBeanClassLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            if (registry.containsBeanDefinition("activityHealthIndicator") || !(registry instanceof BeanFactory beans)) {
                return;
            }
            Class<?> type;
            try {
                type = Class.forName(INDICATOR, false, classLoader);
            } catch (ClassNotFoundException e) {
                return;
            }
            RootBeanDefinition definition = new RootBeanDefinition();
            definition.setTargetType(type);
            definition.setBeanClass(type);
            definition.setInstanceSupplier(() -> {
                try {
                    return create(beans.getBean(ActivityTrail.class), classLoader);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot make the activity health indicator for Boot 3.5", e);
                }
            });
            registry.registerBeanDefinition("activityHealthIndicator", definition);
        }
    }
}
