package org.recallctl.error;

/** Bad configuration or usage: exit 2. The message names the key and what to do. */
public class ConfigException extends RecallctlException {
    public ConfigException(String message) {
        super(ExitCodes.USAGE, message);
    }
}
