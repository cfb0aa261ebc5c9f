package dev.gatekeeper.dns;

import dev.gatekeeper.mail.DomainName;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A real DNS server on a loopback address, answering over UDP and TCP from {@link ZoneFile} data
 * as an authoritative server would: AA set, CNAME chains in the answer, NXDOMAIN and NODATA with
 * the zone's SOA in the authority section (its TTL lowered to the SOA MINIMUM, RFC 2308 §3).
 * Faults can be switched on and off while it runs: delay, drop, SERVFAIL, truncated UDP answers,
 * failing TCP and huge record sets. It counts the queries it receives.
 *
 * <p>Threads are bounded (one UDP reader, one TCP acceptor, a few TCP connection workers, one
 * timer for delayed answers); {@link #close()} stops them all within about a second.
 *
 * <pre>{@code
 * try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZoneFile.parse(zoneText, "test"))) {
 *     ResolverSettings s = ResolverSettings.builder().server(dns.hostPort()).build();
 *     ...
 * }
 * }</pre>
 */
public final class LoopbackDnsServer implements AutoCloseable {

    /** The EDNS0 payload size this server announces and honours at most. */
    static final int EDNS_PAYLOAD_SIZE = 1232;
    private static final int MAX_CHAIN = 16;
    private static final int TCP_WORKERS = 8;
    private static final int TCP_IDLE_MILLIS = 3_000;
    private static final int MAX_BIND_ATTEMPTS = 20;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread udpReader;
    private final Thread tcpAcceptor;
    private final ThreadPoolExecutor tcpWorkers;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private volatile ZoneFile zone;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean drop;
    private volatile boolean servfail;
    private volatile boolean truncateUdp;
    private volatile boolean failTcp;
    private volatile int hugeAnswers;
    private volatile boolean chaseCnames = true;
    private volatile Set<Name> faultyNames = Set.of();
    private volatile int lastEdnsPayloadSize = -1;

    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final ConcurrentMap<String, AtomicInteger> byQuestion = new ConcurrentHashMap<>();

    private LoopbackDnsServer(InetAddress address, int port, ZoneFile zone) throws IOException {
        this.zone = Objects.requireNonNull(zone, "zone");
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("tests serve DNS on loopback only, not " + address);
        }
        DatagramSocket boundUdp = null;
        ServerSocket boundTcp = null;
        // UDP and TCP share one port; with an ephemeral port the TCP side may find it taken, so try again.
        for (int attempt = 1; boundTcp == null; attempt++) {
            boundUdp = new DatagramSocket(new InetSocketAddress(address, port));
            try {
                boundTcp = new ServerSocket();
                boundTcp.bind(new InetSocketAddress(address, boundUdp.getLocalPort()), 50);
            } catch (IOException e) {
                boundUdp.close();
                if (boundTcp != null) {
                    boundTcp.close();
                    boundTcp = null;
                }
                if (port != 0 || attempt >= MAX_BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
        this.udp = boundUdp;
        this.tcp = boundTcp;
        this.tcpWorkers = new ThreadPoolExecutor(TCP_WORKERS, TCP_WORKERS, 1, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), daemon("loopback-dns-tcp"), new ThreadPoolExecutor.AbortPolicy());
        this.tcpWorkers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("loopback-dns-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.udpReader = daemon("loopback-dns-udp").newThread(this::readUdp);
        this.tcpAcceptor = daemon("loopback-dns-accept").newThread(this::acceptTcp);
        udpReader.start();
        tcpAcceptor.start();
    }

    /**
     * Serves a zone file until the process is stopped, for trying things by hand:
     * {@code ZONEFILE [ADDRESS [PORT]] [--drop NAME]...} (default 127.0.0.1, ephemeral port).
     * {@code --drop NAME} reads the queries for that name and never answers them, as a server
     * that is down for that name only; the other names are answered.
     */
    public static void main(String[] args) throws Exception {
        List<String> positional = new java.util.ArrayList<>();
        List<String> dropped = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--drop") && i + 1 < args.length) {
                dropped.add(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.isEmpty() || positional.size() > 3 || positional.stream().anyMatch(a -> a.startsWith("--"))) {
            System.err.println("usage: LoopbackDnsServer ZONEFILE [ADDRESS [PORT]] [--drop NAME]...");
            System.exit(2);
        }
        ZoneFile data = ZoneFile.load(java.nio.file.Path.of(positional.get(0)));
        InetAddress address = InetAddress.getByName(positional.size() > 1 ? positional.get(1) : "127.0.0.1");
        int port = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 0;
        LoopbackDnsServer server = start(address, port, data);
        if (!dropped.isEmpty()) {
            server.onlyFor(dropped.toArray(new String[0])).drop(true);
        }
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("serving " + data + " on " + server.hostPort() + " (UDP and TCP)"
                + (dropped.isEmpty() ? "" : ", never answering " + String.join(", ", dropped)));
        stopped.await();
    }

    /** Starts a server on 127.0.0.1 on an ephemeral port. */
    public static LoopbackDnsServer start(ZoneFile zone) throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0, zone);
    }

