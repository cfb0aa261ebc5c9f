package dev.gatekeeper.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP literals without DNS: {@link InetAddress#getByName} is only called on text that is an address. */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {
    }

    /** An IPv4 dotted quad or an IPv6 address (no zone, no brackets); empty for anything else. */
    static Optional<InetAddress> parse(String text) {
        String t = text.strip();
        boolean v4 = IPV4.matcher(t).matches();
        boolean v6 = !v4 && t.indexOf(':') >= 0 && IPV6.matcher(t).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
