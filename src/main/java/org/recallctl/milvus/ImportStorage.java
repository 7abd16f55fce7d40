package org.recallctl.milvus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.ConfigException;

/**
 * Where import files are written and how the Milvus data nodes find them. Files are first written under
 * {@link #staging()}; {@link #publish} makes one partition's files readable by the server and returns the paths
 * to name in its import request; {@link #remove} deletes everything this build wrote, and {@link #kept} says
 * where the files are when they stay for inspection after a failure.
 */
public interface ImportStorage extends AutoCloseable {
    /** A local directory for this build's files (one sub-directory per partition). */
    Path staging();

    /** Makes {@code files} readable by the data nodes; returns their names as the server must see them. */
    List<String> publish(List<Path> files);

    /** Removes every file of this build (local and published). */
    void remove();

    /** Where the files of this build are, for an error message or the report (when they are kept). */
    String kept();

    @Override
    default void close() {
    }

    /** The storage build.import.storage names, for the files of one build of {@code target}. */
    static ImportStorage open(RecallConfig.Import cfg, String target, String runId) {
        if (cfg.isS3()) {
            return S3ImportStorage.open(cfg.s3(), target, runId);
        }
        if (cfg.localDir().isEmpty()) {
            throw new ConfigException("build.method import with build.import.storage local needs build.import.local_dir:"
                    + " an absolute directory the Milvus data nodes read too (or use --method insert)");
        }
        Path root = Path.of(cfg.localDir());
        if (!root.isAbsolute()) {
            throw new ConfigException("build.import.local_dir '" + cfg.localDir() + "' is not absolute: Milvus reads"
                    + " import files by absolute path only; give the full path (e.g. /data/recallctl-import)");
        }
        return new Local(root.resolve(target + "-" + runId));
    }

    /** Deletes a directory tree (best effort: the caller reports what it could not delete). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove import files under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A directory the data nodes read directly (the same host, or a shared file system at the same path). */
    final class Local implements ImportStorage {
        private final Path dir;

        Local(Path dir) {
            this.dir = dir;
        }

        @Override
        public Path staging() {
            return dir;
        }

        @Override
        public List<String> publish(List<Path> files) {
            return files.stream().map(p -> p.toAbsolutePath().toString()).toList();
        }

        @Override
        public void remove() {
            deleteTree(dir);
        }

        @Override
        public String kept() {
            return dir.toString();
        }
    }
}
