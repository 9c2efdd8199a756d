package io.rtcio.node;

/**
 * Process entry point. Chooses the log format before anything touches logging (LOG_FORMAT=json
 * selects logback-json.xml), then hands over to {@link SignalingNode#run()}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))
                && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        System.exit(SignalingNode.run());
    }
}
