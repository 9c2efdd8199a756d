package io.rtcio.node.room;

/**
 * A room id or a simple pattern in which {@code *} stands for any run of characters (possibly
 * none): {@code team-*} grants {@code team-a}, {@code *} grants every room. Anything else
 * matches itself exactly. Matching takes time linear in the lengths involved, whatever the
 * pattern.
 */
public record RoomPattern(String pattern) {

    public boolean matches(String roomId) {
        int p = 0;
        int r = 0;
        int star = -1;
        int resume = 0;
        while (r < roomId.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = r;
            } else if (p < pattern.length() && pattern.charAt(p) == roomId.charAt(r)) {
                p++;
                r++;
            } else if (star >= 0) {
                p = star + 1;
                r = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
