package dev.gatekeeper.callout;

import dev.gatekeeper.mail.Mailbox;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One SMTP session with one mail host, speaking just enough SMTP to learn whether RCPT TO would be
 * accepted: greeting, EHLO (HELO when EHLO is refused), STARTTLS when offered, MAIL FROM, RCPT TO,
 * optionally a random local part and postmaster, then RSET and QUIT. Nothing is ever written that
 * did not come from a validated {@link Mailbox} or from {@link CalloutSettings}.
 */
final class SmtpProbe {

    /** What one session learned. */
    static final class HostResult {
        enum Kind {
            /** The host answered for the domain: stop here. */
            DEFINITE,
            /** Nothing learned from this host: try the next one. */
            NEXT,
            /** STARTTLS broke the session: try the same host again without it (as Postfix's "may" level does). */
            RETRY_PLAIN
        }

        final Kind kind;
        final CalloutVerdict outcome;
        final String reason;
        /** For NEXT: the host refused us permanently (5xx greeting), not a temporary problem. */
        final PeerReply refusal;

        private HostResult(Kind kind, CalloutVerdict outcome, String reason, PeerReply refusal) {
            this.kind = kind;
            this.outcome = outcome;
            this.reason = reason;
            this.refusal = refusal;
        }

        static HostResult definite(CalloutVerdict outcome) {
            return new HostResult(Kind.DEFINITE, outcome, outcome.reason(), null);
        }

        static HostResult next(String reason) {
            return new HostResult(Kind.NEXT, null, reason, null);
        }

        static HostResult refused(String reason, PeerReply reply) {
            return new HostResult(Kind.NEXT, null, reason, reply);
        }

        static HostResult retryPlain(String reason) {
            return new HostResult(Kind.RETRY_PLAIN, null, reason, null);
        }
    }

    /** A probe keeps at most this many transcript lines, so a chatty peer cannot grow it without bound. */
    static final int MAX_TRANSCRIPT = 200;

    private static final SSLContext TRUST_ANY = trustAnyContext();

    private final CalloutSettings settings;
    private final Random random;
    private final ScheduledExecutorService watchdog;

    SmtpProbe(CalloutSettings settings, Random random, ScheduledExecutorService watchdog) {
        this.settings = settings;
        this.random = random;
        this.watchdog = watchdog;
    }

    /**
     * Runs one session. {@code overallDeadline} is a {@link System#nanoTime()} value past which the
     * socket is closed whatever it is doing.
     */
    HostResult probe(MailHost host, Mailbox mailbox, boolean tls, long overallDeadline, List<String> transcript) {
        String where = host.toString();
        long remaining = overallDeadline - System.nanoTime();
        if (remaining <= 0) {
            return HostResult.next("overall timeout before connecting to " + where);
        }
        note(transcript, "connect " + host.address().getHostAddress() + " port " + settings.port() + " (" + host.name() + ")");
        Socket socket = new Socket();
        ScheduledFuture<?> guard = watchdog.schedule(() -> closeQuietly(socket), remaining, TimeUnit.NANOSECONDS);
        try {
            int connectMillis = (int) Math.max(1, Math.min(settings.connectTimeout().toMillis(), remaining / 1_000_000));
            try {
                socket.connect(new InetSocketAddress(host.address(), settings.port()), connectMillis);
            } catch (SocketTimeoutException e) {
                return HostResult.next("connect to " + where + " timed out");
            } catch (IOException e) {
                return HostResult.next("connect to " + where + " failed: " + e.getMessage());
            }
            Session s = new Session(socket, host, overallDeadline, transcript);
            return s.run(mailbox, tls);
        } catch (SocketTimeoutException e) {
            return HostResult.next("timeout waiting for " + where + " (" + e.getMessage() + ")");
        } catch (ReplyReader.ProtocolException e) {
            return HostResult.next("protocol error from " + where + ": " + e.getMessage());
        } catch (IOException e) {
            boolean late = System.nanoTime() - overallDeadline >= 0;
            return HostResult.next((late ? "overall timeout talking to " : "connection to ") + where
                    + (late ? "" : " lost: " + e.getMessage()));
        } finally {
            guard.cancel(false);
            closeQuietly(socket);
        }
    }

