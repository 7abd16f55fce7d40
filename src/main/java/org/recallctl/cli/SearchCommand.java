package org.recallctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "search", description = "TopK search on the serving collection, fanned out over partitions.")
public class SearchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw NotBuiltYet.of("search", 5);
    }
}
