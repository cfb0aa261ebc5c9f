package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.callout.CalloutStatus;
import dev.gatekeeper.spf.SpfResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** Reads the {@code <policy>} XML format into a {@link PolicyConfig}, refusing anything it does not know. */
final class PolicyXml {

    private static final String LINE = "gatekeeper.line";

    private static final Map<String, Set<String>> CONDITION_ATTRIBUTES = new LinkedHashMap<>();

    static {
        CONDITION_ATTRIBUTES.put("client-address", Set.of("cidr", "table"));
        CONDITION_ATTRIBUTES.put("client-name", Set.of("domain", "domain-tree", "regex", "unknown", "table"));
        CONDITION_ATTRIBUTES.put("helo", Set.of("domain", "domain-tree", "regex", "address-literal", "ours", "valid-syntax", "table"));
        CONDITION_ATTRIBUTES.put("sender", Set.of("address", "domain", "domain-tree", "local-part", "regex", "null", "routing", "table"));
        CONDITION_ATTRIBUTES.put("recipient", Set.of("address", "domain", "domain-tree", "local-part", "regex", "routing", "table"));
        CONDITION_ATTRIBUTES.put("authenticated", Set.of("users"));
        CONDITION_ATTRIBUTES.put("relay-allowed", Set.of());
        CONDITION_ATTRIBUTES.put("my-networks", Set.of());
        CONDITION_ATTRIBUTES.put("authorized-destination", Set.of());
        CONDITION_ATTRIBUTES.put("local-destination", Set.of());
        CONDITION_ATTRIBUTES.put("recipient-count", Set.of("above"));
        CONDITION_ATTRIBUTES.put("spf", Set.of("identity", "result"));
        CONDITION_ATTRIBUTES.put("callout", Set.of("address", "outcome"));
        CONDITION_ATTRIBUTES.put("rate", RateCondition.ATTRIBUTES);
        CONDITION_ATTRIBUTES.put("all-of", Set.of());
        CONDITION_ATTRIBUTES.put("any-of", Set.of());
        CONDITION_ATTRIBUTES.put("not", Set.of());
        CONDITION_ATTRIBUTES.put("condition", Set.of("class", "type"));
    }

    private final String source;
    private final Path baseDir;
    private final Clock clock;
    private final ClassLoader classLoader;
    private ReplyCatalog catalog = ReplyCatalog.defaults();
    private final Map<String, AccessTable> tables = new LinkedHashMap<>();
    /** Set while a rule is read: whether one of its conditions consults a table (which may carry the action). */
    private boolean ruleUsesTable;
    /** The policy's delay-reject: read before any rule, it decides where a condition may stand. */
    private boolean delayReject = true;
    /** The stages with a condition whose data comes later ({@link Conditions#later}). */
    private final Set<Stage> waiting = EnumSet.noneOf(Stage.class);

    PolicyXml(String source, Path baseDir, Clock clock, ClassLoader classLoader) {
        this.source = source;
        this.baseDir = baseDir;
        this.clock = clock;
        this.classLoader = classLoader;
    }

