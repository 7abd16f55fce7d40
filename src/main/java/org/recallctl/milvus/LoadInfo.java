package org.recallctl.milvus;

/** Load state ("Loaded", "Loading", "NotLoad", "NotExist") and progress in percent. */
public record LoadInfo(String state, long progress) {
    public boolean loaded() {
        return "Loaded".equalsIgnoreCase(state);
    }
}
