package dev.gatekeeper.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hash of a canonical body, up to an l= count when there is one. One per distinct
 * (canonicalisation, l=, hash algorithm) in a message, however many signatures share it.
 */
final class BodyHash implements BodyCanonicalizer.Sink {

    /** What makes two signatures' body hashes the same computation. */
    static final class Key {
        final Canonicalization canonicalization;
        final long limit;
        final String digestName;

        Key(Canonicalization canonicalization, long limit, String digestName) {
            this.canonicalization = canonicalization;
            this.limit = limit;
            this.digestName = digestName;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return canonicalization == k.canonicalization && limit == k.limit && digestName.equals(k.digestName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(canonicalization, limit, digestName);
        }
    }

    private final MessageDigest digest;
    private final long limit;
    private long total;
    private byte[] value;

    /** A body hash with {@code limit} octets hashed at most ({@code -1}: the whole body). */
    BodyHash(Key key) {
        try {
            this.digest = MessageDigest.getInstance(key.digestName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + key.digestName, e);
        }
        this.limit = key.limit;
    }

    @Override
    public void update(byte[] b, int off, int len) {
        long room = limit < 0 ? len : Math.max(0, Math.min(len, limit - total));
        if (room > 0) {
            digest.update(b, off, (int) room);
        }
        total += len;
    }

    /**
     * The digest, once the body is finished. Synchronized: the DKIM results and the ARC result of
     * one message are settled on whichever threads answer their last key lookups, and a hash they
     * share must be finished once.
     */
    synchronized byte[] value() {
        if (value == null) {
            value = digest.digest();
        }
        return value.clone();
    }

    /** The canonical body's whole length in octets, hashed or not. */
    long canonicalLength() {
        return total;
    }
}
