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
}
