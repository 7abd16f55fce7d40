package org.recallctl.milvus;

import java.util.ArrayList;
import java.util.List;

/** The partition layout shared by build, check and search: item goes to partition p{item_id mod P}. */
public final class Partitions {
    private Partitions() {
    }

    public static int indexOf(long itemId, int partitions) {
        return (int) Math.floorMod(itemId, (long) partitions);
    }

    public static String name(int index) {
        return "p" + index;
    }

    public static List<String> names(int partitions) {
        List<String> out = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            out.add(name(i));
        }
        return out;
    }
}
