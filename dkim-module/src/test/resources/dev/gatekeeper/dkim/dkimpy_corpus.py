#!/usr/bin/python3
"""Builds the DKIM comparison corpus for DkimpyComparisonTest with Debian's python3-dkim (dkimpy).

usage: dkimpy_corpus.py OUTPUT_DIRECTORY

Generates fresh keys (RSA 2048, 1024 and 512 bits with openssl, Ed25519 with PyNaCl), signs
messages with dkimpy, mutates some of them, and asks dkimpy's own verifier about every
DKIM-Signature of every message, the keys served from the same in-memory zone the Java side uses.
Writes into OUTPUT_DIRECTORY:

  keys.tsv      one key record a line: owner name, TAB, the TXT text
  NAME.eml      one message, the octets as a receiver gets them
  manifest.tsv  "#now", TAB, the Unix time dkimpy finished verifying; then one line a message:
                case id, TAB, file name, TAB, dkimpy's verdicts top to bottom ("pass"/"fail",
                comma-separated), TAB, dkimpy's reasons (" | "-separated, empty for a pass)

Nothing here touches the network: dkimpy gets its keys through its dnsfunc hook.
"""

import base64
import hashlib
import logging
import os
import subprocess
import sys
import time

import dkim
import dkim.crypto
from dkim.canonicalization import CanonicalizationPolicy
import nacl.encoding
import nacl.signing

DOMAIN = b"gkdkim.test"
NOW = int(time.time())
OPENSSL = "/usr/bin/openssl"


