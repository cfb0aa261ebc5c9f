package dev.gatekeeper.spf;

/** Supplies the value of a macro letter (RFC 7208 §7.2) for the domain currently evaluated. */
interface MacroSource {

    /** The raw value of a lower-case macro letter. */
    String macroValue(char letter, String domain);
}
