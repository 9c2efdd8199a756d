package io.rtcio.cluster.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal RESP2 client for setting up and inspecting test servers (PING, INFO, CLUSTER, SENTINEL):
 * one short connection per call, so it works on a server that Lettuce cannot reach yet. Replies map
 * to String (simple and bulk strings), Long, List, or null; an error reply throws {@link ErrorReply}.
 */
public final class Resp {

    /** An error reply of the server. */
    public static final class ErrorReply extends RuntimeException {
        ErrorReply(String message) {
            super(message);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private Resp() {
    }

    /**
     * Sends {@code args} as one command to {@code host:port}, after {@code AUTH auth…} when
     * {@code auth} ({@code [password]} or {@code [user, password]}) is not null.
     */
    public static Object call(String host, int port, String[] auth, String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            if (auth != null) {
                String[] command = new String[auth.length + 1];
                command[0] = "AUTH";
                System.arraycopy(auth, 0, command, 1, auth.length);
                write(out, command);
                read(in);
            }
            write(out, args);
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + host + ":" + port + " did not answer " + args[0], e);
        }
    }

    /** {@link #call} on 127.0.0.1 without a password. */
    public static Object call(int port, String... args) {
        return call("127.0.0.1", port, null, args);
    }

    /** Whether 127.0.0.1:{@code port} answers PING. */
    public static boolean pings(int port) {
        try {
            return "PONG".equals(call(port, "PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The {@code field:value} lines of an INFO (or CLUSTER INFO) reply. */
    public static Map<String, String> fields(Object infoReply) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : String.valueOf(infoReply).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** A flat [key, value, key, value…] reply (e.g. SENTINEL MASTER) as a map. */
    public static Map<String, String> pairs(Object flatReply) {
        List<?> flat = (List<?>) flatReply;
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            pairs.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return pairs;
    }

    private static void write(OutputStream out, String... args) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            command.writeBytes(bytes);
            command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(command.toByteArray());
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte " + type);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }
}
