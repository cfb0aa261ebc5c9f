package dev.gatekeeper.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one lookup: records, NXDOMAIN, NODATA (the name exists without records of the
 * type), or a temporary failure (timeout, SERVFAIL, unreachable server) with a reason.
 */
public final class DnsAnswer {

    /** What kind of answer this is. */
    public enum Status {
        RECORDS,
        NXDOMAIN,
        NODATA,
        TEMPFAIL
    }

    private static final DnsAnswer NXDOMAIN = new DnsAnswer(Status.NXDOMAIN, List.of(), "");
    private static final DnsAnswer NODATA = new DnsAnswer(Status.NODATA, List.of(), "");

    private final Status status;
    private final List<DnsRecord> records;
    private final String problem;

    private DnsAnswer(Status status, List<DnsRecord> records, String problem) {
        this.status = status;
        this.records = records;
        this.problem = problem;
    }

    /** Records found; an empty list is NODATA. */
    public static DnsAnswer of(List<? extends DnsRecord> records) {
        return records.isEmpty() ? NODATA : new DnsAnswer(Status.RECORDS, List.copyOf(records), "");
    }

    public static DnsAnswer nxdomain() {
        return NXDOMAIN;
    }

    public static DnsAnswer nodata() {
        return NODATA;
    }

    public static DnsAnswer tempfail(String problem) {
        return new DnsAnswer(Status.TEMPFAIL, List.of(), Objects.requireNonNull(problem, "problem"));
    }

    public Status status() {
        return status;
    }

    /** True for NXDOMAIN and NODATA alike: the name answered, with nothing of this type. */
    public boolean isEmpty() {
        return status == Status.NXDOMAIN || status == Status.NODATA;
    }

    public boolean isTempfail() {
        return status == Status.TEMPFAIL;
    }

    public List<DnsRecord> records() {
        return records;
    }

    /** The records of one concrete class, in answer order. */
    public <T extends DnsRecord> List<T> records(Class<T> kind) {
        List<T> out = new ArrayList<>(records.size());
        for (DnsRecord r : records) {
            if (kind.isInstance(r)) {
                out.add(kind.cast(r));
            }
        }
        return out;
    }

    /** Why a lookup failed temporarily; empty otherwise. */
    public String problem() {
        return problem;
    }

    @Override
    public String toString() {
        switch (status) {
            case RECORDS:
                return records.toString();
            case TEMPFAIL:
                return "TEMPFAIL(" + problem + ")";
            default:
                return status.name();
        }
    }
}
