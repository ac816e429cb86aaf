package io.activitytrail.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.core.ApplicationFilterConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.jspecify.annotations.Nullable;

/** Tomcat 11 embedded. */
final class TomcatTestServer implements TestServer {
    private @Nullable Tomcat tomcat;
    private @Nullable Context context;
    private @Nullable Path baseDir;

    @Override
    public int start(Deployment d) throws Exception {
        baseDir = Files.createTempDirectory("tomcat-test");
        Tomcat t = new Tomcat();
        t.setBaseDir(baseDir.toString());
        t.setHostname("127.0.0.1");
        t.setPort(0);
        t.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = t.addContext("", baseDir.toString());
        if (d.listener() != null) {
            ((org.apache.catalina.core.StandardContext) ctx).addApplicationLifecycleListener(d.listener());
        }
        addFilter(ctx, "probe", d.probe(), null, java.util.Map.of());
        addFilter(ctx, "activity", d.activityFilter(), ActivityFilter.class.getName(), d.initParams());
        Wrapper servlet = Tomcat.addServlet(ctx, "app", d.servlet());
        servlet.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/*", "app");
        for (int code : new int[] {404, 500}) {
            ErrorPage page = new ErrorPage();
            page.setErrorCode(code);
            page.setLocation("/error-page");
            ctx.addErrorPage(page);
        }
        ErrorPage any = new ErrorPage();
        any.setExceptionType(Throwable.class.getName());
        any.setLocation("/error-page");
        ctx.addErrorPage(any);
        tomcat = t;
        context = ctx;
        t.start();
        if (ctx.getState() != LifecycleState.STARTED) {
            throw new ServletException("context failed to start: " + ctx.getState());
        }
        return t.getConnector().getLocalPort();
    }

    private static void addFilter(Context ctx, String name, jakarta.servlet.@Nullable Filter filter, @Nullable String className,
            java.util.Map<String, String> initParams) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        if (filter != null) {
            def.setFilter(filter);
            def.setFilterClass(filter.getClass().getName());
        } else {
            def.setFilterClass(className);
        }
        def.setAsyncSupported("true");
        initParams.forEach(def::addInitParameter);
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern("/*");
        for (DispatcherType type : DispatcherType.values()) {
            map.setDispatcher(type.name());
        }
        ctx.addFilterMap(map);
    }

    @Override
    public @Nullable ActivityFilter containerMadeFilter() {
        if (context == null) {
            return null;
        }
        try {
            var config = (ApplicationFilterConfig) ((org.apache.catalina.core.StandardContext) context).findFilterConfig("activity");
            if (config == null) {
                return null;
            }
            // Tomcat keeps the instance it made behind a package-private getter.
            var getFilter = ApplicationFilterConfig.class.getDeclaredMethod("getFilter");
            getFilter.setAccessible(true);
            return (ActivityFilter) getFilter.invoke(config);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
        if (baseDir != null) {
            try (var files = Files.walk(baseDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public String toString() {
        return "Tomcat";
    }
}
