package org.recallctl.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every place in the config where a secret can sit, in one list: the redactor learns each one's value(s) when the
 * config is loaded, and SecretsNeverLeaveIT plants a distinct secret in each slot and scans every output for it.
 * A new secret-bearing setting (S3 credentials, a Sentinel password, a token file) is <b>one line</b> in
 * {@link #ALL} (plus its planting in that test, which fails until it has one).
 */
public final class SecretSlots {
    /** How a slot holds its secret. */
    public enum Kind {
        /** The whole value is secret: a password, a token, a key. */
        VALUE,
        /** A URL whose credentials are secret: {@code user:password@} and parameters such as {@code ?password=}. */
        URL_CREDENTIALS,
        /** A URL that is secret as a whole, like a webhook with a token in its path (its path and query too). */
        SECRET_URL
    }

    /**
     * @param key     the config key
     * @param fileKey the {@code *_file} key that may hold the same value, or null
     * @param kind    how the value holds its secret
     * @param value   reads the bound value from the config
     */
    public record Slot(String key, String fileKey, Kind kind, Function<RecallConfig, String> value) {
    }

    public static final List<Slot> ALL = List.of(
            new Slot("source.password", "source.password_file", Kind.VALUE, c -> c.source().password().reveal()),
            new Slot("source.jdbc_url", null, Kind.URL_CREDENTIALS, c -> c.source().jdbcUrl()),
            new Slot("milvus.token", "milvus.token_file", Kind.VALUE, c -> c.milvus().token().reveal()),
            new Slot("milvus.read_token", "milvus.read_token_file", Kind.VALUE, c -> c.milvus().readToken().reveal()),
            new Slot("redis.password", "redis.password_file", Kind.VALUE, c -> c.redis().password().reveal()),
            new Slot("redis.url", null, Kind.URL_CREDENTIALS, c -> c.redis().url()),
            new Slot("redis.sentinel_password", "redis.sentinel_password_file", Kind.VALUE,
                    c -> c.redis().sentinelPassword().reveal()),
            new Slot("alert.webhook_url", "alert.webhook_url_file", Kind.SECRET_URL, c -> c.alert().webhookUrl().reveal()),
            new Slot("build.import.s3.access_key", "build.import.s3.access_key_file", Kind.VALUE,
                    c -> c.build().imports().s3().accessKey().reveal()),
            new Slot("build.import.s3.secret_key", "build.import.s3.secret_key_file", Kind.VALUE,
                    c -> c.build().imports().s3().secretKey().reveal()));

    /** Query parameters whose value is a credential. */
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)[?&;](?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|secret[_-]?key|signature|sig)=([^&;#]+)");
    private static final Pattern USERINFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.:-]*://([^/@?#]*)@");

    private SecretSlots() {
    }

    /** The slot of {@code key} (or of its file key). */
    public static Optional<Slot> of(String key) {
        return ALL.stream().filter(s -> s.key().equals(key) || key.equals(s.fileKey())).findFirst();
    }

    /** Every secret value the config holds, for the redactor. */
    public static List<Secret> secrets(RecallConfig config) {
        List<Secret> out = new ArrayList<>();
        for (Slot s : ALL) {
            String v = s.value().apply(config);
            secretsIn(s.kind(), v).forEach(x -> out.add(new Secret(x)));
        }
        return out;
    }

    /** The secret parts of one value of the given kind. */
    static List<String> secretsIn(Kind kind, String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        switch (kind) {
            case VALUE -> out.add(value);
            case URL_CREDENTIALS -> out.addAll(urlCredentials(value));
            case SECRET_URL -> {
                out.add(value);
                out.addAll(urlCredentials(value));
                String rest = value.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*", "");
                // the path and query of a secret URL carry its token (a bare "/" or "/hook" protects nothing)
                if (rest.length() >= 8) {
                    out.add(rest);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return out;
    }

    /** The password of {@code user:password@} and the values of secret query parameters. */
    public static List<String> urlCredentials(String url) {
        List<String> out = new ArrayList<>();
        Matcher ui = USERINFO.matcher(url);
        if (ui.find()) {
            String userinfo = ui.group(1);
            int colon = userinfo.indexOf(':');
            if (colon >= 0 && colon < userinfo.length() - 1) {
                out.add(userinfo.substring(colon + 1));
            }
        }
        Matcher q = SECRET_QUERY.matcher(url);
        while (q.find()) {
            out.add(q.group(1));
        }
        List<String> decoded = new ArrayList<>();
        for (String s : out) {
            try {
                decoded.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notEncoded) {
                // kept as is
            }
        }
        out.addAll(decoded);
        return out.stream().distinct().toList();
    }
}
