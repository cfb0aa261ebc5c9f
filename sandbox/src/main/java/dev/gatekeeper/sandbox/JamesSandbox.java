package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache James memory server ({@link JamesRelease}: 3.9.0 unless told otherwise), booted in
 * a child JVM on a Java that runs it, from the class path Maven resolved
 * ({@code sandbox/james-VERSION/target/james.classpath}), with a copy of the repository's
 * {@code conf/}, on loopback only.
 *
 * <pre>{@code
 * try (JamesSandbox james = JamesSandbox.builder()
 *         .user("alice@gatekeeper.test", "secret")
 *         .extensionJar(gatekeeperJar)
 *         .start()) {
 *     try (SmtpClient smtp = james.smtpClient()) { ... }
 * }
 * }</pre>
 *
 * <p>Everything James writes goes to {@code james.log} in the working directory.
 * The child JVM is stopped on {@link #close()} and, failing that, when this JVM exits.
 */
public final class JamesSandbox implements AutoCloseable {
    /** The main class of {@code org.apache.james:james-server-memory-app}, in every release. */
    public static final String MAIN_CLASS = "org.apache.james.MemoryJamesServerMain";
    /** The local domain of {@code conf/domainlist.xml}. */
    public static final String DOMAIN = "gatekeeper.test";
    /** Every listener binds here. */
    public static final String LOOPBACK = "127.0.0.1";
    /** System property naming the {@code conf/} folder to copy (set by the sandbox pom). */
    public static final String CONF_PROPERTY = "gatekeeper.conf.dir";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final JamesRelease release;
    private final Path workDir;
    private final InetSocketAddress smtp;
    private final InetSocketAddress imap;
    private final URI webAdmin;
    private final WebAdminClient admin;
    private final Path java;
    private final Process process;
    private final Thread shutdownHook;
    private Duration bootTime = Duration.ZERO;
    private boolean closed;

    private JamesSandbox(Builder builder, Path workDir, int smtpPort, int imapPort, int webAdminPort) throws IOException {
        this.release = builder.release;
        this.workDir = workDir;
        this.smtp = new InetSocketAddress(LOOPBACK, smtpPort);
        this.imap = new InetSocketAddress(LOOPBACK, imapPort);
        this.webAdmin = URI.create("http://" + LOOPBACK + ":" + webAdminPort);
        this.admin = new WebAdminClient(webAdmin);

        Path args = workDir.resolve("james.args");
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + builder.maxHeap);
        jvm.add("-Dworking.directory=" + workDir);
        jvm.add("-Dlogback.configurationFile=" + workDir.resolve("conf/logback.xml"));
        jvm.addAll(builder.jvmArgs);
        jvm.add("-cp");
        jvm.add(readClasspath(builder.classpathFile != null ? builder.classpathFile
            : builder.release.classpathFile(JamesRelease.projectRoot())));
        jvm.add(MAIN_CLASS);
        // An argument file keeps the ~30 KB class path off the command line and lets a
        // person rerun the same James by hand: cd <workDir> && java @james.args
        Files.write(args, quoteArgs(jvm), StandardCharsets.UTF_8);

        this.java = builder.release.javaExecutable();
        ProcessBuilder launcher = new ProcessBuilder(java.toString(), "@" + args)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile().toFile());
        long started = System.nanoTime();
        this.process = launcher.start();
        this.shutdownHook = new Thread(this::stopProcess, "james-sandbox-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitBoot(builder.bootTimeout);
            bootTime = Duration.ofNanos(System.nanoTime() - started);
            for (String domain : builder.domains) {
                admin.createDomain(domain);
            }
            for (Map.Entry<String, String> user : builder.users.entrySet()) {
                admin.createUser(user.getKey(), user.getValue());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Which James this is. */
    public JamesRelease release() {
        return release;
    }

    /** The {@code java} it runs on. */
    public Path java() {
        return java;
    }

    /** The SMTP listener, on 127.0.0.1. */
    public InetSocketAddress smtpAddress() {
        return smtp;
    }

    public InetSocketAddress imapAddress() {
        return imap;
    }

    public URI webAdminUri() {
        return webAdmin;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return workDir.resolve("james.log");
    }

    /** From process start until SMTP greeted and WebAdmin answered. */
    public Duration bootTime() {
        return bootTime;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The resident memory of the James JVM (Linux /proc), if readable. */
    public OptionalLong residentMemoryKiB() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return OptionalLong.empty();
    }

    /** Everything James logged so far. */
    public String log() {
        try {
            return Files.readString(logFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of James's log, for failure messages. */
    public String logTail(int lines) {
        return tail(logFile(), lines);
    }

    /** An SMTP client connected from 127.0.0.1, which {@code conf/} lets relay. */
    public SmtpClient smtpClient() {
        return smtpClientFrom(loopback(LOOPBACK));
    }

    /** An SMTP client connected from the given loopback address, e.g. 127.0.0.2 for an outside host. */
    public SmtpClient smtpClientFrom(InetAddress localAddress) {
        if (!localAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("the sandbox only speaks from loopback: " + localAddress);
        }
        return SmtpClient.connect(smtp, localAddress, Duration.ofSeconds(10));
    }

    public void createDomain(String domain) throws IOException {
        admin.createDomain(domain);
    }

    public void createUser(String address, String password) throws IOException {
        admin.createUser(address, password);
    }

    /** Messages in the user's INBOX, as WebAdmin counts them. */
    public long inboxMessageCount(String address) throws IOException {
        return admin.inboxMessageCount(address);
    }

    /** What WebAdmin lists of the user's mailboxes (names and ids), as it answers: for a report when a count falls short. */
    public String mailboxListing(String address) throws IOException {
        return admin.mailboxListing(address);
    }

    /** Deletes every mailbox of the user with its messages; the next delivery creates the INBOX again. */
    public void deleteMailboxes(String address) throws IOException {
        admin.deleteMailboxes(address);
    }

    /** Creates the user's INBOX; nothing when it is there already. */
    public void createInbox(String address) throws IOException {
        admin.createMailbox(address, "INBOX");
    }

    /**
     * Waits until the INBOX holds at least {@code count} messages: delivery is
     * asynchronous after the 250 to DATA.
     *
     * @return the count reached
     * @throws IOException with the log tail when the timeout passes first
     */
    public long awaitInboxMessageCount(String address, long count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long attempts = Math.max(1, timeout.toMillis() / 100);
        long seen = 0;
        for (long i = 0; i < attempts && System.nanoTime() < deadline; i++) {
            seen = admin.inboxMessageCount(address);
            if (seen >= count) {
                return seen;
            }
            sleep(100);
        }
        throw new IOException("INBOX of " + address + " holds " + seen + " messages, expected " + count
            + " within " + timeout + "; James log tail:\n" + logTail(40));
    }

    /**
     * The raw messages of the user's INBOX over IMAP once it lists at least {@code count} of them:
     * WebAdmin may count a delivered message a moment before IMAP lists it.
     *
     * @throws IOException with the log tail when the timeout passes first
     */
    public List<String> readInbox(String address, String password, int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long attempts = Math.max(1, timeout.toMillis() / 200);
        List<String> messages = List.of();
        for (long i = 0; i < attempts && System.nanoTime() < deadline; i++) {
            messages = readInbox(address, password);
            if (messages.size() >= count) {
                return messages;
            }
            sleep(200);
        }
        throw new IOException("IMAP lists " + messages.size() + " messages in the INBOX of " + address + ", expected "
            + count + " within " + timeout + "; James log tail:\n" + logTail(40));
    }

    /** The raw messages of the user's INBOX over IMAP, oldest first. */
    public List<String> readInbox(String address, String password) throws IOException {
        return new ImapReader(imap, Duration.ofSeconds(10)).readInbox(address, password);
    }

    private void awaitBoot(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long attempts = Math.max(1, timeout.toMillis() / 250);
        boolean smtpUp = false;
        for (long i = 0; i < attempts && System.nanoTime() < deadline; i++) {
            if (!process.isAlive()) {
                throw new IOException("James exited with status " + process.exitValue() + " while starting; log tail:\n"
                    + logTail(60));
            }
            smtpUp = smtpUp || smtpGreets();
            if (smtpUp && admin.probe() == 200) {
                return;
            }
            sleep(250);
        }
        throw new IOException("James did not " + (smtpUp ? "open WebAdmin on " + webAdmin : "greet on SMTP " + smtp)
            + " within " + timeout + "; log tail:\n" + logTail(60));
    }

    private boolean smtpGreets() {
        try (Socket socket = new Socket()) {
            socket.connect(smtp, 1000);
            socket.setSoTimeout(2000);
            byte[] start = socket.getInputStream().readNBytes(4);
            return new String(start, StandardCharsets.US_ASCII).equals("220 ");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        // SIGTERM lets James run its own shutdown (listeners, spooler) before we insist.
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String readClasspath(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException("James class path file not found: " + file
                + " (build it with Maven: mvn -pl sandbox -am generate-resources)");
        }
        String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!classpath.contains("james-server-memory-app")) {
            throw new IOException("not the James memory app class path: " + file);
        }
        return classpath;
    }

    private static List<String> quoteArgs(List<String> args) {
        List<String> quoted = new ArrayList<>();
        for (String arg : args) {
            quoted.add("\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return quoted;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freeLoopbackPort() {
        return dev.gatekeeper.dns.LoopbackPorts.free(loopback(LOOPBACK));
    }

    static InetAddress loopback(String address) {
        try {
            InetAddress parsed = InetAddress.getByName(address);
            if (!parsed.isLoopbackAddress()) {
                throw new IllegalArgumentException("not a loopback address: " + address);
            }
            return parsed;
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Settings of one sandbox; every one has a default that suits a test. */
    public static final class Builder {
        private Path confDir = pathProperty(CONF_PROPERTY);
        private JamesRelease release = JamesRelease.fromSystemProperty();
        private Path classpathFile;
        private Path workDir;
        private int smtpPort;
        private int imapPort;
        private int webAdminPort;
        private String maxHeap = "768m";
        private Duration bootTimeout = Duration.ofSeconds(120);
        private final List<String> jvmArgs = new ArrayList<>();
        private boolean gatekeeperMailets = true;
        private final List<Path> extensionJars = new ArrayList<>();
        private final List<String> smtpHandlers = new ArrayList<>();
        private final List<String> replacedHandlers = new ArrayList<>();
        private Path gatekeeperJar;
        private final List<String> dnsServers = new ArrayList<>();
        private final List<String> domains = new ArrayList<>(List.of(DOMAIN));
        private final Map<String, String> users = new LinkedHashMap<>();

        private Builder() {
        }

        /** The James configuration to copy; default: system property {@value #CONF_PROPERTY}. */
        public Builder confDir(Path confDir) {
            this.confDir = confDir;
            return this;
        }

        /** Which James to boot; default: system property {@value JamesRelease#PROPERTY}, else the newest. */
        public Builder release(JamesRelease release) {
            this.release = release;
            return this;
        }

        /** The file holding James's class path; default: the release's, under {@link JamesRelease#projectRoot()}. */
        public Builder classpathFile(Path classpathFile) {
            this.classpathFile = classpathFile;
            return this;
        }

        /** James's working directory, emptied first; default: a new temporary directory. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** SMTP port on 127.0.0.1; 0 (default) picks a free one. The demo uses 2525. */
        public Builder smtpPort(int port) {
            this.smtpPort = checkPort(port);
            return this;
        }

        public Builder imapPort(int port) {
            this.imapPort = checkPort(port);
            return this;
        }

        public Builder webAdminPort(int port) {
            this.webAdminPort = checkPort(port);
            return this;
        }

        /** -Xmx of the James JVM, e.g. "768m" (default). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        public Builder jvmArg(String arg) {
            this.jvmArgs.add(arg);
            return this;
        }

        public Builder bootTimeout(Duration timeout) {
            this.bootTimeout = timeout;
            return this;
        }

        /** A jar copied into {@code extensions-jars/}, where James finds hooks, mailets and matchers. */
        public Builder extensionJar(Path jar) {
            this.extensionJars.add(jar);
            return this;
        }

        /**
         * A {@code <handler class="...">...</handler>} element added to the SMTP
         * {@code <handlerchain>} before CoreCmdHandlerLoader; child elements reach the
         * handler's {@code init(Configuration)}.
         */
        public Builder smtpHandler(String handlerXml) {
            this.smtpHandlers.add(handlerXml);
            return this;
        }

        /**
         * Installs the Gatekeeper drop-in jar in {@code extensions-jars/} and keeps the Gatekeeper
         * handlers of {@code conf/smtpserver.xml}; without it they are left out, so a James without
         * Gatekeeper boots from the same {@code conf/}.
         */
        public Builder gatekeeper(Path jar) {
            this.gatekeeperJar = jar;
            return this;
        }

        /**
         * Whether the Gatekeeper mailets and matchers of {@code conf/mailetcontainer.xml} stay in
         * (default, when the drop-in jar is installed) or are left out, so that only the SMTP hooks
         * run: the load comparison measures the hooks against the same pipeline as plain James.
         */
        public Builder gatekeeperMailets(boolean keep) {
            this.gatekeeperMailets = keep;
            return this;
        }

        /**
         * A {@code <handler class="...">} that replaces the conf's handler of the same class, e.g. the
         * Gatekeeper handler with a test's own DNS server, peers and policy.
         */
        public Builder replaceSmtpHandler(String handlerXml) {
            this.replacedHandlers.add(handlerXml);
            return this;
        }

        /** A DNS server for James (address only: James 3.8.1 always queries port 53). */
        public Builder dnsServer(String address) {
            this.dnsServers.add(loopback(address).getHostAddress());
            return this;
        }

        /** A further local domain, created through WebAdmin at start. */
        public Builder domain(String domain) {
            this.domains.add(domain);
            return this;
        }

        /** A user created through WebAdmin at start. */
        public Builder user(String address, String password) {
            this.users.put(address, password);
            return this;
        }

        /** Boots James and returns once SMTP greets and WebAdmin answers and users exist. */
        public JamesSandbox start() throws IOException {
            if (confDir == null) {
                throw new IOException("no conf/ folder given (confDir or -D" + CONF_PROPERTY + ")");
            }
            Path dir = workDir != null ? workDir : Files.createTempDirectory("gatekeeper-james-");
            JamesConf.deleteTree(dir);
            Files.createDirectories(dir);
            Path extensions = Files.createDirectories(dir.resolve("extensions-jars"));
            for (Path jar : extensionJars) {
                Files.copy(jar, extensions.resolve(jar.getFileName().toString()));
            }
            if (gatekeeperJar != null) {
                if (!Files.isRegularFile(gatekeeperJar)) {
                    throw new IOException("Gatekeeper jar not found: " + gatekeeperJar + " (build distribution first)");
                }
                Files.copy(gatekeeperJar, extensions.resolve(gatekeeperJar.getFileName().toString()));
            }
            JamesConf.Overrides overrides = new JamesConf.Overrides();
            int smtp = smtpPort != 0 ? smtpPort : freeLoopbackPort();
            int imap = imapPort != 0 ? imapPort : freeLoopbackPort();
            int web = webAdminPort != 0 ? webAdminPort : freeLoopbackPort();
            overrides.smtpBind = LOOPBACK + ":" + smtp;
            overrides.imapBind = LOOPBACK + ":" + imap;
            overrides.webAdminHost = LOOPBACK;
            overrides.webAdminPort = web;
            overrides.dnsServers.addAll(dnsServers);
            overrides.smtpHandlers.addAll(smtpHandlers);
            overrides.gatekeeper = gatekeeperJar != null;
            overrides.replacedHandlers.addAll(replacedHandlers);
            JamesConf.install(confDir, dir.resolve("conf"), overrides);
            List<Path> installed = new ArrayList<>(extensionJars);
            if (gatekeeperJar != null) {
                installed.add(gatekeeperJar);
            }
            if (!gatekeeperMailets || !GatekeeperMailetConf.installed(installed)) {
                GatekeeperMailetConf.strip(dir.resolve("conf").resolve("mailetcontainer.xml"));
            }
            return new JamesSandbox(this, dir.toAbsolutePath(), smtp, imap, web);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            return port;
        }

        private static Path pathProperty(String name) {
            String value = System.getProperty(name);
            return value == null || value.isBlank() ? null : Paths.get(value);
        }
    }
}
