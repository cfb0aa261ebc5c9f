package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.reputation.DnsList;
import dev.gatekeeper.reputation.ReplyFilter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

/**
 * Reads the {@code <policy>} XML format into a {@link PolicyConfig}, refusing anything it does not
 * know: the document's structure (relay section, tables, replies, stages and rules) is read here;
 * each condition element and each action is read by its type in the {@link Vocabulary}.
 */
final class PolicyXml {

    private final String source;
    private final Path baseDir;
    final Clock clock;
    final ClassLoader classLoader;
    ReplyCatalog catalog = ReplyCatalog.defaults();
    final Map<String, AccessTable> tables = new LinkedHashMap<>();
    /** The {@code <dnsbl>} declarations by name, read before any rule. */
    final Map<String, DnsList> dnsLists = new LinkedHashMap<>();
    /** Where conditions may stand; made once delay-reject is read, before any rule. */
    private Placement placement;

    /** An element of the vocabulary being read: what its type's {@link ExtensionConfig} knows beyond the attributes. */
    static final class Site {
        final PolicyXml reader;
        final Element element;
        /** The stage whose rules hold it; null outside a stage. */
        final Stage stage;
        /** Its {@code <param>}s, for an extension (a {@code <condition>}, a custom action). */
        final Map<String, String> params;

        Site(PolicyXml reader, Element element, Stage stage, Map<String, String> params) {
            this.reader = reader;
            this.element = element;
            this.stage = stage;
            this.params = params;
        }
    }

    PolicyXml(String source, Path baseDir, Clock clock, ClassLoader classLoader) {
        this.source = source;
        this.baseDir = baseDir;
        this.clock = clock;
        this.classLoader = classLoader;
    }

    PolicyConfig policy(Element root) {
        expectName(root, "policy");
        ExtensionConfig a = attributes(root, null, "hostname", "addresses", "delay-reject", "warn-only", "soft-bounce",
                "table-check-seconds");
        PolicyConfig.Builder b = new PolicyConfig.Builder();
        b.hostname = DomainName.canonical(root.getAttribute("hostname").strip());
        Set<InetAddress> addrs = new LinkedHashSet<>();
        for (String w : a.words("addresses")) {
            addrs.add(IpAddresses.parse(w).orElseThrow(() -> error(root, "addresses: '" + w + "' is not an IP address")));
        }
        b.addresses = addrs;
        b.delayReject = a.flag("delay-reject", true);
        placement = new Placement(b.delayReject);
        b.warnOnly = a.flag("warn-only", false);
        b.softBounce = a.flag("soft-bounce", false);
        Duration check = Duration.ofSeconds(a.wholeNumber("table-check-seconds", 5, 0));

        Set<String> known = Set.of("relay", "table", "dnsbl", "reply", "stage");
        for (Element e : XmlElements.children(root)) {
            if (!known.contains(e.getTagName())) {
                throw error(e, "unknown element <" + e.getTagName() + "> in <policy> (known: relay, table, dnsbl, reply, stage)");
            }
        }
        // Replies first (tables and rules render with them), then tables (rules refer to them), then rules.
        Map<Reason, ReplyTemplate> overrides = new EnumMap<>(Reason.class);
        for (Element e : XmlElements.children(root, "reply")) {
            reply(e, overrides);
        }
        catalog = ReplyCatalog.of(overrides);
        b.catalog = catalog;
        for (Element e : XmlElements.children(root, "table")) {
            table(e, check);
        }
        for (Element e : XmlElements.children(root, "dnsbl")) {
            dnsList(e);
        }
        b.dnsLists = new ArrayList<>(dnsLists.values());

        List<Element> relays = XmlElements.children(root, "relay");
        if (relays.size() > 1) {
            throw error(relays.get(1), "<relay> given more than once");
        }
        b.relayRules = defaultRelayRules();
        if (!relays.isEmpty()) {
            relay(relays.get(0), b);
        }
        Set<Stage> seen = EnumSet.noneOf(Stage.class);
        for (Element e : XmlElements.children(root, "stage")) {
            String name = attributes(e, null, "name").required("name");
            Stage stage;
            try {
                stage = Stage.fromKeyword(name);
            } catch (IllegalArgumentException ex) {
                throw error(e, ex.getMessage());
            }
            if (!seen.add(stage)) {
                throw error(e, "stage '" + stage.keyword() + "' given more than once");
            }
            b.rules.put(stage, rules(e, stage, stage.keyword()));
        }
        b.waiting = placement.waiting();
        return new PolicyConfig(b);
    }

