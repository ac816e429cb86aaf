package io.activitytrail.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletContextListener;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An embedded servlet container on a random port with the test application deployed. */
interface TestServer extends AutoCloseable {

    /**
     * What to deploy: the probe filter, then the activity filter (an instance, or by class name
     * with init-params when {@code activityFilter} is null), mapped to every dispatcher type, then
     * the test servlet on {@code /*}; error pages for 404 and 500 at {@code /error-page}.
     */
    record Deployment(ProbeFilter probe, @Nullable Filter activityFilter, Map<String, String> initParams,
            @Nullable ServletContextListener listener, TestServlet servlet) {}

    /** Starts the server and returns its port. */
    int start(Deployment deployment) throws Exception;

    /** The filter instance the container made, for a registration by class name. */
    @Nullable ActivityFilter containerMadeFilter();

    @Override
    void close() throws Exception;
}