    private final class Session {
        private Socket socket;
        private final MailHost host;
        private final long overallDeadline;
        private final List<String> transcript;
        private ReplyReader reader;
        private OutputStream out;

        Session(Socket socket, MailHost host, long overallDeadline, List<String> transcript) throws IOException {
            this.socket = socket;
            this.host = host;
            this.overallDeadline = overallDeadline;
            this.transcript = transcript;
            this.reader = new ReplyReader(socket);
            this.out = socket.getOutputStream();
        }

        HostResult run(Mailbox mailbox, boolean tls) throws IOException {
            String where = host.toString();
            PeerReply greeting = read();
            if (greeting.isTransient()) {
                return HostResult.next(where + " greeted with " + greeting.summary());
            }
            if (!greeting.isPositive()) {
                // Postfix skips hosts that greet with 5xx (smtp_skip_5xx_greeting): another MX may talk to us.
                quit();
                return HostResult.refused(where + " greeted with " + greeting.summary(), greeting);
            }
            PeerReply ehlo = command("EHLO " + settings.heloName());
            boolean esmtp = ehlo.isPositive();
            if (ehlo.code() == 421) {
                return HostResult.next(where + " answered EHLO with " + ehlo.summary());
            }
            if (!esmtp) {
                // RFC 5321 §4.1.4: a server that does not know EHLO answers 5xx; fall back to HELO.
                PeerReply helo = command("HELO " + settings.heloName());
                if (helo.isPermanent()) {
                    quit();
                    return HostResult.definite(CalloutVerdict.fromReply(CalloutResult.PROBE_REFUSED, helo, where,
                            "HELO refused"));
                }
                if (!helo.isPositive()) {
                    return HostResult.next(where + " answered HELO with " + helo.summary());
                }
            } else if (tls && settings.startTls() && ehlo.advertises("STARTTLS")) {
                PeerReply go = command("STARTTLS");
                if (go.code() == 220) {
                    if (reader.hasBuffered()) {
                        // Plaintext sent after the 220 must never be read as if it came over TLS (CVE-2011-0411).
                        throw new ReplyReader.ProtocolException("data pipelined after 220 to STARTTLS");
                    }
                    try {
                        startTls();
                    } catch (IOException e) {
                        return HostResult.retryPlain("TLS handshake with " + where + " failed: " + e.getMessage());
                    }
                    ehlo = command("EHLO " + settings.heloName());
                    if (!ehlo.isPositive()) {
                        return HostResult.next(where + " answered EHLO after STARTTLS with " + ehlo.summary());
                    }
                }
            }
            String sender = settings.mailFrom();
            PeerReply mail = command("MAIL FROM:<" + sender + ">");
            if (mail.isPermanent()) {
                quit();
                return HostResult.definite(CalloutVerdict.fromReply(CalloutResult.PROBE_REFUSED, mail, where,
                        "MAIL FROM:<" + sender + "> refused"));
            }
            if (!mail.isPositive()) {
                return HostResult.next(where + " answered MAIL FROM with " + mail.summary());
            }
            PeerReply rcpt = command("RCPT TO:<" + mailbox.address() + ">");
            CalloutVerdict outcome;
            if (rcpt.isPermanent()) {
                outcome = CalloutVerdict.fromReply(CalloutResult.REJECTED, rcpt, where, "");
            } else if (rcpt.isTransient()) {
                // Greylisting (450/451) and friends: the host answered for the domain, but not definitely.
                outcome = CalloutVerdict.fromReply(CalloutResult.TEMPFAIL, rcpt, where,
                        "RCPT TO answered " + rcpt.summary());
            } else if (rcpt.code() == 250 || rcpt.code() == 251) {
                outcome = CalloutVerdict.fromReply(CalloutResult.ACCEPTED, rcpt, where, "");
                outcome = extraChecks(mailbox, outcome, where);
            } else {
                return HostResult.next(where + " answered RCPT TO with " + rcpt.summary());
            }
            endSession();
            return HostResult.definite(outcome);
        }

