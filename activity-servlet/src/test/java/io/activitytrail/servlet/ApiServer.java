package io.activitytrail.servlet;

/** An embedded container serving the API servlets on a random port. */
interface ApiServer extends AutoCloseable {
    int port();
}
