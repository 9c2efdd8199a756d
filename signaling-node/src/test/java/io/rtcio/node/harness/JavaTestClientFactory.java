package io.rtcio.node.harness;

import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import io.socket.parser.Packet;
import io.socket.parser.Parser;
import io.socket.thread.EventThread;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The Java client {@code io.socket:socket.io-client} 2.1.x.
 *
 * <p>Its quirks, and how this factory deals with them:
 * <ul>
 *   <li>{@code auth} is a {@code Map<String, String>}: string values are sent as they are, other values as
 *       their JSON text ({@code 5} becomes {@code "5"}, a map becomes {@code "{\"a\":1}"}), null stays null.</li>
 *   <li>Events are captured from the Manager's decoded packets, not with {@code onAnyIncoming}: the client
 *       does not pass events that arrive before its CONNECT completes to {@code onAnyIncoming}.</li>
 *   <li>The engine (needed for the current transport, the upgrade and {@link TestClient#kill()}) is not public;
 *       it is read reflectively from {@code Manager.engine} and {@code engine.transport}.</li>
 *   <li>Each factory uses its own OkHttp client so that {@link #close()} can release its threads.</li>
 * </ul>
 */
final class JavaTestClientFactory implements TestClientFactory {

    private static final Field MANAGER_ENGINE = accessible(Manager.class, "engine");
    private static final Field ENGINE_TRANSPORT = accessible(io.socket.engineio.client.Socket.class, "transport");

    private final OkHttpClient http = new OkHttpClient.Builder()
            .readTimeout(1, TimeUnit.MINUTES) // a long-poll GET waits up to pingInterval for data
            .build();
    private final Set<JavaClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientIds = new AtomicInteger();
    private volatile boolean closed;

    @Override
    public String kind() {
        return "java";
    }

    @Override
    public TestClient connect(String baseUrl, ClientOptions options) {
        JavaClient client = open(baseUrl, options);
        ConnectError error;
        try {
            error = client.awaitConnectOutcome(TestClient.DEFAULT_TIMEOUT);
        } catch (TimeoutException e) {
            client.close();
            throw new AssertionError(client.label + ": no connect to " + baseUrl + " within "
                    + TestClient.DEFAULT_TIMEOUT);
        }
        if (error != null) {
            client.close();
            throw new AssertionError(client.label + ": connect_error '" + error.message() + "' (data " + error.data()
                    + ") connecting to " + baseUrl + " with " + options);
        }
        return client;
    }

    @Override
    public ConnectError connectExpectingError(String baseUrl, ClientOptions options) {
        JavaClient client = open(baseUrl, options);
        try {
            ConnectError error = client.awaitConnectOutcome(TestClient.DEFAULT_TIMEOUT);
            if (error == null) {
                throw new AssertionError(client.label + ": expected connect_error but connected as "
                        + client.socketId() + " to " + baseUrl + " with " + options);
            }
            return error;
        } catch (TimeoutException e) {
            throw new AssertionError(client.label + ": neither connect nor connect_error from " + baseUrl
                    + " within " + TestClient.DEFAULT_TIMEOUT);
        } finally {
            client.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (JavaClient client : List.copyOf(clients)) {
            client.close();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private JavaClient open(String baseUrl, ClientOptions options) {
        if (closed) {
            throw new IllegalStateException("factory is closed");
        }
        IO.Options o = new IO.Options();
        o.forceNew = true;
        o.reconnection = false;
        o.timeout = TestClient.DEFAULT_TIMEOUT.toMillis();
        o.transports = options.transport().transportNames().toArray(String[]::new);
        o.callFactory = http;
        o.webSocketFactory = http;
        if (options.auth() != null) {
            o.auth = stringValues(options.auth());
        }
        if (options.origin() != null) {
            o.extraHeaders = Map.of("Origin", List.of(options.origin()));
        }
        Socket socket = IO.socket(URI.create(baseUrl), o);
        JavaClient client = new JavaClient("java client j" + clientIds.incrementAndGet(), socket);
        clients.add(client);
        socket.connect();
        return client;
    }

    /** The Java client's auth is {@code Map<String, String>}. */
    private static Map<String, String> stringValues(Map<String, Object> auth) {
        Map<String, String> out = new LinkedHashMap<>();
        auth.forEach((k, v) -> out.put(k, v == null || v instanceof String ? (String) v : Json.write(v)));
        return out;
    }

    private static Field accessible(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("io.socket client internals changed: no " + type.getName() + "."
                    + name + " (" + e + ")");
        }
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConnectError toConnectError(Object[] args) {
        Object arg = args.length > 0 ? args[0] : null;
        if (arg instanceof JSONObject o) {
            // a CONNECT_ERROR packet {message, data}; like socket.io-client, a missing message is ""
            return new ConnectError(o.optString("message", ""), o.has("data") ? Json.fromOrgJson(o.opt("data")) : null);
        }
        if (arg instanceof Throwable t) {
            return new ConnectError(t.getMessage() == null ? t.toString() : t.getMessage(), null);
        }
        // a bare string (or anything else) as CONNECT_ERROR data: socket.io-client reports an empty message
        return new ConnectError("", null);
    }

    /** One io.socket client; its callbacks run on the client's EventThread. */
    private final class JavaClient extends BaseTestClient {

        private final Socket socket;
        private volatile io.socket.engineio.client.Socket engine;
        private volatile boolean released;

        JavaClient(String label, Socket socket) {
            super(label);
            this.socket = socket;
            Manager manager = socket.io();
            manager.on(Manager.EVENT_OPEN, args -> {
                io.socket.engineio.client.Socket e = (io.socket.engineio.client.Socket) read(MANAGER_ENGINE, manager);
                engine = e;
                e.on(io.socket.engineio.client.Socket.EVENT_UPGRADE,
                        a -> onTransport(((Transport) a[0]).name));
                onTransport(engineTransportName());
            });
            manager.on(Manager.EVENT_PACKET, args -> onPacket((Packet<?>) args[0]));
            socket.on(Socket.EVENT_CONNECT, args -> onConnected(socket.id(), engineTransportName()));
            socket.on(Socket.EVENT_CONNECT_ERROR, args -> onConnectError(toConnectError(args)));
            socket.on(Socket.EVENT_DISCONNECT, args -> onDisconnected(args.length > 0 ? String.valueOf(args[0]) : ""));
        }

        private String engineTransportName() {
            io.socket.engineio.client.Socket e = engine;
            Transport t = e == null ? null : (Transport) read(ENGINE_TRANSPORT, e);
            return t == null ? null : t.name;
        }

        private void onPacket(Packet<?> packet) {
            boolean isEvent = packet.type == Parser.EVENT || packet.type == Parser.BINARY_EVENT;
            if (!isEvent || !"/".equals(packet.nsp) || !(packet.data instanceof JSONArray data)) {
                return;
            }
            Object decoded = Json.fromOrgJson(data);
            if (!(decoded instanceof List<?> list) || list.isEmpty()) {
                return;
            }
            onEvent(new Received(String.valueOf(list.get(0)), new ArrayList<Object>(list.subList(1, list.size()))));
        }

        @Override
        public void emit(String event, Object... args) {
            socket.emit(event, Json.toOrgJson(args));
        }

        @Override
        public List<Object> emitWithAck(String event, Object... args) {
            CompletableFuture<List<Object>> future = new CompletableFuture<>();
            socket.emit(event, Json.toOrgJson(args), ackArgs -> future.complete(Json.fromOrgJson(ackArgs)));
            try {
                return get(future, DEFAULT_TIMEOUT, "ack of " + event);
            } catch (TimeoutException e) {
                throw new AssertionError(describe() + ": no ack for '" + event + "' within " + DEFAULT_TIMEOUT);
            }
        }

        @Override
        public void disconnect() {
            boolean wasConnected = isConnected();
            socket.disconnect();
            if (wasConnected) {
                awaitOwnDisconnect("disconnect()");
            }
        }

        @Override
        public void kill() {
            boolean wasConnected = isConnected();
            EventThread.exec(() -> {
                io.socket.engineio.client.Socket e = engine;
                if (e != null) {
                    e.close(); // Engine.IO close, no socket.io DISCONNECT packet
                }
            });
            if (wasConnected) {
                awaitOwnDisconnect("kill()");
            }
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                if (isConnected()) {
                    disconnect();
                } else {
                    socket.disconnect(); // stops a connection attempt still under way
                }
            } catch (AssertionError e) {
                System.err.println("[harness] " + e.getMessage());
            } finally {
                clients.remove(this);
            }
        }
    }
}
