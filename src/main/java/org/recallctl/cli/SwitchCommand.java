package org.recallctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "switch", description = "Point the serving pointer at a built collection (compare-and-set).")
public class SwitchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw NotBuiltYet.of("switch", 4);
    }
}
