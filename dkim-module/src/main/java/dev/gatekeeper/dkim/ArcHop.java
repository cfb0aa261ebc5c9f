package dev.gatekeeper.dkim;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ARC set of a structurally valid chain (RFC 8617 §4.1): who sealed it, what that sealer's
 * ARC-Authentication-Results said (for a local policy that trusts the sealer, e.g. a DMARC
 * override for a known forwarder, RFC 7489 §7), and how its signatures fared here. Immutable.
 */
public final class ArcHop {

    private final int instance;
    private final String sealDomain;
    private final String sealSelector;
    private final String chainValidation;
    private final String signatureDomain;
    private final ArcAuthResults authResults;
    private final DkimResult messageSignature;
    private final DkimResult seal;

    ArcHop(int instance, ArcSeal as, DkimSignature ams, ArcAuthResults authResults, DkimResult messageSignature,
            DkimResult seal) {
        this.instance = instance;
        this.sealDomain = as.domain;
        this.sealSelector = as.selector;
        this.chainValidation = as.chainValidation.keyword();
        this.signatureDomain = ams == null ? "" : ams.domain;
        this.authResults = authResults;
        this.messageSignature = messageSignature;
        this.seal = seal;
    }

    /** i=, from 1 (the first handler to seal) up. */
    public int instance() {
        return instance;
    }

    /** The ARC-Seal's d=: the sealer a local policy trusts or not. */
    public String sealDomain() {
        return sealDomain;
    }

    /** The ARC-Seal's s=. */
    public String sealSelector() {
        return sealSelector;
    }

    /** The cv= this sealer recorded: {@code none} (i=1) or {@code pass}. */
    public String chainValidation() {
        return chainValidation;
    }

    /** The ARC-Message-Signature's d=, or empty when that field could not be read. */
    public String signatureDomain() {
        return signatureDomain;
    }

    /** The authserv-id of the ARC-Authentication-Results, or empty. */
    public String authservId() {
        return authResults.authservId;
    }

    /** The ARC-Authentication-Results after {@code i=N;}, unfolded, as the sealer wrote it. */
    public String authenticationResults() {
        return authResults.payload;
    }

    /** The results the sealer recorded, in order, as far as they could be read. */
    public List<Resinfo> results() {
        return authResults.results;
    }

    /** The first result of {@code method} ({@code spf}, {@code dkim}, {@code dmarc}, {@code arc}), if any. */
    public Optional<Resinfo> result(String method) {
        return authResults.results.stream().filter(r -> r.method().equals(method)).findFirst();
    }

    /**
     * The IP address the sealer received the message from, as its {@code smtp.remote-ip} property
     * (RFC 8617 §6) says, from the first result that has one.
     */
    public Optional<String> remoteIp() {
        return authResults.results.stream().map(r -> r.properties().get("smtp.remote-ip")).filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * This hop's ARC-Message-Signature as verified here; empty when it was not checked (RFC 8617
     * §5.2 only requires the most recent one; older ones are checked down to the first failure,
     * for the oldest-pass). Read its status, reason and detail: its {@code resinfo()} is DKIM's.
     */
    public Optional<DkimResult> messageSignature() {
        return Optional.ofNullable(messageSignature);
    }

    /**
     * This hop's ARC-Seal as verified here (status, reason, detail, d=, s=, a=; its
     * {@code resinfo()} is DKIM's); empty when the chain failed before it was checked.
     */
    public Optional<DkimResult> seal() {
        return Optional.ofNullable(seal);
    }

    @Override
    public String toString() {
        return "i=" + instance + " as.d=" + sealDomain + " cv=" + chainValidation + " ams.d=" + signatureDomain
                + " aar=" + authResults.payload;
    }

    /** One result of an ARC-Authentication-Results (RFC 8601 resinfo). Immutable. */
    public static final class Resinfo {
        private final String method;
        private final String result;
        private final Map<String, String> properties;

        Resinfo(String method, String result, Map<String, String> properties) {
            this.method = method;
            this.result = result;
            this.properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
        }

        /** The method, lower case: {@code spf}, {@code dkim}, ... */
        public String method() {
            return method;
        }

        /** The result, lower case: {@code pass}, {@code fail}, ... */
        public String result() {
            return result;
        }

        /**
         * {@code reason} and the properties by {@code ptype.property}, lower case
         * ({@code smtp.mailfrom}, {@code header.d}, {@code smtp.remote-ip}), values unquoted.
         */
        public Map<String, String> properties() {
            return properties;
        }

        @Override
        public String toString() {
            return method + "=" + result + " " + properties;
        }
    }
}
