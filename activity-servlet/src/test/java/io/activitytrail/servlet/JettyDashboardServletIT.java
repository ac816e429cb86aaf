package io.activitytrail.servlet;

import java.util.Map;

/** The dashboard's files on Jetty. */
class JettyDashboardServletIT extends DashboardServletBehaviour {
    @Override
    ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        return new ApiJettyServer(servlets);
    }
}
