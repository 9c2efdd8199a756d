package io.rtcio.node.protocol;

import java.util.Set;

/** Event names of the rtc.io protocol and of the quickstart room application. */
public final class Events {

    public static final String RTCIO_MESSAGE = "#rtcio:message";
    public static final String RTCIO_INIT_OFFER = "#rtcio:init-offer";
    public static final String RTCIO_PEER_LEFT = "#rtcio:peer-left";

    public static final String JOIN_ROOM = "join-room";
    public static final String JOIN_OK = "join-ok";
    public static final String JOIN_ERROR = "join-error";
    public static final String CHECK_ROOM = "check-room";
    public static final String ROOM_CHECK_OK = "room-check-ok";
    public static final String LEAVE_ROOM = "leave-room";
    public static final String USER_CONNECTED = "user-connected";
    public static final String USER_DISCONNECTED = "user-disconnected";
    public static final String MEDIA_STATE = "media-state";
    public static final String STOP_SCREEN_SHARE = "stopScreenShare";
    public static final String CHAT_MESSAGE = "chat-message";
    public static final String ASK_ICE = "ask-ice";
    public static final String ERROR = "error";

    /** Events a client may send. Anything else is refused at the edge. */
    public static final Set<String> CLIENT_EVENTS = Set.of(
            RTCIO_MESSAGE, JOIN_ROOM, CHECK_ROOM, LEAVE_ROOM, MEDIA_STATE, STOP_SCREEN_SHARE, CHAT_MESSAGE, ASK_ICE);

    private Events() {
    }
}
