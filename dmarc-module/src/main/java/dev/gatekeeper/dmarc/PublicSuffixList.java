package dev.gatekeeper.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org/), which RFC 7489 §3.2 uses to find a
 * domain's Organizational Domain. Both of the list's sections count (ICANN and private domains):
 * RFC 7489 does not tell them apart, and a private suffix such as a hosting provider's is a
 * boundary between owners just as a registry's is.
 *
 * <p>The module ships a copy of the list (see the module's NOTICE for its source, date and
 * licence); {@link #load(Path)} reads a newer one an administrator keeps up to date.
 *
 * <p>DMARCbis (draft-ietf-dmarc-dmarcbis) drops the list for a walk up the DNS tree. This class
 * implements RFC 7489 as published; README-dmarc.md says why.
 *
 * <p>Immutable and thread safe.
 */
public final class PublicSuffixList {

    /** The bundled copy of the list, a class path resource beside this class. */
    static final String BUNDLED_RESOURCE = "public_suffix_list.dat";

    /** Plain rules ({@code com}, {@code co.uk}), in A-labels. */
    private final Set<String> rules;
    /** The parents of wildcard rules: {@code ck} for {@code *.ck}. */
    private final Set<String> wildcardParents;
    /** Exception rules without their {@code !}: {@code www.ck}. */
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcardParents, Set<String> exceptions) {
        this.rules = Set.copyOf(rules);
        this.wildcardParents = Set.copyOf(wildcardParents);
        this.exceptions = Set.copyOf(exceptions);
    }

    /** The copy shipped with the module. */
    public static PublicSuffixList bundled() {
        return Bundled.LIST;
    }

    /** Reads a list in the publicsuffix.org format from a file (UTF-8). */
    public static PublicSuffixList load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader);
        }
    }

    /** Reads a list in the publicsuffix.org format. */
    public static PublicSuffixList parse(Reader source) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader lines = source instanceof BufferedReader ? (BufferedReader) source : new BufferedReader(source);
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            // The format: a rule is the line up to its first white space; "//" starts a comment line.
            String rule = line.strip();
            int space = indexOfWhitespace(rule);
            if (space >= 0) {
                rule = rule.substring(0, space);
            }
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            if (rule.startsWith("!")) {
                toAscii(rule.substring(1)).ifPresent(exceptions::add);
            } else if (rule.startsWith("*.")) {
                toAscii(rule.substring(2)).ifPresent(wildcards::add);
            } else if (rule.equals("*")) {
                // The implicit default rule, written out: nothing to record.
                continue;
            } else if (!rule.contains("*")) {
                toAscii(rule).ifPresent(rules::add);
            }
            // A wildcard anywhere but in the leftmost label is allowed by the format's text but
            // used by no entry of the list; such a rule is ignored rather than half-understood.
        }
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    /** Parses the list from text (tests, and lists kept in configuration). */
    public static PublicSuffixList parse(String text) {
        try {
            return parse(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The public suffix of a normalized domain name (lower case, A-labels, no trailing dot) by the
     * list's algorithm: an exception rule wins and stands for its parent; otherwise the matching
     * rule with the most labels; otherwise the implicit rule {@code *} (the last label).
     */
    public String publicSuffix(String domain) {
        // Walked from the last label leftwards over the one string: each candidate suffix is one
        // substring (a set lookup needs a String), the one before it is kept for the wildcard and
        // exception rules, and nothing is split or joined. DMARC asks this for the From domain and
        // each domain it aligns, on every message.
        String shorter = "";
        String last = null;
        String longest = null;
        int start = domain.length();
        for (int k = 1; ; k++) {
            int from = k == 1 ? domain.length() - 1 : start - 2;
            start = domain.lastIndexOf('.', from) + 1;
            String suffix = domain.substring(start);
            if (exceptions.contains(suffix)) {
                return shorter;
            }
            if (k == 1) {
                last = suffix;
            }
            if (rules.contains(suffix) || (k >= 2 && wildcardParents.contains(shorter))) {
                longest = suffix;
            }
            if (start == 0) {
                return longest != null ? longest : last;
            }
            shorter = suffix;
        }
    }

    /**
     * The Organizational Domain (RFC 7489 §3.2): the public suffix with one more label of the
     * domain in front. A domain that is itself a public suffix has no such label; it is then its
     * own Organizational Domain (§3.2 step 4 cannot be carried out, and treating it as its own
     * organization keeps strict and relaxed alignment meaning the same thing for it).
     */
    public String organizationalDomain(String domain) {
        String suffix = publicSuffix(domain);
        if (suffix.length() >= domain.length()) {
            return domain;
        }
        int dot = domain.length() - suffix.length() - 1;
        if (suffix.isEmpty() || domain.charAt(dot) != '.') {
            // Only an exception rule of one label gives an empty suffix: no dot stands before it.
            String rest = domain.substring(0, dot);
            return rest.substring(rest.lastIndexOf('.') + 1) + "." + suffix;
        }
        // The suffix is the domain's own tail after a dot: the label in front of it is the tail
        // from the dot before that one, taken without building a new name.
        return domain.substring(domain.lastIndexOf('.', dot - 1) + 1);
    }

    /** The number of rules read, of every kind. */
    public int size() {
        return rules.size() + wildcardParents.size() + exceptions.size();
    }

    /** For the tests' reference algorithm: an exception rule, without its {@code !}. */
    boolean isException(String suffix) {
        return exceptions.contains(suffix);
    }

    /** For the tests' reference algorithm: a plain rule. */
    boolean isRule(String suffix) {
        return rules.contains(suffix);
    }

    /** For the tests' reference algorithm: the parent of a wildcard rule. */
    boolean isWildcardParent(String suffix) {
        return wildcardParents.contains(suffix);
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<String> toAscii(String rule) {
        try {
            return Optional.of(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // A rule the JDK's IDNA 2003 cannot convert (a few IDNA 2008-only names) can match no
            // domain this module compares, since those are converted by the same JDK.
            return Optional.empty();
        }
    }

    /** Holder: the bundled list is read once, on first use. */
    private static final class Bundled {
        static final PublicSuffixList LIST = read();

        private static PublicSuffixList read() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled " + BUNDLED_RESOURCE + " is missing from the class path");
                }
                return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
