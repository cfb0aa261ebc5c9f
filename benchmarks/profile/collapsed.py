#!/usr/bin/env python3
"""Reads async-profiler's collapsed stacks ("collapsed,ann", cpu event) of plain James and of
James with Gatekeeper's hooks, each recorded during the timed rounds, and prints James's CPU a
message by activity, by the compiler tier of the running frame, and by the Java method making
system calls; and the James methods whose work grew most.

    collapsed.py PLAIN.collapsed HOOKS.collapsed PLAIN_MS HOOKS_MS

PLAIN_MS and HOOKS_MS are each James's CPU a message over the timed rounds, as the driver prints
it ("James CPU ... ms/msg"); each row is its share of that James's samples times that figure.
See profile/README.md.
"""
import collections
import re
import sys

LAMBDA = re.compile(r"\$\$Lambda\$?[0-9]*[./]?(0x[0-9a-f]+)?(\.[0-9]+)?")
TIER = re.compile(r"_\[(\w)\]$")
TIERS = {"j": "C2", "i": "C2 (inlined)", "1": "C1", "0": "interpreted"}


def activity(frames):
    """The first rule that matches names the sample's activity."""
    text = ";".join(frames)
    if "dev/gatekeeper/" in text:
        return "Gatekeeper's code (and what it calls)"
    if "CompileBroker" in text:
        return "JIT compiler"
    if re.search(r"G1|GangWorker|ConcurrentGCThread|GCTask|WorkerThread::run", text):
        return "garbage collector"
    if "JamesMailSpooler" in text or "MailetProcessor" in text or "MemoryMailQueue" in text:
        return "James: mail spooler and mailets"
    if "io/netty/" in text and "org/apache/james/" in text:
        return "James: SMTP session (Netty)"
    if "io/netty/" in text:
        return "Netty: event loop, sockets"
    return "other"


def load(path):
    samples = []
    for line in open(path, encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        frames = [LAMBDA.sub("$$Lambda", f) for f in stack.split(";")]
        samples.append((frames, int(count)))
    return samples


def tier(frames):
    for f in reversed(frames):
        m = TIER.search(f)
        if m and m.group(1) in TIERS:
            return "C2" if m.group(1) in "ji" else TIERS[m.group(1)]
    return "native (JVM, kernel, libc)"


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    plain, hooks = load(argv[1]), load(argv[2])
    plain_us, hooks_us = 1000.0 * float(argv[3]), 1000.0 * float(argv[4])
    plain_total, hooks_total = sum(n for _, n in plain), sum(n for _, n in hooks)

    def table(title, key):
        a, b = collections.Counter(), collections.Counter()
        for frames, n in plain:
            a[key(frames)] += n
        for frames, n in hooks:
            b[key(frames)] += n
        print(f"\n| {title} | plain James, µs a message | with the hooks | difference |")
        print("|---|---:|---:|---:|")
        for k in sorted(set(a) | set(b), key=lambda k: -(b[k] + a[k])):
            pa, pb = plain_us * a[k] / plain_total, hooks_us * b[k] / hooks_total
            print(f"| {k} | {pa:.0f} | {pb:.0f} | {pb - pa:+.0f} |")
        print(f"| **all** ({plain_total} and {hooks_total} samples) | **{plain_us:.0f}** | **{hooks_us:.0f}** "
              f"| **{hooks_us - plain_us:+.0f}** |")

    table("activity", activity)
    table("compiler tier of the running frame", tier)

    def syscall_site(frames):
        if not any("do_syscall_64" in f for f in frames):
            return None
        java = [TIER.sub("", f) for f in frames if TIER.search(f) and TIER.search(f).group(1) in TIERS]
        return java[-1] if java else "(no Java frame)"

    a, b = collections.Counter(), collections.Counter()
    for frames, n in plain:
        s = syscall_site(frames)
        if s:
            a[s] += n
    for frames, n in hooks:
        s = syscall_site(frames)
        if s:
            b[s] += n
    print("\n| system calls, by the Java method making them | plain | with the hooks | difference |")
    print("|---|---:|---:|---:|")
    for k in sorted(set(a) | set(b), key=lambda k: -(b[k] + a[k]))[:8]:
        pa, pb = plain_us * a[k] / plain_total, hooks_us * b[k] / hooks_total
        print(f"| `{k}` | {pa:.1f} | {pb:.1f} | {pb - pa:+.1f} |")

    # Each sample goes to the innermost James method on it: that method's own work and the JDK and
    # library code it called (MailImpl.duplicate's copying, a header parse, ...).
    def innermost_james(samples):
        c = collections.Counter()
        for frames, n in samples:
            if any(f.startswith("dev/gatekeeper/") for f in frames):
                continue
            james = [TIER.sub("", f) for f in frames if f.startswith("org/apache/james/")]
            if james:
                c[james[-1]] += n
        return c

    a, b = innermost_james(plain), innermost_james(hooks)
    print("\n| the innermost James method, outside Gatekeeper's frames: the ones that grew most | plain | with the hooks | difference |")
    print("|---|---:|---:|---:|")
    grown = sorted(set(a) | set(b), key=lambda k: -(hooks_us * b[k] / hooks_total - plain_us * a[k] / plain_total))
    for k in grown[:10]:
        pa, pb = plain_us * a[k] / plain_total, hooks_us * b[k] / hooks_total
        print(f"| `{k}` | {pa:.1f} | {pb:.1f} | {pb - pa:+.1f} |")

if __name__ == "__main__":
    main(sys.argv)
