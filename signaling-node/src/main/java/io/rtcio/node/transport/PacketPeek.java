package io.rtcio.node.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what the edge needs from a raw socket.io text packet ({@code 42/ns,7["name",{...}]})
 * without decoding it into objects: its namespace, its event name, and the {@code roomId} of its
 * payload, with a streaming parser that also rejects malformed JSON.
 */
final class PacketPeek {

    private static final JsonFactory JSON = new JsonFactory();

    private PacketPeek() {
    }

    /** The event's name and the {@code roomId} of its first argument; null when it does not start with a name. */
    static Peek peek(byte[] packet, int bracket) throws IOException {
        try (JsonParser parser = JSON.createParser(packet, bracket, packet.length - bracket)) {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            String name = parser.getText();
            String roomId = null;
            boolean first = true;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IOException("unexpected end of input");
                }
                if (first && token == JsonToken.START_OBJECT) {
                    roomId = roomIdOf(parser);
                } else {
                    parser.skipChildren();
                }
                first = false;
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing data after the event");
            }
            return new Peek(name, roomId);
        }
    }

    /** Reads an object the parser is at the start of; returns its string {@code roomId}, or null. */
    private static String roomIdOf(JsonParser parser) throws IOException {
        String roomId = null;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token != JsonToken.FIELD_NAME) {
                throw new IOException("malformed object");
            }
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == null) {
                throw new IOException("unexpected end of input");
            }
            if ("roomId".equals(field) && value == JsonToken.VALUE_STRING) {
                roomId = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return roomId;
    }

    /** An event's name and the string {@code roomId} of its first argument (or null). */
    record Peek(String name, String roomId) {
    }

    /** The event name, read cheaply from the first bytes of a packet; null when unclear. */
    static String peekName(byte[] packet) {
        int bracket = indexOf(packet, (byte) '[');
        if (bracket < 0) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(packet, bracket, Math.min(packet.length - bracket, 256))) {
            if (parser.nextToken() == JsonToken.START_ARRAY && parser.nextToken() == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** The namespace of a socket.io packet, {@code /} for the default one. */
    static String namespaceOf(byte[] packet) {
        String wire = wireNamespaceOf(packet);
        return wire.isEmpty() ? "/" : wire;
    }

    /** The namespace as netty-socketio names it: {@code ""} for the default one. */
    static String wireNamespaceOf(byte[] packet) {
        if (packet.length > 2 && packet[2] == '/') {
            int comma = indexOf(packet, (byte) ',');
            if (comma > 2) {
                return new String(packet, 2, comma - 2, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
