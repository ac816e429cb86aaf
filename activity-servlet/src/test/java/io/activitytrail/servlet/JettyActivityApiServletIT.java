package io.activitytrail.servlet;

import java.util.Map;

/** The JSON API suite on Jetty. */
class JettyActivityApiServletIT extends ActivityApiBehaviour {
    @Override
    ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        return new ApiJettyServer(servlets);
    }
}
