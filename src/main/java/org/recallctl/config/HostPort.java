package org.recallctl.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.recallctl.error.ConfigException;

/** A {@code host:port} address from the config (sentinels, cluster nodes); IPv6 hosts in brackets. */
public record HostPort(String host, int port) {
    private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_.-]+):(\\d{1,5})");

    /** Parses one list entry; {@code where} names the key and layer for the error. */
    public static HostPort parse(String text, String where) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
            throw new ConfigException(where + ": '" + text + "' is not an address like 10.0.0.5:26379 or redis-1.internal:6379");
        }
        String host = m.group(1);
        return new HostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
