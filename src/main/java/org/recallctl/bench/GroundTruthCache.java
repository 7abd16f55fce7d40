package org.recallctl.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Exact TopK results on disk, one file per key. The key spells out everything the answer depends on (source
 * table, filter, row count and content checksum, encoding, normalisation, metric, K, query-set fingerprint); the
 * file name is its hash and the file repeats the key, so a collision or a stale file is never used.
 */
public final class GroundTruthCache {
    private static final int MAGIC = 0x52434754; // "RCGT"
    private final Path dir;

    public GroundTruthCache(Path dir) {
        this.dir = dir;
    }

    public Path fileFor(String key) {
        return dir.resolve("groundtruth-" + hash(key) + ".bin");
    }

    public Optional<ExactTopK.Result> get(String key) {
        Path f = fileFor(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
            if (in.readInt() != MAGIC || !key.equals(in.readUTF())) {
                return Optional.empty();
            }
            long items = in.readLong();
            double seconds = in.readDouble();
            double gflops = in.readDouble();
            int nq = in.readInt();
            long[][] ids = new long[nq][];
            float[][] scores = new float[nq][];
            for (int q = 0; q < nq; q++) {
                int n = in.readInt();
                ids[q] = new long[n];
                scores[q] = new float[n];
                for (int i = 0; i < n; i++) {
                    ids[q][i] = in.readLong();
                    scores[q][i] = in.readFloat();
                }
            }
            return Optional.of(new ExactTopK.Result(ids, scores, items, seconds, gflops));
        } catch (IOException e) {
            return Optional.empty(); // a truncated or foreign file: recompute
        }
    }

    public void put(String key, ExactTopK.Result r) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "groundtruth", ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.writeUTF(key);
            out.writeLong(r.items());
            out.writeDouble(r.seconds());
            out.writeDouble(r.gflops());
            out.writeInt(r.ids().length);
            for (int q = 0; q < r.ids().length; q++) {
                out.writeInt(r.ids()[q].length);
                for (int i = 0; i < r.ids()[q].length; i++) {
                    out.writeLong(r.ids()[q][i]);
                    out.writeFloat(r.scores()[q][i]);
                }
            }
        }
        Files.move(tmp, fileFor(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
