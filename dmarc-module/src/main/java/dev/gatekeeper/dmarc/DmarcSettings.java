package dev.gatekeeper.dmarc;

import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.dns.SettingKeys;
import dev.gatekeeper.dns.SettingMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The DMARC evaluator's settings, immutable: its {@link #KEYS} with their defaults, parsed from
 * {@code key=value} pairs, which refuses an unknown key or a bad value at once.
 */
public final class DmarcSettings {

    /**
     * A Public Suffix List file the administrator keeps newer than the one shipped (the format of
     * publicsuffix.org's {@code public_suffix_list.dat}); read once at start-up.
     */
    public static final Setting<String> PUBLIC_SUFFIX_LIST = Setting.text("publicSuffixList", null)
            .absentMeans("the list shipped in the jar (README-dmarc.md)");
    /** Whether {@code np=} (RFC 9091) is honoured for author domains that do not exist. */
    public static final Setting<Boolean> NONEXISTENT_POLICY = Setting.bool("nonexistentPolicy", "true");

    /**
     * Whether each evaluated message is counted for aggregate reports (RFC 7489 §7.2) in the
     * shared state ({@link DmarcReportStore}). Off by default: reports are opt-in, since the
     * administrator must also send them (the {@code dmarc-report} command and a cron job).
     */
    public static final Setting<Boolean> REPORTS = Setting.bool("reports", "false");

    /** Every key {@link #parse(Map)} knows. */
    public static final SettingKeys KEYS = SettingKeys.of(PUBLIC_SUFFIX_LIST, NONEXISTENT_POLICY, REPORTS);

    private final SettingMap values;
    /** Read when the settings are, so that a missing or broken file stops James at start-up. */
    private final PublicSuffixList suffixes;

    private DmarcSettings(SettingMap values) {
        this.values = values;
        String file = values.get(PUBLIC_SUFFIX_LIST);
        if (file == null) {
            this.suffixes = PublicSuffixList.bundled();
        } else {
            try {
                this.suffixes = PublicSuffixList.load(Path.of(file));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(PUBLIC_SUFFIX_LIST.name() + ": cannot read '" + file + "': " + e.getMessage(), e);
            }
        }
    }

    public static DmarcSettings defaults() {
        return new DmarcSettings(KEYS.defaults());
    }

    /**
     * Parses {@code key=value} pairs, keys from {@link #KEYS}, and reads the list a
     * {@code publicSuffixList} names.
     *
     * @throws IllegalArgumentException for an unknown key, a bad value or an unreadable list, naming it
     */
    public static DmarcSettings parse(Map<String, String> properties) {
        return new DmarcSettings(KEYS.read(properties));
    }

    /** The administrator's list, if one is configured. */
    public Optional<Path> publicSuffixList() {
        return Optional.ofNullable(values.get(PUBLIC_SUFFIX_LIST)).map(Path::of);
    }

    public boolean nonexistentPolicy() {
        return values.get(NONEXISTENT_POLICY);
    }

    /** Whether messages are counted for aggregate reports ({@code reports}). */
    public boolean reports() {
        return values.get(REPORTS);
    }

    /** An evaluator with these settings. */
    public DmarcEvaluator evaluator(DnsResolver resolver) {
        return DmarcEvaluator.builder(resolver).nonexistentPolicy(nonexistentPolicy()).publicSuffixList(suffixes).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DmarcSettings && values.equals(((DmarcSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "DmarcSettings{" + values + '}';
    }
}
