package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recallctl.output.Json;
import org.recallctl.output.RedactingOutputStream;
import org.recallctl.output.RedactingWriter;

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

    @Test
    void aSecretIsMaskedInEverySpellingADriverOrSerialiserEchoes() {
        Redactor r = new Redactor().registerValue("p@ss\"w/rd%21");
        assertThat(r.redact("raw p@ss\"w/rd%21")).isEqualTo("raw ****");
        assertThat(r.redact("url-encoded p%40ss%22w%2Frd%2521")).isEqualTo("url-encoded ****");
        assertThat(r.redact("decoded p@ss\"w/rd!")).isEqualTo("decoded ****");
        assertThat(r.redact("{\"m\": \"p@ss\\\"w/rd%21\"}")).isEqualTo("{\"m\": \"****\"}");
    }

    @Test
    void schemelessUserinfoAsDriversPrintItIsMaskedOnceThePasswordIsKnown() {
        // what MysqlItemSource printed before the fix: the URL without its scheme, so no pattern matches it
        String seen = "MySQL unreachable at recallctl:S3cretPW99@127.0.0.1:13399/recall";
        assertThat(new Redactor().redact(seen)).contains("S3cretPW99");
        Redactor r = new Redactor();
        SecretSlots.urlCredentials("jdbc:mysql://recallctl:S3cretPW99@127.0.0.1:13399/recall").forEach(r::registerValue);
        assertThat(r.redact(seen)).isEqualTo("MySQL unreachable at recallctl:****@127.0.0.1:13399/recall");
    }

    @Test
    void secretParametersOfUrlsSetsAndEnvAssignmentsAreMasked() {
        Redactor r = new Redactor();
        assertThat(r.redact("GET /hook?token=abc123&x=1")).isEqualTo("GET /hook?token=****&x=1");
        assertThat(r.redact("--set milvus.token=root:xyz")).isEqualTo("--set milvus.token=****");
        assertThat(r.redact("RECALLCTL_SOURCE_PASSWORD=hunter2 recallctl")).isEqualTo("RECALLCTL_SOURCE_PASSWORD=**** recallctl");
        assertThat(r.redact("tokens=3 key1=x")).isEqualTo("tokens=3 key1=x");
    }

    @Test
    void urlsAreShownWithoutTheirCredentials() {
        assertThat(Redactor.withoutCredentials("jdbc:mysql://u:pw@h:3306/db?password=x&ssl=true"))
                .isEqualTo("jdbc:mysql://u@h:3306/db?password=****&ssl=true");
        assertThat(Redactor.withoutCredentials("redis://:pw@h:6379/0")).isEqualTo("redis://h:6379/0");
        assertThat(Redactor.withoutCredentials("recallctl:pw@127.0.0.1:1/recall")).isEqualTo("recallctl@127.0.0.1:1/recall");
        assertThat(Redactor.withoutCredentials("http://h:19530")).isEqualTo("http://h:19530");
    }

    @Test
    void jsonTreesAreRedactedInValuesAndFieldNames() {
        Redactor r = new Redactor().registerValue("t0ps3cret");
        ObjectNode n = Json.object();
        n.put("error", "at http://x/t0ps3cret failed").put("t0ps3cret", 1).putArray("a").add("t0ps3cret").add(7);
        assertThat(r.redact(n).toString()).doesNotContain("t0ps3cret").contains("\"error\":\"at http://x/**** failed\"")
                .contains("[\"****\",7]");
    }

    @Test
    void aSecretUrlIsMaskedWholeAndByItsPathSoAPartialEchoIsMaskedToo() {
        Redactor r = new Redactor();
        SecretSlots.secretsIn(SecretSlots.Kind.SECRET_URL, "https://hooks.example/services/T0K3N-abc?sig=SIG99")
                .forEach(r::registerValue);
        assertThat(r.redact("POST https://hooks.example/services/T0K3N-abc?sig=SIG99 failed")).isEqualTo("POST **** failed");
        assertThat(r.redact("404 for /services/T0K3N-abc?sig=SIG99")).isEqualTo("404 for ****");
        assertThat(r.redact("sig SIG99")).isEqualTo("sig ****");
    }

    @Test
    void streamsRedactWholeLinesEvenWhenASecretArrivesInPieces() throws Exception {
        Redactor r = new Redactor();
        StringWriter sink = new StringWriter();
        PrintWriter w = RedactingWriter.wrap(new PrintWriter(sink), r);
        r.registerValue("learnt-late-secret"); // the config is loaded after the streams were wrapped
        w.print("a learnt-");
        w.print("late-secret b");
        w.println();
        w.print("partial learnt-late-secret");
        w.flush();
        assertThat(sink.toString()).isEqualTo("a **** b" + System.lineSeparator() + "partial ****");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = RedactingOutputStream.wrap(new PrintStream(bytes, true, StandardCharsets.UTF_8), r);
        ps.print("[main] INFO learnt-la");
        ps.print("te-secret\nnext");
        ps.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[main] INFO ****\nnext");
    }

    @Test
    void everySlotKeyIsASchemaKeyAndEveryFileKeyToo() {
        for (SecretSlots.Slot s : SecretSlots.ALL) {
            assertThat(ConfigSchema.get().keys()).containsKey(s.key());
            if (s.fileKey() != null) {
                assertThat(ConfigSchema.get().keys()).containsKey(s.fileKey());
            }
        }
        assertThat(SecretSlots.ALL.stream().map(SecretSlots.Slot::key).toList()).doesNotHaveDuplicates();
        assertThat(List.of("source.password", "source.jdbc_url", "redis.url", "alert.webhook_url"))
                .allMatch(k -> SecretSlots.of(k).isPresent());
    }
}