    private void reply(Element e, Map<Reason, ReplyTemplate> overrides) {
        ExtensionConfig a = attributes(e, null, "reason", "code", "enhanced");
        Reason reason;
        try {
            reason = Reason.fromKeyword(a.required("reason"));
        } catch (IllegalArgumentException ex) {
            throw error(e, ex.getMessage() + " (known: " + Arrays.stream(Reason.values()).map(Reason::keyword)
                    .collect(Collectors.joining(", ")) + ")");
        }
        if (overrides.containsKey(reason)) {
            throw error(e, "reply for '" + reason.keyword() + "' given more than once");
        }
        List<Element> lines = XmlElements.children(e, "line");
        for (Element child : XmlElements.children(e)) {
            if (!child.getTagName().equals("line")) {
                throw error(child, "unknown element <" + child.getTagName() + "> in <reply> (known: line)");
            }
            attributes(child, null);
        }
        try {
            if (lines.isEmpty()) {
                if (a.has("code") || a.has("enhanced")) {
                    throw new IllegalArgumentException("code and enhanced go with <line> children; otherwise write '550 5.7.1 text'");
                }
                overrides.put(reason, ReplyTemplate.parse(XmlElements.text(e)));
            } else {
                List<String> texts = new ArrayList<>();
                for (Element l : lines) {
                    texts.add(XmlElements.text(l));
                }
                overrides.put(reason, ReplyTemplate.of(Integer.parseInt(a.required("code")), e.getAttribute("enhanced").strip(), texts));
            }
        } catch (IllegalArgumentException ex) {
            throw error(e, "reply '" + reason.keyword() + "': " + ex.getMessage());
        }
    }

