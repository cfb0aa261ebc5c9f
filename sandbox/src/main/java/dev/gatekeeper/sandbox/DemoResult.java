package dev.gatekeeper.sandbox;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What happened when a {@link Demo} ran against the live James: the reply to each step sent
 * (the transaction stops at the first 4xx or 5xx, as a real client's would) and the whole
 * transcript. Nothing here is made up: every reply is one James sent.
 */
public final class DemoResult {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Demo demo;
    private final boolean gatekeeperInstalled;
    private final List<ServerReply> replies;
    private final List<String> transcript;
    private final String failure;

    private DemoResult(Demo demo, boolean gatekeeperInstalled, List<ServerReply> replies, List<String> transcript,
                       String failure) {
        this.demo = demo;
        this.gatekeeperInstalled = gatekeeperInstalled;
        this.replies = List.copyOf(replies);
        this.transcript = List.copyOf(transcript);
        this.failure = failure;
    }

    /** Runs a demo from its client address against an SMTP server. */
    public static DemoResult run(Demo demo, InetSocketAddress server, boolean gatekeeperInstalled) {
        List<ServerReply> replies = new ArrayList<>();
        SmtpClient smtp;
        try {
            smtp = SmtpClient.connect(server, JamesSandbox.loopback(demo.clientAddress()), TIMEOUT);
        } catch (UncheckedIOException e) {
            return new DemoResult(demo, gatekeeperInstalled, replies, List.of(), "no connection: " + e.getMessage());
        }
        try (smtp) {
            String failure = null;
            try {
                if (smtp.greeting().isPositive()) {
                    for (DemoStep step : demo.steps()) {
                        ServerReply reply = step.send(smtp);
                        replies.add(reply);
                        if (!reply.isPositive()) {
                            break;
                        }
                    }
                    smtp.quit();
                }
            } catch (UncheckedIOException e) {
                failure = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            }
            return new DemoResult(demo, gatekeeperInstalled, replies, smtp.transcript(), failure);
        }
    }

    public Demo demo() {
        return demo;
    }

    /** The replies to the steps sent, in order; fewer than the steps when one was refused. */
    public List<ServerReply> replies() {
        return replies;
    }

    /** "S: ..." and "C: ..." lines, the greeting first. */
    public List<String> transcript() {
        return Collections.unmodifiableList(transcript);
    }

    /** Why the transaction broke off (connection closed, timeout), if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean gatekeeperInstalled() {
        return gatekeeperInstalled;
    }

    /** The line each step expects in this setting, up to the first step expected not to be reached. */
    public List<String> expectedLines() {
        List<String> lines = new ArrayList<>();
        for (DemoStep step : demo.steps()) {
            String line = step.expected().line(gatekeeperInstalled);
            if (line == null) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    /** The last line of each reply received. */
    public List<String> replyLines() {
        List<String> lines = new ArrayList<>();
        replies.forEach(r -> lines.add(r.lastLine()));
        return lines;
    }

    /** True when every reply is the one expected and no step expected was left out. */
    public boolean asExpected() {
        return failure == null && replyLines().equals(expectedLines());
    }
}
