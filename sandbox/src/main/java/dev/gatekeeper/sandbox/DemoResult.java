package dev.gatekeeper.sandbox;

import java.io.UncheckedIOException;
import java.net.InetAddress;
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

    /**
     * Runs a demo from its client address against an SMTP server. A 4xx or 5xx ends the session's
     * commands, as a real client's; a {@link DemoStep.Kind#RECONNECT} step after it then quits,
     * waits and starts a new session, as a client retries.
     */
    public static DemoResult run(Demo demo, InetSocketAddress server, boolean gatekeeperInstalled) {
        InetAddress client = JamesSandbox.loopback(demo.clientAddress());
        List<ServerReply> replies = new ArrayList<>();
        List<String> transcript = new ArrayList<>();
        SmtpClient smtp;
        try {
            smtp = SmtpClient.connect(server, client, TIMEOUT);
        } catch (UncheckedIOException e) {
            return new DemoResult(demo, gatekeeperInstalled, replies, List.of(), "no connection: " + e.getMessage());
        }
        String failure = null;
        try {
            boolean refused = !smtp.greeting().isPositive();
            for (DemoStep step : demo.steps()) {
                ServerReply reply;
                if (step.kind() == DemoStep.Kind.RECONNECT) {
                    SmtpClient ending = smtp;
                    smtp = null;
                    end(ending, transcript);
                    transcript.add("(the client waits " + step.waitBefore().toSeconds() + " s and connects again)");
                    Thread.sleep(step.waitBefore().toMillis());
                    smtp = SmtpClient.connect(server, client, TIMEOUT);
                    reply = smtp.greeting();
                } else if (refused) {
                    continue;
                } else {
                    reply = step.send(smtp);
                }
                replies.add(reply);
                refused = !reply.isPositive();
            }
            SmtpClient ending = smtp;
            smtp = null;
            end(ending, transcript);
        } catch (UncheckedIOException e) {
            failure = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while waiting to connect again";
        } finally {
            if (smtp != null) {
                smtp.close();
                transcript.addAll(smtp.transcript());
            }
        }
        return new DemoResult(demo, gatekeeperInstalled, replies, transcript, failure);
    }

    /** QUIT when the session was greeted, then close; the session's lines join the transcript. */
    private static void end(SmtpClient smtp, List<String> transcript) {
        try (smtp) {
            if (smtp.greeting().isPositive()) {
                smtp.quit();
            }
        } finally {
            transcript.addAll(smtp.transcript());
        }
    }

    public Demo demo() {
        return demo;
    }

    /** The replies to the steps sent, in order; fewer than the steps when one was refused. */
    public List<ServerReply> replies() {
        return replies;
    }

    /** "S: ..." and "C: ..." lines, the greeting first; a retry's wait between its sessions in parentheses. */
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
