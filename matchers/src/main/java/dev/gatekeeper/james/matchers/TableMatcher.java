package dev.gatekeeper.james.matchers;

import dev.gatekeeper.dns.Setting;
import dev.gatekeeper.mail.Mailbox;
import dev.gatekeeper.policy.PolicyConfigException;
import dev.gatekeeper.policy.TableFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;

/**
 * What the table matchers share: the condition {@code LOCATION [type=TYPE] [check=DURATION]}, the
 * file read at start (a bad file stops James) and looked at again on use (see {@link TableFile}).
 * {@code LOCATION} is {@code file://conf/senders.access} (relative to James's working directory,
 * as James's own {@code file://} locations) or a plain path.
 */
abstract class TableMatcher extends GatekeeperMatcher {

    /** How often the file is looked at: as the policy's {@code table-check-seconds} default. */
    static final Setting<Duration> CHECK = Setting.duration("check", "5s");
    private static final String FILE_SCHEME = "file://";

    /** What a sender or recipient table can be; {@code address} when the condition names none. */
    static final List<TableFile.Type> ADDRESS_TYPES =
            List.of(TableFile.Type.ADDRESS, TableFile.Type.DOMAIN, TableFile.Type.REGEXP);

    /** The table types this matcher can look up; the first is the one taken when the condition names none. */
    private final List<TableFile.Type> types;
    TableFile table;

    TableMatcher(List<TableFile.Type> types) {
        this.types = List.copyOf(types);
    }

    @Override
    void configure(MatcherCondition condition) {
        condition.engineSettings(getMatcherName(), List.of("type", CHECK.name()));
        TableFile.Type type = condition.options.containsKey("type")
                ? TableFile.Type.of(condition.options.get("type")) : types.get(0);
        if (!types.contains(type)) {
            throw new IllegalArgumentException(getMatcherName() + ": type '" + type.keyword() + "' cannot be used here (use "
                    + String.join(", ", types.stream().map(TableFile.Type::keyword).toArray(String[]::new)) + ")");
        }
        Duration check = condition.option(CHECK);
        try {
            table = TableFile.open(location(getMatcherName(), condition.first), type, check);
        } catch (PolicyConfigException e) {
            throw new IllegalArgumentException(getMatcherName() + ": " + e.getMessage(), e);
        }
    }

    /** The address as the policy parses it; empty for one it cannot (it is in no table then). */
    static Optional<Mailbox> parse(MailAddress address) {
        try {
            return Optional.of(Mailbox.parse("<" + address.asString() + ">"));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Path location(String matcher, String location) {
        if (location.startsWith(FILE_SCHEME)) {
            return Path.of(location.substring(FILE_SCHEME.length()));
        }
        if (location.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !location.matches("[a-zA-Z]:[\\\\/].*")) {
            throw new IllegalArgumentException(matcher + ": '" + location + "': only file:// locations and paths are supported");
        }
        return Path.of(location);
    }
}
