package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyRecordTest {

    @Test
    void defaultsWhenOnlyPIsGiven() throws Exception {
        KeyRecord k = KeyRecord.parse("p=AAAA");
        assertThat(k.keyType).isEqualTo("rsa");
        assertThat(k.publicKey).hasSize(3);
        assertThat(k.hashes).isEmpty();
        assertThat(k.acceptsHash("sha256")).isTrue();
        assertThat(k.serviceTypes).containsExactly("*");
        assertThat(k.allowsEmail()).isTrue();
        assertThat(k.testing).isFalse();
        assertThat(k.strictIdentity).isFalse();
        assertThat(k.isRevoked()).isFalse();
    }

    @Test
    void readsEveryTag() throws Exception {
        KeyRecord k = KeyRecord.parse("v=DKIM1; k=ED25519; h=sha256 : sha1; s=email; t=y:s; n=notes; p=AA\r\n AA");
        assertThat(k.keyType).isEqualTo("ed25519");
        assertThat(k.hashes).containsExactly("sha256", "sha1");
        assertThat(k.serviceTypes).containsExactly("email");
        assertThat(k.testing).isTrue();
        assertThat(k.strictIdentity).isTrue();
        assertThat(k.publicKey).hasSize(3);
    }

    @Test
    void anEmptyPIsARevokedKey() throws Exception {
        assertThat(KeyRecord.parse("v=DKIM1; p=").isRevoked()).isTrue();
    }

    @Test
    void restrictionsAreHonoured() throws Exception {
        assertThat(KeyRecord.parse("h=sha1; p=AAAA").acceptsHash("sha256")).isFalse();
        assertThat(KeyRecord.parse("s=tlsrpt; p=AAAA").allowsEmail()).isFalse();
        assertThat(KeyRecord.parse("s=tlsrpt:*; p=AAAA").allowsEmail()).isTrue();
    }

    @Test
    void versionMustBeDkim1AndFirst() {
        assertThatThrownBy(() -> KeyRecord.parse("p=AAAA; v=DKIM1")).hasMessageContaining("v=");
        assertThatThrownBy(() -> KeyRecord.parse("v=DKIM2; p=AAAA")).hasMessageContaining("v=");
    }

    @Test
    void missingOrBrokenKeyIsASyntaxError() {
        assertThatThrownBy(() -> KeyRecord.parse("v=DKIM1; k=rsa")).hasMessage("missing p=");
        assertThatThrownBy(() -> KeyRecord.parse("p=AA!A")).hasMessage("p= is not valid base64");
        assertThatThrownBy(() -> KeyRecord.parse("p=AAAA; p=BBBB")).hasMessage("duplicate tag p=");
    }
}
