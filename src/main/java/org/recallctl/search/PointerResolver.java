package org.recallctl.search;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.recallctl.error.ConfigException;
import org.recallctl.error.DependencyException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.PointerKeys;
import org.recallctl.pointer.RedisPointerStore;

/**
 * Which collection a search reads (DESIGN §4): the one key1 names; {@code --collection} bypasses Redis; when
 * Redis is unreachable and alias mirroring is on, the Milvus alias (which the switch moves together with key1)
 * is the fallback, with a warning because it may lag key1 if a switch failed halfway.
 */
public final class PointerResolver {
    /** @param via how the name was found, for the output ("--collection", "key1 recall:{items}:current", ...) */
    public record Resolved(String collection, String via) {
    }

    private final MilvusGateway milvus;
    private final Consumer<String> warn;

    public PointerResolver(MilvusGateway milvus, Consumer<String> warn) {
        this.milvus = milvus;
        this.warn = warn;
    }

    /**
     * @param explicit {@code --collection}, if given
     * @param pointers opens the pointer store (may throw DependencyException when Redis is unreachable)
     * @param keys     the pipeline's key names, for messages
     * @param alias    collection.alias ("" = no alias mirroring)
     */
    public Resolved resolve(Optional<String> explicit, Supplier<RedisPointerStore> pointers, PointerKeys keys,
                            String alias) {
        if (explicit.isPresent()) {
            String name = explicit.get();
            if (!milvus.hasCollection(name)) {
                // the operator typed it: a usage mistake, not an outage
                throw new ConfigException("--collection " + name + ": no such collection in Milvus at " + milvus.uri()
                        + "; 'recallctl status' lists this pipeline's collections");
            }
            return new Resolved(name, "--collection");
        }
        Optional<String> current;
        try {
            current = pointers.get().current();
        } catch (DependencyException e) {
            if (alias == null || alias.isEmpty()) {
                throw new DependencyException("redis", e.getMessage() + "; cannot read " + keys.current()
                        + " (no collection.alias to fall back on; pass --collection NAME to search a collection directly)",
                        e);
            }
            Optional<String> target = milvus.aliasTarget(alias);
            if (target.isEmpty()) {
                throw new DependencyException("redis", e.getMessage() + "; and the fallback Milvus alias '" + alias
                        + "' does not exist; pass --collection NAME", e);
            }
            warn.accept("Redis unreachable (" + e.getMessage() + "); using Milvus alias '" + alias + "' -> "
                    + target.get() + ", which may lag key1 if a switch failed halfway");
            requireExists(target.get(), "Milvus alias " + alias);
            return new Resolved(target.get(), "alias " + alias + " (Redis unreachable)");
        }
        if (current.isEmpty()) {
            // Redis answered but nothing serves: the environment is not in a searchable state (exit 4), which a
            // script must tell apart from its own bad flags (exit 2)
            throw new DependencyException("redis", "key1 " + keys.current() + " is not set: nothing serves for "
                    + "this pipeline yet (check pipeline.name / redis.key_prefix, run 'recallctl rebuild', or pass "
                    + "--collection NAME)");
        }
        requireExists(current.get(), "key1 " + keys.current());
        return new Resolved(current.get(), "key1 " + keys.current());
    }

    private void requireExists(String collection, String namedBy) {
        if (!milvus.hasCollection(collection)) {
            throw new DependencyException("milvus", namedBy + " names collection " + collection
                    + ", which does not exist in Milvus at " + milvus.uri() + " (run 'recallctl status'; "
                    + "'recallctl rollback' may restore the previous one)");
        }
    }
}
