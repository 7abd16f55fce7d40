package org.recallctl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recallctl.error.ConfigException;

/** redis.mode and its keys, the cluster hash-tag rule, and the TLS settings' consistency checks. */
class RedisTopologyConfigTest {
    private static RecallConfig load(String... pairs) {
        return ConfigFromSets.load(pairs);
    }

    @Test
    void standaloneIsTheDefaultAndARedissUrlMeansTls() {
        RecallConfig c = load();
        assertThat(c.redis().mode()).isEqualTo(RecallConfig.RedisMode.STANDALONE);
        assertThat(c.redis().tls()).isFalse();
        assertThat(load("redis.url", "rediss://cache.internal:6380/0").redis().tls()).isTrue();
    }

    @Test
    void sentinelModeNeedsSentinelsAndAMasterName() {
        RecallConfig c = load("redis.mode", "sentinel", "redis.sentinels", "10.0.0.5:26379, [::1]:26380",
                "redis.master_name", "recall", "redis.sentinel_password", "s3ntinel-pw", "redis.url", "");
        assertThat(c.redis().sentinels()).containsExactly(new HostPort("10.0.0.5", 26379), new HostPort("::1", 26380));
        assertThat(c.redis().masterName()).isEqualTo("recall");
        assertThatThrownBy(() -> load("redis.mode", "sentinel", "redis.master_name", "m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.sentinels")
                .hasMessageContaining("required in redis.mode sentinel");
        assertThatThrownBy(() -> load("redis.mode", "sentinel", "redis.sentinels", "h:26379"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.master_name").hasMessageContaining("required");
        assertThatThrownBy(() -> load("redis.mode", "sentinel", "redis.sentinels", "h:26379x", "redis.master_name", "m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'h:26379x' is not an address like");
    }

    @Test
    void topologyKeysWithoutTheirModeAreAnError() {
        assertThatThrownBy(() -> load("redis.sentinels", "h:26379"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set redis.mode: sentinel");
        assertThatThrownBy(() -> load("redis.nodes", "h:6379"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set redis.mode: cluster");
        assertThatThrownBy(() -> load("redis.mode", "cluster"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.nodes").hasMessageContaining("required");
    }

    @Test
    void theSentinelPasswordIsASecretLikeTheOthers() {
        LoadedConfig c = new ConfigLoader(Map.of("RECALLCTL_REDIS_SENTINEL_PASSWORD", "s3ntinel-pw")).load(null,
                Map.of("redis.mode", "sentinel", "redis.sentinels", "h:26379", "redis.master_name", "m"), Map.of());
        assertThat(c.config().redis().sentinelPassword().reveal()).isEqualTo("s3ntinel-pw");
        assertThat(c.config().redis().toString()).doesNotContain("s3ntinel-pw");
        assertThat(c.redactor().redact("AUTH failed with s3ntinel-pw")).isEqualTo("AUTH failed with ****");
    }

    @Test
    void clusterModeAcceptsDerivedKeysAndTaggedOverrides() {
        RecallConfig c = load("redis.mode", "cluster", "redis.nodes", "n1:7000,n2:7001", "pipeline.name", "items",
                "redis.current_key", "search:recall:{items}:current");
        assertThat(c.redis().nodes()).hasSize(2);
        assertThat(c.redis().currentKey()).isEqualTo("search:recall:{items}:current");
    }

    @Test
    void clusterModeRefusesAKeyOverrideOutsideThePipelinesSlotAndSaysWhy() {
        assertThatThrownBy(() -> load("redis.mode", "cluster", "redis.nodes", "n1:7000", "pipeline.name", "items",
                "redis.current_key", "search:recall:current"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("redis.current_key (--set redis.current_key): 'search:recall:current' does not "
                        + "carry the hash tag {items}")
                .hasMessageContaining("Redis Cluster runs a script only on keys of one slot")
                .hasMessageContaining("e.g. 'search:recall:{items}:current'");
        assertThatThrownBy(() -> load("redis.mode", "cluster", "redis.nodes", "n1:7000", "pipeline.name", "items",
                "redis.building_key", "x:{other}:building"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.building_key")
                .hasMessageContaining("e.g. 'x:{items}:building'");
        assertThatThrownBy(() -> load("redis.mode", "cluster", "redis.nodes", "n1:7000", "redis.key_prefix", "{app}:recall"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.key_prefix")
                .hasMessageContaining("hash tag of its own ({app})");
        // outside cluster mode a key of any shape is fine: one server holds them all
        assertThat(load("redis.current_key", "search:recall:current").redis().currentKey()).isEqualTo("search:recall:current");
    }

    @Test
    void hashTagFollowsRedisClusterRules() {
        assertThat(HashTag.of("recall:{items}:current")).isEqualTo("items");
        assertThat(HashTag.of("a{}b{items}")).isEqualTo("a{}b{items}"); // empty first tag: the whole key
        assertThat(HashTag.of("{a}{b}")).isEqualTo("a");
        assertThat(HashTag.of("plain")).isEqualTo("plain");
        assertThat(HashTag.suggest("current", "items")).isEqualTo("{items}:current");
        for (String k : List.of("search:recall:current", "x:{other}:y", "current")) {
            assertThat(HashTag.of(HashTag.suggest(k, "items"))).isEqualTo("items");
        }
    }

    @Test
    void aCaFileWithAnSslModeThatDoesNotVerifyIsRefused() {
        assertThatThrownBy(() -> load("source.ca_file", "/etc/ssl/ca.pem",
                "source.jdbc_url", "jdbc:mysql://db:3306/recall?sslMode=REQUIRED"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sslMode=REQUIRED")
                .hasMessageContaining("use sslMode=VERIFY_IDENTITY");
        assertThat(load("source.ca_file", "/etc/ssl/ca.pem", "source.jdbc_url",
                "jdbc:mysql://db:3306/recall?sslMode=VERIFY_CA").source().caFile()).isEqualTo("/etc/ssl/ca.pem");
    }
}
