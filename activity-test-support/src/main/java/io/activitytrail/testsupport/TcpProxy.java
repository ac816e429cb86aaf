package io.activitytrail.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on the loopback interface for outage tests: it forwards to a target (PostgreSQL,
 * say) until told to {@link #cut()} (every connection is closed and new ones are closed at once,
 * like a server that is gone) or to {@link #freeze()} (connections stay open but no byte moves,
 * like a server that hangs), and forwards again after {@link #restore()}. Thread-safe; its
 * threads are daemons.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("localhost", 5432)) {
 *     String url = proxy.rewrite(PostgresExtension.serverUrl());
 *     ... proxy.cut(); ... proxy.restore();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+):(\\d+)");

    private enum Mode { FORWARD, CUT, FROZEN }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object modeLock = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy to {@code host:port} on a free loopback port. */
    public static TcpProxy start(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a TCP proxy", e);
        }
    }

    /** Starts a proxy to the host and port of a JDBC URL such as {@code jdbc:postgresql://localhost:5432/db}. */
    public static TcpProxy forJdbcUrl(String jdbcUrl) {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no host:port in " + jdbcUrl);
        }
        return start(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The port the proxy listens on (loopback). */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
    public String rewrite(String jdbcUrl) {
        return HOST_PORT.matcher(jdbcUrl).replaceFirst("//127.0.0.1:" + port());
    }

    /** How many client connections were accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Closes every connection and refuses new ones (closed right after accept) until {@link #restore()}. */
    public void cut() {
        synchronized (modeLock) {
            mode = Mode.CUT;
            closeAll();
        }
    }

    /** Keeps connections open but forwards nothing, in either direction, until {@link #restore()} or {@link #cut()}. */
    public void freeze() {
        synchronized (modeLock) {
            mode = Mode.FROZEN;
        }
    }

    /** Forwards again. Connections cut before stay closed; held bytes of frozen ones move on. */
    public void restore() {
        synchronized (modeLock) {
            mode = Mode.FORWARD;
            modeLock.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!awaitForwarding()) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // Connection closed or cut.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-" + direction + "-" + port());
        t.setDaemon(true);
        t.start();
    }

    /** Waits while frozen; false when the connection must end (cut or closed). */
    private boolean awaitForwarding() throws InterruptedException {
        synchronized (modeLock) {
            while (mode == Mode.FROZEN && !closed) {
                modeLock.wait(50);
            }
            return mode == Mode.FORWARD && !closed;
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        synchronized (modeLock) {
            modeLock.notifyAll();
        }
        closeAll();
    }
}
