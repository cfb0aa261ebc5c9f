package dev.gatekeeper.dns;

import dev.gatekeeper.mail.DomainName;
import java.util.Objects;

/** An MX record: a preference and the exchange's host name (without trailing dot; "" for the null MX of RFC 7505). */
public final class MxRecord implements DnsRecord {

    private final int preference;
    private final String exchange;

    private MxRecord(int preference, String exchange) {
        this.preference = preference;
        this.exchange = DomainName.canonical(Objects.requireNonNull(exchange, "exchange"));
    }

    public static MxRecord of(int preference, String exchange) {
        return new MxRecord(preference, exchange);
    }

    public int preference() {
        return preference;
    }

    /** The exchange host name in lower case without the trailing dot; the root ("." in zone files) is "". */
    public String exchange() {
        return exchange;
    }

    @Override
    public RecordType type() {
        return RecordType.MX;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MxRecord)) {
            return false;
        }
        MxRecord other = (MxRecord) o;
        return preference == other.preference && exchange.equals(other.exchange);
    }

    @Override
    public int hashCode() {
        return Objects.hash(preference, exchange);
    }

    @Override
    public String toString() {
        return "MX " + preference + " " + (exchange.isEmpty() ? "." : exchange);
    }
}
