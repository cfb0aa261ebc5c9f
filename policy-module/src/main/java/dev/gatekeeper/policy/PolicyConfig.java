package dev.gatekeeper.policy;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.reputation.DnsList;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A parsed, validated policy: immutable once loaded (table files inside it reload themselves,
 * atomically). The format is described in {@code README-policy.md}; every element and attribute
 * is checked, and any mistake is refused with the file and line (or, for a DOM handed over without
 * line numbers, the element's path) that holds it.
 */
public final class PolicyConfig {

    private final String hostname;
    private final Set<InetAddress> addresses;
    private final boolean delayReject;
    private final boolean warnOnly;
    private final boolean softBounce;
    private final ReplyCatalog catalog;
    private final boolean relayEnabled;
    private final List<CidrBlock> myNetworks;
    private final Set<String> localDomains;
    private final Set<String> relayDomains;
    private final List<Rule> relayRules;
    private final Map<Stage, List<Rule>> rules;
    private final Set<Stage> waiting;
    private final List<DnsList> dnsLists;
    /** What the declared lists ask about, all together: fixed with the policy, not gathered at each connection. */
    private final Set<DnsList.Subject> dnsListSubjects;

    PolicyConfig(Builder b) {
        this.hostname = b.hostname;
        this.addresses = Set.copyOf(b.addresses);
        this.delayReject = b.delayReject;
        this.warnOnly = b.warnOnly;
        this.softBounce = b.softBounce;
        this.catalog = Objects.requireNonNull(b.catalog);
        this.relayEnabled = b.relayEnabled;
        this.myNetworks = List.copyOf(b.myNetworks);
        this.localDomains = Set.copyOf(b.localDomains);
        this.relayDomains = Set.copyOf(b.relayDomains);
        this.relayRules = List.copyOf(b.relayRules);
        EnumMap<Stage, List<Rule>> r = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            r.put(s, List.copyOf(b.rules.getOrDefault(s, List.of())));
        }
        this.rules = r;
        this.waiting = Set.copyOf(b.waiting);
        this.dnsLists = List.copyOf(b.dnsLists);
        Set<DnsList.Subject> subjects = EnumSet.noneOf(DnsList.Subject.class);
        dnsLists.forEach(l -> subjects.addAll(l.subjects()));
        this.dnsListSubjects = Collections.unmodifiableSet(subjects);
    }

    /** Reads a standalone policy file (its root element is {@code <policy>}); tables are resolved against its folder. */
    public static PolicyConfig load(Path file) {
        return loader().load(file);
    }

    /**
     * Reads a {@code <policy>} element handed over by an adapter (from James's {@code smtpserver.xml}).
     *
     * @param baseDir the folder relative table file names are resolved against
     */
    public static PolicyConfig parse(Element policy, Path baseDir) {
        return loader().parse(policy, baseDir);
    }

    /** For a clock (table reloads) or a class loader (extensions) other than the defaults. */
    public static Loader loader() {
        return new Loader();
    }

    /** The host name a HELO must not claim ({@code hostname} attribute), lower case; "" when unset. */
    public String hostname() {
        return hostname;
    }

    /** Our own addresses, which a HELO must not claim. */
    public Set<InetAddress> addresses() {
        return addresses;
    }

    public boolean delayReject() {
        return delayReject;
    }

    public boolean warnOnly() {
        return warnOnly;
    }

    public boolean softBounce() {
        return softBounce;
    }

    ReplyCatalog catalog() {
        return catalog;
    }

    public boolean relayEnabled() {
        return relayEnabled;
    }

    /** Local domains: names as written, lower case ({@code .example.org} stands for the subdomains). */
    public Set<String> localDomains() {
        return localDomains;
    }

    List<CidrBlock> myNetworks() {
        return myNetworks;
    }

    List<Rule> rules(Stage stage) {
        return rules.get(stage);
    }

    /**
     * Whether a rule of this stage (connect, HELO or MAIL, under delayed rejection) has a condition
     * whose data comes later: the stage's answers are then kept for RCPT, which may decide it again.
     */
    boolean waitsForLaterData(Stage stage) {
        return waiting.contains(stage);
    }

    /**
     * The DNS lists the policy declares ({@code <dnsbl>}), in the order written: what the
     * adapter's {@link TransactionChecks#dnsLists} asks; empty when the policy uses none.
     */
    public List<DnsList> dnsLists() {
        return dnsLists;
    }

    /** What the declared DNS lists ask about, all of them together (client address, name, HELO, sender domain). */
    Set<DnsList.Subject> dnsListSubjects() {
        return dnsListSubjects;
    }

    List<Rule> relayRules() {
        return relayRules;
    }

    /**
     * "local", "relay domain", or null when the recipient is neither: Postfix's
     * {@code permit_auth_destination}, except that an address with any routing trick is never ours.
     */
    String destination(Mailbox r) {
        if (r == null || r.isNullPath() || !r.isPlain()) {
            return null;
        }
        if (r.domain().isEmpty()) {
            return "local";
        }
        if (inDomains(localDomains, r.domain())) {
            return "local";
        }
        return inDomains(relayDomains, r.domain()) ? "relay domain" : null;
    }

    static boolean inDomains(Set<String> set, String domain) {
        if (set.contains(domain)) {
            return true;
        }
        for (String parent : DomainName.parentsOf(domain)) {
            if (set.contains("." + parent)) {
                return true;
            }
        }
        return false;
    }

    /** Options for reading a configuration. */
    public static final class Loader {
        private Clock clock = Clock.systemUTC();
        private ClassLoader classLoader;

        private Loader() {
        }

        /** The clock table files use to decide when to look at their file again. */
        public Loader clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where extension classes are found (by default the thread's context class loader). */
        public Loader classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        public PolicyConfig load(Path file) {
            Element root = XmlElements.read(file);
            Path dir = file.toAbsolutePath().getParent();
            return new PolicyXml(file.getFileName().toString(), dir, clock, loader()).policy(root);
        }

        public PolicyConfig parse(Element policy, Path baseDir) {
            return new PolicyXml("policy", baseDir, clock, loader()).policy(policy);
        }

        private ClassLoader loader() {
            if (classLoader != null) {
                return classLoader;
            }
            ClassLoader ctx = Thread.currentThread().getContextClassLoader();
            return ctx != null ? ctx : PolicyConfig.class.getClassLoader();
        }
    }

    static final class Builder {
        String hostname = "";
        Set<InetAddress> addresses = Set.of();
        boolean delayReject = true;
        boolean warnOnly;
        boolean softBounce;
        ReplyCatalog catalog = ReplyCatalog.defaults();
        boolean relayEnabled = true;
        List<CidrBlock> myNetworks = List.of();
        Set<String> localDomains = Set.of();
        Set<String> relayDomains = Set.of();
        List<Rule> relayRules = List.of();
        Map<Stage, List<Rule>> rules = new EnumMap<>(Stage.class);
        Set<Stage> waiting = Set.of();
        List<DnsList> dnsLists = List.of();
    }
}
