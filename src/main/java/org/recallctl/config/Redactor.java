package org.recallctl.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secret values from any text before it reaches a terminal or a log: the known secrets themselves,
 * and the password part of URLs ("user:pass@host"), which drivers like to echo back in their errors.
 */
public final class Redactor {
    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:)[^@\\s/]+@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s;]+");
    private final List<String> secrets = new ArrayList<>();

    public static Redactor none() {
        return new Redactor();
    }

    public Redactor register(Secret secret) {
        if (secret != null && secret.isSet() && secret.reveal().length() >= 3) {
            secrets.add(secret.reveal());
        }
        return this;
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "****");
        }
        out = URL_PASSWORD.matcher(out).replaceAll("$1****@");
        return PASSWORD_PARAM.matcher(out).replaceAll("$1****");
    }
}
