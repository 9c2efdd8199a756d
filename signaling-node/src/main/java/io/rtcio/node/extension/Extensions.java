package io.rtcio.node.extension;

import io.rtcio.node.auth.Authenticator;
import io.rtcio.node.protocol.Events;
import io.rtcio.node.room.RoomAccessPolicy;
import java.util.List;

/**
 * What an embedding application adds to a node. Null seams mean "as configured".
 *
 * @param authenticator    replaces the configured authentication, or null
 * @param roomAccessPolicy replaces the configured room access policy, or null
 * @param events           custom events
 * @param taps             event taps
 */
public record Extensions(Authenticator authenticator, RoomAccessPolicy roomAccessPolicy, List<CustomEvent> events,
                         List<EventTap> taps) {

    /** Nothing added: the node as configured. */
    public static final Extensions NONE = new Extensions(null, null, List.of(), List.of());

    public Extensions {
        events = List.copyOf(events);
        taps = List.copyOf(taps);
        for (CustomEvent event : events) {
            if (Events.CLIENT_EVENTS.contains(event.name())) {
                throw new IllegalArgumentException("'" + event.name() + "' is an rtc.io protocol event");
            }
        }
    }
}
