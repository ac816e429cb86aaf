package io.activitytrail.servlet;

import jakarta.servlet.DispatcherType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Tomcat 11 embedded on a random port with the test authentication filter and the API servlets. */
final class ApiTomcatServer implements ApiServer {
    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;
    private final int port;

    /** Each servlet is mapped at its url pattern. */
    ApiTomcatServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        baseDir = Files.createTempDirectory("tomcat-api-test");
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", baseDir.toString());
        FilterDef def = new FilterDef();
        def.setFilterName("auth");
        def.setFilter(new TestAuthFilter());
        def.setFilterClass(TestAuthFilter.class.getName());
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("auth");
        map.addURLPattern("/*");
        map.setDispatcher(DispatcherType.REQUEST.name());
        ctx.addFilterMap(map);
        int i = 0;
        for (Map.Entry<String, ActivityApiServlet> e : servlets.entrySet()) {
            String name = "api" + i++;
            Tomcat.addServlet(ctx, name, e.getValue());
            ctx.addServletMappingDecoded(e.getKey(), name);
        }
        tomcat.start();
        if (ctx.getState() != LifecycleState.STARTED) {
            throw new IllegalStateException("context failed to start: " + ctx.getState());
        }
        port = tomcat.getConnector().getLocalPort();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (var files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public String toString() {
        return "Tomcat";
    }
}
