package org.recallctl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recallctl.error.ConfigException;
import org.recallctl.source.BadVectorException;
import org.recallctl.source.ItemSource;
import org.recallctl.source.VectorCodec;
import org.recallctl.source.Vectors;

/**
 * Queries drawn from the source itself (the realistic case: users search near items that exist), by the
 * source's deterministic seeded sample, optionally moved by Gaussian noise so a query is not its own nearest
 * item. Vectors are normalised exactly as the build normalises items, and again after the noise.
 */
public final class QuerySampler {
    private final ItemSource source;
    private final VectorCodec codec;
    private final boolean normalize;

    public QuerySampler(ItemSource source, VectorCodec codec, boolean normalize) {
        this.source = source;
        this.codec = codec;
        this.normalize = normalize;
    }

    public QuerySet sample(int n, long seed, double noise, int dimension) {
        List<Long> ids = source.sampleIds(n, seed);
        if (ids.isEmpty()) {
            throw new ConfigException("the source table has no rows to sample queries from");
        }
        Random rnd = new Random(seed);
        List<Long> used = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (long id : ids) {
            Object raw = source.rawVector(id).orElse(null);
            if (raw == null) {
                continue; // deleted between the sample and the read
            }
            try {
                float[] v = codec.decode(raw);
                if (normalize) {
                    Vectors.normalize(v);
                }
                if (noise > 0) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) (rnd.nextGaussian() * noise);
                    }
                    if (normalize) {
                        Vectors.normalize(v);
                    }
                }
                vectors.add(v);
                used.add(id);
            } catch (BadVectorException e) {
                // the build skips such rows too; a query made from one would measure nothing useful
            }
        }
        return new QuerySet("sampled", seed, noise, dimension, used, vectors);
    }
}
