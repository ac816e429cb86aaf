package io.activitytrail.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request as raw bytes, for what {@code java.net.http} refuses to send (control characters,
 * invalid UTF-8, malformed header values), and returns the status code of the response, or -1 when
 * the server closed the connection without one.
 */
final class RawHttp {
    private RawHttp() {}

    static int send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                head.write(b);
            }
            String statusLine = head.toString(StandardCharsets.ISO_8859_1);
            // Drain the rest (Connection: close) so the server finishes the exchange.
            in.transferTo(OutputStream.nullOutputStream());
            String[] parts = statusLine.split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
        } catch (java.net.SocketException e) {
            return -1; // reset by a server that refused the request outright
        }
    }

    /** A GET with the given target and header lines (each without CRLF), as ISO-8859-1 except {@code extra} bytes. */
    static byte[] get(String target, String... headerLines) {
        StringBuilder s = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String line : headerLines) {
            s.append(line).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
