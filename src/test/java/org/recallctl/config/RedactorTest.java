package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
    @Test
    void removesRegisteredSecretsAndUrlPasswords() {
        Redactor r = new Redactor().register(new Secret("pa55word"));
        assertThat(r.redact("Access denied for user 'x' (using password: pa55word)")).doesNotContain("pa55word");
        assertThat(r.redact("redis://user:other-secret@host:6379")).isEqualTo("redis://user:****@host:6379");
        assertThat(r.redact("jdbc:mysql://h/db?user=a&password=zzz&ssl=true")).isEqualTo("jdbc:mysql://h/db?user=a&password=****&ssl=true");
        assertThat(r.redact("nothing here")).isEqualTo("nothing here");
    }

    @Test
    void secretsNeverShowInToString() {
        assertThat(new Secret("abc").toString()).isEqualTo("****");
        assertThat(Secret.NONE.toString()).isEmpty();
    }
}
