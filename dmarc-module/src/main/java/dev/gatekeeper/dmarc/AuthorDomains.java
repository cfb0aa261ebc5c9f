package dev.gatekeeper.dmarc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Author Domains of a message (RFC 7489 §3.1, §6.6.1): the domains of the mailboxes in its
 * {@code From} header field, read with RFC 5322 §3.4 address syntax — display names, comments
 * (nested), quoted strings, quoted pairs, folding, groups (which RFC 6854 allows in {@code From}),
 * the obsolete route and empty list elements of §4.4. Encoded words (RFC 2047) are left alone:
 * they may only stand where a display name's words do, and no domain is inside them.
 *
 * <p>Each outcome is defined, never an exception:
 * <ul>
 *   <li>one From field with one or more mailboxes: their distinct domains (§6.6.1 evaluates each
 *       and applies the strictest policy among those that fail);</li>
 *   <li>no From field, several From fields (RFC 5322 §3.6 demands exactly one), a field that does
 *       not parse, a mailbox without a domain or with a domain literal, a domain that is no host
 *       name, or no mailbox at all (an empty group): a {@link #problem() problem}, which the
 *       evaluator reports as permerror. RFC 7489 §6.6.1 leaves such messages out of DMARC's scope;
 *       permerror (rather than none) lets a policy reject what RFC 5322 forbids, and keeps such a
 *       message from being taken for one whose author simply publishes no policy.</li>
 * </ul>
 *
 * <p>Immutable.
 */
public final class AuthorDomains {

    /**
     * The most distinct author domains evaluated. RFC 7489 sets none; each costs up to three DNS
     * queries, and a From field naming more organizations than this is not a real author list.
     */
    static final int MAX_AUTHOR_DOMAINS = 8;
    /**
     * The longest From field value read. RFC 5322 §2.1.1 limits a line to 998 characters but a
     * folded field to nothing; 16 KiB holds dozens of long lines and bounds the parser's work.
     */
    static final int MAX_FIELD_LENGTH = 16 * 1024;

    private final List<String> domains;
    private final String problem;

    private AuthorDomains(List<String> domains, String problem) {
        this.domains = List.copyOf(domains);
        this.problem = problem;
    }

    /** Reads the values (what follows {@code From:}) of every From field of a message, in order. */
    public static AuthorDomains fromFields(List<String> fromFieldValues) {
        if (fromFieldValues.isEmpty()) {
            return failed("no From header field");
        }
        if (fromFieldValues.size() > 1) {
            return failed(fromFieldValues.size() + " From header fields (RFC 5322 §3.6 allows one)");
        }
        return fromField(fromFieldValues.get(0));
    }

    /** Reads one From field's value. */
    public static AuthorDomains fromField(String value) {
        if (value.length() > MAX_FIELD_LENGTH) {
            return failed("From header field longer than " + MAX_FIELD_LENGTH + " characters");
        }
        try {
            List<String> found = new Parser(Tokenizer.tokens(value)).mailboxDomains();
            Set<String> distinct = new LinkedHashSet<>();
            for (String d : found) {
                Optional<String> name = DomainNames.normalize(d);
                if (name.isEmpty()) {
                    return failed("From address domain is not a host name: " + printable(d));
                }
                distinct.add(name.get());
            }
            if (distinct.isEmpty()) {
                return failed("From header field has no address");
            }
            if (distinct.size() > MAX_AUTHOR_DOMAINS) {
                return failed("From header field names " + distinct.size() + " domains, more than " + MAX_AUTHOR_DOMAINS);
            }
            return new AuthorDomains(new ArrayList<>(distinct), null);
        } catch (Unparsable e) {
            return failed("unparsable From header field: " + e.getMessage());
        }
    }

    private static AuthorDomains failed(String problem) {
        return new AuthorDomains(List.of(), problem);
    }

    /** The distinct author domains in A-labels and lower case, in order of appearance; empty on a problem. */
    public List<String> domains() {
        return domains;
    }

    /** Why no author domain could be taken from the message; empty when {@link #domains()} has some. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public String toString() {
        return problem == null ? domains.toString() : "problem: " + problem;
    }

    /** The text with control characters shown as '?', short enough for a reason. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 100; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    /** A parse failure; thrown and caught inside this class only. */
    private static final class Unparsable extends Exception {
        private static final long serialVersionUID = 1L;

        Unparsable(String message) {
            super(message, null, false, false);
        }
    }

    private enum Kind {
        ATOM,
        QUOTED,
        LITERAL,
        SPECIAL
    }

    private static final class Token {
        final Kind kind;
        final String text;

        Token(Kind kind, String text) {
            this.kind = kind;
            this.text = text;
        }

        boolean is(char special) {
            return kind == Kind.SPECIAL && text.charAt(0) == special;
        }

        boolean isWord() {
            return kind == Kind.ATOM || kind == Kind.QUOTED;
        }
    }

    /** Splits a field value into RFC 5322 lexical tokens, dropping white space and comments (CFWS). */
    private static final class Tokenizer {

        /** The specials of RFC 5322 §3.2.3 that address syntax uses as delimiters. */
        private static final String DELIMITERS = "<>@,;:";

        static List<Token> tokens(String s) throws Unparsable {
            List<Token> out = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (isSpace(c)) {
                    i++;
                } else if (c == '(') {
                    i = skipComment(s, i);
                } else if (c == '"') {
                    i = delimited(s, i, '"', Kind.QUOTED, out);
                } else if (c == '[') {
                    i = delimited(s, i, ']', Kind.LITERAL, out);
                } else if (DELIMITERS.indexOf(c) >= 0) {
                    out.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                    i++;
                } else if (c == ')' || c == ']' || c == '\\' || c < 0x20 || c == 0x7f) {
                    throw new Unparsable("unexpected character at " + i);
                } else {
                    // atext, '.', and anything beyond ASCII (RFC 6532 lets UTF-8 into atoms).
                    int start = i;
                    while (i < s.length() && isAtomChar(s.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Kind.ATOM, s.substring(start, i)));
                }
            }
            return out;
        }

        private static boolean isSpace(char c) {
            // CR and LF only ever appear folded (RFC 5322 §2.2.3): unfolding leaves the WSP after them.
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean isAtomChar(char c) {
            return !isSpace(c) && c >= 0x21 && c != 0x7f && "()<>@,;:\\\"[]".indexOf(c) < 0;
        }

        private static int skipComment(String s, int open) throws Unparsable {
            int depth = 0;
            for (int i = open; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            throw new Unparsable("comment not closed");
        }

        private static int delimited(String s, int open, char close, Kind kind, List<Token> out) throws Unparsable {
            StringBuilder text = new StringBuilder();
            for (int i = open + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    text.append(s.charAt(++i));
                } else if (c == close) {
                    out.add(new Token(kind, text.toString()));
                    return i + 1;
                } else if (kind == Kind.LITERAL && c == '[') {
                    throw new Unparsable("'[' inside a domain literal");
                } else {
                    text.append(c);
                }
            }
            throw new Unparsable((kind == Kind.QUOTED ? "quoted string" : "domain literal") + " not closed");
        }
    }

    /** RFC 5322 §3.4 mailbox-list, with RFC 6854's groups, over the tokens. */
    private static final class Parser {
        private final List<Token> tokens;
        private final List<String> domains = new ArrayList<>();
        private int pos;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        List<String> mailboxDomains() throws Unparsable {
            list(false);
            return domains;
        }

        private Token peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        private void list(boolean inGroup) throws Unparsable {
            while (true) {
                Token t = peek();
                if (t == null) {
                    if (inGroup) {
                        throw new Unparsable("group not closed by ';'");
                    }
                    return;
                }
                if (t.is(',')) {
                    // obs-mbox-list (§4.4): empty elements between commas.
                    pos++;
                    continue;
                }
                if (inGroup && t.is(';')) {
                    pos++;
                    return;
                }
                item(inGroup);
                Token after = peek();
                if (after != null && !after.is(',') && !(inGroup && after.is(';'))) {
                    throw new Unparsable("unexpected " + describe(after) + " after an address");
                }
            }
        }

        private void item(boolean inGroup) throws Unparsable {
            int words = 0;
            while (peek() != null && peek().isWord()) {
                pos++;
                words++;
            }
            Token t = peek();
            if (t != null && t.is('<')) {
                pos++;
                angleAddress();
            } else if (t != null && t.is(':')) {
                if (inGroup) {
                    throw new Unparsable("group inside a group");
                }
                pos++;
                list(true);
            } else if (t != null && t.is('@')) {
                if (words == 0) {
                    throw new Unparsable("address without local part");
                }
                pos++;
                domain();
            } else if (words > 0) {
                throw new Unparsable("address without '@' and domain");
            } else {
                throw new Unparsable("unexpected " + (t == null ? "end" : describe(t)));
            }
        }

        private void angleAddress() throws Unparsable {
            if (peek() != null && peek().is('@')) {
                // obs-route (§4.4): "@relay1,@relay2:" before the address, which says nothing of the author.
                while (peek() != null && !peek().is(':')) {
                    if (peek().is('>')) {
                        throw new Unparsable("route without address");
                    }
                    pos++;
                }
                pos++;
            }
            int words = 0;
            while (peek() != null && peek().isWord()) {
                pos++;
                words++;
            }
            if (words == 0 || peek() == null || !peek().is('@')) {
                throw new Unparsable(words == 0 ? "empty or local-part-less address in <>" : "address in <> without '@' and domain");
            }
            pos++;
            domain();
            if (peek() == null || !peek().is('>')) {
                throw new Unparsable("'<' not closed by '>'");
            }
            pos++;
        }

        private void domain() throws Unparsable {
            Token t = peek();
            if (t == null) {
                throw new Unparsable("'@' without domain");
            }
            if (t.kind == Kind.LITERAL) {
                throw new Unparsable("domain literal [" + printable(t.text) + "] instead of a domain name");
            }
            if (t.kind != Kind.ATOM) {
                throw new Unparsable("unexpected " + describe(t) + " instead of a domain");
            }
            StringBuilder name = new StringBuilder(t.text);
            pos++;
            // obs-domain (§4.4): CFWS may stand around the dots, which splits the atoms.
            while (peek() != null && peek().kind == Kind.ATOM
                    && (name.charAt(name.length() - 1) == '.' || peek().text.startsWith("."))) {
                name.append(peek().text);
                pos++;
            }
            domains.add(name.toString());
        }

        private static String describe(Token t) {
            switch (t.kind) {
                case SPECIAL:
                    return "'" + t.text + "'";
                case QUOTED:
                    return "quoted string";
                case LITERAL:
                    return "domain literal";
                default:
                    return "word '" + printable(t.text) + "'";
            }
        }
    }
}
