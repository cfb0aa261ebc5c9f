package dev.gatekeeper.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Translation of dnsjava's records into this module's values, shared by the resolver and the zone loader. */
final class DnsjavaRecords {

    private DnsjavaRecords() {
    }

    /** True for the record types that {@link RecordType} names. */
    static boolean isSupported(Record r) {
        int t = r.getType();
        return t == Type.A || t == Type.AAAA || t == Type.MX || t == Type.TXT || t == Type.PTR;
    }

    static DnsRecord convert(Record r) {
        if (r instanceof ARecord) {
            return AddressRecord.of(((ARecord) r).getAddress());
        }
        if (r instanceof AAAARecord) {
            return AddressRecord.of(((AAAARecord) r).getAddress());
        }
        if (r instanceof MXRecord) {
            MXRecord mx = (MXRecord) r;
            return MxRecord.of(mx.getPriority(), mx.getTarget().toString());
        }
        if (r instanceof TXTRecord) {
            List<String> strings = new ArrayList<>();
            for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
                // RFC 7208 §3.3 leaves the octets uninterpreted; ISO-8859-1 keeps each one.
                strings.add(new String(s, StandardCharsets.ISO_8859_1));
            }
            return TxtRecord.of(strings);
        }
        if (r instanceof PTRRecord) {
            return PtrRecord.of(((PTRRecord) r).getTarget().toString());
        }
        throw new IllegalArgumentException("unsupported record type: " + r);
    }
}
