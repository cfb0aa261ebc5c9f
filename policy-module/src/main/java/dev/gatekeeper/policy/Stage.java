package dev.gatekeeper.policy;

import java.util.Locale;

/** The SMTP stages at which the policy decides, in protocol order. */
public enum Stage {
    /** The client connected; nothing but its address and reverse name is known. */
    CONNECT,
    /** HELO or EHLO. */
    HELO,
    /** MAIL FROM: a new transaction. */
    MAIL,
    /** RCPT TO, once per recipient. */
    RCPT,
    /** The end of DATA: the message has been received. */
    DATA;

    /** Made once: replies, headers and attributes ask for it at every message. */
    private final String keyword = name().toLowerCase(Locale.ROOT);

    /** The name used in configuration and on the command line: {@code connect}, {@code rcpt}, ... */
    public String keyword() {
        return keyword;
    }

    /** Parses a stage keyword. */
    public static Stage fromKeyword(String word) {
        for (Stage s : values()) {
            if (s.keyword().equals(word.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + word + "' (connect, helo, mail, rcpt, data)");
    }
}
