package dev.gatekeeper.cli;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the small zone-file subset {@code --zone} needs: one record a line,
 * {@code NAME [TTL] [IN] TYPE DATA} with types A, AAAA, MX, TXT (quoted strings), PTR and CNAME;
 * {@code ;} starts a comment; names are absolute. Replace by dns-module's zone reader when it has one.
 */
final class ZoneFileReader {

    private ZoneFileReader() {
    }

    static ZoneResolver read(Path file) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read zone file: " + e.getMessage());
        }
        ZoneResolver.Builder b = ZoneResolver.builder();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                record(b, line);
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static void record(ZoneResolver.Builder b, String line) {
        String[] f = line.split("\\s+", 2);
        String name = f[0];
        String rest = f.length > 1 ? f[1] : "";
        String[] p = rest.split("\\s+", 2);
        while (p.length == 2 && (p[0].matches("\\d+") || p[0].equalsIgnoreCase("IN"))) {
            p = p[1].split("\\s+", 2);
        }
        if (p.length < 2) {
            throw new IllegalArgumentException("expected NAME [TTL] [IN] TYPE DATA");
        }
        String type = p[0].toUpperCase(Locale.ROOT);
        String data = p[1].strip();
        switch (type) {
            case "A":
            case "AAAA":
                b.add(name, AddressRecord.of(address(data, type)));
                break;
            case "MX": {
                String[] mx = data.split("\\s+");
                if (mx.length != 2 || !mx[0].matches("\\d+")) {
                    throw new IllegalArgumentException("MX data is PREFERENCE HOST");
                }
                b.add(name, MxRecord.of(Integer.parseInt(mx[0]), mx[1]));
                break;
            }
            case "TXT":
                b.add(name, TxtRecord.of(strings(data)));
                break;
            case "PTR":
                b.add(name, PtrRecord.of(data));
                break;
            case "CNAME":
                b.cname(name, data);
                break;
            default:
                throw new IllegalArgumentException("unsupported record type " + type + " (A, AAAA, MX, TXT, PTR, CNAME)");
        }
    }

    private static InetAddress address(String text, String type) {
        boolean v6 = type.equals("AAAA");
        if (v6 != text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address");
        }
    }

    private static List<String> strings(String data) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < data.length()) {
            char c = data.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < data.length() && data.charAt(i) != '"') {
                    if (data.charAt(i) == '\\' && i + 1 < data.length()) {
                        i++;
                    }
                    sb.append(data.charAt(i++));
                }
                if (i >= data.length()) {
                    throw new IllegalArgumentException("unterminated quoted string");
                }
                i++;
                out.add(sb.toString());
            } else {
                int end = i;
                while (end < data.length() && !Character.isWhitespace(data.charAt(end))) {
                    end++;
                }
                out.add(data.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
