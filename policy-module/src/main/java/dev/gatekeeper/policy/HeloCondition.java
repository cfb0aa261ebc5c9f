package dev.gatekeeper.policy;

import dev.gatekeeper.dns.IpAddresses;
import dev.gatekeeper.mail.DomainName;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code <helo valid-syntax="false"/>}, {@code <helo ours="true"/>}, ...: the name the client gave in HELO or EHLO. */
final class HeloCondition {

    static final ConditionType TYPE = ConditionType.of("helo",
            Set.of("domain", "domain-tree", "regex", "address-literal", "ours", "valid-syntax", "table"), HeloCondition::read);

    /** RFC 1035 §2.3.4: a label is at most 63 octets. */
    static final int MAX_LABEL = DomainName.MAX_LABEL;
    /** RFC 5321 §4.5.3.1.2: a domain name is at most 255 octets. */
    static final int MAX_NAME = 255;

    private HeloCondition() {
    }

    private static Condition read(ExtensionConfig config) {
        List<Condition> parts = new ArrayList<>();
        ClientNameCondition.names(config).ifPresent(names -> parts.add(Condition.sync("helo", Datum.HELO, ev -> {
            String m = ev.helo().map(names::match).orElse(null);
            String helo = ev.helo().orElse("");
            return Condition.Match.of(m != null, () -> "helo " + helo + " matches " + m);
        })));
        if (config.has("address-literal")) {
            // An address literal ([192.0.2.1]) or a bare address given as HELO name.
            boolean wanted = config.flag("address-literal", true);
            parts.add(Condition.sync("helo address-literal=" + wanted, Datum.HELO, ev -> ev.helo()
                    .map(h -> Condition.Match.of(heloAddress(h).isPresent() == wanted, () -> "helo " + h))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("ours")) {
            parts.add(ours(config.flag("ours", true)));
        }
        if (config.has("valid-syntax")) {
            // Neither a host name nor an address literal (RFC 5321 §4.1.1.1).
            boolean wanted = config.flag("valid-syntax", true);
            parts.add(Condition.sync("helo valid-syntax=" + wanted, Datum.HELO, ev -> ev.helo()
                    .map(h -> Condition.Match.of(validHelo(h) == wanted, () -> "helo " + h))
                    .orElse(Condition.Match.NO)));
        }
        if (config.has("table")) {
            AccessTable table = config.table(AccessTable.Type.DOMAIN, AccessTable.Type.REGEXP);
            parts.add(Condition.tableLookup("helo table=" + table.name(), Datum.HELO, ev -> ev.helo()
                    .map(h -> Condition.Match.inTable(() -> "helo " + h, table, table.lookupName(h)))
                    .orElse(Condition.Match.NO)));
        }
        return TYPE.allOf(parts);
    }

    /** A client that claims to be us: our host name, one of our local domains, or one of our addresses. */
    private static Condition ours(boolean wanted) {
        return Condition.sync("helo ours=" + wanted, Datum.HELO, ev -> ev.helo().map(h -> {
            PolicyConfig c = ev.config();
            String n = DomainName.canonical(h);
            boolean ours = n.equals(c.hostname()) || c.localDomains().contains(n)
                    || heloAddress(h).map(c.addresses()::contains).orElse(false);
            return Condition.Match.of(ours == wanted, () -> "helo " + h + (ours ? " is ours" : " is not ours"));
        }).orElse(Condition.Match.NO));
    }

    static Optional<InetAddress> heloAddress(String helo) {
        String h = helo.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            String in = h.substring(1, h.length() - 1);
            if (in.regionMatches(true, 0, "IPv6:", 0, 5)) {
                in = in.substring(5);
            }
            return IpAddresses.parse(in);
        }
        return IpAddresses.parse(h);
    }

    /** A host name or an address literal (RFC 5321 §4.1.1.1). */
    static boolean validHelo(String helo) {
        String h = helo.strip();
        if (h.startsWith("[")) {
            return h.endsWith("]") && heloAddress(h).isPresent();
        }
        return h.length() <= MAX_NAME && isHostName(h) && IpAddresses.parse(h).isEmpty();
    }

    /**
     * Dot-separated labels, an optional final dot: each label 1 to {@link #MAX_LABEL} letters, digits,
     * underscores (seen in the wild) or non-ASCII characters (internationalized names as sent
     * raw), with inner hyphens. A character beyond the Basic Multilingual Plane is not a name's.
     * Scanned by hand: a regular expression's matcher cost an allocation at every HELO.
     */
    static boolean isHostName(String h) {
        int end = h.endsWith(".") ? h.length() - 1 : h.length();
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || h.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL || h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = h.charAt(i);
            boolean ascii = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            if (!ascii && (c < 0x80 || Character.isHighSurrogate(c) && i + 1 < h.length() && Character.isLowSurrogate(h.charAt(i + 1)))) {
                return false;
            }
        }
        return true;
    }
}
