package org.recallctl.milvus;

/** Load state ("Loaded", "Loading", "NotLoad", "NotExist") and progress in percent. */
public record LoadInfo(String state, long progress) {
    /** Some servers (milvus-lite) report progress 0 for a loaded collection: loaded means 100%. */
    public LoadInfo {
        if ("Loaded".equalsIgnoreCase(state)) {
            progress = 100;
        }
    }

    public boolean loaded() {
        return "Loaded".equalsIgnoreCase(state);
    }
}
