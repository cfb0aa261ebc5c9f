package dev.gatekeeper.dmarc;

import dev.gatekeeper.dkim.ArcResult;
import dev.gatekeeper.dkim.DkimResult;
import dev.gatekeeper.dkim.DkimStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the message itself proves about its author: one {@link DkimResult} per DKIM-Signature
 * field, top to bottom, its ARC chain's {@link ArcResult}, and the {@link DmarcResult} the
 * signatures and SPF give. Immutable.
 */
public final class MessageAuthentication {

    /** Between two resinfos: the separator, then a folded line (RFC 5322 §2.2.3). */
    private static final String FOLD = ";\r\n\t";

    private final List<DkimResult> dkim;
    private final ArcResult arc;
    private final DmarcResult dmarc;

    private MessageAuthentication(List<DkimResult> dkim, ArcResult arc, DmarcResult dmarc) {
        this.dkim = List.copyOf(dkim);
        this.arc = Objects.requireNonNull(arc, "arc");
        this.dmarc = Objects.requireNonNull(dmarc, "dmarc");
    }

    public static MessageAuthentication of(List<DkimResult> dkim, ArcResult arc, DmarcResult dmarc) {
        return new MessageAuthentication(dkim, arc, dmarc);
    }

    /** No message was checked (verification off, or a build without it): no signatures, DMARC none. */
    public static MessageAuthentication notChecked(String reason) {
        return new MessageAuthentication(List.of(), ArcResult.none(), DmarcResult.none("", reason));
    }

    /** The message could not be read to the end: nothing verified, every outcome temporary. */
    public static MessageAuthentication unreadable(String reason) {
        return new MessageAuthentication(List.of(), ArcResult.none(), DmarcResult.temperror("", reason));
    }

    public List<DkimResult> dkim() {
        return dkim;
    }

    /** The ARC chain (RFC 8617): none when the message carries no ARC fields. */
    public ArcResult arc() {
        return arc;
    }

    public DmarcResult dmarc() {
        return dmarc;
    }

    /** Whether some signature has one of {@code statuses}. */
    public boolean anyDkim(DkimStatus status) {
        return dkim.stream().anyMatch(r -> r.status() == status);
    }

    /**
     * The resinfos of the Authentication-Results field (RFC 8601 §2.2): every signature's
     * {@code dkim=}, or {@code dkim=none} for an unsigned message (§2.7.1), then {@code dmarc=}.
     */
    public List<String> resinfos() {
        List<String> out = new ArrayList<>(dkim.size() + 2);
        if (dkim.isEmpty()) {
            out.add("dkim=none");
        }
        for (DkimResult r : dkim) {
            out.add(r.resinfo());
        }
        out.add(arc.resinfo());
        out.add(dmarc.authenticationResults());
        return out;
    }

    /**
     * One Authentication-Results field for every method (RFC 8601 §2.2 allows several resinfos in
     * one): {@code field} (the field so far, e.g. {@code Authentication-Results: id; spf=pass ...})
     * with these {@link #resinfos()} after it, one per folded line (RFC 5322 §2.2.3).
     */
    public String appendTo(String field) {
        List<String> resinfos = resinfos();
        int size = field.length();
        for (String r : resinfos) {
            size += FOLD.length() + r.length();
        }
        StringBuilder sb = new StringBuilder(size).append(field);
        for (String r : resinfos) {
            sb.append(FOLD).append(r);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return String.join("; ", resinfos());
    }
}