def rsa_key(bits):
    """A PKCS#1 PEM private key (what dkimpy signs with) and the base64 SubjectPublicKeyInfo for p=."""
    pem = subprocess.run([OPENSSL, "genrsa", "-traditional", str(bits)], check=True, timeout=120,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    der = subprocess.run([OPENSSL, "rsa", "-pubout", "-outform", "DER"], input=pem, check=True, timeout=60,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return pem, base64.b64encode(der).decode("ascii")


def ed25519_key():
    sk = nacl.signing.SigningKey.generate()
    return (sk.encode(encoder=nacl.encoding.Base64Encoder),
            sk.verify_key.encode(encoder=nacl.encoding.Base64Encoder).decode("ascii"))


RSA2048 = rsa_key(2048)
RSA1024 = rsa_key(1024)
RSA512 = rsa_key(512)
ED = ed25519_key()

# selector -> key record text; every name is <selector>._domainkey.gkdkim.test
KEYS = {
    b"rsa": "v=DKIM1; k=rsa; p=" + RSA2048[1],
    b"ed": "v=DKIM1; k=ed25519; p=" + ED[1],
    b"rsa1024": "v=DKIM1; k=rsa; p=" + RSA1024[1],
    b"rsa512": "v=DKIM1; k=rsa; p=" + RSA512[1],
    b"revoked": "v=DKIM1; k=rsa; p=",
    b"testing": "v=DKIM1; k=rsa; t=y; p=" + RSA2048[1],
    b"wrongk": "v=DKIM1; k=ed25519; p=" + ED[1],
    b"sha1only": "v=DKIM1; k=rsa; h=sha1; p=" + RSA2048[1],
    b"strict": "v=DKIM1; k=rsa; t=s; p=" + RSA2048[1],
}


def key_name(selector):
    return selector + b"._domainkey." + DOMAIN + b"."


def dnsfunc(name, timeout=5):
    for selector, text in KEYS.items():
        if name.lower() == key_name(selector):
            return text.encode("ascii")
    return None


HEADERS = (b"From: Alice Example <alice@gkdkim.test>\r\n"
           b"To: Bob <bob@gkrcpt.test>\r\n"
           b"Subject: Quarterly numbers\r\n"
           b"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
           b"Message-ID: <corpus-1@gkdkim.test>\r\n")
FOLDED = (b"From: Alice Example\r\n <alice@gkdkim.test>\r\n"
          b"To: Bob <bob@gkrcpt.test>,\r\n\tCarol <carol@gkrcpt.test>\r\n"
          b"Subject: A subject that goes on\r\n  and on over\r\n\tthree lines\r\n"
          b"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
          b"Message-ID: <corpus-2@gkdkim.test>\r\n")
BODY = (b"Hello Bob,\r\n\r\nthe numbers are  in\t the attachment.\r\n"
        b"Trailing spaces here   \r\n\r\nAlice\r\n")
BLANK_TAIL = b"Line one\r\n\r\nLine two\r\n\r\n\r\n\r\n"

RR = (b"relaxed", b"relaxed")
SS = (b"simple", b"simple")
RS = (b"relaxed", b"simple")
SR = (b"simple", b"relaxed")
STANDARD = [b"from", b"to", b"subject", b"date", b"message-id"]


def sign(message, selector=b"rsa", key=None, canon=RR, alg=b"rsa-sha256", include=None, length=False, identity=None):
    if key is None:
        key = ED[0] if alg == b"ed25519-sha256" else RSA2048[0]
    return dkim.sign(message, selector, DOMAIN, key, identity=identity, canonicalize=canon,
                     signature_algorithm=alg, include_headers=include or STANDARD, length=length)


def craft(message, extra_tags, length=None, canon=RR, signed_at=NOW - 60):
    """A signature with tags dkim.sign() does not write (x=, an l= of our choosing), built with
    dkimpy's own pieces as DKIM.sign does: its canonicalisation, body hash and gen_header()."""
    d = dkim.DKIM(message, signature_algorithm=b"rsa-sha256")
    d.hasher = hashlib.sha256
    policy = CanonicalizationPolicy.from_c_value(b"/".join(canon))
    bh = base64.b64encode(hashlib.sha256(policy.canonicalize_body(d.body)).digest())
    include = tuple(STANDARD)
    fields = [(b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", policy.to_c_value()), (b"d", DOMAIN),
              (b"i", b"@" + DOMAIN)]
    if length is not None:
        fields.append((b"l", str(length).encode("ascii")))
    fields += [(b"q", b"dns/txt"), (b"s", b"rsa"), (b"t", str(signed_at).encode("ascii"))]
    fields += [(k, v) for k, v in extra_tags]
    fields += [(b"h", b" : ".join(include)), (b"bh", bh), (b"b", b"0" * 60)]
    pk = dkim.crypto.parse_pem_private_key(RSA2048[0])
    return b"DKIM-Signature: " + d.gen_header(fields, include, policy, b"DKIM-Signature", pk)


def message(headers=HEADERS, body=BODY):
    return headers + b"\r\n" + body


CASES = []


def case(case_id, octets):
    CASES.append((case_id, octets))


def signed(headers=HEADERS, body=BODY, **kw):
    m = message(headers, body)
    return sign(m, **kw) + m


# --- signed as they are -------------------------------------------------------------------------
case("rsa-relaxed-relaxed", signed(canon=RR))
case("rsa-simple-simple", signed(canon=SS))
case("rsa-relaxed-simple", signed(canon=RS))
case("rsa-simple-relaxed", signed(canon=SR))
case("ed25519-relaxed-relaxed", signed(alg=b"ed25519-sha256", selector=b"ed", canon=RR))
case("ed25519-simple-simple", signed(alg=b"ed25519-sha256", selector=b"ed", canon=SS))
case("ed25519-relaxed-simple", signed(alg=b"ed25519-sha256", selector=b"ed", canon=RS))
case("rsa-length", signed(length=True))
case("rsa-oversigned-from", signed(include=STANDARD + [b"from", b"subject"]))
case("folded-relaxed", signed(headers=FOLDED, canon=RR))
case("folded-simple", signed(headers=FOLDED, canon=SS))
case("blank-tail-relaxed", signed(body=BLANK_TAIL, canon=RR))
case("blank-tail-simple", signed(body=BLANK_TAIL, canon=SS))
case("empty-body-simple", signed(body=b"", canon=SS))
case("empty-body-relaxed", signed(body=b"", canon=RR))
case("rsa-1024", signed(selector=b"rsa1024", key=RSA1024[0]))
case("key-testing", signed(selector=b"testing"))
lf = message().replace(b"\r\n", b"\n")
case("lf-line-ends", sign(lf).replace(b"\r\n", b"\n") + lf)
two = message()
two = sign(two, alg=b"ed25519-sha256", selector=b"ed") + sign(two) + two
case("two-signatures", two)

# --- mutated after signing ------------------------------------------------------------------------
case("body-changed", signed().replace(b"numbers are", b"numbers were"))
case("body-changed-ed25519", signed(alg=b"ed25519-sha256", selector=b"ed").replace(b"numbers are", b"numbers were"))
case("header-changed", signed().replace(b"Quarterly numbers", b"Quarterly figures"))
case("header-whitespace-relaxed", signed(canon=RR).replace(b"Subject: Quarterly numbers", b"Subject:  Quarterly \t numbers "))
case("header-whitespace-simple", signed(canon=SS).replace(b"Subject: Quarterly numbers", b"Subject:  Quarterly \t numbers "))
case("header-name-case-relaxed", signed(canon=RR).replace(b"\r\nSubject:", b"\r\nSUBJECT:"))
case("header-name-case-simple", signed(canon=SS).replace(b"\r\nSubject:", b"\r\nSUBJECT:"))
case("refolded-relaxed", signed(headers=FOLDED, canon=RR).replace(b"goes on\r\n  and on", b"goes on and on"))
case("refolded-simple", signed(headers=FOLDED, canon=SS).replace(b"goes on\r\n  and on", b"goes on and on"))
case("body-whitespace-relaxed", signed(canon=RR).replace(b"are  in\t the", b"are in the  ").replace(b"here   \r\n", b"here\r\n"))
case("body-whitespace-simple", signed(canon=SS).replace(b"are  in\t the", b"are in the  "))
case("more-blank-lines-simple", signed(body=BLANK_TAIL, canon=SS) + b"\r\n\r\n")
case("more-blank-lines-relaxed", signed(body=BLANK_TAIL, canon=RR) + b"\r\n \r\n")
case("signed-headers-reordered", signed().replace(
    b"To: Bob <bob@gkrcpt.test>\r\nSubject: Quarterly numbers\r\n",
    b"Subject: Quarterly numbers\r\nTo: Bob <bob@gkrcpt.test>\r\n"))
case("unsigned-header-added", signed().replace(b"\r\nFrom:", b"\r\nX-Mailer: corpus\r\nFrom:"))
case("subject-added-above-oversigned", signed(include=STANDARD + [b"from", b"subject"]).replace(
    b"\r\nFrom:", b"\r\nSubject: Urgent\r\nFrom:"))
case("from-added-above-oversigned", signed(include=STANDARD + [b"from"]).replace(
    b"\r\nFrom:", b"\r\nFrom: Mallory <m@gkevil.test>\r\nFrom:"))
case("from-added-above-not-oversigned", signed().replace(
    b"\r\nFrom:", b"\r\nFrom: Mallory <m@gkevil.test>\r\nFrom:"))
case("appended-after-length", signed(length=True) + b"\r\nAppended by a list\r\n")
case("appended-without-length", signed() + b"\r\nAppended by a list\r\n")
case("broken-base64", signed().replace(b"b=", b"b=!!", 1))

# --- keys ------------------------------------------------------------------------------------------
case("key-revoked", signed(selector=b"revoked"))
case("key-missing", signed(selector=b"nosuchkey"))
case("key-wrong-k-rsa-signature", signed(selector=b"wrongk"))
case("key-wrong-k-ed25519-signature", signed(alg=b"ed25519-sha256", selector=b"rsa"))
case("rsa-512", signed(selector=b"rsa512", key=RSA512[0]))
case("key-h-sha1-only", signed(selector=b"sha1only"))
case("key-t-s-subdomain-identity", signed(selector=b"strict", identity=b"@news." + DOMAIN))
case("key-t-s-exact-identity", signed(selector=b"strict", identity=b"@" + DOMAIN))

# --- algorithms and times ---------------------------------------------------------------------------
case("rsa-sha1", signed(alg=b"rsa-sha1"))
case("x-future", craft(message(), [(b"x", str(NOW + 86400).encode("ascii"))]) + message())
# Each valid for a day from its t= (x= before t= would be a syntax error, not an expiry).
case("x-expired-2-days", craft(message(), [(b"x", str(NOW - 2 * 86400).encode("ascii"))],
                               signed_at=NOW - 3 * 86400) + message())
case("x-expired-1-hour", craft(message(), [(b"x", str(NOW - 3600).encode("ascii"))],
                               signed_at=NOW - 3600 - 86400) + message())
case("l-equal-to-body", craft(message(), [], length=len(CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
                                                         .canonicalize_body(BODY))) + message())
case("l-beyond-body", craft(message(), [], length=10000) + message())


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.errors = []

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def verify_all(octets):
    """dkimpy's verdict for each DKIM-Signature, top to bottom."""
    count = dkim.DKIM(octets).headers
    count = len([1 for name, _ in count if name.lower() == b"dkim-signature"])
    verdicts, reasons = [], []
    for idx in range(count):
        collect = Collect()
        log = logging.getLogger("dkimpy-corpus-%d" % idx)
        log.handlers = [collect]
        log.propagate = False
        d = dkim.DKIM(octets, logger=log, minkey=1024)
        try:
            ok = bool(d.verify(idx=idx, dnsfunc=dnsfunc))
            why = "; ".join(collect.errors)
        except dkim.DKIMException as e:
            ok, why = False, "%s: %s" % (type(e).__name__, e)
        except Exception as e:  # dkimpy lets some errors of its libraries through: still not a pass
            ok, why = False, "uncaught %s: %s" % (type(e).__name__, e)
        verdicts.append("pass" if ok else "fail")
        reasons.append("" if ok else (why or "signature did not verify"))
    return verdicts, reasons


def main(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "keys.tsv"), "w") as f:
        for selector, text in KEYS.items():
            f.write("%s\t%s\n" % (key_name(selector).decode("ascii").rstrip("."), text))
    with open(os.path.join(out, "manifest.tsv"), "w") as f:
        lines = []
        for case_id, octets in CASES:
            name = case_id + ".eml"
            with open(os.path.join(out, name), "wb") as m:
                m.write(octets)
            verdicts, reasons = verify_all(octets)
            clean = [r.replace("\t", " ").replace("\n", " ").replace("\r", " ") for r in reasons]
            lines.append("%s\t%s\t%s\t%s\n" % (case_id, name, ",".join(verdicts), " | ".join(clean)))
        # The time dkimpy's verdicts hold for: the Java side judges x= by the same clock.
        f.write("#now\t%d\n" % int(time.time()))
        f.writelines(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: dkimpy_corpus.py OUTPUT_DIRECTORY")
    main(sys.argv[1])
