package io.rtcio.cluster;

/** The last microphone/camera state a socket announced in a room. */
public record MediaState(boolean mic, boolean cam) {
}
