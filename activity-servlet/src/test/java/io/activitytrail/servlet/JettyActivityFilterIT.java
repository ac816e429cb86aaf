package io.activitytrail.servlet;

/** The filter suite on Jetty 12.1 (ee10). */
class JettyActivityFilterIT extends ActivityFilterBehaviour {
    @Override
    TestServer newServer() {
        return new JettyTestServer();
    }
}
