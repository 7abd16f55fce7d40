package org.recallctl.config;

import java.nio.file.Path;
import java.util.Map;

/** Where recallctl keeps its caches by default; one place, so bench and the recall gate share one cache. */
public final class CacheDirs {
    private CacheDirs() {
    }

    /** The ground-truth cache: {@code $XDG_CACHE_HOME/recallctl}, else {@code ~/.cache/recallctl}. */
    public static Path groundTruth(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("recallctl");
    }
}
