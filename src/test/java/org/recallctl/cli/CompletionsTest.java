package org.recallctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in completions are generated from the command model by the build; they must never drift. */
class CompletionsTest {
    @Test
    void checkedInCompletionsMatchTheCommandModel() throws Exception {
        String generated = CompletionGenerator.script();
        assertThat(Files.readString(Path.of("completions/recallctl.bash"))).isEqualTo(generated);
        String zsh = Files.readString(Path.of("completions/_recallctl.zsh"));
        assertThat(zsh).startsWith("#compdef recallctl").contains("bashcompinit").endsWith(generated);
        assertThat(generated).contains("status").contains("rebuild").contains("--config");
    }
}
