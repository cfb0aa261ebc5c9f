package dev.gatekeeper.policy;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <greylist on-failure="accept"/>}: the RCPT's triplet (client network, sender, recipient)
 * must wait (postgrey's model: new, or retried before the delay); it then sets
 * {@code ${retry_after}} to the seconds left. Give it {@code action="defer" reason="greylisted"}
 * and put it after the rules that exempt clients (tables, {@code <dnsbl-score below>}, ...), so
 * that only doubtful mail waits. The triplet is recorded whenever the condition is asked. When the
 * state store does not answer, {@code on-failure}: {@code accept} (the default: the condition does
 * not match, mail flows) or {@code tempfail} (451 4.3.0). Never a 5xx. Known at RCPT only.
 */
final class GreylistCondition extends Condition.Base {

    private static final Logger LOG = LoggerFactory.getLogger(GreylistCondition.class);

    static final ConditionType TYPE = ConditionType.of("greylist", Set.of("on-failure"), GreylistCondition::read);

    private final boolean tempfailOnFailure;
    /** Set during a store outage, so that the warning is logged once per outage, not per recipient. */
    private final AtomicBoolean failing = new AtomicBoolean();

    private GreylistCondition(boolean tempfailOnFailure, String description) {
        super(description, Datum.RECIPIENT, false);
        this.tempfailOnFailure = tempfailOnFailure;
    }

    private static Condition read(ExtensionConfig config) {
        String failure = config.parameter("on-failure").map(String::strip).orElse("accept");
        if (!failure.equals("accept") && !failure.equals("tempfail")) {
            throw new IllegalArgumentException("on-failure is accept or tempfail, not '" + failure + "'");
        }
        return new GreylistCondition(failure.equals("tempfail"), "greylist" + (failure.equals("accept") ? "" : " on-failure=tempfail"));
    }

    @Override
    public CompletionStage<Match> match(StageContext ev) {
        return ev.greylist().handle((d, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                return failed(cause.toString());
            }
            switch (d.result()) {
                case DEFER:
                    recovered();
                    ev.retryAfterSeconds = d.retryAfterSeconds();
                    return Match.yes(() -> "greylist " + d);
                case STATE_UNAVAILABLE:
                    return failed(d.detail());
                default:
                    recovered();
                    return Match.ofTraced(false, () -> "greylist " + d);
            }
        });
    }

    private Match failed(String why) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("{}: greylisting state unavailable ({}); {} until it answers again", describe(), why,
                    tempfailOnFailure ? "answering 451 4.3.0" : "not greylisting");
        }
        if (tempfailOnFailure) {
            throw new CompletionException(new RateCondition.QuietFailure("greylisting state unavailable: " + why, null));
        }
        return Match.ofTraced(false, "greylist: state unavailable (" + why + "), not greylisted (on-failure=accept)");
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) {
            LOG.warn("{}: greylisting state answers again", describe());
        }
    }
}