    /** Parses a file securely (no DTD, no external entities, no XInclude), keeping each element's line. */
    static Element read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setXIncludeAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            SAXParser parser = f.newSAXParser();
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            Document doc = dbf.newDocumentBuilder().newDocument();
            parser.parse(in, new DefaultHandler() {
                private Locator locator;
                private final Deque<Node> stack = new ArrayDeque<>(List.of(doc));

                @Override
                public void setDocumentLocator(Locator locator) {
                    this.locator = locator;
                }

                @Override
                public void startElement(String uri, String localName, String qName, Attributes attrs) {
                    Element e = doc.createElement(qName);
                    for (int i = 0; i < attrs.getLength(); i++) {
                        e.setAttribute(attrs.getQName(i), attrs.getValue(i));
                    }
                    e.setUserData(LINE, locator == null ? 0 : locator.getLineNumber(), null);
                    stack.peek().appendChild(e);
                    stack.push(e);
                }

                @Override
                public void endElement(String uri, String localName, String qName) {
                    stack.pop();
                }

                @Override
                public void characters(char[] ch, int start, int length) {
                    if (stack.peek() instanceof Element) {
                        stack.peek().appendChild(doc.createTextNode(new String(ch, start, length)));
                    }
                }
            });
            return doc.getDocumentElement();
        } catch (SAXParseException e) {
            throw new PolicyConfigException(file + ":" + e.getLineNumber() + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new PolicyConfigException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PolicyConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    PolicyConfig policy(Element root) {
        expectName(root, "policy");
        attributes(root, "hostname", "addresses", "delay-reject", "warn-only", "soft-bounce", "table-check-seconds");
        PolicyConfig.Builder b = new PolicyConfig.Builder();
        b.hostname = normalizeName(root.getAttribute("hostname"));
        Set<InetAddress> addrs = new LinkedHashSet<>();
        for (String a : words(root.getAttribute("addresses"))) {
            addrs.add(IpAddresses.parse(a).orElseThrow(() -> error(root, "addresses: '" + a + "' is not an IP address")));
        }
        b.addresses = addrs;
        b.delayReject = bool(root, "delay-reject", true);
        delayReject = b.delayReject;
        b.warnOnly = bool(root, "warn-only", false);
        b.softBounce = bool(root, "soft-bounce", false);
        Duration check = Duration.ofSeconds(integer(root, "table-check-seconds", 5, 0));

        Set<String> known = Set.of("relay", "table", "reply", "stage");
        for (Element e : children(root)) {
            if (!known.contains(e.getTagName())) {
                throw error(e, "unknown element <" + e.getTagName() + "> in <policy> (known: relay, table, reply, stage)");
            }
        }
        // Replies first (tables and rules render with them), then tables (rules refer to them), then rules.
        Map<Reason, ReplyTemplate> overrides = new EnumMap<>(Reason.class);
        for (Element e : children(root, "reply")) {
            reply(e, overrides);
        }
        catalog = ReplyCatalog.of(overrides);
        b.catalog = catalog;
        for (Element e : children(root, "table")) {
            table(e, check);
        }
        b.tables = tables;

        List<Element> relays = children(root, "relay");
        if (relays.size() > 1) {
            throw error(relays.get(1), "<relay> given more than once");
        }
        b.relayRules = defaultRelayRules();
        if (!relays.isEmpty()) {
            relay(relays.get(0), b);
        }
        Set<Stage> seen = EnumSet.noneOf(Stage.class);
        for (Element e : children(root, "stage")) {
            attributes(e, "name");
            Stage stage;
            try {
                stage = Stage.fromKeyword(required(e, "name"));
            } catch (IllegalArgumentException ex) {
                throw error(e, ex.getMessage());
            }
            if (!seen.add(stage)) {
                throw error(e, "stage '" + stage.keyword() + "' given more than once");
            }
            b.rules.put(stage, rules(e, stage, stage.keyword()));
        }
        b.waiting = waiting;
        return new PolicyConfig(b);
    }

    private void reply(Element e, Map<Reason, ReplyTemplate> overrides) {
        attributes(e, "reason", "code", "enhanced");
        Reason reason;
        try {
            reason = Reason.fromKeyword(required(e, "reason"));
        } catch (IllegalArgumentException ex) {
            throw error(e, ex.getMessage() + " (known: " + Arrays.stream(Reason.values()).map(Reason::keyword)
                    .reduce((x, y) -> x + ", " + y).orElse("") + ")");
        }
        if (overrides.containsKey(reason)) {
            throw error(e, "reply for '" + reason.keyword() + "' given more than once");
        }
        List<Element> lines = children(e, "line");
        for (Element child : children(e)) {
            if (!child.getTagName().equals("line")) {
                throw error(child, "unknown element <" + child.getTagName() + "> in <reply> (known: line)");
            }
            attributes(child);
        }
        try {
            if (lines.isEmpty()) {
                if (e.hasAttribute("code") || e.hasAttribute("enhanced")) {
                    throw new IllegalArgumentException("code and enhanced go with <line> children; otherwise write '550 5.7.1 text'");
                }
                overrides.put(reason, ReplyTemplate.parse(text(e)));
            } else {
                List<String> texts = new ArrayList<>();
                for (Element l : lines) {
                    texts.add(text(l));
                }
                overrides.put(reason, ReplyTemplate.of(Integer.parseInt(required(e, "code")),
                        e.getAttribute("enhanced").strip(), texts));
            }
        } catch (IllegalArgumentException ex) {
            throw error(e, "reply '" + reason.keyword() + "': " + ex.getMessage());
        }
    }

    private void table(Element e, Duration check) {
        attributes(e, "name", "type", "file");
        noChildren(e);
        String name = required(e, "name");
        if (tables.containsKey(name)) {
            throw error(e, "table '" + name + "' defined more than once");
        }
        AccessTable.Type type;
        try {
            type = AccessTable.Type.valueOf(required(e, "type").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw error(e, "unknown table type '" + e.getAttribute("type") + "' (cidr, domain, address, regexp)");
        }
        Path file = baseDir == null ? Path.of(required(e, "file")) : baseDir.resolve(required(e, "file"));
        try {
            tables.put(name, new AccessTable(name, type, file, catalog, clock, check));
        } catch (PolicyConfigException ex) {
            throw new PolicyConfigException(where(e) + ": table '" + name + "': " + ex.getMessage(), ex);
        }
    }

    private void relay(Element e, PolicyConfig.Builder b) {
        attributes(e, "enabled");
        b.relayEnabled = bool(e, "enabled", true);
        Set<String> known = Set.of("my-networks", "local-domains", "relay-domains", "rule");
        for (Element c : children(e)) {
            if (!known.contains(c.getTagName())) {
                throw error(c, "unknown element <" + c.getTagName() + "> in <relay> (known: my-networks, local-domains, relay-domains, rule)");
            }
            if (!c.getTagName().equals("rule")) {
                attributes(c);
                noChildren(c);
            }
        }
        List<CidrBlock> nets = new ArrayList<>();
        for (Element c : children(e, "my-networks")) {
            for (String w : words(text(c))) {
                try {
                    nets.add(CidrBlock.parse(w));
                } catch (IllegalArgumentException ex) {
                    throw error(c, ex.getMessage());
                }
            }
        }
        b.myNetworks = nets;
        b.localDomains = domains(children(e, "local-domains"));
        b.relayDomains = domains(children(e, "relay-domains"));
        if (!children(e, "rule").isEmpty()) {
            b.relayRules = rules(e, Stage.RCPT, "relay");
        }
    }

    private Set<String> domains(List<Element> elements) {
        Set<String> out = new LinkedHashSet<>();
        for (Element c : elements) {
            for (String w : words(text(c))) {
                String d = w.toLowerCase(Locale.ROOT);
                String bare = d.startsWith(".") ? d.substring(1) : d;
                if (!Conditions.validHelo(bare) || IpAddresses.parse(bare).isPresent() || bare.startsWith("[")) {
                    throw error(c, "'" + w + "' is not a domain");
                }
                out.add(d.endsWith(".") ? d.substring(0, d.length() - 1) : d);
            }
        }
        return out;
    }

    /** Postfix's default relay restrictions, with James's authorizedAddresses beside mynetworks. */
    private List<Rule> defaultRelayRules() {
        String w = "default relay rules";
        return List.of(
                new Rule("permit-my-networks", w, Conditions.MY_NETWORKS, ActionSpec.simple(ActionSpec.Kind.ACCEPT)),
                new Rule("permit-relay-allowed", w, Conditions.RELAY_ALLOWED, ActionSpec.simple(ActionSpec.Kind.ACCEPT)),
                new Rule("permit-authenticated", w, Conditions.authenticated(Set.of()), ActionSpec.simple(ActionSpec.Kind.ACCEPT)),
                new Rule("permit-auth-destination", w, Conditions.AUTHORIZED_DESTINATION, ActionSpec.simple(ActionSpec.Kind.ACCEPT)),
                new Rule("reject-unauth-destination", w, Conditions.ALWAYS,
                        ActionSpec.replying(ActionSpec.Kind.REJECT, catalog, Reason.RELAY_DENIED, 0, null, null, null)));
    }

    private List<Rule> rules(Element parent, Stage stage, String label) {
        List<Rule> out = new ArrayList<>();
        for (Element e : children(parent)) {
            if (e.getTagName().equals("rule")) {
                out.add(rule(e, stage, label, out.size() + 1));
            } else if (parent.getTagName().equals("stage")) {
                throw error(e, "unknown element <" + e.getTagName() + "> in <stage> (known: rule)");
            }
        }
        return out;
    }

    private Rule rule(Element e, Stage stage, String label, int index) {
        attributes(e, "name", "action", "reason", "code", "enhanced", "text", "description", "label", "class", "type");
        String name = e.hasAttribute("name") ? e.getAttribute("name") : label + "#" + index;
        ruleUsesTable = false;
        List<Condition> conditions = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        for (Element c : children(e)) {
            if (c.getTagName().equals("param")) {
                param(c, params);
            } else {
                conditions.add(condition(c, stage));
            }
        }
        Condition condition = conditions.isEmpty() ? Conditions.ALWAYS : Conditions.allOf(conditions);
        ActionSpec action;
        try {
            action = action(e, params);
        } catch (IllegalArgumentException ex) {
            throw error(e, "rule '" + name + "': " + ex.getMessage());
        }
        if (action == null && !ruleUsesTable) {
            throw error(e, "rule '" + name + "' has no action and no table whose entries would give one");
        }
        if (!params.isEmpty() && (action == null || action.kind != ActionSpec.Kind.CUSTOM)) {
            throw error(e, "rule '" + name + "': <param> is only for action=\"custom\"");
        }
        return new Rule(name, where(e), condition, action);
    }

    private ActionSpec action(Element e, Map<String, String> params) {
        if (!e.hasAttribute("action")) {
            forbid(e, "reason", "code", "enhanced", "text", "description", "label", "class", "type");
            return null;
        }
        String a = e.getAttribute("action").strip().toLowerCase(Locale.ROOT);
        switch (a) {
            case "accept":
                forbid(e, "reason", "code", "enhanced", "text", "description", "label", "class", "type");
                return ActionSpec.simple(ActionSpec.Kind.ACCEPT);
            case "continue":
                forbid(e, "reason", "code", "enhanced", "text", "description", "label", "class", "type");
                return ActionSpec.simple(ActionSpec.Kind.CONTINUE);
            case "reject":
            case "defer":
            case "disconnect": {
                forbid(e, "label", "class", "type");
                ActionSpec.Kind kind = ActionSpec.Kind.valueOf(a.toUpperCase(Locale.ROOT));
                Reason reason = e.hasAttribute("reason") ? Reason.fromKeyword(e.getAttribute("reason")) : null;
                int code = e.hasAttribute("code") ? parseCode(e.getAttribute("code")) : 0;
                String enhanced = e.hasAttribute("enhanced") ? e.getAttribute("enhanced").strip() : null;
                String text = e.hasAttribute("text") ? e.getAttribute("text") : null;
                String description = e.hasAttribute("description") ? e.getAttribute("description") : null;
                return ActionSpec.replying(kind, catalog, reason, code, enhanced, text, description);
            }
            case "warn": {
                forbid(e, "code", "enhanced", "description", "label", "class", "type");
                ReplyTemplate would = e.hasAttribute("reason") ? catalog.template(Reason.fromKeyword(e.getAttribute("reason"))) : null;
                return ActionSpec.warn(e.hasAttribute("text") ? e.getAttribute("text") : "rule matched", would);
            }
            case "tag":
                forbid(e, "reason", "code", "enhanced", "text", "description", "class", "type");
                if (!e.hasAttribute("label")) {
                    throw new IllegalArgumentException("action=\"tag\" needs label=\"...\"");
                }
                return ActionSpec.tag(e.getAttribute("label").strip());
            case "custom": {
                forbid(e, "reason", "code", "enhanced", "text", "description", "label");
                ExtensionConfig config = new ExtensionConfig(params, baseDir, where(e));
                PolicyActionFactory f = extension(e, PolicyActionFactory.class);
                return ActionSpec.custom(f.create(config));
            }
            default:
                throw new IllegalArgumentException("unknown action '" + a
                        + "' (accept, reject, defer, disconnect, continue, warn, tag, custom)");
        }
    }

    private static int parseCode(String code) {
        try {
            return Integer.parseInt(code.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("code '" + code + "' is not a number");
        }
    }

    private static void forbid(Element e, String... names) {
        for (String n : names) {
            if (e.hasAttribute(n)) {
                String action = e.hasAttribute("action") ? "action=\"" + e.getAttribute("action") + "\"" : "a table-driven rule";
                throw new IllegalArgumentException("attribute '" + n + "' does not go with " + action);
            }
        }
    }

    private void param(Element c, Map<String, String> params) {
        attributes(c, "name", "value");
        noChildren(c);
        String n = required(c, "name");
        if (params.put(n, c.hasAttribute("value") ? c.getAttribute("value") : text(c)) != null) {
            throw error(c, "parameter '" + n + "' given more than once");
        }
    }

    private Condition condition(Element e, Stage stage) {
        String tag = e.getTagName();
        Set<String> allowed = CONDITION_ATTRIBUTES.get(tag);
        if (allowed == null) {
            throw error(e, "unknown condition <" + tag + "> (known: " + String.join(", ", CONDITION_ATTRIBUTES.keySet()) + ", param)");
        }
        attributes(e, allowed.toArray(new String[0]));
        switch (tag) {
            case "all-of":
            case "any-of":
            case "not": {
                List<Condition> parts = new ArrayList<>();
                for (Element c : children(e)) {
                    parts.add(condition(c, stage));
                }
                if (parts.isEmpty()) {
                    throw error(e, "<" + tag + "> needs at least one condition");
                }
                if (tag.equals("not")) {
                    return Conditions.not(Conditions.allOf(parts));
                }
                return tag.equals("all-of") ? Conditions.allOf(parts) : Conditions.anyOf(parts);
            }
            case "condition":
                return placed(e, extensionCondition(e), stage);
            default:
                break;
        }
        noChildren(e);
        Condition c;
        try {
            c = simpleCondition(e, tag, stage);
        } catch (PolicyConfigException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            throw error(e, "<" + tag + ">: " + ex.getMessage());
        }
        return placed(e, c, stage);
    }

    /**
     * The one place that decides where a condition may stand, by the data it reads
     * ({@link Condition#datum()}): at a stage that knows that data; with delayed rejection also at
     * connect, HELO or MAIL for data that RCPT knows, since RCPT decides those stages' rules again
     * ({@link Conditions#later}). Under delayed rejection the conditions of those stages that their
     * stage can decide keep their answers for RCPT ({@link Conditions#remembered}).
     */
    private Condition placed(Element e, Condition c, Stage stage) {
        Datum d = c.datum();
        boolean early = stage.ordinal() < Stage.RCPT.ordinal();
        if (d.knownAt(stage)) {
            return delayReject && early ? Conditions.remembered(c) : c;
        }
        boolean atRcpt = early && d.knownAt(Stage.RCPT);
        if (atRcpt && delayReject) {
            waiting.add(stage);
            return Conditions.later(c);
        }
        throw error(e, "<" + e.getTagName() + ">: not known " + (stage.ordinal() < d.first().ordinal() ? "yet " : "")
                + "at the " + stage.keyword() + " stage (" + d.what() + " is " + d.known() + ")"
                + (atRcpt ? "; with delay-reject=\"true\" its rule would be decided again at RCPT" : ""));
    }

    private Condition simpleCondition(Element e, String tag, Stage stage) {
        List<Condition> parts = new ArrayList<>();
        switch (tag) {
            case "client-address":
                if (e.hasAttribute("cidr")) {
                    List<Conditions.CidrItem> items = new ArrayList<>();
                    for (String w : words(e.getAttribute("cidr"))) {
                        boolean neg = w.startsWith("!");
                        items.add(new Conditions.CidrItem(neg, CidrBlock.parse(neg ? w.substring(1) : w)));
                    }
                    parts.add(Conditions.clientAddress(items));
                }
                if (e.hasAttribute("table")) {
                    parts.add(Conditions.clientAddressTable(table(e, AccessTable.Type.CIDR)));
                }
                break;
            case "client-name":
                names(e).ifPresent(n -> parts.add(Conditions.clientName(n)));
                if (e.hasAttribute("unknown")) {
                    parts.add(Conditions.clientNameUnknown(bool(e, "unknown", true)));
                }
                if (e.hasAttribute("table")) {
                    parts.add(Conditions.clientNameTable(table(e, AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP)));
                }
                break;
            case "helo":
                names(e).ifPresent(n -> parts.add(Conditions.helo(n)));
                if (e.hasAttribute("address-literal")) {
                    parts.add(Conditions.heloAddressLiteral(bool(e, "address-literal", true)));
                }
                if (e.hasAttribute("ours")) {
                    parts.add(Conditions.heloOurs(bool(e, "ours", true)));
                }
                if (e.hasAttribute("valid-syntax")) {
                    parts.add(Conditions.heloValidSyntax(bool(e, "valid-syntax", true)));
                }
                if (e.hasAttribute("table")) {
                    parts.add(Conditions.heloTable(table(e, AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP)));
                }
                break;
            case "sender":
            case "recipient": {
                Conditions.Party party = tag.equals("sender") ? Conditions.Party.SENDER : Conditions.Party.RECIPIENT;
                if (e.hasAttribute("address")) {
                    parts.add(Conditions.address(party, words(e.getAttribute("address"))));
                }
                if (e.hasAttribute("domain") || e.hasAttribute("domain-tree")) {
                    parts.add(Conditions.domain(party, new NamePattern(domainWords(e, "domain"), domainWords(e, "domain-tree"), List.of())));
                }
                if (e.hasAttribute("local-part")) {
                    parts.add(Conditions.localPart(party, words(e.getAttribute("local-part"))));
                }
                if (e.hasAttribute("regex")) {
                    parts.add(Conditions.addressRegex(party, List.of(regex(e.getAttribute("regex")))));
                }
                if (e.hasAttribute("null")) {
                    parts.add(Conditions.nullSender(bool(e, "null", true)));
                }
                if (e.hasAttribute("routing")) {
                    parts.add(Conditions.routing(party, bool(e, "routing", true)));
                }
                if (e.hasAttribute("table")) {
                    parts.add(Conditions.addressTable(party, table(e, AccessTable.Type.ADDRESS, AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP)));
                }
                break;
            }
            case "authenticated":
                parts.add(Conditions.authenticated(words(e.getAttribute("users"))));
                break;
            case "relay-allowed":
                parts.add(Conditions.RELAY_ALLOWED);
                break;
            case "my-networks":
                parts.add(Conditions.MY_NETWORKS);
                break;
            case "authorized-destination":
            case "local-destination":
                parts.add(tag.equals("local-destination") ? Conditions.LOCAL_DESTINATION : Conditions.AUTHORIZED_DESTINATION);
                break;
            case "recipient-count":
                parts.add(Conditions.recipientCountAbove(integer(e, "above", -1, 0)));
                if (!e.hasAttribute("above")) {
                    throw new IllegalArgumentException("needs above=\"N\"");
                }
                break;
            case "spf": {
                String identity = e.hasAttribute("identity") ? e.getAttribute("identity").strip() : "mail-from";
                if (!identity.equals("mail-from") && !identity.equals("helo")) {
                    throw new IllegalArgumentException("identity is 'mail-from' or 'helo', not '" + identity + "'");
                }
                Set<SpfResult> results = EnumSet.noneOf(SpfResult.class);
                for (String w : words(required(e, "result"))) {
                    try {
                        results.add(SpfResult.fromKeyword(w));
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("unknown SPF result '" + w
                                + "' (none, neutral, pass, fail, softfail, temperror, permerror)");
                    }
                }
                parts.add(Conditions.spf(identity.equals("helo"), results));
                break;
            }
            case "callout": {
                String who = e.hasAttribute("address") ? e.getAttribute("address").strip() : "sender";
                if (!who.equals("sender") && !who.equals("recipient")) {
                    throw new IllegalArgumentException("address is 'sender' or 'recipient', not '" + who + "'");
                }
                Conditions.Party party = who.equals("sender") ? Conditions.Party.SENDER : Conditions.Party.RECIPIENT;
                Set<CalloutStatus> outcomes = EnumSet.noneOf(CalloutStatus.class);
                for (String w : words(required(e, "outcome"))) {
                    outcomes.add(CalloutStatus.fromKeyword(w));
                }
                parts.add(Conditions.callout(party, outcomes));
                break;
            }
            case "rate": {
                Map<String, String> attrs = new LinkedHashMap<>();
                NamedNodeMap nodes = e.getAttributes();
                for (int i = 0; i < nodes.getLength(); i++) {
                    attrs.put(((Attr) nodes.item(i)).getName(), ((Attr) nodes.item(i)).getValue());
                }
                return RateCondition.parse(attrs, stage, clock);
            }
            default:
                throw new IllegalStateException(tag);
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("says nothing to match (give one of its attributes: "
                    + String.join(", ", new TreeSet<>(CONDITION_ATTRIBUTES.get(tag))) + ")");
        }
        return Conditions.allOf(parts);
    }

    private java.util.Optional<NamePattern> names(Element e) {
        if (!e.hasAttribute("domain") && !e.hasAttribute("domain-tree") && !e.hasAttribute("regex")) {
            return java.util.Optional.empty();
        }
        List<Pattern> regexes = e.hasAttribute("regex") ? List.of(regex(e.getAttribute("regex"))) : List.of();
        return java.util.Optional.of(new NamePattern(domainWords(e, "domain"), domainWords(e, "domain-tree"), regexes));
    }

    private static Set<String> domainWords(Element e, String attribute) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : words(e.getAttribute(attribute))) {
            out.add(w.startsWith("@") ? w.substring(1) : w);
        }
        return out;
    }

    private static Pattern regex(String text) {
        try {
            return Pattern.compile(text, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException("bad regular expression '" + text + "': " + ex.getDescription());
        }
    }

    private AccessTable table(Element e, AccessTable.Type... types) {
        String name = e.getAttribute("table");
        AccessTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table named '" + name + "' (define it with <table name=\"" + name + "\" .../>)");
        }
        if (!Arrays.asList(types).contains(t.type())) {
            throw new IllegalArgumentException("table '" + name + "' is of type " + t.type().keyword() + "; <" + e.getTagName()
                    + "> needs " + Arrays.stream(types).map(AccessTable.Type::keyword).reduce((x, y) -> x + " or " + y).orElse(""));
        }
        ruleUsesTable = true;
        return t;
    }

    private Condition extensionCondition(Element e) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Element c : children(e)) {
            if (!c.getTagName().equals("param")) {
                throw error(c, "unknown element <" + c.getTagName() + "> in <condition> (known: param)");
            }
            param(c, params);
        }
        PolicyConditionFactory f = extension(e, PolicyConditionFactory.class);
        PolicyCondition c = f.create(new ExtensionConfig(params, baseDir, where(e)));
        if (c == null) {
            throw error(e, f.getClass().getName() + " made no condition");
        }
        if (c.knownFrom() == null) {
            throw error(e, f.getClass().getName() + " made a condition whose knownFrom() is null");
        }
        return Conditions.extension(c);
    }

    private <T> T extension(Element e, Class<T> kind) {
        boolean byClass = e.hasAttribute("class");
        if (byClass == e.hasAttribute("type")) {
            throw error(e, "give exactly one of class=\"...\" or type=\"...\"");
        }
        if (byClass) {
            String name = e.getAttribute("class").strip();
            try {
                Class<?> c = Class.forName(name, true, classLoader);
                if (!kind.isAssignableFrom(c)) {
                    throw error(e, name + " does not implement " + kind.getName());
                }
                return kind.cast(c.getDeclaredConstructor().newInstance());
            } catch (ClassNotFoundException ex) {
                throw error(e, "class " + name + " not found");
            } catch (ReflectiveOperationException | LinkageError ex) {
                throw error(e, "cannot instantiate " + name + ": " + ex);
            }
        }
        String type = e.getAttribute("type").strip();
        List<String> found = new ArrayList<>();
        for (T f : ServiceLoader.load(kind, classLoader)) {
            String n = kind == PolicyConditionFactory.class ? ((PolicyConditionFactory) f).name() : ((PolicyActionFactory) f).name();
            if (n.equals(type)) {
                return f;
            }
            found.add(n);
        }
        throw error(e, "no " + kind.getSimpleName() + " named '" + type + "' on the class path (found: " + found + ")");
    }

    // --- small helpers --------------------------------------------------------------------

    private void expectName(Element e, String name) {
        if (!e.getTagName().equals(name)) {
            throw error(e, "expected <" + name + ">, found <" + e.getTagName() + ">");
        }
    }

    private void attributes(Element e, String... known) {
        Set<String> k = Set.of(known);
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            String n = ((Attr) attrs.item(i)).getName();
            if (!k.contains(n) && !n.startsWith("xmlns")) {
                throw error(e, "unknown attribute '" + n + "' on <" + e.getTagName() + ">"
                        + (known.length == 0 ? " (it takes none)" : " (known: " + String.join(", ", new TreeSet<>(k)) + ")"));
            }
        }
    }

    private void noChildren(Element e) {
        for (Element c : children(e)) {
            throw error(c, "<" + e.getTagName() + "> takes no child elements, found <" + c.getTagName() + ">");
        }
    }

    private String required(Element e, String name) {
        if (!e.hasAttribute(name) || e.getAttribute(name).isBlank()) {
            throw error(e, "<" + e.getTagName() + "> needs " + name + "=\"...\"");
        }
        return e.getAttribute(name).strip();
    }

    private boolean bool(Element e, String name, boolean dflt) {
        if (!e.hasAttribute(name)) {
            return dflt;
        }
        String v = e.getAttribute(name).strip();
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw error(e, name + " is 'true' or 'false', not '" + v + "'");
    }

    private int integer(Element e, String name, int dflt, int min) {
        if (!e.hasAttribute(name)) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(e.getAttribute(name).strip());
            if (v < min) {
                throw error(e, name + " must be at least " + min);
            }
            return v;
        } catch (NumberFormatException ex) {
            throw error(e, name + " is a whole number, not '" + e.getAttribute(name) + "'");
        }
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static String normalizeName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String text(Element e) {
        return e.getTextContent().strip();
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element) {
                out.add((Element) nodes.item(i));
            }
        }
        return out;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Element c : children(e)) {
            if (c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@code policy.xml:12}, or without line numbers the element's path: {@code policy/stage[name=rcpt]/rule[2]}. */
    String where(Element e) {
        Object line = e.getUserData(LINE);
        if (line instanceof Integer && (Integer) line > 0) {
            return source + ":" + line;
        }
        Deque<String> parts = new ArrayDeque<>();
        Node n = e;
        while (n instanceof Element) {
            Element el = (Element) n;
            String step = el.getTagName();
            if (el.hasAttribute("name")) {
                step += "[name=" + el.getAttribute("name") + "]";
            } else if (el.getParentNode() instanceof Element) {
                int index = 1;
                for (Node s = el.getPreviousSibling(); s != null; s = s.getPreviousSibling()) {
                    if (s instanceof Element && ((Element) s).getTagName().equals(el.getTagName())) {
                        index++;
                    }
                }
                step += "[" + index + "]";
            }
            parts.push(step);
            n = n.getParentNode();
        }
        return source + ": " + String.join("/", parts);
    }

    private PolicyConfigException error(Element e, String message) {
        return new PolicyConfigException(where(e) + ": " + message);
    }
}
