package dev.gatekeeper.benchmarks.load;

import dev.gatekeeper.sandbox.SmtpClient;
import dev.gatekeeper.sandbox.ServerReply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP load driver: {@code sessions} concurrent connections share {@code messages} messages,
 * each connection sending one message after another (MAIL, RCPT, DATA) until none are left, as a
 * busy relay in front of a server does. It counts every message the server accepted with 250 after
 * DATA, so that the caller can check the same number arrived, and times each RCPT reply, the
 * stage where a policy server does its work.
 */
public final class SmtpLoad {

    private final Plan plan;

    public SmtpLoad(Plan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    /** Runs the plan once; blocks until every session has finished or the plan's deadline passed. */
    public LoadResult run() throws InterruptedException {
        AtomicInteger tickets = new AtomicInteger(plan.messages);
        ExecutorService pool = Executors.newFixedThreadPool(plan.sessions);
        List<Future<SessionTally>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < plan.sessions; i++) {
            // No client address given: the system picks one (null to SmtpClient).
            InetAddress from = plan.clientAddresses.isEmpty() ? null : plan.clientAddresses.get(i % plan.clientAddresses.size());
            futures.add(pool.submit(() -> session(from, tickets)));
        }
        pool.shutdown();
        boolean finished = pool.awaitTermination(plan.deadline.toMillis(), TimeUnit.MILLISECONDS);
        long elapsed = System.nanoTime() - start;
        if (!finished) {
            pool.shutdownNow();
        }
        LoadResult.Builder result = LoadResult.builder(plan.messages, Duration.ofNanos(elapsed), !finished);
        for (Future<SessionTally> f : futures) {
            if (f.isDone() && !f.isCancelled()) {
                try {
                    result.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    result.sessionFailed(e.getCause());
                }
            } else {
                result.sessionFailed(new IllegalStateException("session still running at the deadline"));
            }
        }
        return result.build();
    }

    private SessionTally session(InetAddress from, AtomicInteger tickets) {
        SessionTally tally = new SessionTally();
        if (tickets.get() <= 0) {
            return tally;
        }
        try (SmtpClient client = SmtpClient.connect(plan.server, from, plan.replyTimeout)) {
            tally.connected = true;
            if (client.greeting().code() != 220 || client.ehlo(plan.helo).code() != 250) {
                throw new IllegalStateException("session refused: " + client.transcriptText());
            }
            int n;
            while ((n = tickets.getAndDecrement()) > 0) {
                tally.attempted++;
                String recipient = plan.recipients.get(n % plan.recipients.size());
                if (client.mailFrom(plan.sender).code() != 250) {
                    tally.refused++;
                    client.rset();
                    continue;
                }
                long t0 = System.nanoTime();
                ServerReply rcpt = client.rcptTo(recipient);
                tally.rcptNanos.add(System.nanoTime() - t0);
                if (rcpt.code() != 250) {
                    tally.refused++;
                    client.rset();
                    continue;
                }
                if (client.data(plan.message(n, recipient)).code() == 250) {
                    tally.accepted++;
                    tally.acceptedTo.merge(recipient, 1, Integer::sum);
                } else {
                    tally.refused++;
                }
            }
            client.quit();
        }
        return tally;
    }

    /** What one session did. */
    static final class SessionTally {
        boolean connected;
        int attempted;
        int accepted;
        int refused;
        final Map<String, Integer> acceptedTo = new HashMap<>();
        final List<Long> rcptNanos = new ArrayList<>();
    }

    /** What to send, where from and how long to wait. */
    public static final class Plan {
        final InetSocketAddress server;
        final List<InetAddress> clientAddresses;
        final int sessions;
        final int messages;
        final String helo;
        final String sender;
        final List<String> recipients;
        final int messageBytes;
        final Duration replyTimeout;
        final Duration deadline;

        private Plan(Builder b) {
            this.server = Objects.requireNonNull(b.server, "server");
            this.clientAddresses = List.copyOf(b.clientAddresses);
            this.sessions = b.sessions;
            this.messages = b.messages;
            this.helo = b.helo;
            this.sender = b.sender;
            this.recipients = b.recipients.isEmpty() ? List.of("user@gatekeeper.test") : List.copyOf(b.recipients);
            this.messageBytes = b.messageBytes;
            this.replyTimeout = b.replyTimeout;
            this.deadline = b.deadline;
        }

        public static Builder builder(InetSocketAddress server) {
            return new Builder(server);
        }

        /** A message of about {@link #messageBytes} octets whose Message-ID carries its number. */
        String message(int number, String recipient) {
            StringBuilder m = new StringBuilder();
            m.append("From: ").append(sender).append('\n')
                    .append("To: ").append(recipient).append('\n')
                    .append("Subject: load ").append(number).append('\n')
                    .append("Message-ID: <load-").append(number).append("@gatekeeper.test>\n\n");
            while (m.length() < messageBytes) {
                m.append("The quick brown fox jumps over the lazy dog. 0123456789 load test line.\n");
            }
            return m.toString();
        }

        /** Collects a plan; the defaults are 50 sessions, 1000 messages of 2 KB. */
        public static final class Builder {
            private final InetSocketAddress server;
            private final List<InetAddress> clientAddresses = new ArrayList<>();
            private int sessions = 50;
            private int messages = 1000;
            private String helo = "load.gatekeeper.test";
            private String sender = "load@gatekeeper.test";
            private final List<String> recipients = new ArrayList<>();
            private int messageBytes = 2048;
            private Duration replyTimeout = Duration.ofSeconds(30);
            private Duration deadline = Duration.ofMinutes(5);

            private Builder(InetSocketAddress server) {
                this.server = server;
            }

            /** A local address to connect from; sessions take them in turn. Default: any. */
            public Builder clientAddress(InetAddress address) {
                clientAddresses.add(address);
                return this;
            }

            public Builder sessions(int value) {
                if (value < 1) {
                    throw new IllegalArgumentException("sessions must be at least 1, was " + value);
                }
                sessions = value;
                return this;
            }

            public Builder messages(int value) {
                if (value < 1) {
                    throw new IllegalArgumentException("messages must be at least 1, was " + value);
                }
                messages = value;
                return this;
            }

            public Builder helo(String value) {
                helo = value;
                return this;
            }

            public Builder sender(String value) {
                sender = value;
                return this;
            }

            /**
             * A recipient; with several, message n goes to the n-th in turn, whichever session
             * sends it (mail for many users, as a server receives it). Default: user@gatekeeper.test.
             */
            public Builder recipient(String value) {
                recipients.add(Objects.requireNonNull(value, "recipient"));
                return this;
            }

            public Builder messageBytes(int value) {
                messageBytes = value;
                return this;
            }

            public Builder replyTimeout(Duration value) {
                replyTimeout = value;
                return this;
            }

            /** The whole run's bound: sessions still running then are stopped and reported. */
            public Builder deadline(Duration value) {
                deadline = value;
                return this;
            }

            public Plan build() {
                return new Plan(this);
            }
        }
    }
}
