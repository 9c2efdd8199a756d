package io.rtcio.node;

import io.rtcio.node.logging.JsonLineEncoder;

/**
 * Process entry point. Chooses the log format before anything touches logging (LOG_FORMAT=json
 * selects logback-json.xml), then hands over to {@link SignalingNode#run()}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // The node id on every log line, also before the configuration is read (refined after).
        String nodeId = System.getenv("NODE_ID") != null && !System.getenv("NODE_ID").isBlank() ? System.getenv("NODE_ID").trim()
                : System.getenv("HOSTNAME") != null && !System.getenv("HOSTNAME").isBlank() ? System.getenv("HOSTNAME").trim()
                : "-";
        System.setProperty(JsonLineEncoder.NODE_PROPERTY, nodeId);
        if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))
                && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        System.exit(SignalingNode.run());
    }
}
