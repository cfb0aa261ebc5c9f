package dev.gatekeeper.james.smtp;

import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.dns.ResolverSettings;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import dev.gatekeeper.dkim.DkimSettings;
import dev.gatekeeper.dmarc.DmarcSettings;
import dev.gatekeeper.james.common.EngineSettings;
import dev.gatekeeper.james.common.ForgedAuthenticationResults;
import dev.gatekeeper.policy.PolicyConfig;
import dev.gatekeeper.policy.SmtpReply;
import dev.gatekeeper.policy.Stage;
import dev.gatekeeper.reputation.DnsListSettings;
import dev.gatekeeper.reputation.GreylistSettings;
import dev.gatekeeper.spf.SpfSettings;
import dev.gatekeeper.state.StateSettings;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The Gatekeeper handler's {@code <handler>} element of {@code smtpserver.xml}, read once and
 * checked whole when James starts: every wrong setting is a {@link ConfigurationException} naming
 * it, so James refuses to start rather than failing at the first mail. Immutable. The engines'
 * settings are their own keys ({@link EngineSettings}); the handler's own are declared here, each
 * with its default (README-hooks.md's table, kept in step by a test).
 */
final class HandlerConfig {

    /** The children a Gatekeeper {@code <handler>} may have. */
    static final List<String> ELEMENTS = List.of("dns", "spf", "callout", "clientName", "calloutWait", "spfWait", "state", "policy",
            "authservId", "forgedAuthenticationResults", "internalError", "rewrite", "verifyMessages", "dkim", "dmarc", "dnsLists",
            "greylist");

    /**
     * How every start-up error begins: the file James read the handler from (James's SMTP server
     * is always configured by {@code smtpserver.xml} in its configuration folder), so that an
     * administrator grepping the log finds the file, then the element and the value.
     */
    static final String ERROR_PREFIX = "Gatekeeper handler in smtpserver.xml: ";

    /** Whether the client's reverse name is looked up (FCrDNS) at connect. */
    static final Setting<Boolean> CLIENT_NAME_LOOKUP = Setting.bool("lookup", "true");
    /** A PTR and its A/AAAA confirmations, asked in parallel: two resolver round trips. Past it the name is "unknown". */
    static final Setting<Duration> CLIENT_NAME_TIMEOUT = Setting.duration("timeout", "5s").positive();
    /** The children of {@code <clientName>}. */
    static final SettingKeys CLIENT_NAME = SettingKeys.of(CLIENT_NAME_LOOKUP, CLIENT_NAME_TIMEOUT);

    /**
     * How long a stage waits for a callout before answering "verification in progress" (the probe
     * goes on and its answer is cached for the client's retry). A healthy mail host answers a
     * probe (MX and address look-ups, connect, greeting, EHLO, MAIL, RCPT: about seven round trips)
     * in well under a second even across continents. Postfix's verify(8) waits about 6 s
     * (address_verify_poll_count 3 × address_verify_poll_delay 3s) and under stress not at all
     * (poll count 1); here the wait holds a James executor thread other connections share, so it is
     * shorter.
     */
    static final Setting<Duration> CALLOUT_WAIT = Setting.duration("calloutWait", "2s").positive();

    /**
     * How long a stage waits for SPF before taking it as {@code temperror} (the evaluation goes on
     * and fills the DNS cache for the retry). SPF with warm caches takes milliseconds, a cold
     * chain of includes a second or two; 10s leaves room for one lost DNS packet and its retry
     * (the resolver's default timeout is 5s) and halves the worst-case hold of RFC 7208 §4.6.4's
     * 20-second budget, which the evaluation itself keeps.
     */
    static final Setting<Duration> SPF_WAIT = Setting.duration("spfWait", "10s").positive();

    /** The authserv-id of Authentication-Results (RFC 8601 §2.5); absent or empty, James's helloName. */
    static final Setting<String> AUTHSERV_ID = Setting.text("authservId", null).absentMeans("James's helloName").blankAllowed()
            .require(v -> v.isEmpty() || v.matches("[A-Za-z0-9.\\-_]+"), "is not a host name (RFC 8601 §2.5)");

    /** Our own failures are temporary (RFC 3463 X.3.0 "other or undefined mail system status"). */
    static final Setting<SmtpReply> INTERNAL_ERROR = Setting.parsed("internalError", HandlerConfig::internalError,
            SmtpReply::toString, "451 4.3.0 Temporary server error, try again later");

    /**
     * Whether every accepted message's DKIM signatures and DMARC are verified at the end of DATA
     * (results in Authentication-Results, the attributes, and the {@code <dkim>}/{@code <dmarc>}
     * conditions). Off, those conditions see an unsigned message with DMARC {@code none}.
     */
    static final Setting<Boolean> VERIFY_MESSAGES = Setting.bool("verifyMessages", "true");

    /** The handler's own settings that are one element each, as README-hooks.md's table gives them. */
    static final List<Setting<?>> SCALARS = List.of(CALLOUT_WAIT, SPF_WAIT, AUTHSERV_ID, ForgedAuthenticationResults.HANDLING,
            INTERNAL_ERROR, VERIFY_MESSAGES);

    /** Beyond the engines' own budgets, so that their temperror/tempfail answer wins over our timeout. */
    static final Duration WAIT_MARGIN = Duration.ofSeconds(5);

    /** The engines' settings, as {@code <dns>}, {@code <spf>}, {@code <callout>} and {@code <state>} give them. */
    final EngineSettings engines;
    final PolicyConfig policy;
    final Optional<String> authservId;
    /** What becomes of an outside client's Authentication-Results fields in our authserv-id's name (RFC 8601 §5). */
    final ForgedAuthenticationResults.Handling forgedAuthenticationResults;
    final SmtpReply internalError;
    final List<ReplyRewrite> rewrites;
    final Duration waitLimit;
    /** Whether the client's reverse name is looked up (FCrDNS) at connect. */
    final boolean clientNameLookup;
    /** How long the connect waits for it; past that the name is "unknown". */
    final Duration clientNameTimeout;
    /** The longest a stage waits for one callout answer. */
    final Duration calloutWait;
    /** The longest a stage waits for one SPF evaluation. */
    final Duration spfWait;
    /** Whether DKIM and DMARC are verified at the end of DATA. */
    final boolean verifyMessages;
    final DkimSettings dkim;
    /** How long the end of DATA lets DKIM and DMARC run: the DKIM time budget and {@link #WAIT_MARGIN}. */
    final Duration verificationBound;
    final DmarcSettings dmarc;
    /** The bound on the DNS lists' lookups, their TXT reasons and log rate ({@code <dnsLists>}). */
    final DnsListSettings dnsLists;
    /** Greylisting's delay, windows and triplet ({@code <greylist>}), postgrey's options. */
    final GreylistSettings greylist;

    private HandlerConfig(EngineSettings engines, PolicyConfig policy, Optional<String> authservId,
            ForgedAuthenticationResults.Handling forgedAuthenticationResults, SmtpReply internalError, List<ReplyRewrite> rewrites,
            SettingMap clientName, Duration calloutWait, Duration spfWait, boolean verifyMessages, DkimSettings dkim,
            DmarcSettings dmarc, DnsListSettings dnsLists, GreylistSettings greylist) {
        this.engines = engines;
        this.policy = policy;
        this.authservId = authservId;
        this.forgedAuthenticationResults = forgedAuthenticationResults;
        this.internalError = internalError;
        this.rewrites = List.copyOf(rewrites);
        this.clientNameLookup = clientName.get(CLIENT_NAME_LOOKUP);
        this.clientNameTimeout = clientName.get(CLIENT_NAME_TIMEOUT);
        this.calloutWait = calloutWait;
        this.spfWait = spfWait;
        this.verifyMessages = verifyMessages;
        this.dkim = dkim;
        this.verificationBound = dkim.timeBudget().plus(WAIT_MARGIN);
        this.dmarc = dmarc;
        this.dnsLists = dnsLists;
        this.greylist = greylist;
        Duration longest = engines.spf().timeBudget().compareTo(engines.callout().overallTimeout()) > 0
                ? engines.spf().timeBudget() : engines.callout().overallTimeout();
        if (dkim.timeBudget().compareTo(longest) > 0) {
            longest = dkim.timeBudget();
        }
        if (dnsLists.timeout().compareTo(longest) > 0) {
            longest = dnsLists.timeout();
        }
        this.waitLimit = longest.plus(WAIT_MARGIN);
    }

    static HandlerConfig read(Configuration config) throws ConfigurationException {
        for (String element : topLevelNames(config)) {
            if (!ELEMENTS.contains(element)) {
                throw problem("unknown element <" + element + "> (known: " + String.join(", ", ELEMENTS) + ")", null);
            }
        }
        EngineSettings engines = EngineSettings.of(
                element(config, "dns", ResolverSettings::parse),
                element(config, "spf", SpfSettings::parse),
                element(config, "callout", CalloutSettings::parse),
                element(config, "state", StateSettings::parse));
        SettingMap clientName = element(config, "clientName", CLIENT_NAME::read);
        Duration calloutWait = scalar(config, CALLOUT_WAIT);
        Duration spfWait = scalar(config, SPF_WAIT);
        PolicyConfig policy = policy(config);
        Optional<String> authservId = Optional.ofNullable(scalar(config, AUTHSERV_ID)).filter(s -> !s.isEmpty());
        ForgedAuthenticationResults.Handling forged = scalar(config, ForgedAuthenticationResults.HANDLING);
        SmtpReply internalError = scalar(config, INTERNAL_ERROR);
        List<ReplyRewrite> rewrites = rewrites(config);
        boolean verifyMessages = scalar(config, VERIFY_MESSAGES);
        DkimSettings dkim = element(config, "dkim", DkimSettings::parse);
        DmarcSettings dmarc = element(config, "dmarc", DmarcSettings::parse);
        DnsListSettings dnsLists = element(config, "dnsLists", DnsListSettings::parse);
        GreylistSettings greylist = element(config, "greylist", GreylistSettings::parse);
        return new HandlerConfig(engines, policy, authservId, forged, internalError, rewrites, clientName, calloutWait, spfWait,
                verifyMessages, dkim, dmarc, dnsLists, greylist);
    }

    /** The settings of {@code <name>}'s child elements, read by {@code reader}; a problem is named {@code <name>: ...}. */
    private static <T> T element(Configuration config, String name, Function<Map<String, String>, T> reader)
            throws ConfigurationException {
        Map<String, String> settings = settings(config, name);
        try {
            return reader.apply(settings);
        } catch (IllegalArgumentException e) {
            throw problem("<" + name + ">: " + e.getMessage(), e);
        }
    }

    /** A setting that is one element of its own, its default when absent; a problem is named {@code <name>: ...}. */
    private static <T> T scalar(Configuration config, Setting<T> key) throws ConfigurationException {
        try {
            return key.readOrDefault("<" + key.name() + ">", config.getString(key.name()));
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage(), e);
        }
    }

    private static Set<String> topLevelNames(Configuration config) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            int end = key.length();
            for (int i = 0; i < key.length(); i++) {
                if (key.charAt(i) == '.' || key.charAt(i) == '[') {
                    end = i;
                    break;
                }
            }
            if (end > 0) {
                names.add(key.substring(0, end));
            }
        }
        return names;
    }

    /** The child elements of {@code <name>} as key=value pairs; a value split into a list by James is joined back. */
    private static Map<String, String> settings(Configuration config, String name) throws ConfigurationException {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = name + ".";
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (key.startsWith(name + "[@")) {
                throw problem("<" + name + ">: settings are child elements, not attributes ('" + key + "')", null);
            }
            if (!key.startsWith(prefix)) {
                continue;
            }
            // commons-configuration writes a dot inside an element name (<redis.uri>) as "..".
            String setting = key.substring(prefix.length()).replace("..", "\u0000");
            if (setting.contains(".") || setting.contains("[")) {
                throw problem("<" + name + ">: unexpected nested element or attribute '" + setting.replace('\u0000', '.') + "'", null);
            }
            out.put(setting.replace('\u0000', '.'), String.join(",", config.getList(String.class, key)));
        }
        return out;
    }

    private static PolicyConfig policy(Configuration config) throws ConfigurationException {
        String file = config.getString("policy[@file]");
        Path base = Paths.get("").toAbsolutePath();
        PolicyConfig.Loader loader = PolicyConfig.loader().classLoader(HandlerConfig.class.getClassLoader());
        try {
            if (file != null) {
                return loader.load(base.resolve(file.strip()));
            }
            if (config instanceof HierarchicalConfiguration && !((HierarchicalConfiguration<?>) config).childConfigurationsAt("policy").isEmpty()) {
                @SuppressWarnings("unchecked")
                HierarchicalConfiguration<ImmutableNode> h = (HierarchicalConfiguration<ImmutableNode>) config;
                return loader.parse(ConfigurationXml.element(h.configurationAt("policy")), base);
            }
        } catch (RuntimeException e) {
            throw problem("<policy>: " + e.getMessage(), e);
        }
        throw problem("<policy>: missing; give <policy file=\"conf/gatekeeper-policy.xml\"/> or the policy inline", null);
    }

    /** A 4xx reply: our own failure never refuses mail for good. */
    private static SmtpReply internalError(String text) {
        SmtpReply reply = SmtpReply.parse(text);
        if (!reply.isTemporary()) {
            throw new IllegalArgumentException("'" + text + "' must be a 4xx reply: our own failure never refuses mail for good");
        }
        return reply;
    }

    private static List<ReplyRewrite> rewrites(Configuration config) throws ConfigurationException {
        List<ReplyRewrite> out = new ArrayList<>();
        if (!(config instanceof HierarchicalConfiguration)) {
            return out;
        }
        @SuppressWarnings("unchecked")
        HierarchicalConfiguration<ImmutableNode> h = (HierarchicalConfiguration<ImmutableNode>) config;
        int n = 0;
        for (HierarchicalConfiguration<ImmutableNode> r : h.configurationsAt("rewrite")) {
            n++;
            String where = "<rewrite> #" + n;
            for (Iterator<String> keys = r.getKeys(); keys.hasNext(); ) {
                String key = keys.next();
                if (!key.matches("match\\[@(stage|code|enhanced|text)\\]|replace\\[@(code|enhanced|text)\\]")) {
                    throw problem(where + ": unknown setting '" + key + "' (match: stage, code, enhanced, text; replace: code, enhanced, text)", null);
                }
            }
            try {
                Set<Stage> stages = EnumSet.noneOf(Stage.class);
                String stageList = r.getString("match[@stage]");
                if (stageList != null) {
                    for (String s : stageList.trim().split("[,\\s]+")) {
                        stages.add(Stage.fromKeyword(s));
                    }
                }
                String text = r.getString("match[@text]");
                ReplyRewrite rewrite = new ReplyRewrite(stages,
                        code(r.getString("match[@code]")),
                        enhanced(r.getString("match[@enhanced]")),
                        text == null ? null : Pattern.compile(text, Pattern.CASE_INSENSITIVE),
                        code(r.getString("replace[@code]")),
                        enhanced(r.getString("replace[@enhanced]")),
                        r.getString("replace[@text]"));
                out.add(rewrite);
            } catch (PatternSyntaxException e) {
                throw problem(where + ": text pattern: " + e.getDescription(), e);
            } catch (IllegalArgumentException e) {
                throw problem(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Integer code(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (!v.matches("[45]\\d\\d")) {
            throw new IllegalArgumentException("code '" + value + "' is not a 4xx or 5xx reply code");
        }
        return Integer.valueOf(v);
    }

    private static String enhanced(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (!v.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("enhanced '" + value + "' is not an enhanced status code (class.subject.detail, RFC 3463)");
        }
        return v;
    }

    private static ConfigurationException problem(String message, Throwable cause) {
        ConfigurationException e = new ConfigurationException(ERROR_PREFIX + message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
