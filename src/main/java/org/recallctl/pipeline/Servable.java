package org.recallctl.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.IndexInfo;
import org.recallctl.milvus.LoadInfo;
import org.recallctl.milvus.MilvusGateway;

/**
 * Safety rule 1's last two conditions, in one place for the post-build check and the switch: key1 may only move
 * to a collection whose index is finished and which is loaded.
 */
final class Servable {
    private Servable() {
    }

    record Readiness(IndexInfo index, LoadInfo load, List<String> problems) {
    }

    static Readiness of(MilvusGateway milvus, RecallConfig cfg, String collection) {
        List<String> problems = new ArrayList<>();
        IndexInfo index = milvus.index(collection, cfg.collection().vectorField());
        if (!index.finished()) {
            problems.add("the index of '" + collection + "' is not finished (state " + index.state() + ")");
        }
        LoadInfo load = milvus.loadState(collection);
        if (!load.loaded()) {
            problems.add("'" + collection + "' is not loaded (" + load.state() + "); run 'recallctl warmup --collection "
                    + collection + "' first");
        }
        return new Readiness(index, load, List.copyOf(problems));
    }
}