        private CalloutVerdict extraChecks(Mailbox mailbox, CalloutVerdict accepted, String where) throws IOException {
            if (settings.checkRandom()) {
                Mailbox probe = mailbox.withLocalPart(randomLocalPart());
                PeerReply r = command("RCPT TO:<" + probe.address() + ">");
                if (r.code() == 250 || r.code() == 251) {
                    return CalloutVerdict.fromReply(CalloutResult.CATCH_ALL, r, where,
                            "random local part " + probe.localPart() + " accepted too");
                }
            }
            if (settings.checkPostmaster() && !mailbox.localPart().equalsIgnoreCase("postmaster")) {
                PeerReply r = command("RCPT TO:<" + mailbox.withLocalPart("postmaster").address() + ">");
                if (r.isPermanent()) {
                    // RFC 5321 §4.5.1: a domain that refuses its postmaster is broken; Exim's callout/postmaster fails it.
                    return CalloutVerdict.fromReply(CalloutResult.REJECTED, r, where,
                            "postmaster@" + mailbox.domain() + " refused");
                }
            }
            return accepted;
        }

        private String randomLocalPart() {
            StringBuilder sb = new StringBuilder("gk-");
            for (int i = 0; i < 16; i++) {
                sb.append(Character.forDigit(random.nextInt(36), 36));
            }
            return sb.toString();
        }

        private void startTls() throws IOException {
            SSLSocket ssl = (SSLSocket) TRUST_ANY.getSocketFactory().createSocket(socket, host.name(),
                    settings.port(), true);
            ssl.setUseClientMode(true);
            long remaining = Math.min(overallDeadline, System.nanoTime() + settings.commandTimeout().toNanos())
                    - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("no time left for the TLS handshake");
            }
            ssl.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
            ssl.startHandshake();
            note(transcript, "TLS " + ssl.getSession().getProtocol() + " " + ssl.getSession().getCipherSuite());
            socket = ssl;
            reader = new ReplyReader(ssl);
            out = ssl.getOutputStream();
        }

        /** RSET and QUIT are courtesy: a failure there changes nothing already learned. */
        private void endSession() {
            try {
                command("RSET");
                quit();
            } catch (IOException e) {
                note(transcript, "(" + e.getMessage() + ")");
            }
        }

        private void quit() {
            try {
                command("QUIT");
            } catch (IOException e) {
                note(transcript, "(" + e.getMessage() + ")");
            }
        }

        private PeerReply command(String line) throws IOException {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    // Unreachable with validated input; kept so no future caller can smuggle a command.
                    throw new IllegalStateException("refusing to send a control character to a peer");
                }
            }
            note(transcript, "C: " + line);
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        private PeerReply read() throws IOException {
            long deadline = Math.min(overallDeadline, System.nanoTime() + settings.commandTimeout().toNanos());
            PeerReply reply = reader.read(deadline);
            for (String l : reply.lines()) {
                note(transcript, "S: " + l);
            }
            return reply;
        }
    }

    private static void note(List<String> transcript, String line) {
        synchronized (transcript) {
            if (transcript.size() < MAX_TRANSCRIPT) {
                transcript.add(line);
            } else if (transcript.size() == MAX_TRANSCRIPT) {
                transcript.add("(transcript truncated)");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with a socket we are abandoning
        }
    }

    /** Callout needs no trusted certificate: TLS only hides the probe from eavesdroppers, it authenticates nothing. */
    private static SSLContext trustAnyContext() {
        TrustManager trustAny = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // not a server
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // opportunistic TLS, RFC 7435: any certificate will do
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustAny}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
