package dev.gatekeeper.cli;

import dev.gatekeeper.callout.CalloutOutcome;
import dev.gatekeeper.callout.CalloutSettings;
import dev.gatekeeper.callout.CalloutVerifier;
import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsRecord;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import dev.gatekeeper.dns.ZoneResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@code callout ADDRESS}: asks the address's mail host whether it would accept mail for it, and
 * prints the outcome word on the first line, then the details.
 */
final class CalloutCommand implements Command {

    private static final Set<String> WITH_VALUE = Set.of("--zone", "--smtp-port", "--helo", "--mail-from");
    private static final Set<String> FLAGS = Set.of("--allow-private", "--random", "--postmaster", "-v");

    @Override
    public String name() {
        return "callout";
    }

    @Override
    public String summary() {
        return "ADDRESS [--zone FILE] [--smtp-port N] [--allow-private] [--helo NAME] [--mail-from ADDRESS]"
                + " [--random] [--postmaster] [-v]: probe the address's mail host";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Arguments a = Arguments.parse(args, WITH_VALUE, FLAGS, Set.of());
        if (a.positional().size() != 1) {
            throw new UsageException(a.positional().isEmpty() ? "missing ADDRESS" : "give exactly one ADDRESS");
        }
        String address = a.positional().get(0);
        CalloutSettings.Builder settings = CalloutSettings.builder()
                .allowPrivateTargets(a.flag("--allow-private"))
                .checkRandom(a.flag("--random"))
                .checkPostmaster(a.flag("--postmaster"))
                .keepTranscript(a.flag("-v"));
        try {
            if (a.value("--smtp-port").isPresent()) {
                settings.port(port(a.value("--smtp-port").get()));
            }
            a.value("--helo").ifPresent(settings::heloName);
            a.value("--mail-from").ifPresent(settings::mailFrom);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        DnsResolver dns = a.value("--zone").isPresent() ? loadZone(a.value("--zone").get()) : new SystemResolver();
        CalloutOutcome o;
        try (CalloutVerifier verifier = CalloutVerifier.create(settings.build(), dns)) {
            // Completes by the overall timeout at the latest, never exceptionally.
            o = verifier.verify(address).toCompletableFuture().join();
        }
        print(address, o, out);
        return Main.EXIT_OK;
    }

    private static int port(String value) throws UsageException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--smtp-port: '" + value + "' is not a port number");
        }
    }

    static void print(String address, CalloutOutcome o, PrintStream out) {
        out.println(o.status().keyword());
        out.println("address: " + address.replaceAll("[\\x00-\\x1f\\x7f]", "?"));
        if (!o.host().isEmpty()) {
            out.println("host: " + o.host());
        }
        if (o.replyCode() != 0) {
            out.println("reply: " + o.replyCode() + (o.enhancedCode().isEmpty() ? "" : " " + o.enhancedCode())
                    + (o.replyText().isEmpty() ? "" : " " + o.replyText()));
        }
        if (!o.reason().isEmpty()) {
            out.println("reason: " + o.reason());
        }
        if (!o.transcript().isEmpty()) {
            out.println("transcript:");
            for (String line : o.transcript()) {
                out.println("  " + line);
            }
        }
    }

    /**
     * Reads an RFC 1035 master file with dnsjava's parser into an in-memory zone. Names are
     * absolute once parsed ($ORIGIN, or the owner names written in full).
     */
    static ZoneResolver loadZone(String file) throws UsageException {
        ZoneResolver.Builder zone = ZoneResolver.builder();
        try (Master master = new Master(file)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                String name = r.getName().toString();
                DnsRecord record = convert(r);
                if (record != null) {
                    zone.add(name, record);
                } else if (r instanceof CNAMERecord) {
                    zone.cname(name, ((CNAMERecord) r).getTarget().toString());
                } else {
                    zone.exists(name);
                }
            }
        } catch (IOException e) {
            // TextParseException is an IOException too: either way the file is a bad argument.
            throw new UsageException("--zone " + file + ": " + e.getMessage());
        }
        return zone.build();
    }

    private static DnsRecord convert(Record r) {
        if (r instanceof ARecord) {
            return AddressRecord.of(((ARecord) r).getAddress());
        }
        if (r instanceof AAAARecord) {
            return AddressRecord.of(((AAAARecord) r).getAddress());
        }
        if (r instanceof MXRecord) {
            return MxRecord.of(((MXRecord) r).getPriority(), ((MXRecord) r).getTarget().toString());
        }
        if (r instanceof TXTRecord) {
            return TxtRecord.of(((TXTRecord) r).getStrings());
        }
        if (r instanceof PTRRecord) {
            return PtrRecord.of(((PTRRecord) r).getTarget().toString());
        }
        return null;
    }

    /**
     * The system's resolvers (resolv.conf) through dnsjava's {@link Lookup}, for the MX, A and AAAA
     * queries a callout makes. Stands in until the engines' own dnsjava-backed resolver is here.
     */
    static final class SystemResolver implements DnsResolver {
        @Override
        public CompletionStage<DnsAnswer> lookup(String name, RecordType type) {
            return CompletableFuture.completedFuture(answer(name, type));
        }

        private static DnsAnswer answer(String name, RecordType type) {
            try {
                Lookup lookup = new Lookup(name.endsWith(".") ? name : name + ".", Type.value(type.name()));
                Record[] records = lookup.run();
                switch (lookup.getResult()) {
                    case Lookup.SUCCESSFUL:
                        List<DnsRecord> out = new ArrayList<>();
                        for (Record r : records) {
                            DnsRecord d = convert(r);
                            if (d != null && d.type() == type) {
                                out.add(d);
                            }
                        }
                        return DnsAnswer.of(out);
                    case Lookup.HOST_NOT_FOUND:
                        return DnsAnswer.nxdomain();
                    case Lookup.TYPE_NOT_FOUND:
                        return DnsAnswer.nodata();
                    default:
                        return DnsAnswer.tempfail(lookup.getErrorString());
                }
            } catch (TextParseException e) {
                return DnsAnswer.tempfail("bad name " + name + ": " + e.getMessage());
            } catch (RuntimeException e) {
                return DnsAnswer.tempfail(String.valueOf(e));
            }
        }
    }
}
