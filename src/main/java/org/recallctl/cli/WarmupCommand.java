package org.recallctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "warmup", description = "Load a collection and run simulated queries until latency settles.")
public class WarmupCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw NotBuiltYet.of("warmup", 4);
    }
}
