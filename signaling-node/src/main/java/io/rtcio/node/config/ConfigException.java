package io.rtcio.node.config;

/** A setting is wrong; the message names the setting and says why. The node must not start. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
    }
}
