package dev.gatekeeper.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TagListTest {

    @Test
    void readsTagsInOrderWithFoldingAroundNamesAndValues() throws Exception {
        TagList t = TagList.parse(" v=1;\r\n a = rsa-sha256 ;\tb=abc\r\n def; ");

        assertThat(t.asMap()).containsExactly(
                org.assertj.core.api.Assertions.entry("v", "1"),
                org.assertj.core.api.Assertions.entry("a", "rsa-sha256"),
                org.assertj.core.api.Assertions.entry("b", "abc\r\n def"));
        assertThat(TagList.withoutFws(t.get("b"))).isEqualTo("abcdef");
        assertThat(t.firstTag()).isEqualTo("v");
    }

    @Test
    void anEmptyValueIsAValue() throws Exception {
        assertThat(TagList.parse("p=").get("p")).isEmpty();
        assertThat(TagList.parse("p=;").has("p")).isTrue();
    }

    @Test
    void tagNamesAreCaseSensitive() throws Exception {
        TagList t = TagList.parse("d=a.example; D=b.example");
        assertThat(t.get("d")).isEqualTo("a.example");
        assertThat(t.get("D")).isEqualTo("b.example");
    }

    @Test
    void duplicateTagsAreRefused() {
        assertThatThrownBy(() -> TagList.parse("v=1; d=a.example; d=b.example"))
                .isInstanceOf(DkimSyntaxException.class).hasMessage("duplicate tag d=");
    }

    @Test
    void malformedSpecsAreRefused() {
        assertThatThrownBy(() -> TagList.parse("v=1;; a=b")).hasMessageContaining("empty tag-spec");
        assertThatThrownBy(() -> TagList.parse("v=1; novalue")).hasMessageContaining("without '='");
        assertThatThrownBy(() -> TagList.parse("1v=1")).hasMessageContaining("bad tag name");
        assertThatThrownBy(() -> TagList.parse("a b=1")).hasMessageContaining("bad tag name");
        assertThatThrownBy(() -> TagList.parse("=1")).hasMessageContaining("bad tag name");
        assertThatThrownBy(() -> TagList.parse("v=1\u0000")).hasMessageContaining("control character");
    }

    @Test
    void oneTrailingSemicolonIsAllowed() throws Exception {
        assertThat(TagList.parse("v=1; a=b;").asMap()).hasSize(2);
        assertThat(TagList.parse("v=1; a=b; \r\n ").asMap()).hasSize(2);
    }
}
