package io.rtcio.node.browser;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Serves the test page and the socket.io-client browser bundle on loopback, and collects what
 * the pages report ({@code POST /report}) in a queue.
 */
final class PageServer implements AutoCloseable {

    private final HttpServer server;
    private final BlockingQueue<Map<String, Object>> reports = new LinkedBlockingQueue<>();
    private final ObjectMapper json = new ObjectMapper();

    PageServer(Path socketIoBundle) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String page : new String[] {"peer.html", "recovery.html"}) {
            server.createContext("/" + page, exchange -> {
                try (InputStream body = PageServer.class.getResourceAsStream("/browser/" + page)) {
                    respond(exchange, "text/html; charset=utf-8", body.readAllBytes());
                }
            });
        }
        server.createContext("/socket.io.min.js", exchange ->
                respond(exchange, "text/javascript", Files.readAllBytes(socketIoBundle)));
        server.createContext("/report", exchange -> {
            reports.add(json.readValue(exchange.getRequestBody(), new TypeReference<Map<String, Object>>() { }));
            respond(exchange, "text/plain", new byte[0]);
        });
        server.createContext("/favicon.ico", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    BlockingQueue<Map<String, Object>> reports() {
        return reports;
    }

    private static void respond(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
