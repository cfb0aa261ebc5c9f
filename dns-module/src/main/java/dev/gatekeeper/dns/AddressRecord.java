package dev.gatekeeper.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** An A or AAAA record. */
public final class AddressRecord implements DnsRecord {

    private final InetAddress address;

    private AddressRecord(InetAddress address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    public static AddressRecord of(InetAddress address) {
        return new AddressRecord(address);
    }

    public InetAddress address() {
        return address;
    }

    @Override
    public RecordType type() {
        return address instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRecord && address.equals(((AddressRecord) o).address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    @Override
    public String toString() {
        return type() + " " + address.getHostAddress();
    }
}
