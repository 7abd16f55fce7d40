package org.recallctl.config;

/** The type a config key's text must parse as. Lists are YAML sequences, or comma-separated in env and --set. */
public enum ValueType {
    STRING, INT, LONG, DOUBLE, BOOL, LIST, SECRET, PATH;

    public String describe() {
        return switch (this) {
            case INT, LONG -> "an integer";
            case DOUBLE -> "a number";
            case BOOL -> "true or false";
            case LIST -> "a list";
            case PATH -> "a file path";
            default -> "a string";
        };
    }
}
