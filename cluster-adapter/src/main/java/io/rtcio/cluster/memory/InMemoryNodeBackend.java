package io.rtcio.cluster.memory;

import io.rtcio.cluster.ClusterBackend;
import io.rtcio.cluster.ClusterBus;
import io.rtcio.cluster.MediaStateStore;
import io.rtcio.cluster.PresenceStore;
import io.rtcio.cluster.RoomRegistry;
import io.rtcio.cluster.SessionStore;

/**
 * One node of an {@link InMemoryHub}: its own bus, the hub's shared stores. {@link #close} stops
 * the bus only; shared state stays, as it would in Redis when a node dies.
 */
final class InMemoryNodeBackend implements ClusterBackend {

    private final InMemoryClusterBus bus;
    private final InMemoryRoomRegistry rooms;
    private final InMemoryPresenceStore presence;
    private final InMemoryMediaStateStore mediaStates;
    private final InMemorySessionStore sessions;

    InMemoryNodeBackend(InMemoryClusterBus bus, InMemoryRoomRegistry rooms, InMemoryPresenceStore presence,
                        InMemoryMediaStateStore mediaStates, InMemorySessionStore sessions) {
        this.bus = bus;
        this.rooms = rooms;
        this.presence = presence;
        this.mediaStates = mediaStates;
        this.sessions = sessions;
    }

    @Override
    public ClusterBus bus() {
        return bus;
    }

    @Override
    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public MediaStateStore mediaStates() {
        return mediaStates;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public void close() {
        bus.close();
    }
}
