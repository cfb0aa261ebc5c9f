package dev.gatekeeper.policy;

import dev.gatekeeper.mail.DomainName;
import dev.gatekeeper.mail.Mailbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Host and domain names to match: {@code domain} lists exact names, {@code domain-tree} names with
 * everything below them, {@code regex} patterns found anywhere in the (lower-case) name. Any one
 * matching is a match.
 */
final class NamePattern {

    private final Set<String> exact;
    private final Set<String> trees;
    private final List<Pattern> regexes;

    NamePattern(Set<String> exact, Set<String> trees, List<Pattern> regexes) {
        this.exact = normalize(exact);
        this.trees = normalize(trees);
        this.regexes = List.copyOf(regexes);
    }

    private static Set<String> normalize(Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(DomainName.canonical(n));
        }
        return Set.copyOf(out);
    }

    boolean isEmpty() {
        return exact.isEmpty() && trees.isEmpty() && regexes.isEmpty();
    }

    /** The pattern that matched, or null. */
    String match(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (exact.contains(n)) {
            return n;
        }
        if (trees.contains(n)) {
            return n;
        }
        for (String parent : DomainName.parentsOf(n)) {
            if (trees.contains(parent)) {
                return "domain-tree " + parent;
            }
        }
        for (Pattern p : regexes) {
            if (p.matcher(n).find()) {
                return "/" + p.pattern() + "/";
            }
        }
        return null;
    }
}
