package dev.gatekeeper.dns;

import dev.gatekeeper.mail.DomainName;
import java.util.Objects;

/** A PTR record: the target host name, without trailing dot. */
public final class PtrRecord implements DnsRecord {

    private final String target;

    private PtrRecord(String target) {
        this.target = DomainName.canonical(Objects.requireNonNull(target, "target"));
    }

    public static PtrRecord of(String target) {
        return new PtrRecord(target);
    }

    public String target() {
        return target;
    }

    @Override
    public RecordType type() {
        return RecordType.PTR;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PtrRecord && target.equals(((PtrRecord) o).target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "PTR " + target;
    }
}
