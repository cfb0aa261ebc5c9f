package dev.gatekeeper.benchmarks.load;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One run of Postfix's {@code smtp-source} (smtp-source(1)): {@code sessions} SMTP sessions in
 * parallel ({@code -s}) send {@code messages} messages in all ({@code -m}) of {@code length}
 * octets of body ({@code -l}) from {@code sender} ({@code -f}), each to the next of the numbered
 * recipients ({@code -N}: {@code 1user@...}, {@code 2user@...}, up to {@code messages}), saying
 * {@code heloName} in HELO ({@code -M}). Without {@code -d} a session sends one message and
 * disconnects, then connects again for the next; with {@code -d} each session keeps its
 * connection for all the messages it sends.
 *
 * <p>No {@code -A}: any reply other than the expected positive one stops smtp-source with a
 * non-zero status, so a run that exits with 0 had every message accepted.
 */
final class SmtpSourceCommand {
    /** Where Debian's postfix package puts it. */
    static final String DEFAULT_EXECUTABLE = "/usr/sbin/smtp-source";
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /** How the messages are spread over connections. */
    enum Shape {
        /** One message per connection, as most mail reaches an MX: connect, deliver, QUIT. */
        CONNECTION,
        /** Persistent sessions ({@code -d}), each sending many messages over one connection. */
        SESSION;

        static Shape of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String executable;
    private final Shape shape;
    private final int sessions;
    private final int messages;
    private final int length;
    private final String heloName;
    private final String sender;
    private final String recipient;
    private final InetSocketAddress server;

    SmtpSourceCommand(String executable, Shape shape, int sessions, int messages, int length, String heloName,
            String sender, String recipient, InetSocketAddress server) {
        if (sessions < 1 || messages < 1 || length < 0) {
            throw new IllegalArgumentException("sessions and messages must be at least 1, length at least 0");
        }
        this.executable = executable;
        this.shape = shape;
        this.sessions = sessions;
        this.messages = messages;
        this.length = length;
        this.heloName = heloName;
        this.sender = sender;
        this.recipient = recipient;
        this.server = server;
    }

    /** The recipient of message {@code n} (1 to {@code messages}): smtp-source's {@code -N} numbering. */
    static String numberedRecipient(int n, String recipient) {
        return n + recipient;
    }

    /** Every address the run sends to, so that they can exist before it starts. */
    List<String> recipients() {
        List<String> all = new ArrayList<>(messages);
        for (int n = 1; n <= messages; n++) {
            all.add(numberedRecipient(n, recipient));
        }
        return all;
    }

    int messages() {
        return messages;
    }

    /**
     * The connections the run opens: one per message, or one per session (smtp-source opens no
     * more sessions than it has messages to send).
     */
    int connections() {
        return shape == Shape.CONNECTION ? messages : Math.min(sessions, messages);
    }

    /** The argument vector, for {@link ProcessBuilder}. */
    List<String> arguments() {
        List<String> args = new ArrayList<>(List.of(executable,
                "-s", Integer.toString(sessions),
                "-m", Integer.toString(messages),
                "-l", Integer.toString(length),
                "-M", heloName,
                "-f", sender,
                "-t", recipient,
                "-N"));
        if (shape == Shape.SESSION) {
            args.add("-d");
        }
        args.add(server.getAddress().getHostAddress() + ":" + server.getPort());
        return args;
    }

    /** The same, as one line a person can paste into a shell. */
    String commandLine() {
        return arguments().stream().map(SmtpSourceCommand::quote).collect(Collectors.joining(" "));
    }

    private static String quote(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
