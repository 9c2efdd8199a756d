package io.rtcio.node.relay;

/**
 * A relay the {@link RelayPolicy} refuses because sender and target share no room. Completes a
 * route exceptionally so it is told apart from an unknown target; no stack trace (shared instance).
 */
final class RelayRefusedException extends RuntimeException {

    static final RelayRefusedException NOT_SHARED_ROOM = new RelayRefusedException();

    private RelayRefusedException() {
        super("sender and target share no room", null, false, false);
    }
}
