package org.recallctl.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.recallctl.config.RecallConfig;
import org.recallctl.milvus.MilvusGateway;
import org.recallctl.pointer.RedisPointerStore;
import org.recallctl.testing.CollectionFixture;
import org.recallctl.testing.TestStack;

/**
 * For benchmarks/search.sh: builds a small collection behind key1 and prints the path of a config file whose
 * last line names an item id ("# item N"); {@code --drop NAME} removes it again.
 */
public final class ColdStartFixture {
    public static void main(String[] args) throws IOException {
        TestStack stack = TestStack.get();
        if ("--drop".equals(args[0])) {
            RecallConfig cfg = stack.config(args[1]);
            try (MilvusGateway m = MilvusGateway.forWrites(cfg.milvus()); RedisPointerStore p = RedisPointerStore.connect(cfg)) {
                m.dropCollection(args[1] + "_a");
                p.deleteAll();
            }
            return;
        }
        String name = args[0];
        RecallConfig cfg = stack.config(name);
        var seeded = CollectionFixture.build(cfg, name + "_a", Long.parseLong(args[1]), "FLAT", Map.of());
        try (RedisPointerStore p = RedisPointerStore.connect(cfg)) {
            p.forceCurrent(name + "_a");
        }
        Path file = stack.writeConfigFile(Files.createTempDirectory("coldstart"), name, Map.of());
        Files.writeString(file, "# item " + seeded.vectors().keySet().iterator().next() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println(file);
    }
}
