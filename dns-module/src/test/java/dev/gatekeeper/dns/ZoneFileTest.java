package dev.gatekeeper.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ZoneFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    @Test
    void loadsOriginTtlRelativeNamesAndEachType() throws Exception {
        ZoneFile zone = ZoneFile.load(DnsjavaResolverTest.resource("example.test.zone"));
        ZoneResolver r = zone.resolver();

        assertThat(r.answer("example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.1")));
        assertThat(r.answer("example.test", RecordType.AAAA).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("2001:db8::1")));
        assertThat(r.answer("example.test", RecordType.MX).records())
                .containsExactly(MxRecord.of(10, "mx1.example.test"), MxRecord.of(20, "mx2.example.test"));
        assertThat(r.answer("nullmx.example.test", RecordType.MX).records()).containsExactly(MxRecord.of(0, ""));
        assertThat(r.answer("example.test", RecordType.TXT).records())
                .containsExactly(TxtRecord.of("v=spf1 ", "ip4:192.0.2.0/24 -all"));
        assertThat(r.answer("1.2.0.192.in-addr.arpa", RecordType.PTR).records())
                .containsExactly(PtrRecord.of("example.test"));
        assertThat(r.answer("www.example.test", RecordType.A).records())
                .containsExactly(AddressRecord.of(InetAddress.getByName("192.0.2.1")));
        assertThat(r.answer("mx2.example.test", RecordType.A).records()).hasSize(2);
    }

    @Test
    void ignoresTypeSpfButKeepsItsNameInExistence() {
        ZoneResolver r = loadExample().resolver();
        assertThat(r.answer("example.test", RecordType.TXT).records()).hasSize(1);
        assertThat(r.answer("spfonly.example.test", RecordType.TXT).status()).isEqualTo(DnsAnswer.Status.NODATA);
    }

    @Test
    void namesBetweenTheApexAndDataExist() {
        ZoneResolver r = loadExample().resolver();
        assertThat(r.answer("b.deep.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(r.answer("deep.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NODATA);
        assertThat(r.answer("c.deep.example.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
    }

    @Test
    void keepsEachRecordsTtl() throws Exception {
        ZoneFile zone = loadExample();
        assertThat(zone.recordsAt(Name.fromString("mx2.example.test."))).extracting(Record::getTTL)
                .containsExactly(120L, 120L);
        assertThat(zone.recordsAt(Name.fromString("mx1.example.test."))).extracting(Record::getTTL)
                .containsExactly(300L);
        assertThat(zone.recordsAt(Name.fromString("target.other.test."))).extracting(Record::getTTL)
                .containsExactly(30L);
        assertThat(zone.soaFor(Name.fromString("a.b.deep.example.test.")).getMinimum()).isEqualTo(60);
        assertThat(zone.soaFor(Name.fromString("target.other.test."))).isNull();
    }

    @Test
    void usesTheOriginGivenAndTheDefaultTtl() throws Exception {
        ZoneFile zone = ZoneFile.parse("@ A 192.0.2.7\nmail MX 5 @\n", "inline", "given.test");
        assertThat(zone.resolver().answer("mail.given.test", RecordType.MX).records())
                .containsExactly(MxRecord.of(5, "given.test"));
        assertThat(zone.records()).extracting(Record::getTTL).containsOnly(ZoneFile.DEFAULT_TTL);
        assertThat(zone.size()).isEqualTo(2);
    }

    @Test
    void badLineNamesTheFileAndTheLine() throws Exception {
        Path file = write("bad.zone", "$ORIGIN bad.test.\n$TTL 60\n@ A 192.0.2.1\nmail MX ten mx\n");

        assertThatThrownBy(() -> ZoneFile.load(file))
                .isInstanceOfSatisfying(ZoneFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isEqualTo(4);
                })
                .hasMessageStartingWith(file + ":4: ");
    }

    @Test
    void badAddressInTextNamesTheSourceAndLine() {
        assertThatThrownBy(() -> ZoneFile.parse("a.test. 60 A 192.0.2.1\nb.test. 60 A 192.0.2.300\n", "inline"))
                .isInstanceOf(ZoneFileException.class)
                .hasMessageStartingWith("inline:2: ");
    }

    @Test
    void relativeNameWithoutOriginIsRefusedAtItsLine() {
        String text = "abs.test. 60 IN SOA ns.abs.test. host.abs.test. (\n 1 3600 600\n 86400 60 )\n"
                + "abs.test. 60 A 192.0.2.1\nwww 60 A 192.0.2.2\nlater.test. 60 A 192.0.2.3\n";
        assertThatThrownBy(() -> ZoneFile.parse(text, "inline"))
                .isInstanceOfSatisfying(ZoneFileException.class, e -> assertThat(e.line()).isEqualTo(5))
                .hasMessage("inline:5: 'www' is not an absolute name");
    }

    @Test
    void errorInAnIncludedFileNamesThatFile() throws Exception {
        Path inner = write("inner-bad.zone", "ok A 192.0.2.9\nbad A not-an-address\n");
        Path outer = write("outer-bad.zone", "$ORIGIN inc.test.\n$TTL 60\n$INCLUDE " + inner + "\n");
        assertThatThrownBy(() -> ZoneFile.load(outer))
                .isInstanceOfSatisfying(ZoneFileException.class, e -> {
                    assertThat(e.file()).isEqualTo("inner-bad.zone");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    @Test
    void cnameBesideOtherDataIsRefused() {
        assertThatThrownBy(() -> ZoneFile.parse("a.test. 60 CNAME b.test.\na.test. 60 A 192.0.2.1\n", "inline"))
                .isInstanceOf(ZoneFileException.class)
                .hasMessage("inline: a.test. has a CNAME and other data");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("missing.zone");
        assertThatThrownBy(() -> ZoneFile.load(missing))
                .isInstanceOf(ZoneFileException.class)
                .hasMessage(missing + ": cannot read the file");
    }

    @Test
    void includeIsRefusedInText() {
        assertThatThrownBy(() -> ZoneFile.parse("$INCLUDE /etc/hostname\n", "inline"))
                .isInstanceOf(ZoneFileException.class)
                .hasMessageStartingWith("inline:1: ");
    }

    @Test
    void includeWorksInFiles() throws Exception {
        Path inner = write("inner.zone", "mx A 192.0.2.9\n");
        Path outer = write("outer.zone", "$ORIGIN inc.test.\n$TTL 60\n$INCLUDE " + inner + "\n");
        ZoneFile zone = ZoneFile.load(outer);
        assertThat(zone.resolver().answer("mx.inc.test", RecordType.A).status()).isEqualTo(DnsAnswer.Status.RECORDS);
        assertThat(zone.records()).extracting(Record::getType).containsExactly(Type.A);
    }

    private static ZoneFile loadExample() {
        try {
            return DnsjavaResolverTest.exampleZone();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