    /** Starts a server on a loopback address and port (0: ephemeral), UDP and TCP alike. */
    public static LoopbackDnsServer start(InetAddress address, int port, ZoneFile zone) throws IOException {
        return new LoopbackDnsServer(address, port, zone);
    }

    public InetAddress address() {
        return udp.getLocalAddress();
    }

    /** The bound port, UDP and TCP. */
    public int port() {
        return udp.getLocalPort();
    }

    /** {@code host:port} (IPv6 in brackets), as {@link ResolverSettings.Builder#server(String)} takes it. */
    public String hostPort() {
        String host = address().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** Replaces the zone data served from now on. */
    public LoopbackDnsServer zone(ZoneFile data) {
        this.zone = Objects.requireNonNull(data, "zone");
        return this;
    }

    /** Delays every answer by this long (zero: none). */
    public LoopbackDnsServer delay(Duration value) {
        this.delay = Objects.requireNonNull(value, "delay");
        return this;
    }

    /** Reads queries but never answers. */
    public LoopbackDnsServer drop(boolean value) {
        this.drop = value;
        return this;
    }

    /** Answers every query with SERVFAIL. */
    public LoopbackDnsServer servfail(boolean value) {
        this.servfail = value;
        return this;
    }

    /** Answers every UDP query with an empty answer and TC set, so clients must ask over TCP. */
    public LoopbackDnsServer truncateUdp(boolean value) {
        this.truncateUdp = value;
        return this;
    }

    /** Closes a TCP connection at its first query, unanswered (with {@link #truncateUdp}: no way to an answer). */
    public LoopbackDnsServer failTcp(boolean value) {
        this.failTcp = value;
        return this;
    }

    /**
     * Answers every A, AAAA, TXT and MX query with this many made-up records (0: off), more than a
     * UDP answer holds; UDP answers then come truncated as a real server's would.
     */
    public LoopbackDnsServer hugeAnswers(int count) {
        if (count < 0 || count > 1000) {
            throw new IllegalArgumentException("hugeAnswers: " + count + " is not within 0-1000");
        }
        this.hugeAnswers = count;
        return this;
    }

    /**
     * Whether CNAME targets are followed inside the answer (default true). Off, the answer holds
     * the CNAME alone, as from a server authoritative only for the alias.
     */
    public LoopbackDnsServer chaseCnames(boolean value) {
        this.chaseCnames = value;
        return this;
    }

    /**
     * Limits the faults (delay, drop, SERVFAIL, truncation, huge answers) to queries for these
     * names; with none given, faults apply to every query again.
     */
    public LoopbackDnsServer onlyFor(String... names) {
        Set<Name> set = new HashSet<>();
        for (String n : names) {
            try {
                set.add(Name.fromString(n.endsWith(".") ? n : n + "."));
            } catch (IOException e) {
                throw new IllegalArgumentException("onlyFor: bad name '" + n + "'", e);
            }
        }
        this.faultyNames = Set.copyOf(set);
        return this;
    }

    /** Switches every fault off (the zone data stays). */
    public LoopbackDnsServer noFaults() {
        delay = Duration.ZERO;
        drop = false;
        servfail = false;
        truncateUdp = false;
        failTcp = false;
        hugeAnswers = 0;
        chaseCnames = true;
        faultyNames = Set.of();
        return this;
    }

    /** Queries received, UDP and TCP, answered or not. */
    public int queries() {
        return udpQueries.get() + tcpQueries.get();
    }

    public int udpQueries() {
        return udpQueries.get();
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** Queries received for one name and type (e.g. "example.com", "A"), UDP and TCP. */
    public int queries(String name, String type) {
        AtomicInteger n = byQuestion.get(questionKey(name, type));
        return n == null ? 0 : n.get();
    }

    /**
     * Queries received so far by question, {@code name/TYPE} (the name in canonical form, e.g.
     * {@code example.com/A}) to count, UDP and TCP: a snapshot, sorted by question.
     */
    public SortedMap<String, Integer> questions() {
        SortedMap<String, Integer> snapshot = new TreeMap<>();
        byQuestion.forEach((question, n) -> snapshot.put(question, n.get()));
        return snapshot;
    }

    /** The EDNS0 payload size of the last query received; -1 when it carried no OPT record. */
    public int lastEdnsPayloadSize() {
        return lastEdnsPayloadSize;
    }

    public void resetCounters() {
        udpQueries.set(0);
        tcpQueries.set(0);
        byQuestion.clear();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        timer.shutdownNow();
        tcpWorkers.shutdownNow();
        try {
            udpReader.join(1_000);
            tcpAcceptor.join(1_000);
            tcpWorkers.awaitTermination(1, TimeUnit.SECONDS);
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LoopbackDnsServer[" + hostPort() + ", " + zone + "]";
    }

    private void readUdp() {
        byte[] buffer = new byte[65_535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                continue; // closed, or a transient error: the loop condition decides
            }
            Message query = parse(buffer, packet.getLength());
            if (query == null) {
                continue;
            }
            udpQueries.incrementAndGet();
            count(query);
            if (drop && faulty(query)) {
                continue;
            }
            byte[] out = udpWire(query, answer(query));
            SocketAddress client = packet.getSocketAddress();
            later(query, () -> {
                try {
                    udp.send(new DatagramPacket(out, out.length, client));
                } catch (IOException e) {
                    // the client went away or the server closed
                }
            });
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                continue;
            }
            connections.add(s);
            try {
                tcpWorkers.execute(() -> serveTcp(s));
            } catch (RuntimeException e) {
                connections.remove(s);
                closeQuietly(s);
            }
        }
    }

    // RFC 7766: length-prefixed messages, several per connection, answers in any order.
    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] data = new byte[length];
                in.readFully(data);
                Message query = parse(data, length);
                if (query == null) {
                    return;
                }
                tcpQueries.incrementAndGet();
                count(query);
                if (failTcp && faulty(query)) {
                    return;
                }
                if (drop && faulty(query)) {
                    continue;
                }
                byte[] wire = answer(query).toWire(65_535);
                later(query, () -> {
                    try {
                        synchronized (out) {
                            out.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
                            out.write(wire);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the client went away or the server closed
                    }
                });
            }
        } catch (IOException e) {
            // the connection broke; the client retries or gives up
        } finally {
            connections.remove(s);
        }
    }

    private void later(Message query, Runnable send) {
        long millis = faulty(query) ? delay.toMillis() : 0;
        if (millis <= 0) {
            send.run();
            return;
        }
        try {
            timer.schedule(send, millis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // shut down: the answer is dropped
        }
    }

    private static Message parse(byte[] data, int length) {
        try {
            byte[] exact = new byte[length];
            System.arraycopy(data, 0, exact, 0, length);
            return new Message(exact);
        } catch (IOException e) {
            return null;
        }
    }

    private boolean faulty(Message query) {
        Set<Name> names = faultyNames;
        Record q = query.getQuestion();
        return names.isEmpty() || (q != null && names.contains(q.getName()));
    }

    private void count(Message query) {
        OPTRecord opt = query.getOPT();
        lastEdnsPayloadSize = opt == null ? -1 : opt.getPayloadSize();
        Record q = query.getQuestion();
        if (q != null) {
            byQuestion.computeIfAbsent(questionKey(q.getName().toString(), Type.string(q.getType())),
                    k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static String questionKey(String name, String type) {
        return DomainName.canonical(name) + "/" + type.toUpperCase(Locale.ROOT);
    }

    private byte[] udpWire(Message query, Message response) {
        OPTRecord opt = query.getOPT();
        int max = opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD_SIZE));
        if (truncateUdp && faulty(query)) {
            Message empty = new Message(response.getHeader().getID());
            Header h = empty.getHeader();
            h.setFlag(Flags.QR);
            h.setFlag(Flags.AA);
            h.setFlag(Flags.TC);
            h.setRcode(response.getRcode());
            if (query.getHeader().getFlag(Flags.RD)) {
                h.setFlag(Flags.RD);
            }
            empty.addRecord(query.getQuestion(), Section.QUESTION);
            if (opt != null) {
                empty.addRecord(new OPTRecord(EDNS_PAYLOAD_SIZE, 0, 0), Section.ADDITIONAL);
            }
            return empty.toWire();
        }
        // dnsjava drops whole RRsets that do not fit and sets TC.
        return response.toWire(max);
    }

    /** The response to one query, from the data and the faults switched on now. */
    Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setOpcode(query.getHeader().getOpcode());
        Record question = query.getQuestion();
        if (question == null) {
            h.setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD_SIZE, 0, 0), Section.ADDITIONAL);
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            h.setRcode(Rcode.NOTIMP);
            return response;
        }
        if (servfail && faulty(query)) {
            h.setRcode(Rcode.SERVFAIL);
            return response;
        }
        h.setFlag(Flags.AA);
        fill(response, question.getName(), question.getType(), faulty(query) ? hugeAnswers : 0);
        return response;
    }

    private void fill(Message response, Name qname, int qtype, int huge) {
        ZoneFile data = zone;
        if (huge > 0 && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.TXT || qtype == Type.MX)) {
            for (int i = 0; i < huge; i++) {
                response.addRecord(made(qname, qtype, i), Section.ANSWER);
            }
            return;
        }
        Name current = qname;
        Set<Name> seen = new HashSet<>();
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            List<Record> at = data.recordsAt(current);
            CNAMERecord cname = null;
            boolean found = false;
            for (Record r : at) {
                if (r.getType() == qtype) {
                    response.addRecord(r, Section.ANSWER);
                    found = true;
                } else if (r instanceof CNAMERecord) {
                    cname = (CNAMERecord) r;
                }
            }
            if (found) {
                return;
            }
            if (cname != null) {
                response.addRecord(cname, Section.ANSWER);
                Name target = cname.getTarget();
                // Stop at a loop, and where the target lies outside every zone this server holds.
                if (!chaseCnames || !seen.add(current) || seen.contains(target)
                        || (!data.exists(target) && data.soaFor(target) == null)) {
                    return;
                }
                current = target;
                continue;
            }
            SOARecord soa = data.soaFor(current);
            if (soa != null) {
                long ttl = Math.min(soa.getTTL(), soa.getMinimum());
                response.addRecord(new SOARecord(soa.getName(), DClass.IN, ttl, soa.getHost(), soa.getAdmin(),
                        soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()),
                        Section.AUTHORITY);
            }
            if (!data.exists(current)) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            return;
        }
    }

    private static Record made(Name name, int type, int i) {
        long ttl = 300;
        try {
            switch (type) {
                case Type.A:
                    return new ARecord(name, DClass.IN, ttl,
                            InetAddress.getByAddress(new byte[] {127, 1, (byte) (i >> 8), (byte) i}));
                case Type.AAAA:
                    byte[] v6 = new byte[16];
                    v6[0] = (byte) 0xfd;
                    v6[14] = (byte) (i >> 8);
                    v6[15] = (byte) i;
                    return new AAAARecord(name, DClass.IN, ttl, InetAddress.getByAddress(v6));
                case Type.MX:
                    return new MXRecord(name, DClass.IN, ttl, i, Name.fromString("mx" + i + ".huge.test."));
                default:
                    return new TXTRecord(name, DClass.IN, ttl, "huge record " + i + " padding padding padding");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
