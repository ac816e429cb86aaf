package io.activitytrail.servlet;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12.1 (ee10) on a random port with the test authentication filter and the API servlet. */
final class ApiJettyServer implements ApiServer {
    private final Server server = new Server();
    private final int port;

    /** Each servlet is mapped at its url pattern. */
    ApiJettyServer(java.util.Map<String, ActivityApiServlet> servlets) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new TestAuthFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        servlets.forEach((pattern, servlet) -> context.addServlet(new ServletHolder(servlet), pattern));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    @Override
    public String toString() {
        return "Jetty";
    }
}
