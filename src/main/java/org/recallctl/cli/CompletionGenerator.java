package org.recallctl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash and zsh completion scripts from the live command model (run by the build, never by hand).
 * picocli's script is bash; zsh runs it through bashcompinit, so the zsh file is the same script behind the
 * two lines zsh needs.
 */
public final class CompletionGenerator {
    private CompletionGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "completions");
        Files.createDirectories(dir);
        String bash = script();
        Files.writeString(dir.resolve("recallctl.bash"), bash);
        Files.writeString(dir.resolve("_recallctl.zsh"), "#compdef recallctl\n"
                + "# Generated from the picocli command model by CompletionGenerator; do not edit.\n"
                + "# Use: source this file from ~/.zshrc (it loads bash-style completion into zsh).\n"
                + "autoload -U +X compinit && compinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n" + bash);
    }

    static String script() {
        return AutoComplete.bash("recallctl", CommandLineFactory.detached());
    }
}
