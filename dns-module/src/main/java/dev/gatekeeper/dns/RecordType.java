package dev.gatekeeper.dns;

/**
 * The DNS record types the engines query. SPF (RFC 7208 §4.4) never queries type SPF, and
 * CNAMEs are followed by the resolver, so neither appears here.
 */
public enum RecordType {
    A,
    AAAA,
    MX,
    TXT,
    PTR
}
