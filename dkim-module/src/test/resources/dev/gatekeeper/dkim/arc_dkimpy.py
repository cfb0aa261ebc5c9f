"""Seal and verify ARC chains with dkimpy, for ArcDkimpyComparisonTest.

  arc_dkimpy.py seal KEY.pem TIMESTAMP SRV:DOMAIN:SELECTOR [SRV:DOMAIN:SELECTOR ...] < message > sealed
      Adds one ARC set per hop, in order, the way each hop would: an Authentication-Results of
      its own first (spf=pass at the first hop, arc=pass after it, from which dkimpy takes cv=),
      then dkim.arc_sign's set on top. RSA only: arc_sign always signs rsa-sha256.
  arc_dkimpy.py verify NAME=RECORD [NAME=RECORD ...] -- MESSAGE_FILE [MESSAGE_FILE ...]
      Prints dkim.arc_verify's chain result (pass, fail or none) and its reason, one line per
      message file, the key records answered from the arguments, never from the network.
"""
import sys

import dkim


def seal(args):
    key = open(args[0], "rb").read()
    timestamp = args[1]
    message = sys.stdin.buffer.read()
    for n, hop in enumerate(args[2:]):
        srv, domain, selector = hop.split(":")
        if n == 0:
            results = "spf=pass smtp.mailfrom=origin.example"
        else:
            results = "arc=pass smtp.remote-ip=127.0.0.%d" % (10 + n)
        message = ("Authentication-Results: %s; %s\r\n" % (srv, results)).encode("ascii") + message
        fields = dkim.arc_sign(message, selector.encode(), domain.encode(), key, srv.encode(),
                               include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
                               timestamp=timestamp)
        if not fields:
            raise SystemExit("dkimpy made no ARC set for hop %s" % hop)
        message = b"".join(fields) + message
    sys.stdout.buffer.write(message)


def verify(args):
    split = args.index("--")
    records = {}
    for arg in args[:split]:
        name, record = arg.split("=", 1)
        records[name.lower().rstrip(".")] = record.encode("ascii")

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        return records.get(name.lower().rstrip("."))

    for path in args[split + 1:]:
        with open(path, "rb") as f:
            message = f.read()
        cv, results, reason = dkim.arc_verify(message, dnsfunc=dnsfunc)
        # A chain that a seal ended with cv=fail is None to dkimpy: RFC 8617 calls it fail.
        status = cv.decode("ascii") if isinstance(cv, bytes) else "fail" if cv is None else str(cv)
        print("%s %s" % (status, reason))


if __name__ == "__main__":
    {"seal": seal, "verify": verify}[sys.argv[1]](sys.argv[2:])
