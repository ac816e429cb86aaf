package io.activitytrail.servlet;

import java.util.Map;

/** The JSON API suite on Tomcat. */
class TomcatActivityApiServletIT extends ActivityApiBehaviour {
    @Override
    ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        return new ApiTomcatServer(servlets);
    }
}
