package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.Redactor;
import org.recallctl.milvus.CollectionInfo;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.PointerKeys;
import org.recallctl.pointer.PointerState;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.session.Connections;

/**
 * Looks at every dependency independently, so one being down still leaves the others on the screen, and
 * collects the problems an operator must see first (unreachable endpoints, pointers to missing collections).
 */
public final class StatusProbe {
    private final RecallConfig config;
    private final Connections connections;

    /** A probe on the command's connections (warm in the shell; the command ends them). */
    public StatusProbe(RecallConfig config, Connections connections) {
        this.config = config;
        this.connections = connections;
    }

    public StatusReport probe() {
        List<StatusReport.Endpoint> endpoints = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        PointerKeys keys = PointerKeys.of(config);

        PointerState pointer = null;
        com.fasterxml.jackson.databind.JsonNode lastRun = null;
        try {
            RedisPointerStore redis = connections.pointers(config);
            pointer = redis.read();
            lastRun = RunJournal.latest(redis, 1).stream().findFirst().orElse(null);
            endpoints.add(new StatusReport.Endpoint("redis", redis.url(), true, "ok"));
        } catch (RuntimeException e) {
            endpoints.add(new StatusReport.Endpoint("redis", RedisPointerStore.endpoint(config.redis()), false,
                    e.getMessage()));
            problems.add(e.getMessage());
        }

        Long sourceRows = null;
        String mysqlShown = Redactor.withoutCredentials(config.source().jdbcUrl()).replaceAll("\\?.*", "");
        try {
            var source = connections.source(config);
            sourceRows = source.count();
            endpoints.add(new StatusReport.Endpoint("mysql", mysqlShown, true, "ok"));
        } catch (RuntimeException e) {
            endpoints.add(new StatusReport.Endpoint("mysql", mysqlShown, false,
                    e.getMessage()));
            problems.add(e.getMessage());
        }

        List<StatusReport.Collection> collections = new ArrayList<>();
        StatusReport.Alias alias = null;
        try {
            MilvusGateway milvus = connections.milvusWrites(config);
            String version = milvus.serverVersion();
            endpoints.add(new StatusReport.Endpoint("milvus-write", milvus.uri(), true, "ok, server " + version));
            List<String> existing = milvus.listCollections();
            if (!config.collection().alias().isEmpty()) {
                alias = new StatusReport.Alias(config.collection().alias(),
                        milvus.aliasTarget(config.collection().alias()).orElse(null));
            }
            collections = describeCollections(milvus, existing, pointer, alias, problems);
            if (alias != null && pointer != null && pointer.current().isPresent()
                    && !pointer.current().get().equals(alias.target())) {
                problems.add("Milvus alias '" + alias.name() + "' points at '" + (alias.target() == null ? "nothing"
                        : alias.target()) + "' but key1 names '" + pointer.current().get()
                        + "'; clients using the alias see another collection than the search service");
            }
        } catch (RuntimeException e) {
            endpoints.add(new StatusReport.Endpoint("milvus-write", config.milvus().writeUri(), false, e.getMessage()));
            problems.add(e.getMessage());
        }
        if (!config.milvus().readUri().equals(config.milvus().writeUri())) {
            try {
                MilvusGateway read = connections.milvusReads(config, config.milvus().rpcDeadlineMs());
                endpoints.add(new StatusReport.Endpoint("milvus-read", read.uri(), true, "ok, server " + read.serverVersion()));
            } catch (RuntimeException e) {
                endpoints.add(new StatusReport.Endpoint("milvus-read", config.milvus().readUri(), false, e.getMessage()));
                problems.add(e.getMessage());
            }
        }

        Map<String, String> keyNames = new LinkedHashMap<>();
        keyNames.put("current", keys.current());
        keyNames.put("building", keys.building());
        keyNames.put("history", keys.history());
        keyNames.put("lock", keys.lock());
        StatusReport.Pointer p = pointer == null ? null : new StatusReport.Pointer(pointer.current().orElse(null),
                pointer.building().orElse(null), pointer.history(), pointer.lock().map(l -> new StatusReport.Lock(
                        l.command(), l.host(), l.pid(), l.startedAt(), l.ttlMs())).orElse(null));
        return new StatusReport(config.pipeline(), keyNames, p, alias, collections,
                new StatusReport.Source(config.source().table(), sourceRows), endpoints, problems, lastRun);
    }

    private List<StatusReport.Collection> describeCollections(MilvusGateway milvus, List<String> existing,
                                                              PointerState pointer, StatusReport.Alias alias,
                                                              List<String> problems) {
        CollectionNaming naming = new CollectionNaming(config.collection());
        Set<String> names = new LinkedHashSet<>();
        Optional<String> current = pointer == null ? Optional.empty() : pointer.current();
        Optional<String> building = pointer == null ? Optional.empty() : pointer.building();
        String rollback = pointer == null || pointer.history().isEmpty() ? null : pointer.history().get(0);
        current.ifPresent(names::add);
        building.ifPresent(names::add);
        if (rollback != null) {
            names.add(rollback);
        }
        if (alias != null && alias.target() != null) {
            names.add(alias.target());
        }
        names.addAll(naming.generations(existing));
        List<StatusReport.Collection> out = new ArrayList<>();
        for (String name : names) {
            String role = current.filter(name::equals).isPresent() ? "serving"
                    : building.filter(name::equals).isPresent() ? "building"
                    : name.equals(rollback) ? "rollback" : "old";
            if (!existing.contains(name)) {
                out.add(new StatusReport.Collection(name, role, false, null, null, null, null, null, null, null));
                if (!"old".equals(role)) {
                    problems.add("the " + role + " pointer names collection '" + name + "', which does NOT exist in Milvus");
                }
                continue;
            }
            CollectionInfo info = milvus.describe(name);
            out.add(new StatusReport.Collection(name, role, true, info.rows(), info.partitions().size(),
                    info.index().exists() ? info.index().type() : null, info.index().params(), info.index().state(),
                    info.load().state(), info.load().progress()));
            if ("serving".equals(role) && !info.load().loaded()) {
                problems.add("the serving collection '" + name + "' is not loaded (" + info.load().state() + ")");
            }
        }
        return out;
    }
}
