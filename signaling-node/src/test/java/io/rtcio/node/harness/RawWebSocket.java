package io.rtcio.node.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare Engine.IO WebSocket that speaks only what a test writes: it never answers pings, never
 * obeys a DISCONNECT, never reconnects. For checking what the server does to clients that do not
 * cooperate.
 */
public final class RawWebSocket implements AutoCloseable {

    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private RawWebSocket(String baseUrl) throws Exception {
        URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket");
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                received.add(data.toString());
                pending.add(data.toString());
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        }).get(5, TimeUnit.SECONDS);
    }

    /** Opens a WebSocket-only Engine.IO connection to a node's base URL ({@code http://host:port}). */
    public static RawWebSocket open(String baseUrl) throws Exception {
        return new RawWebSocket(baseUrl);
    }

    /** The next text frame not yet taken, waiting up to 5 s. */
    public String nextFrame() throws InterruptedException {
        String frame = pending.poll(5, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 5 s; received so far: " + received);
        }
        return frame;
    }

    /** Every text frame received so far. */
    public List<String> received() {
        return new ArrayList<>(received);
    }

    /** Sends one text frame and waits until it is written. */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    /**
     * Whether the server cut the connection. java.net.http does not always report a close that
     * comes without a close frame, so a failing send (an Engine.IO pong) counts too.
     */
    public boolean isCutOff() {
        if (closed.isDone()) {
            return true;
        }
        try {
            socket.sendText("3", true).get(1, TimeUnit.SECONDS);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    @Override
    public void close() {
        socket.abort();
    }
}
