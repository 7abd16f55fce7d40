package org.recallctl.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.recallctl.bench.SourceFingerprint;
import org.recallctl.config.RecallConfig;
import org.recallctl.error.CheckRefusedException;
import org.recallctl.error.DependencyException;
import org.recallctl.error.RecallctlException;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.output.Json;
import org.recallctl.pointer.CheckpointStore;
import org.recallctl.source.ItemSource;
import org.recallctl.source.KeyRange;
import org.recallctl.source.MysqlItemSource;

/**
 * The resumable build's progress in Redis (issue 12 §4): what was built from what (target, build-relevant config
 * per section, source rows / id bounds / checksum, the reader key ranges), and per range the id up to which every
 * row was acknowledged with the rows written and rejected up to there ({@link RangeProgress}). A clean build
 * replaces the old checkpoint before it writes anything; a resumed one checks that the source, the config and the
 * target are still what the checkpoint describes, or refuses (exit 3) saying which one changed.
 *
 * <p>Writes are throttled per range (at most one per {@link #PERSIST_EVERY_MS}, always when a range completes) and
 * never claim more than was acknowledged, so a lost or late write only means a resume redoes a little more.
 * A failed write is one warning; the build goes on.
 */
final class BuildCheckpoint {
    static final int VERSION = 1;
    static final long PERSIST_EVERY_MS = 200;

    /** What the source looked like when the build started. */
    record SourceState(long rows, long minId, long maxId, String checksum) {
        String describe() {
            return rows + " rows, ids " + minId + ".." + maxId + ", checksum " + checksum;
        }
    }

    private final CheckpointStore store;
    private final Consumer<String> warn;
    private final String target;
    private final List<RangeProgress> ranges;
    private final long[] persistedSeq;
    private final long[] persistedAt;
    private final AtomicBoolean warned = new AtomicBoolean();
    private final boolean resumed;
    private final Map<Integer, Long> reservedAtStart = new java.util.HashMap<>();
    /** The checkpoint's fields as a resume found them (empty for a clean build). */
    private Map<String, String> fields = Map.of();
    /** The source as this run found it (start, or resume: then equal to the checkpoint's). */
    private SourceState sourceNow;

    private BuildCheckpoint(CheckpointStore store, Consumer<String> warn, String target, List<RangeProgress> ranges,
                            boolean resumed) {
        this.store = store;
        this.warn = warn;
        this.target = target;
        this.ranges = ranges;
        this.persistedSeq = new long[ranges.size()];
        this.persistedAt = new long[ranges.size()];
        this.resumed = resumed;
    }

