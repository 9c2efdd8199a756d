package io.rtcio.node.room;

import io.rtcio.cluster.Member;
import io.rtcio.node.session.Roster;

/**
 * One membership change told to one member: "{@code peer} joined / left the room you are in". It
 * is addressed to a membership, not only to a socket ({@code targetEpoch}), so a late message about
 * a room the target has since left and joined again is dropped.
 *
 * @param kind        what the target's client is told
 * @param roomId      the room
 * @param targetId    the socket to tell
 * @param targetEpoch the membership of {@code targetId} in the room this is meant for
 * @param peerId      the socket that joined or left
 * @param peerNode    the node that owns {@code peerId}
 * @param peerEpoch   the membership of {@code peerId} that began or ended
 * @param peerName    the display name of {@code peerId} in the room
 */
record Announcement(Kind kind, String roomId, String targetId, long targetEpoch, String peerId, String peerNode,
                    long peerEpoch, String peerName) {

    /** What the target's client is told. */
    enum Kind {
        /** {@code user-connected} and {@code #rtcio:init-offer}: the target is the member that makes the offer. */
        JOINED,
        /** {@code user-connected} only: the target learns of a member that was there before it. */
        MET,
        /** {@code user-disconnected} only: the peer left the room with {@code leave-room}. */
        LEFT,
        /** {@code #rtcio:peer-left} and {@code user-disconnected}: the peer's socket is gone. */
        DISCONNECTED,
        /** Nothing for the client: the peer's session was recovered on {@code peerNode}, route to it there. */
        MOVED;

        boolean introduces() {
            return this == JOINED || this == MET;
        }
    }

    static Announcement of(Kind kind, String roomId, Member target, Member peer) {
        return new Announcement(kind, roomId, target.socketId(), target.epoch(), peer.socketId(), peer.nodeId(),
                peer.epoch(), peer.name());
    }

    static Announcement of(Kind kind, String roomId, Roster.Peer target, Member peer) {
        return new Announcement(kind, roomId, target.socketId(), target.epoch(), peer.socketId(), peer.nodeId(),
                peer.epoch(), peer.name());
    }

    Roster.Peer peer() {
        return new Roster.Peer(peerId, peerNode, peerEpoch, peerName == null ? "" : peerName);
    }
}
