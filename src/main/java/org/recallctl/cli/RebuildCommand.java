package org.recallctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rebuild", description = "Run check, build, warmup, check and switch in order.")
public class RebuildCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw NotBuiltYet.of("rebuild", 4);
    }
}
