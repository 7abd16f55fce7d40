package org.recallctl.pointer;

/** Who holds the run lock, as written into the lock key, and how long until it expires. */
public record LockInfo(String token, String host, long pid, String command, String startedAt, long ttlMs) {
    public String describe() {
        return command + " on " + host + " (pid " + pid + ") since " + startedAt
                + (ttlMs >= 0 ? ", lock expires in " + Math.max(1, ttlMs / 1000) + " s unless renewed" : "");
    }
}
