package dev.gatekeeper.dns;

/**
 * One answer record. Implementations are immutable values: {@link AddressRecord},
 * {@link MxRecord}, {@link TxtRecord} and {@link PtrRecord}.
 */
public interface DnsRecord {

    /** The record type, which decides the concrete class. */
    RecordType type();
}
