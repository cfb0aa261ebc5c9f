package dev.gatekeeper.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.dns.IpAddresses;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DnsListTest {

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    @Test
    void errorRepliesByDefaultAndOutside127() {
        DnsList list = DnsList.addressList("zen", "zen.example", 3);
        assertThat(list.isErrorReply(ip("127.0.0.2"))).isFalse();
        assertThat(list.isErrorReply(ip("127.0.0.1"))).isTrue();
        assertThat(list.isErrorReply(ip("127.255.255.252"))).isTrue();
        assertThat(list.isErrorReply(ip("127.255.255.254"))).isTrue();
        assertThat(list.isErrorReply(ip("127.255.255.255"))).isTrue();
        assertThat(list.isErrorReply(ip("192.0.2.1"))).isTrue();
        assertThat(list.isErrorReply(ip("::1"))).isTrue();
        DnsList none = list.noErrorReplies();
        assertThat(none.isErrorReply(ip("127.255.255.254"))).isFalse();
        assertThat(none.isErrorReply(ip("10.0.0.1"))).isTrue();
        DnsList own = list.errorReplies(ReplyFilter.parse("127.0.0.[250..255]"));
        assertThat(own.isErrorReply(ip("127.0.0.250"))).isTrue();
        assertThat(own.isErrorReply(ip("127.255.255.254"))).isFalse();
    }

    @Test
    void kindsAndSubjects() {
        DnsList ip = DnsList.addressList("wl", "wl.example", -5);
        assertThat(ip.isAllowList()).isTrue();
        assertThat(ip.isAddressList()).isTrue();
        assertThat(ip.subjects()).containsExactly(DnsList.Subject.CLIENT_ADDRESS);
        DnsList dbl = DnsList.domainList("dbl", "dbl.example", 2);
        assertThat(dbl.isAddressList()).isFalse();
        assertThat(dbl.subjects()).containsExactlyInAnyOrder(DnsList.Subject.SENDER_DOMAIN, DnsList.Subject.HELO,
                DnsList.Subject.CLIENT_NAME);
        assertThat(dbl.subjects(Set.of(DnsList.Subject.HELO)).subjects()).containsExactly(DnsList.Subject.HELO);
        assertThat(dbl.subjects(Set.of(DnsList.Subject.CLIENT_NAME, DnsList.Subject.SENDER_DOMAIN)).subjects())
                .containsExactly(DnsList.Subject.SENDER_DOMAIN, DnsList.Subject.CLIENT_NAME);
        assertThat(DnsList.Subject.SENDER_DOMAIN.label()).isEqualTo("sender-domain");
        assertThat(dbl.filter(ReplyFilter.parse("127.0.1.[2..99]"))).hasToString("dbl (dbl.example=127.0.1.[2..99]*2)");
    }

    @Test
    void readsPostscreenEntries() {
        DnsList zen = DnsList.postscreenEntry("zen", "zen.example=127.0.0.[2..11]*3");
        assertThat(zen.zone().ascii()).isEqualTo("zen.example");
        assertThat(zen.filter()).hasToString("127.0.0.[2..11]");
        assertThat(zen.weight()).isEqualTo(3);
        assertThat(zen).isEqualTo(DnsList.addressList("zen", "zen.example", 3).filter(ReplyFilter.parse("127.0.0.[2..11]")));
        DnsList wl = DnsList.postscreenEntry("wl", "list.dnswl.example=127.0.[0..255].[1..3]*-2");
        assertThat(wl.isAllowList()).isTrue();
        assertThat(wl.weight()).isEqualTo(-2);
        DnsList plain = DnsList.postscreenEntry("bl", " bl.example ");
        assertThat(plain.weight()).isEqualTo(1);
        assertThat(plain.filter().isAny()).isTrue();
        assertThatThrownBy(() -> DnsList.postscreenEntry("bl", "bl.example*x"))
                .hasMessage("postscreen entry 'bl.example*x': weight 'x' is not a whole number");
        assertThatThrownBy(() -> DnsList.postscreenEntry("bl", "bl.example=127.0.0.[2..]*2"))
                .hasMessageStartingWith("reply filter '127.0.0.[2..]': ");
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> DnsList.addressList("a b", "zen.example", 1))
                .hasMessage("list name 'a b' must be printable ASCII without spaces");
        assertThatThrownBy(() -> DnsList.addressList("zen", "zen..example", 1)).hasMessageStartingWith("list zone 'zen..example': ");
        assertThatThrownBy(() -> DnsList.addressList("zen", "zen.example", 1).subjects(Set.of(DnsList.Subject.HELO)))
                .hasMessage("list 'zen': an IP list is asked about the client address only");
        assertThatThrownBy(() -> DnsList.domainList("dbl", "dbl.example", 1).subjects(Set.of()))
                .hasMessage("list 'dbl': a domain list is asked about sender-domain, helo or client-name (one or more)");
        assertThatThrownBy(() -> DnsList.addressList("zen", "zen.example", 1).errorReplies(ReplyFilter.any()))
                .hasMessageContaining("noErrorReplies()");
    }
}