    /** The target an interrupted build left a checkpoint for, if any. */
    static Optional<String> target(CheckpointStore store) {
        String meta = store.read().get("meta");
        if (meta == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readTree(meta).path("target").asText());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** A clean build: replaces any old checkpoint with this build's description before anything is written. */
    static BuildCheckpoint start(CheckpointStore store, RecallConfig cfg, ItemSource source, String target,
                                 Consumer<String> warn) {
        int partitions = cfg.collection().partitions();
        SourceState state = sourceState(source, cfg);
        List<RangeProgress> ranges = new ArrayList<>();
        var bounds = source.idBounds();
        if (bounds.isPresent()) {
            List<KeyRange> split = KeyRange.split(bounds.get()[0], bounds.get()[1], cfg.build().readers());
            for (int i = 0; i < split.size(); i++) {
                ranges.add(new RangeProgress(i, split.get(i), partitions));
            }
        }
        ObjectNode meta = Json.object();
        meta.put("version", VERSION);
        meta.put("target", target);
        meta.put("method", cfg.build().method().name().toLowerCase(java.util.Locale.ROOT));
        meta.put("partitions", partitions);
        meta.put("started_at", Instant.now().toString());
        meta.set("config", Json.mapper().valueToTree(configFingerprint(cfg)));
        meta.set("source", Json.mapper().valueToTree(state));
        ArrayNode rs = meta.putArray("ranges");
        ranges.forEach(r -> rs.addArray().add(r.range().from()).add(r.range().to()));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("meta", meta.toString());
        for (RangeProgress r : ranges) {
            fields.put(field(r.index()), json(r.snapshot()).toString());
        }
        store.replace(fields);
        BuildCheckpoint cp = new BuildCheckpoint(store, warn, target, ranges, false);
        cp.sourceNow = state;
        return cp;
    }

    /**
     * A resumed build: the checkpoint must describe {@code target}, the same build-relevant config, the same source
     * and a target that still exists with its partitions; otherwise exit 3 naming what changed.
     */
    static BuildCheckpoint resume(CheckpointStore store, RecallConfig cfg, ItemSource source, MilvusGateway milvus,
                                  String target, Consumer<String> warn) {
        Map<String, String> all = store.read();
        String how = "; run without --resume to build it from scratch";
        if (all.get("meta") == null) {
            throw new CheckRefusedException("nothing to resume: no build checkpoint in " + store.key()
                    + " (the last build finished, or none ran)" + how);
        }
        JsonNode meta;
        try {
            meta = Json.mapper().readTree(all.get("meta"));
        } catch (Exception e) {
            throw new CheckRefusedException("cannot resume: the checkpoint in " + store.key() + " is unreadable (" + e.getMessage() + ")" + how);
        }
        if (meta.path("version").asInt() != VERSION) {
            throw new CheckRefusedException("cannot resume: the checkpoint in " + store.key() + " has format version "
                    + meta.path("version").asInt() + ", this recallctl writes " + VERSION + how);
        }
        String was = meta.path("target").asText();
        if (!was.equals(target)) {
            throw new CheckRefusedException("cannot resume into '" + target + "': the checkpoint is of the build of '" + was
                    + "' (omit --collection to resume it)" + how);
        }
        Map<String, String> nowConfig = configFingerprint(cfg);
        List<String> changed = new ArrayList<>();
        nowConfig.forEach((section, hash) -> {
            if (!hash.equals(meta.path("config").path(section).asText())) {
                changed.add(section);
            }
        });
        if (!changed.isEmpty()) {
            throw new CheckRefusedException("cannot resume the build of '" + target + "': the build-relevant config changed"
                    + " since it started (" + String.join(", ", changed) + ": " + describeSections(changed) + ")" + how);
        }
        if (!milvus.hasCollection(target)) {
            throw new CheckRefusedException("cannot resume the build of '" + target + "': the collection no longer exists"
                    + " in Milvus (dropped since it was interrupted?)" + how);
        }
        int partitions = cfg.collection().partitions();
        int has = milvus.layout(target).partitions().size();
        if (has != partitions) {
            throw new CheckRefusedException("cannot resume the build of '" + target + "': it has " + has
                    + " partitions, the checkpoint " + partitions + how);
        }
        SourceState then = Json.mapper().convertValue(meta.path("source"), SourceState.class);
        SourceState now = sourceState(source, cfg);
        if (!then.equals(now)) {
            throw new CheckRefusedException("cannot resume the build of '" + target + "': the source table "
                    + cfg.source().table() + " changed since it started (then " + then.describe() + "; now "
                    + now.describe() + ")" + how);
        }
        List<RangeProgress> ranges = new ArrayList<>();
        JsonNode rs = meta.path("ranges");
        for (int i = 0; i < rs.size(); i++) {
            KeyRange range = new KeyRange(rs.get(i).get(0).asLong(), rs.get(i).get(1).asLong());
            JsonNode r;
            try {
                r = Json.mapper().readTree(all.getOrDefault(field(i), "{}"));
            } catch (Exception e) {
                r = Json.object();
            }
            if (!r.has("acked_id")) {
                ranges.add(new RangeProgress(i, range, partitions));
                continue;
            }
            long[] reasons = new long[RejectReason.values().length];
            for (RejectReason reason : RejectReason.values()) {
                reasons[reason.ordinal()] = r.path("rejected_by_reason").path(reason.key()).asLong();
            }
            ranges.add(new RangeProgress(i, range, partitions, r.path("acked_id").asLong(),
                    longs(r.path("written"), partitions), longs(r.path("rejected"), partitions), reasons));
        }
        BuildCheckpoint cp = new BuildCheckpoint(store, warn, target, ranges, true);
        cp.fields = Map.copyOf(all);
        cp.sourceNow = now;
        for (RangeProgress r : ranges) {
            String reserved = all.get(reserveField(r.index()));
            if (reserved != null) {
                long v = Long.parseLong(reserved.trim());
                cp.reservedAtStart.put(r.index(), v);
                r.reservedBefore(v);
            }
        }
        return cp;
    }

    boolean resumed() {
        return resumed;
    }

    String target() {
        return target;
    }

    List<RangeProgress> ranges() {
        return ranges;
    }

    /** The range an id belongs to (ranges are contiguous and sorted). */
    RangeProgress rangeOf(long id) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (ranges.get(mid).range().from() <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return ranges.get(lo);
    }

    /** Writes a range's new state, at most every {@link #PERSIST_EVERY_MS} unless it completes; never an older one. */
    void persist(RangeProgress.Confirmed c) {
        if (c == null) {
            return;
        }
        int i = c.index();
        synchronized (persistedSeq) {
            long now = System.nanoTime();
            if (c.seq() <= persistedSeq[i] || (!c.done() && now - persistedAt[i] < PERSIST_EVERY_MS * 1_000_000L)) {
                return;
            }
            persistedSeq[i] = c.seq();
            persistedAt[i] = now;
        }
        write(c);
    }

    /** Writes every range's latest state (the stream ended, or failed: keep what was confirmed). */
    void persistAll() {
        for (RangeProgress r : ranges) {
            RangeProgress.Confirmed c = r.snapshot();
            synchronized (persistedSeq) {
                if (c.seq() <= persistedSeq[c.index()] && c.seq() > 0) {
                    continue;
                }
                persistedSeq[c.index()] = c.seq();
            }
            write(c);
        }
    }

    /**
     * Records that reader range {@code i} may ship ids up to {@code upTo} (only that reader writes the field, so it
     * only grows). Unlike progress, this must not be lost: a resume deletes the unconfirmed ids only up to it. A
     * failed write therefore fails the build (exit 4), as the lost lock would soon after.
     */
    void reserve(int i, long upTo) {
        try {
            store.put(reserveField(i), Long.toString(upTo));
        } catch (RecallctlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DependencyException("redis", "cannot record the build's progress in " + store.key() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Ids of range {@code i} the interrupted run may have shipped beyond its confirmed id: (acked_id, reserved]. */
    Optional<KeyRange> doubtful(RangeProgress r) {
        long w = r.snapshot().ackedId();
        long reserved = reservedAtStart.getOrDefault(r.index(), w);
        long upTo = Math.min(reserved, r.range().to());
        return upTo > w ? Optional.of(new KeyRange(w + 1, upTo)) : Optional.empty();
    }

    // ---- build.method import: the unit of progress is a partition whose import completed --------------------

    /** What the interrupted import build had made durable: its stream's counts, and per partition its import job. */
    record Imported(long[] written, long[] rejected, long[][] rejectedByReason, Map<Integer, Job> jobs) {
        record Job(long rows, List<Long> tasks, boolean done) {
        }
    }

    /** The stream into import files ended: the rows in each partition's files and the rejections per partition. */
    void streamed(long[] written, RejectLedger ledger) {
        ObjectNode n = Json.object();
        ArrayNode w = n.putArray("written");
        ArrayNode r = n.putArray("rejected");
        ArrayNode reasons = n.putArray("rejected_by_reason");
        for (int p = 0; p < written.length; p++) {
            w.add(written[p]);
            r.add(ledger.byPartition().get(p));
            ObjectNode byReason = reasons.addObject();
            for (RejectReason reason : RejectReason.values()) {
                long c = ledger.count(p, reason);
                if (c > 0) {
                    byReason.put(reason.key(), c);
                }
            }
        }
        writeImport("import:stream", n);
    }

    /** Partition {@code p}'s import job started with {@code tasks}; its files hold {@code rows}. */
    void importStarted(int p, long rows, List<Long> tasks, boolean done) {
        ObjectNode n = Json.object();
        n.put("rows", rows);
        ArrayNode t = n.putArray("tasks");
        tasks.forEach(t::add);
        n.put("done", done);
        writeImport("import:" + p, n);
    }

    /** The import state a resume starts from; empty when the stream into files had not finished. */
    Optional<Imported> imported() {
        String stream = fields.get("import:stream");
        if (stream == null) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.mapper().readTree(stream);
            int parts = n.path("written").size();
            long[][] reasons = new long[parts][RejectReason.values().length];
            for (int p = 0; p < parts; p++) {
                for (RejectReason reason : RejectReason.values()) {
                    reasons[p][reason.ordinal()] = n.path("rejected_by_reason").path(p).path(reason.key()).asLong();
                }
            }
            Map<Integer, Imported.Job> jobs = new LinkedHashMap<>();
            for (int p = 0; p < parts; p++) {
                String j = fields.get("import:" + p);
                if (j != null) {
                    JsonNode jn = Json.mapper().readTree(j);
                    List<Long> tasks = new ArrayList<>();
                    jn.path("tasks").forEach(t -> tasks.add(t.asLong()));
                    jobs.put(p, new Imported.Job(jn.path("rows").asLong(), tasks, jn.path("done").asBoolean()));
                }
            }
            return Optional.of(new Imported(longs(n.path("written"), parts), longs(n.path("rejected"), parts), reasons,
                    jobs));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private void writeImport(String field, ObjectNode n) {
        try {
            store.put(field, n.toString());
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                warn.accept("build checkpoint not written to " + store.key() + " (the build goes on; a resume would "
                        + "redo more): " + e.getMessage());
            }
        }
    }

    /** The build finished (indexed): nothing to resume any more. */
    void clear() {
        clear(store, warn);
    }

    static void clear(CheckpointStore store, Consumer<String> warn) {
        try {
            store.clear();
        } catch (RuntimeException e) {
            warn.accept("build checkpoint " + store.key() + " not cleared (a later --resume would find it and refuse"
                    + " or redo nothing): " + e.getMessage());
        }
    }

    private void write(RangeProgress.Confirmed c) {
        try {
            store.put(field(c.index()), json(c).toString());
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                warn.accept("build checkpoint not written to " + store.key() + " (the build goes on; a resume would "
                        + "redo more): " + e.getMessage());
            }
        }
    }

    private static String field(int i) {
        return "range:" + i;
    }

    private static String reserveField(int i) {
        return "reserve:" + i;
    }

    private static ObjectNode json(RangeProgress.Confirmed c) {
        ObjectNode n = Json.object();
        n.put("from", c.range().from());
        n.put("to", c.range().to());
        n.put("acked_id", c.ackedId());
        n.put("done", c.done());
        n.put("rows_written", c.writtenTotal());
        ArrayNode w = n.putArray("written");
        for (long x : c.written()) {
            w.add(x);
        }
        ArrayNode r = n.putArray("rejected");
        for (long x : c.rejected()) {
            r.add(x);
        }
        ObjectNode reasons = n.putObject("rejected_by_reason");
        for (RejectReason reason : RejectReason.values()) {
            if (c.rejectedByReason()[reason.ordinal()] > 0) {
                reasons.put(reason.key(), c.rejectedByReason()[reason.ordinal()]);
            }
        }
        return n;
    }

    private static long[] longs(JsonNode a, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n && i < a.size(); i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    /**
     * The selected rows of the source: counted by this run's checkpoint moments ago when there is one (its source
     * state counts exactly what {@link ItemSource#count} counts), else counted now. Saves a full scan per build.
     */
    static long selectedRows(BuildCheckpoint checkpoint, ItemSource source) {
        return checkpoint != null && checkpoint.sourceNow != null ? checkpoint.sourceNow.rows() : source.count();
    }

    static SourceState sourceState(ItemSource source, RecallConfig cfg) {
        var bounds = source.idBounds();
        String checksum = "";
        long rows;
        if (source instanceof MysqlItemSource m) {
            SourceFingerprint f = SourceFingerprint.of(m, cfg); // one scan inside MySQL, no rows over the wire
            rows = f.rows();
            checksum = f.checksum();
        } else {
            rows = source.count();
        }
        return new SourceState(rows, bounds.map(b -> b[0]).orElse(0L), bounds.map(b -> b[1]).orElse(-1L), checksum);
    }

    /**
     * What decides the rows a build writes, per section (a hash each, so a refusal can say which one changed):
     * where they come from and how they are decoded, the collection's shape, the index, the write method and the
     * reader split. Endpoints, credentials, batch sizes and writer counts may change between the two runs.
     */
    static Map<String, String> configFingerprint(RecallConfig cfg) {
        var s = cfg.source();
        var c = cfg.collection();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("source", hash(s.table(), s.idColumn(), s.vectorColumn(), s.encoding(), s.dimension(), s.where(),
                s.normalize()));
        out.put("collection", hash(c.partitions(), c.metric(), c.idField(), c.vectorField(), c.scalarFields()));
        out.put("index", hash(cfg.index().type(), new java.util.TreeMap<>(cfg.index().params())));
        out.put("build", hash(cfg.build().method(), cfg.build().readers()));
        return out;
    }

    private static String describeSections(List<String> sections) {
        List<String> out = new ArrayList<>();
        for (String s : sections) {
            out.add(switch (s) {
                case "source" -> "source.table/id_column/vector_column/encoding/dimension/where/normalize";
                case "collection" -> "collection.partitions/metric/id_field/vector_field/scalar_fields";
                case "index" -> "index.type/params";
                default -> "build.method/readers";
            });
        }
        return String.join("; ", out);
    }

    private static String hash(Object... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                d.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