    private void table(Element e, Duration check) {
        ExtensionConfig a = attributes(e, null, "name", "type", "file");
        noChildren(e);
        String name = a.required("name");
        if (tables.containsKey(name)) {
            throw error(e, "table '" + name + "' defined more than once");
        }
        AccessTable.Type type;
        try {
            type = AccessTable.Type.valueOf(a.required("type").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw error(e, "unknown table type '" + e.getAttribute("type") + "' (cidr, domain, address, regexp)");
        }
        Path file = baseDir == null ? Path.of(a.required("file")) : baseDir.resolve(a.required("file"));
        try {
            tables.put(name, new AccessTable(name, type, file, catalog, clock, check));
        } catch (PolicyConfigException ex) {
            throw new PolicyConfigException(where(e) + ": table '" + name + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * {@code <dnsbl name="zen" zone="zen.spamhaus.org" weight="3" filter="127.0.0.[2..11]"
     * subjects="client-address"/>}: one DNS list, as one entry of Postfix's
     * {@code postscreen_dnsbl_sites} (an allow list has a negative weight); with domain subjects a
     * domain list (RHSBL, RFC 5782 §2.2).
     */
    private void dnsList(Element e) {
        ExtensionConfig a = attributes(e, null, "name", "site", "zone", "weight", "filter", "error-replies", "subjects");
        noChildren(e);
        String name = a.required("name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw error(e, "<dnsbl>: name '" + name + "' is a word of letters, digits, '.', '_' or '-'");
        }
        if (dnsLists.containsKey(name)) {
            throw error(e, "<dnsbl>: list '" + name + "' defined more than once");
        }
        try {
            Set<DnsList.Subject> subjects = EnumSet.noneOf(DnsList.Subject.class);
            for (String w : a.words("subjects")) {
                subjects.add(Arrays.stream(DnsList.Subject.values()).filter(s -> s.label().equals(w.toLowerCase(Locale.ROOT)))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown subject '" + w
                                + "' (client-address, sender-domain, helo, client-name)")));
            }
            if (subjects.isEmpty()) {
                subjects.add(DnsList.Subject.CLIENT_ADDRESS);
            }
            if (subjects.contains(DnsList.Subject.CLIENT_ADDRESS) && subjects.size() > 1) {
                throw new IllegalArgumentException("subjects: an IP list is asked about the client-address only; declare a second"
                        + " <dnsbl> on the zone for the domain subjects");
            }
            DnsList list;
            if (a.has("site")) {
                // One entry of postscreen_dnsbl_sites as main.cf writes it: zone[=filter][*weight].
                for (String other : List.of("zone", "filter", "weight")) {
                    if (a.has(other)) {
                        throw new IllegalArgumentException("site gives the zone, filter and weight; " + other + " goes without site");
                    }
                }
                if (!subjects.equals(EnumSet.of(DnsList.Subject.CLIENT_ADDRESS))) {
                    throw new IllegalArgumentException("a postscreen site is an IP list: subjects is client-address");
                }
                list = DnsList.postscreenEntry(name, a.required("site"));
            } else {
                int weight = a.has("weight") ? integer("weight", a.required("weight")) : 1;
                String zone = a.required("zone");
                list = subjects.contains(DnsList.Subject.CLIENT_ADDRESS) ? DnsList.addressList(name, zone, weight)
                        : DnsList.domainList(name, zone, weight).subjects(subjects);
                if (a.has("filter")) {
                    list = list.filter(ReplyFilter.parse(a.required("filter")));
                }
            }
            if (a.has("error-replies")) {
                String errors = e.getAttribute("error-replies").strip();
                list = errors.isEmpty() ? list.noErrorReplies() : list.errorReplies(ReplyFilter.parse(errors));
            }
            dnsLists.put(name, list);
        } catch (IllegalArgumentException ex) {
            throw error(e, "<dnsbl name=\"" + name + "\">: " + ex.getMessage());
        }
    }

    private static int integer(String attribute, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(attribute + " is a whole number, not '" + value + "'");
        }
    }

    private void relay(Element e, PolicyConfig.Builder b) {
        b.relayEnabled = attributes(e, null, "enabled").flag("enabled", true);
        Set<String> known = Set.of("my-networks", "local-domains", "relay-domains", "rule");
        for (Element c : XmlElements.children(e)) {
            if (!known.contains(c.getTagName())) {
                throw error(c, "unknown element <" + c.getTagName() + "> in <relay> (known: my-networks, local-domains, relay-domains, rule)");
            }
            if (!c.getTagName().equals("rule")) {
                attributes(c, null);
                noChildren(c);
            }
        }
        List<CidrBlock> nets = new ArrayList<>();
        for (Element c : XmlElements.children(e, "my-networks")) {
            for (String w : ExtensionConfig.wordsIn(XmlElements.text(c))) {
                try {
                    nets.add(CidrBlock.parse(w));
                } catch (IllegalArgumentException ex) {
                    throw error(c, ex.getMessage());
                }
            }
        }
        b.myNetworks = nets;
        b.localDomains = domains(XmlElements.children(e, "local-domains"));
        b.relayDomains = domains(XmlElements.children(e, "relay-domains"));
        if (!XmlElements.children(e, "rule").isEmpty()) {
            b.relayRules = rules(e, Stage.RCPT, "relay");
        }
    }

    private Set<String> domains(List<Element> elements) {
        Set<String> out = new LinkedHashSet<>();
        for (Element c : elements) {
            for (String w : ExtensionConfig.wordsIn(XmlElements.text(c))) {
                String d = w.toLowerCase(Locale.ROOT);
                String bare = d.startsWith(".") ? d.substring(1) : d;
                if (!HeloCondition.validHelo(bare) || IpAddresses.parse(bare).isPresent() || bare.startsWith("[")) {
                    throw error(c, "'" + w + "' is not a domain");
                }
                out.add(DomainName.canonical(d));
            }
        }
        return out;
    }

    /** Postfix's default relay restrictions, with James's authorizedAddresses beside mynetworks. */
    private List<Rule> defaultRelayRules() {
        String w = "default relay rules";
        return List.of(
                new Rule("permit-my-networks", w, TrustedClientCondition.MY_NETWORKS, PlainAction.ACCEPT),
                new Rule("permit-relay-allowed", w, TrustedClientCondition.RELAY_ALLOWED, PlainAction.ACCEPT),
                new Rule("permit-authenticated", w, AuthenticatedCondition.users(Set.of()), PlainAction.ACCEPT),
                new Rule("permit-auth-destination", w, DestinationCondition.AUTHORIZED, PlainAction.ACCEPT),
                new Rule("reject-unauth-destination", w, Condition.ALWAYS,
                        ReplyAction.replying(ReplyAction.Kind.REJECT, catalog, Reason.RELAY_DENIED, 0, null, null, null)));
    }

    private List<Rule> rules(Element parent, Stage stage, String label) {
        List<Rule> out = new ArrayList<>();
        for (Element e : XmlElements.children(parent)) {
            if (e.getTagName().equals("rule")) {
                out.add(rule(e, stage, label, out.size() + 1));
            } else if (parent.getTagName().equals("stage")) {
                throw error(e, "unknown element <" + e.getTagName() + "> in <stage> (known: rule)");
            }
        }
        return out;
    }

    private Rule rule(Element e, Stage stage, String label, int index) {
        List<String> known = new ArrayList<>(List.of("name", "action"));
        known.addAll(ActionType.RULE_ATTRIBUTES);
        attributes(e, stage, known.toArray(new String[0]));
        String name = e.hasAttribute("name") ? e.getAttribute("name") : label + "#" + index;
        List<Condition> conditions = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        for (Element c : XmlElements.children(e)) {
            if (c.getTagName().equals("param")) {
                param(c, params);
            } else {
                conditions.add(condition(c, stage));
            }
        }
        Condition condition = conditions.isEmpty() ? Condition.ALWAYS : CombinedCondition.allOf(conditions);
        ActionType type;
        RuleAction action;
        try {
            type = actionType(e);
            action = type == null ? null : type.create(config(e, stage, params));
        } catch (IllegalArgumentException ex) {
            throw error(e, "rule '" + name + "': " + ex.getMessage());
        }
        if (action == null && !condition.consultsTable()) {
            throw error(e, "rule '" + name + "' has no action and no table whose entries would give one");
        }
        if (!params.isEmpty() && (type == null || !type.takesParameters())) {
            throw error(e, "rule '" + name + "': <param> is only for action=\"custom\"");
        }
        return new Rule(name, where(e), condition, action);
    }

    /**
     * The type of the rule's {@code action}, after refusing the attributes it does not take; null
     * for a rule whose table entries give the action.
     */
    private static ActionType actionType(Element e) {
        ActionType type = null;
        if (e.hasAttribute("action")) {
            String a = e.getAttribute("action").strip().toLowerCase(Locale.ROOT);
            type = Vocabulary.ruleAction(a).orElseThrow(() -> new IllegalArgumentException("unknown action '" + a
                    + "' (" + String.join(", ", Vocabulary.ruleActionNames()) + ")"));
        }
        for (String n : ActionType.RULE_ATTRIBUTES) {
            if (e.hasAttribute(n) && (type == null || !type.attributes().contains(n))) {
                String action = type != null ? "action=\"" + e.getAttribute("action") + "\"" : "a table-driven rule";
                throw new IllegalArgumentException("attribute '" + n + "' does not go with " + action);
            }
        }
        return type;
    }

    private void param(Element c, Map<String, String> params) {
        ExtensionConfig a = attributes(c, null, "name", "value");
        noChildren(c);
        String n = a.required("name");
        if (params.put(n, c.hasAttribute("value") ? c.getAttribute("value") : XmlElements.text(c)) != null) {
            throw error(c, "parameter '" + n + "' given more than once");
        }
    }

    /** One condition element, read by its type and placed at the stage (a combination's parts are placed one by one). */
    Condition condition(Element e, Stage stage) {
        String tag = e.getTagName();
        ConditionType type = Vocabulary.condition(tag).orElseThrow(() -> error(e, "unknown condition <" + tag + "> (known: "
                + Vocabulary.CONDITIONS.stream().map(ConditionType::name).collect(Collectors.joining(", ")) + ", param)"));
        attributes(e, stage, type.attributes().toArray(new String[0]));
        Map<String, String> params = new LinkedHashMap<>();
        switch (type.content()) {
            case NOTHING:
                noChildren(e);
                break;
            case PARAMETERS:
                for (Element c : XmlElements.children(e)) {
                    if (!c.getTagName().equals("param")) {
                        throw error(c, "unknown element <" + c.getTagName() + "> in <" + tag + "> (known: param)");
                    }
                    param(c, params);
                }
                break;
            default:
                break;
        }
        try {
            Condition c = type.create(config(e, stage, params));
            return type.content() == ConditionType.Content.CONDITIONS ? c : placement.place(c, stage);
        } catch (PolicyConfigException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            throw error(e, "<" + tag + ">: " + ex.getMessage());
        }
    }

    // --- small helpers --------------------------------------------------------------------

    private void expectName(Element e, String name) {
        if (!e.getTagName().equals(name)) {
            throw error(e, "expected <" + name + ">, found <" + e.getTagName() + ">");
        }
    }

    /** Refuses an attribute not in {@code known}; then the element's attributes, to read with the checks every element shares. */
    private ExtensionConfig attributes(Element e, Stage stage, String... known) {
        Set<String> k = Set.of(known);
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            String n = ((Attr) attrs.item(i)).getName();
            if (!k.contains(n) && !n.startsWith("xmlns")) {
                throw error(e, "unknown attribute '" + n + "' on <" + e.getTagName() + ">"
                        + (known.length == 0 ? " (it takes none)" : " (known: " + String.join(", ", new TreeSet<>(k)) + ")"));
            }
        }
        return config(e, stage, Map.of());
    }

    /** The element's attributes as its type, or the document reader, reads them. */
    private ExtensionConfig config(Element e, Stage stage, Map<String, String> params) {
        return new ExtensionConfig(values(e), baseDir, where(e), new Site(this, e, stage, params));
    }

    private static Map<String, String> values(Element e) {
        Map<String, String> out = new LinkedHashMap<>();
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            out.put(((Attr) attrs.item(i)).getName(), ((Attr) attrs.item(i)).getValue());
        }
        return out;
    }

    private void noChildren(Element e) {
        for (Element c : XmlElements.children(e)) {
            throw error(c, "<" + e.getTagName() + "> takes no child elements, found <" + c.getTagName() + ">");
        }
    }

    /** {@code policy.xml:12}, or without line numbers the element's path: {@code policy/stage[name=rcpt]/rule[2]}. */
    private String where(Element e) {
        return XmlElements.where(source, e);
    }

    private PolicyConfigException error(Element e, String message) {
        return new PolicyConfigException(where(e) + ": " + message);
    }
}
