package org.recallctl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Removes secret values from any text before it leaves the process (terminal, log line, JSON, run report, webhook
 * body). Two layers: every secret the config holds is known by value (see {@link SecretSlots}), in the spellings
 * a driver or serialiser may echo it in (as is, URL-encoded, URL-decoded, JSON-escaped); and patterns catch
 * credentials of URLs nobody declared ({@code scheme://user:pass@}, {@code ?password=}, {@code token=}).
 * Thread-safe: the config teaches it secrets while other threads may already be printing.
 */
public final class Redactor {
    public static final String MASK = "****";
    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:)[^@\\s/]+@");
    /** Secret-looking parameters in URLs, --set pairs and env assignments (RECALLCTL_SOURCE_PASSWORD=...). */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:^|(?<=[?&;\\s._\"'-]))(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|secret[_-]?key"
                    + "|signature|sig)=)[^&\\s;\"']+");
    /** Shorter values would mask ordinary words; a secret that short is not protecting anything anyway. */
    private static final int MIN_SECRET_LENGTH = 3;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    public static Redactor none() {
        return new Redactor();
    }

    public Redactor register(Secret secret) {
        if (secret != null && secret.isSet()) {
            registerValue(secret.reveal());
        }
        return this;
    }

    /** Learns one secret value and the other spellings it may be echoed in. */
    public synchronized Redactor registerValue(String value) {
        if (value == null || value.length() < MIN_SECRET_LENGTH) {
            return this;
        }
        List<String> forms = new ArrayList<>(List.of(value, URLEncoder.encode(value, StandardCharsets.UTF_8),
                jsonEscaped(value)));
        try {
            forms.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notEncoded) {
            // a '%' not followed by hex digits: the value is not URL-encoded, nothing to add
        }
        List<String> all = new ArrayList<>(secrets);
        for (String f : forms) {
            if (f.length() >= MIN_SECRET_LENGTH && !all.contains(f)) {
                all.add(f);
            }
        }
        // longest first, so a whole secret URL is masked before a secret inside it
        all.sort(Comparator.comparingInt(String::length).reversed());
        secrets.clear();
        secrets.addAll(all);
        return this;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + MASK + "@");
        return SECRET_PARAM.matcher(out).replaceAll("$1" + MASK);
    }

    /** A copy of {@code node} with every string (values and field names) redacted: for reports and webhook bodies. */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(redact(node.asText()));
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> a.add(redact(n)));
            return a;
        }
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(redact(e.getKey()), redact(e.getValue()));
            }
            return o;
        }
        return node;
    }

    /**
     * A URL fit to show: {@code user:password@} becomes {@code user@} and secret query parameters are masked, so
     * messages and status rows name the endpoint without its credentials even before any secret is registered.
     */
    public static String withoutCredentials(String url) {
        if (url == null) {
            return null;
        }
        String out = url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.:-]*://)?([^:/@?#\\s]*):[^@/?#\\s]*@", "$1$2@");
        out = out.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.:-]*://)@", "$1");
        return SECRET_PARAM.matcher(out).replaceAll("$1" + MASK);
    }

    private static String jsonEscaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
