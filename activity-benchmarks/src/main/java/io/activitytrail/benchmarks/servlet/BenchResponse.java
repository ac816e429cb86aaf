package io.activitytrail.benchmarks.servlet;

/** A response that keeps its status and takes headers without storing them. */
final class BenchResponse extends StubResponse {
    private int status = 200;
    String lastHeader;

    @Override
    public void setHeader(String name, String value) {
        lastHeader = value;
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }
}
