package dev.gatekeeper.benchmarks;

import dev.gatekeeper.dns.AddressRecord;
import dev.gatekeeper.dns.DnsAnswer;
import dev.gatekeeper.dns.DnsRecord;
import dev.gatekeeper.dns.DnsResolver;
import dev.gatekeeper.dns.MxRecord;
import dev.gatekeeper.dns.PtrRecord;
import dev.gatekeeper.dns.RecordType;
import dev.gatekeeper.dns.TxtRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;

/**
 * Feeds jSPF the very zone data our engine sees: jSPF's {@link DNSService} answered from one of
 * our resolvers, with the conventions of jSPF's own dnsjava service (records as strings, null for
 * "nothing there", {@link TimeoutException} for a temporary failure).
 */
final class JspfZoneDnsService implements DNSService {

    private final DnsResolver resolver;
    private int recordLimit = 10;

    JspfZoneDnsService(DnsResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * A jSPF checker wired the way jSPF's own conformance tests wire it, with the synchronous
     * executor. The plain {@code new SPF(dnsService)} (what {@code DefaultSPF} does) uses jSPF
     * 1.0.3's asynchronous executor, which drops the TXT query that follows an unanswered
     * SPF-type query and so finds no record at all for domains that publish only TXT.
     */
    static SPF checker(DNSService dns) {
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        SPF spf = new SPF(dns, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macroExpand,
                new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
        return spf;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        RecordType type = typeOf(request);
        if (type == null) {
            return null;
        }
        DnsAnswer answer = resolver.lookup(request.getHostname(), type).toCompletableFuture().join();
        if (answer.isTempfail()) {
            throw new TimeoutException(answer.problem());
        }
        if (answer.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(answer.records().size());
        for (DnsRecord r : answer.records()) {
            out.add(asString(r));
        }
        return out;
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of("localhost");
    }

    @Override
    public void setTimeOut(int timeOut) {
        // answers come from memory: nothing to time out
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        this.recordLimit = recordLimit;
    }

    /** jSPF's SPF-type queries (RFC 4408 leftovers) find nothing: the suite serves SPF data as TXT. */
    private static RecordType typeOf(DNSRequest request) {
        switch (request.getRecordType()) {
            case DNSRequest.A:
                return RecordType.A;
            case DNSRequest.AAAA:
                return RecordType.AAAA;
            case DNSRequest.MX:
                return RecordType.MX;
            case DNSRequest.PTR:
                return RecordType.PTR;
            case DNSRequest.TXT:
                return RecordType.TXT;
            default:
                return null;
        }
    }

    private static String asString(DnsRecord r) {
        if (r instanceof AddressRecord) {
            return ((AddressRecord) r).address().getHostAddress();
        }
        if (r instanceof MxRecord) {
            return ((MxRecord) r).exchange() + ".";
        }
        if (r instanceof PtrRecord) {
            return ((PtrRecord) r).target();
        }
        return ((TxtRecord) r).text();
    }
}
