package io.rtcio.node.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Rooms anyone may join, read from {@code ROOM_ALLOW_LIST_FILE}: one room id or pattern
 * ({@code *} matches any run of characters) per line; blank lines and lines starting with
 * {@code #} are ignored.
 *
 * @param source   the file it was read from
 * @param patterns room ids and patterns, in file order
 */
public record RoomAllowList(Path source, List<String> patterns) {

    public RoomAllowList {
        patterns = List.copyOf(patterns);
    }
}
