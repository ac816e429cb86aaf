package io.activitytrail.servlet;

/** The filter suite on Tomcat 11 embedded. */
class TomcatActivityFilterIT extends ActivityFilterBehaviour {
    @Override
    TestServer newServer() {
        return new TomcatTestServer();
    }
}
