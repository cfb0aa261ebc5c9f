package dev.gatekeeper.benchmarks;

import dev.gatekeeper.benchmarks.load.LoadJameses;
import dev.gatekeeper.benchmarks.load.LoadZone;
import dev.gatekeeper.callout.ScriptedPeer;
import dev.gatekeeper.dns.LoopbackDnsServer;
import dev.gatekeeper.dns.ZoneFile;
import dev.gatekeeper.james.smtp.GatekeeperHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What Gatekeeper's handler costs one SMTP transaction, without James around it: connect, EHLO,
 * MAIL, RCPT and the end of DATA, called as James 3.8 calls them, with the handler exactly as the
 * load runs configure it ({@link LoadJameses#handler}: conf/'s policy, its three DNS lists, the
 * client-name lookup, SPF, the sender callout, DKIM/ARC/DMARC), its DNS on a loopback server and
 * its callout peer on loopback. After the first operation every answer is in the caches, as in a
 * warm MX. The mail is made as James's DATA handler makes it ({@code mail} is that alone, to
 * subtract). Client 127.0.0.2 is outside, so every check runs; the session is a minimal
 * {@link SMTPSession} with only what the handler reads.
 *
 * <pre>
 * java -jar benchmarks/target/gatekeeper-benchmarks.jar HookTransactionBenchmark -f 1 -wi 5 -i 5 -w 2s -r 1s -prof gc
 * </pre>
 *
 * One handler for all the benchmark's threads, as James has one for all its sessions: with
 * {@code -t 1} this is the hooks' own work on one warm thread; with {@code -t 50 -bm thrpt} the
 * same work from 50 threads at once on the machine's cores, where what the handler's shared
 * state (caches, counters, locks, executors) costs under concurrency shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HookTransactionBenchmark {

    private static final String RECIPIENT = "user1@gatekeeper.test";
    /** The stages of one message on an open session: MAIL, RCPT, the end of DATA. */
    private static final int STAGES = 3;

    /**
     * The message's size: 2 KB, as the load's smtp-source sends; a larger one (below James's 100 KB
     * in-memory threshold) shows the work done per octet.
     */
    @Param({"2048"})
    public int messageOctets;

    private byte[] message;

    private final AtomicLong sessions = new AtomicLong();
    private LoopbackDnsServer dns;
    private ScriptedPeer peer;
    private GatekeeperHandler handler;
    private MaybeSender sender;
    private MailAddress recipient;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = message(messageOctets);
        dns = LoopbackDnsServer.start(ZoneFile.parse(LoadZone.text(true), "load.test"));
        peer = ScriptedPeer.on(LoadZone.PEER).start();
        XMLConfiguration conf = new XMLConfiguration();
        new FileHandler(conf).load(new StringReader(LoadJameses.handler(dns.hostPort(), peer.port())));
        handler = new GatekeeperHandler();
        handler.init(conf);
        sender = MaybeSender.getMailSender(LoadZone.SENDER);
        recipient = new MailAddress(RECIPIENT);
        // The first transaction fills the caches (and must be accepted, or the rest measures refusals).
        String outcome = transaction();
        if (!outcome.isEmpty()) {
            throw new IllegalStateException("the first transaction was not accepted: " + outcome);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        peer.close();
        dns.close();
    }

    /** One whole transaction through the handler; "" when every stage let it through. */
    @Benchmark
    public String transaction() throws Exception {
        SMTPSession session = FakeSession.create("b" + sessions.incrementAndGet(), LoadZone.CLIENT);
        StringBuilder refused = new StringBuilder();
        Response connect = handler.onConnect(session);
        if (connect != null && !connect.getRetCode().equals("220")) {
            refused.append("connect ").append(connect.getRetCode());
        }
        note(refused, "helo", handler.doHelo(session, LoadZone.CLIENT_NAME));
        message(session, refused);
        return refused.toString();
    }

    /**
     * One message on a session already open, as smtp-source's persistent sessions ({@code -d}) send
     * it: MAIL, RCPT and the end of DATA, then the transaction's attachments dropped as James drops
     * them after the message. Connect and EHLO ran once, in the thread's {@link OpenSession}.
     */
    @Benchmark
    public String sessionMessage(OpenSession open) throws Exception {
        StringBuilder refused = new StringBuilder();
        message(open.session, refused);
        open.endTransaction();
        return refused.toString();
    }

    /**
     * As {@link #sessionMessage}, but on the next of {@code sessions} open sessions in turn, each
     * message after a sweep of {@code sweepKb} of memory and with {@code kernelEntriesPerStage}
     * system calls before each stage: a test of whether the three to four times the hooks cost
     * inside James (profile/async-compiled.md) comes from 50 sessions' state, from caches James's
     * own work between messages leaves cold, or from the TLB its system calls empty (cuts.md,
     * tenth and twelfth rounds). Subtract {@link #sweepOnly}.
     */
    @Benchmark
    public String rotatedSessionMessage(RotatedSessions rotated) throws Exception {
        rotated.sweep();
        OpenSession open = rotated.next();
        StringBuilder refused = new StringBuilder();
        message(open.session, refused, rotated::enterKernel);
        open.endTransaction();
        return refused.toString();
    }

    /** {@link #mail} after the same sweep: James's own part of {@link #rotatedSessionMessage}, caches cold. */
    @Benchmark
    public MailImpl sweptMail(RotatedSessions rotated) throws Exception {
        rotated.sweep();
        return mail();
    }

    /** What {@link #rotatedSessionMessage} does besides the message: the sweep, and its kernel entries. */
    @Benchmark
    public int sweepOnly(RotatedSessions rotated) {
        for (int stage = 0; stage < STAGES; stage++) {
            rotated.enterKernel();
        }
        return rotated.sweep();
    }

    /** Open sessions taken in turn, and memory to sweep between their messages. */
    @State(Scope.Thread)
    public static class RotatedSessions {
        /** A cache line: the sweep touches each once. */
        private static final int LINE = 64;

        @Param({"1", "50"})
        int sessions;
        @Param({"0", "2048"})
        int sweepKb;
        /**
         * System calls before each stage, as James makes a few for each command (the socket's read
         * and write, epoll, waking the next thread): on a kernel that isolates its page tables
         * (PTI) without PCID, each entry flushes the TLB, so the next stage's code and data are
         * looked up in the page tables again.
         */
        @Param({"0"})
        int kernelEntriesPerStage;
        private OpenSession[] open;
        private int at;
        private byte[] memory;
        private byte salt;

        @Setup(Level.Trial)
        public void open(HookTransactionBenchmark b) {
            open = new OpenSession[sessions];
            for (int i = 0; i < sessions; i++) {
                open[i] = new OpenSession();
                open[i].open(b);
            }
            memory = new byte[sweepKb * 1024];
        }

        OpenSession next() {
            at = (at + 1) % open.length;
            return open[at];
        }

        /** {@link #kernelEntriesPerStage} system calls: {@code sched_yield}, which returns at once on an idle core. */
        void enterKernel() {
            for (int i = 0; i < kernelEntriesPerStage; i++) {
                Thread.yield();
            }
        }

        /** Writes one byte of every cache line, so that what the message used before is evicted. */
        int sweep() {
            salt++;
            for (int i = 0; i < memory.length; i += LINE) {
                memory[i] += salt;
            }
            return memory.length == 0 ? 0 : memory[salt & (LINE - 1)];
        }
    }

    /** A session per benchmark thread, connected and greeted once; its messages follow one another. */
    @State(Scope.Thread)
    public static class OpenSession {
        SMTPSession session;
        private FakeSession fake;

        @Setup(Level.Trial)
        public void open(HookTransactionBenchmark b) {
            fake = new FakeSession("s" + b.sessions.incrementAndGet(), LoadZone.CLIENT);
            session = fake.proxy();
            b.handler.onConnect(session);
            b.handler.doHelo(session, LoadZone.CLIENT_NAME);
        }

        void endTransaction() {
            fake.attachments.keySet().removeIf(k -> k.startsWith(ProtocolSession.State.Transaction + "/"));
        }
    }

    private void message(SMTPSession session, StringBuilder refused) throws Exception {
        message(session, refused, () -> { });
    }

    /** MAIL, RCPT and the end of DATA, with {@code beforeEachStage} run before each, as James reads each command. */
    private void message(SMTPSession session, StringBuilder refused, Runnable beforeEachStage) throws Exception {
        beforeEachStage.run();
        note(refused, "mail", handler.doMail(session, sender));
        beforeEachStage.run();
        note(refused, "rcpt", handler.doRcpt(session, sender, recipient));
        beforeEachStage.run();
        MailImpl mail = mail(session.getSessionID());
        try {
            note(refused, "data", handler.onMessage(session, mail));
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** The mail as James's DATA handler makes it and disposes of it: what {@link #transaction} includes besides the hooks. */
    @Benchmark
    public MailImpl mail() throws Exception {
        MailImpl mail = mail("m" + sessions.incrementAndGet());
        LifecycleUtil.dispose(mail);
        return mail;
    }

    private static void note(StringBuilder refused, String stage, HookResult result) {
        // DECLINED lets James go on; OK at RCPT is the policy's accept. Anything else refused.
        HookReturnCode.Action action = result.getResult().getAction();
        if (action != HookResult.DECLINED.getResult().getAction() && action != HookResult.OK.getResult().getAction()) {
            refused.append(stage).append(' ').append(result.getSmtpRetCode()).append(' ').append(result.getSmtpDescription()).append("; ");
        }
    }

    private MailImpl mail(String name) throws Exception {
        MailImpl mail = MailImpl.builder().name(name).sender(sender).addRecipient(recipient).build();
        mail.setMessageContent(MimeMessageInputStreamSource.create(name, new ByteArrayInputStream(message)));
        return mail;
    }

    private static byte[] message(int octets) {
        StringBuilder m = new StringBuilder()
                .append("From: <").append(LoadZone.SENDER).append(">\r\n")
                .append("To: <").append(RECIPIENT).append(">\r\n")
                .append("Subject: hook benchmark\r\n")
                .append("Date: Sun, 6 Dec 2026 05:00:00 +0000\r\n")
                .append("Message-ID: <hooks@load.test>\r\n")
                .append("\r\n");
        while (m.length() < octets) {
            m.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** An {@link SMTPSession} with what the handler reads: the client, the hello name, the session's attachments. */
    private static final class FakeSession implements InvocationHandler {
        private final String id;
        private final InetSocketAddress client;
        private final Map<String, Object> attachments = new HashMap<>();
        private final SMTPConfiguration configuration;

        private FakeSession(String id, String client) {
            this.id = id;
            this.client = new InetSocketAddress(client, 40000);
            this.configuration = (SMTPConfiguration) Proxy.newProxyInstance(SMTPConfiguration.class.getClassLoader(),
                    new Class<?>[] {SMTPConfiguration.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getHelloName")) {
                            return "mx.gatekeeper.test";
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        static SMTPSession create(String id, String client) {
            return new FakeSession(id, client).proxy();
        }

        SMTPSession proxy() {
            return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "getSessionID":
                    return id;
                case "getRemoteAddress":
                    return client;
                case "getConfiguration":
                    return configuration;
                case "isRelayingAllowed":
                    return false;
                case "getUsername":
                    return null;
                case "getAttachment":
                    return Optional.ofNullable(attachments.get(key(args)));
                case "setAttachment":
                    return Optional.ofNullable(attachments.put(key(args), args[1]));
                case "removeAttachment":
                    return Optional.ofNullable(attachments.remove(key(args)));
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return id;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        }

        private static String key(Object[] args) {
            ProtocolSession.AttachmentKey<?> key = (ProtocolSession.AttachmentKey<?>) args[0];
            ProtocolSession.State state = (ProtocolSession.State) args[args.length - 1];
            return state + "/" + key.asString();
        }
    }
}
