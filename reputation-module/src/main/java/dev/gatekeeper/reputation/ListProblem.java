package dev.gatekeeper.reputation;

import java.util.Objects;

/**
 * A list that gave no usable answer for one subject; it counts as not listed. Immutable.
 */
public final class ListProblem {

    /** Why there was no usable answer. */
    public enum Kind {
        /** No answer within the checker's timeout. */
        TIMEOUT,
        /** The resolver gave up: SERVFAIL, no server answered, a malformed answer. */
        TEMPFAIL,
        /** The list answered with an error code (127.255.255.x, ...) or an address outside 127.0.0.0/8. */
        ERROR_REPLY
    }

    private final DnsList list;
    private final DnsList.Subject subject;
    private final String queryName;
    private final Kind kind;
    private final String detail;

    ListProblem(DnsList list, DnsList.Subject subject, String queryName, Kind kind, String detail) {
        this.list = list;
        this.subject = subject;
        this.queryName = queryName;
        this.kind = kind;
        this.detail = detail;
    }

    public DnsList list() {
        return list;
    }

    public DnsList.Subject subject() {
        return subject;
    }

    public String queryName() {
        return queryName;
    }

    public Kind kind() {
        return kind;
    }

    /** For logs and traces: the resolver's reason, or the error replies. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListProblem)) {
            return false;
        }
        ListProblem p = (ListProblem) o;
        return list.equals(p.list) && subject == p.subject && queryName.equals(p.queryName) && kind == p.kind
                && detail.equals(p.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(list.name(), subject, queryName, kind);
    }

    /** {@code slow[client-address]: timeout (no answer within 2s)}. */
    @Override
    public String toString() {
        return list.name() + "[" + subject.label() + "]: " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + " (" + detail + ")";
    }
}
