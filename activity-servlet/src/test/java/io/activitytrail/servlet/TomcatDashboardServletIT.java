package io.activitytrail.servlet;

import java.util.Map;

/** The dashboard's files on Tomcat. */
class TomcatDashboardServletIT extends DashboardServletBehaviour {
    @Override
    ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        return new ApiTomcatServer(servlets);
    }
}
