package dev.gatekeeper.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublicSuffixListTest {

    /** The list's own rule kinds, as publicsuffix.org's test data uses them. */
    private static final PublicSuffixList SMALL = PublicSuffixList.parse(String.join("\n",
            "// comment line",
            "",
            "com",
            "uk",
            "co.uk",
            "*.ck",
            "!www.ck",
            "jp",
            "*.kawasaki.jp",
            "!city.kawasaki.jp",
            "// ===BEGIN PRIVATE DOMAINS===",
            "blogspot.com   trailing text is ignored",
            "公司.cn",
            "a.*.broken"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "example.com,                 com,               example.com",
        "www.example.com,             com,               example.com",
        "a.b.c.example.co.uk,         co.uk,             example.co.uk",
        "example.uk,                  uk,                example.uk",
        // *.ck: every label under ck is a suffix of its own.
        "foo.bar.ck,                  bar.ck,            foo.bar.ck",
        "bar.ck,                      bar.ck,            bar.ck",
        // !www.ck: the exception makes www.ck registrable.
        "www.ck,                      ck,                www.ck",
        "a.www.ck,                    ck,                www.ck",
        "x.y.kawasaki.jp,             y.kawasaki.jp,     x.y.kawasaki.jp",
        "www.city.kawasaki.jp,        kawasaki.jp,       city.kawasaki.jp",
        // Unlisted TLD: the implicit rule *.
        "example.unlisted,            unlisted,          example.unlisted",
        "a.b.example.unlisted,        unlisted,          example.unlisted",
        // A name that is a suffix is its own Organizational Domain.
        "com,                         com,               com",
        "co.uk,                       co.uk,             co.uk",
        // Private section counts; rules in U-labels match A-labels.
        "me.blogspot.com,             blogspot.com,      me.blogspot.com",
        "shop.xn--55qx5d.cn,          xn--55qx5d.cn,     shop.xn--55qx5d.cn",
        // Wildcards not in the leftmost label are ignored.
        "x.a.y.broken,                broken,            y.broken",
    })
    void rulesOfEachKind(String domain, String suffix, String organizational) {
        assertThat(SMALL.publicSuffix(domain)).isEqualTo(suffix);
        assertThat(SMALL.organizationalDomain(domain)).isEqualTo(organizational);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "mail.example.com,          example.com",
        "a.b.example.co.uk,         example.co.uk",
        "www.ck,                    www.ck",
        "foo.bar.ck,                foo.bar.ck",
        "example.com.au,            example.com.au",
        "x.example.github.io,       example.github.io",
        "host.example.nonexistenttld, example.nonexistenttld",
    })
    void bundledListFromDebian(String domain, String organizational) {
        assertThat(PublicSuffixList.bundled().organizationalDomain(domain)).isEqualTo(organizational);
        assertThat(PublicSuffixList.bundled().size()).isGreaterThan(9000);
    }

    @Test
    void bundledCopyKeepsItsLicenceHeader() throws IOException {
        try (var in = PublicSuffixList.class.getResourceAsStream(PublicSuffixList.BUNDLED_RESOURCE)) {
            String head = new String(in.readNBytes(200), StandardCharsets.UTF_8);
            assertThat(head).startsWith("// This Source Code Form is subject to the terms of the Mozilla Public\n"
                    + "// License, v. 2.0.");
        }
    }

    @Test
    void administratorGivesANewerFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("psl.dat");
        Files.writeString(file, "example\n*.hosting.example\n");
        PublicSuffixList list = PublicSuffixList.load(file);
        assertThat(list.organizationalDomain("a.b.customer.hosting.example")).isEqualTo("b.customer.hosting.example");
        assertThatThrownBy(() -> PublicSuffixList.load(dir.resolve("missing.dat"))).isInstanceOf(NoSuchFileException.class);
    }

    /**
     * The walk over the one string gives what the list's algorithm gives label by label, written
     * out here the plain way (split, then join each candidate suffix), on names of every shape the
     * rules meet, odd ones included (empty labels, a trailing dot, a single label).
     */
    @Test
    void walkGivesWhatTheLabelByLabelAlgorithmGives() {
        PublicSuffixList withOneLabelException = PublicSuffixList.parse("com\n!odd\n*.ck\n!www.ck\nco.uk\n");
        String[] names = {"example.com", "a.b.c.example.co.uk", "foo.bar.ck", "bar.ck", "ck", "www.ck", "a.www.ck",
            "x.y.kawasaki.jp", "www.city.kawasaki.jp", "com", "co.uk", "example.unlisted", "", ".", "..", "com.",
            "example.com.", ".example.com", "a..example.com", "odd", "x.odd", "me.blogspot.com", "x.a.y.broken",
            "mail.example.com.au", "x.example.github.io"};
        for (PublicSuffixList list : new PublicSuffixList[] {SMALL, PublicSuffixList.bundled(), withOneLabelException}) {
            for (String name : names) {
                String suffix = labelByLabel(list, name);
                assertThat(list.publicSuffix(name)).as(name).isEqualTo(suffix);
                String organizational;
                if (suffix.length() >= name.length()) {
                    organizational = name;
                } else {
                    String rest = name.substring(0, name.length() - suffix.length() - 1);
                    organizational = rest.substring(rest.lastIndexOf('.') + 1) + "." + suffix;
                }
                assertThat(list.organizationalDomain(name)).as(name).isEqualTo(organizational);
            }
        }
    }

    /** The list's algorithm as publicsuffix.org states it, one candidate suffix of labels at a time. */
    private static String labelByLabel(PublicSuffixList list, String domain) {
        String[] labels = domain.split("\\.", -1);
        int n = labels.length;
        int longest = 1;
        for (int k = 1; k <= n; k++) {
            String suffix = join(labels, n - k);
            if (list.isException(suffix)) {
                return join(labels, n - k + 1);
            }
            if (list.isRule(suffix) || (k >= 2 && list.isWildcardParent(join(labels, n - k + 1)))) {
                longest = k;
            }
        }
        return join(labels, n - longest);
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.asList(labels).subList(from, labels.length));
    }
}
