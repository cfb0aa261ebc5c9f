"""Runs Debian's python3-authheaders DMARC check on cases read from stdin, for
AuthheadersComparisonTest.

Usage: /usr/bin/python3 authheaders_dmarc.py PORT
  PORT: a DNS server on 127.0.0.1 that answers every query (the test's LoopbackDnsServer).

authheaders' own dnsfunc hook returns one string per name, which cannot express
several TXT records at one name, so this script points dnspython's default
resolver (which authheaders.dmarc_lookup uses through dns.resolver.query) at the
loopback server instead. Nothing else is changed.

Input, one case a line, fields separated by TAB:
  id, From field values (separated by U+001F; empty for none),
  SPF result, SPF MAIL FROM domain, DKIM result, DKIM d= (empty: no such result)
Output, one line a case: id, result, policy, header.from, error (TAB-separated).
"""
import sys

import dns.resolver
import authheaders
from authres import SPFAuthenticationResult, DKIMAuthenticationResult


def main():
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ['127.0.0.1']
    resolver.port = int(sys.argv[1])
    resolver.lifetime = 5.0
    dns.resolver.default_resolver = resolver

    for line in sys.stdin:
        line = line.rstrip('\n')
        if not line:
            continue
        case_id, froms, spf_result, spf_domain, dkim_result, dkim_domain = line.split('\t')
        headers = ''.join('From: %s\r\n' % f for f in froms.split('\x1f') if froms)
        msg = (headers + 'To: rcpt@receiver.example\r\nSubject: dmarc case\r\n\r\nbody\r\n').encode('utf-8')
        spf = None
        if spf_result:
            # authheaders takes the domain after the '@' of smtp.mailfrom.
            spf = SPFAuthenticationResult(result=spf_result, smtp_mailfrom='postmaster@' + spf_domain)
        dkim = None
        if dkim_result:
            dkim = DKIMAuthenticationResult(result=dkim_result, header_d=dkim_domain)
        try:
            r = authheaders.check_dmarc(msg, spf_result=spf, dkim_result=dkim)
            out = [case_id, r.result or '', r.policy or '', r.header_from or '', '']
        except Exception as e:  # reported, not hidden: the test documents it
            out = [case_id, '', '', '', '%s: %s' % (type(e).__name__, e)]
        print('\t'.join(x.replace('\t', ' ').replace('\n', ' ') for x in out), flush=True)


if __name__ == '__main__':
    main()
