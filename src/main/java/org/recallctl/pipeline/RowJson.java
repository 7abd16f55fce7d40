package org.recallctl.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.recallctl.config.RecallConfig;
import org.recallctl.config.ScalarField;

/**
 * The SDK's V2 insert takes one gson tree per row. Built on the writer threads, batch by batch, so at most
 * {@code writers} batches exist in this (large) form at a time; the queue holds compact float arrays.
 */
final class RowJson {
    private final String idField;
    private final String vectorField;
    private final List<ScalarField> scalars;

    RowJson(RecallConfig cfg) {
        this.idField = cfg.collection().idField();
        this.vectorField = cfg.collection().vectorField();
        this.scalars = cfg.collection().scalarFields();
    }

    List<JsonObject> rows(Batch batch) {
        List<JsonObject> out = new ArrayList<>(batch.rows().size());
        for (ValidRow r : batch.rows()) {
            out.add(row(r));
        }
        return out;
    }

    JsonObject row(ValidRow r) {
        JsonObject o = new JsonObject();
        o.addProperty(idField, r.id());
        float[] v = r.vector();
        JsonArray arr = new JsonArray(v.length);
        for (float f : v) {
            arr.add(f);
        }
        o.add(vectorField, arr);
        for (int k = 0; k < scalars.size(); k++) {
            Object x = r.scalars()[k];
            String name = scalars.get(k).name();
            if (x instanceof Boolean b) {
                o.addProperty(name, b);
            } else if (x instanceof Number n) {
                o.addProperty(name, n);
            } else {
                o.addProperty(name, (String) x);
            }
        }
        return o;
    }
}
