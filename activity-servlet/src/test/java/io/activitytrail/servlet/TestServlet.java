package io.activitytrail.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/** The application behind the filter in the container tests: one route per behaviour. */
final class TestServlet extends HttpServlet {
    static final String ROUTE_ATTRIBUTE = FilterSettings.DEFAULT_ROUTE_ATTRIBUTE;

    final AtomicInteger handled = new AtomicInteger();
    private final ExecutorService async = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "test-async");
        t.setDaemon(true);
        return t;
    });

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        // In an include, getPathInfo() is still the including request's: the included path is an attribute.
        Object included = request.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_PATH_INFO);
        String path = included instanceof String s ? s : request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
            handled.incrementAndGet();
        }
        if (path.startsWith("/orders/")) {
            request.setAttribute(ROUTE_ATTRIBUTE, "/orders/{id}");
            text(response, "order");
        } else if (path.startsWith("/status/")) {
            response.setStatus(Integer.parseInt(path.substring("/status/".length())));
            text(response, "status");
        } else if (path.equals("/boom")) {
            throw new IllegalStateException("boom");
        } else if (path.equals("/forward")) {
            request.getRequestDispatcher("/ok").forward(request, response);
        } else if (path.equals("/include")) {
            request.getRequestDispatcher("/ok").include(request, response);
        } else if (path.equals("/missing")) {
            response.sendError(404);
        } else if (path.equals("/error-page")) {
            response.setContentType("text/plain");
            response.getWriter().write("error page");
        } else if (path.equals("/async/complete")) {
            AsyncContext ctx = request.startAsync();
            async.execute(() -> {
                try {
                    HttpServletResponse r = (HttpServletResponse) ctx.getResponse();
                    r.setStatus(202);
                    text(r, "async done");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    ctx.complete();
                }
            });
        } else if (path.equals("/async/dispatch")) {
            AsyncContext ctx = request.startAsync();
            async.execute(() -> ctx.dispatch("/ok"));
        } else if (path.equals("/async/timeout")) {
            AsyncContext ctx = request.startAsync();
            ctx.setTimeout(200);
        } else if (path.equals("/async/error")) {
            AsyncContext ctx = request.startAsync();
            async.execute(() -> ctx.dispatch("/boom"));
        } else if (path.equals("/session/create")) {
            HttpSession session = request.getSession(true);
            text(response, session.getId());
        } else if (path.equals("/mdc")) {
            text(response, MDC.get("requestId") + "|" + request.getAttribute(ActivityFilter.REQUEST_ID_ATTRIBUTE));
        } else {
            text(response, "ok");
        }
    }

    private static void text(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(body);
    }

    @Override
    public void destroy() {
        async.shutdownNow();
    }
}
