package io.activitytrail.servlet;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/** Jetty 12.1, ee10 (Servlet 6). */
final class JettyTestServer implements TestServer {
    private @Nullable Server server;
    private @Nullable FilterHolder activityHolder;

    @Override
    public int start(Deployment d) throws Exception {
        Server s = new Server();
        ServerConnector connector = new ServerConnector(s);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        s.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        if (d.listener() != null) {
            context.addEventListener(d.listener());
        }
        FilterHolder probe = new FilterHolder(d.probe());
        probe.setAsyncSupported(true);
        context.addFilter(probe, "/*", EnumSet.allOf(DispatcherType.class));
        FilterHolder activity = d.activityFilter() != null ? new FilterHolder(d.activityFilter()) : new FilterHolder(ActivityFilter.class);
        activity.setAsyncSupported(true);
        d.initParams().forEach(activity::setInitParameter);
        context.addFilter(activity, "/*", EnumSet.allOf(DispatcherType.class));
        activityHolder = activity;
        ServletHolder servlet = new ServletHolder(d.servlet());
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/*");
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(404, "/error-page");
        errors.addErrorPage(500, "/error-page");
        errors.addErrorPage(Throwable.class, "/error-page");
        context.setErrorHandler(errors);
        s.setHandler(context);
        server = s;
        s.start();
        if (!s.isStarted() || !context.isAvailable()) {
            throw new IllegalStateException("context failed to start");
        }
        return connector.getLocalPort();
    }

    @Override
    public @Nullable ActivityFilter containerMadeFilter() {
        return activityHolder == null ? null : (ActivityFilter) activityHolder.getFilter();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "Jetty";
    }
}
