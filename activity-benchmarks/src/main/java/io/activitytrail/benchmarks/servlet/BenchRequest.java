package io.activitytrail.benchmarks.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A GET as a container would hand it over after parsing: fixed headers, a principal, attributes in a map. */
final class BenchRequest extends StubRequest {
    private final String path;
    private final Map<String, String> headers;
    private final Map<String, Object> attributes = new HashMap<>();
    private final Principal principal = () -> "user-42";

    BenchRequest(String path, Map<String, String> headers) {
        this.path = path;
        this.headers = headers;
    }

    /** Forget what the last run left, as a new request would. */
    void reset() {
        attributes.clear();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    @Override
    public String getMethod() {
        return "GET";
    }

    @Override
    public String getRequestURI() {
        return path;
    }

    @Override
    public String getServletPath() {
        return "";
    }

    @Override
    public String getPathInfo() {
        return path;
    }

    @Override
    public String getQueryString() {
        return "page=2&token=abc";
    }

    @Override
    public String getHeader(String name) {
        return headers.get(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String value = headers.get(name);
        return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
    }

    @Override
    public String getRemoteAddr() {
        return "10.0.0.7";
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isAsyncStarted() {
        return false;
    }

    @Override
    public HttpSession getSession(boolean create) {
        return null;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }
}
