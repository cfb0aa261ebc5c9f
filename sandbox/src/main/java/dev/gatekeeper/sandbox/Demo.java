package dev.gatekeeper.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One ready SMTP transaction of the sandbox: who connects (a loopback client address, so
 * James and SPF see that address), what it sends, and what each reply should be. The
 * sandbox runs it against the live James and prints the replies James really gave.
 */
public final class Demo {
    private final String name;
    private final String title;
    private final String why;
    private final String clientAddress;
    private final List<DemoStep> steps;

    private Demo(Builder b) {
        this.name = b.name;
        this.title = b.title;
        this.why = b.why;
        this.clientAddress = b.clientAddress;
        this.steps = List.copyOf(b.steps);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Short identifier for {@code --try NAME}. */
    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    /** Why the reply is what it is: the DNS data and rule behind it. */
    public String why() {
        return why;
    }

    /** The loopback address the client connects from. */
    public String clientAddress() {
        return clientAddress;
    }

    public List<DemoStep> steps() {
        return steps;
    }

    /** True when some reply differs with the Gatekeeper hooks installed. */
    public boolean dependsOnGatekeeper() {
        return steps.stream().anyMatch(s -> s.expected().dependsOnGatekeeper());
    }

    /**
     * The same transaction as a swaks command line (swaks stops at the first refusal too); a demo
     * that retries gives its last session's line twice, with the wait between them.
     */
    public String swaks(String server) {
        List<DemoStep> session = steps;
        Duration wait = null;
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).kind() == DemoStep.Kind.RECONNECT) {
                session = steps.subList(i + 1, steps.size());
                wait = steps.get(i).waitBefore();
                break;
            }
        }
        String line = swaks(server, session);
        return wait == null ? line : line + "; sleep " + wait.toSeconds() + "; " + line;
    }

    private String swaks(String server, List<DemoStep> session) {
        StringBuilder line = new StringBuilder("swaks --server ").append(server)
            .append(" --local-interface ").append(clientAddress);
        String recipients = "";
        boolean data = false;
        for (DemoStep step : session) {
            switch (step.kind()) {
                case EHLO:
                case HELO:
                    line.append(" --ehlo ").append(step.argument());
                    break;
                case AUTH_PLAIN:
                    line.append(" --auth PLAIN --auth-user ").append(step.argument())
                        .append(" --auth-password ").append(step.secret());
                    break;
                case MAIL:
                    line.append(" --from ").append(step.argument().isEmpty() ? "''" : step.argument());
                    break;
                case RCPT:
                    recipients = recipients.isEmpty() ? step.argument() : recipients + "," + step.argument();
                    break;
                case DATA:
                    data = true;
                    break;
                default:
                    break;
            }
        }
        line.append(" --to ").append(recipients);
        if (!data) {
            line.append(" --quit-after RCPT");
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return name + ": " + title;
    }

    /** Builds a demo step by step. */
    public static final class Builder {
        private final String name;
        private String title = "";
        private String why = "";
        private String clientAddress;
        private final List<DemoStep> steps = new ArrayList<>();

        private Builder(String name) {
            if (!name.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("demo names are lower-case words with dashes: " + name);
            }
            this.name = name;
        }

        public Builder title(String value) {
            this.title = Objects.requireNonNull(value);
            return this;
        }

        public Builder why(String value) {
            this.why = Objects.requireNonNull(value);
            return this;
        }

        /** The loopback address to connect from. */
        public Builder from(String loopbackAddress) {
            this.clientAddress = JamesSandbox.loopback(loopbackAddress).getHostAddress();
            return this;
        }

        public Builder step(DemoStep step) {
            steps.add(step);
            return this;
        }

        public Demo build() {
            if (clientAddress == null || steps.isEmpty()) {
                throw new IllegalStateException("demo " + name + " needs a client address and steps");
            }
            if (steps.get(steps.size() - 1).kind() == DemoStep.Kind.RECONNECT) {
                throw new IllegalStateException("demo " + name + " connects again but sends nothing then");
            }
            return new Demo(this);
        }
    }
}
