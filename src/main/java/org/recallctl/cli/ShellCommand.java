package org.recallctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "shell", description = "Interactive shell keeping connections warm.")
public class ShellCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw NotBuiltYet.of("shell", 5);
    }
}
