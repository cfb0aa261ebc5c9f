package dev.gatekeeper.benchmarks.profile;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides where one sampled stack of a running James spent its time: in which SMTP stage of
 * Gatekeeper's handler (connect, HELO, MAIL, RCPT, end of DATA, the reply rewrite of other hooks'
 * answers, or outside any hook, on a thread of the engines' own) and doing what (client-name
 * lookup, policy session set-up, SPF, callout cache, header rendering, ...), or, for a stack with
 * no Gatekeeper frame on it, which part of James's own work.
 *
 * <p>The stage is read from the root up: the {@code GatekeeperHandler} hook method nearest the
 * thread's root (its lambdas carry the method's name, {@code lambda$doRcpt$2}). The activity is
 * the first rule of {@link #ACTIVITIES} that some frame of the stack matches: the rules go from
 * the most specific work to the most general, so a stack through the RCPT hook, the policy's rules
 * and the callout cache is "RCPT / callout cache", not "RCPT / policy rules". Logging is decided
 * first and by position: a logger frame whose caller is a Gatekeeper frame is Gatekeeper's
 * logging, whatever it logs.
 */
public final class StageClassifier {

    /** A frame of a sampled stack: the method's class (binary name) and the method's name. */
    public record Frame(String className, String methodName) {
        public Frame {
            Objects.requireNonNull(className, "className");
            Objects.requireNonNull(methodName, "methodName");
        }

        /** {@code Class.method}, for a frame given as one string. */
        public static Frame of(String classDotMethod) {
            int dot = classDotMethod.lastIndexOf('.');
            return new Frame(classDotMethod.substring(0, dot), classDotMethod.substring(dot + 1));
        }

        boolean inPackage(String prefix) {
            return className.startsWith(prefix);
        }

        boolean is(String simpleClass, String... methods) {
            if (!className.equals(GATEKEEPER + simpleClass) && !className.startsWith(GATEKEEPER + simpleClass + "$")) {
                return false;
            }
            if (methods.length == 0) {
                return true;
            }
            for (String m : methods) {
                if (methodName.equals(m) || methodName.startsWith("lambda$" + m + "$")) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return className + "." + methodName;
        }
    }

    /** What a stack was classified as. */
    public record Stage(String stage, String activity, boolean gatekeeper) {
        /** The table's row name: {@code RCPT / callout cache}. */
        public String label() {
            return stage + " / " + activity;
        }
    }

    static final String GATEKEEPER = "dev.gatekeeper.";
    private static final String HANDLER = "james.smtp.GatekeeperHandler";
    /** Stage name of Gatekeeper work on a thread no hook called (DNS answers, timers, callout probes). */
    public static final String ASYNC = "no hook (engine threads)";
    /** Stage name of James's own work. */
    public static final String JAMES = "James";

    private record Rule(String activity, Predicate<Frame> matches) {
    }

    private static Rule rule(String activity, Predicate<Frame> matches) {
        return new Rule(activity, matches);
    }

    /** Most specific first: the first rule that any frame matches names the activity. */
    private static final List<Rule> ACTIVITIES = List.of(
            rule("client name (FCrDNS)", f -> f.is("james.smtp.ClientName") || f.is(HANDLER, "clientName")),
            rule("callout cache", f -> f.is("callout.CalloutCache") || f.is("callout.SharedVerdict")),
            rule("callout (verifier, probe)", f -> f.inPackage(GATEKEEPER + "callout.")),
            rule("header rendering", f -> f.is("spf.ReceivedSpfHeader") || f.is("spf.AuthenticationResultsSpf")
                    || f.is("spf.AuthenticationResultsField") || f.is("spf.HeaderText")
                    || f.is("james.smtp.MessageStamp", "prependHeaders", "authenticationResults")
                    || f.is("james.common.MessageRewrite") || f.is("james.common.ForgedAuthenticationResults")),
            rule("attribute writing", f -> f.is("james.smtp.MessageStamp", "setAttributes", "setGreylistDelay")
                    || f.is("james.common.GatekeeperAttributes") || f.is("james.common.MailSpf")),
            rule("DMARC reports", f -> f.is("james.smtp.MessageStamp", "countForReports") || f.is("dmarc.DmarcReportRecord")
                    || f.is("dmarc.DmarcReportStore")),
            rule("DKIM / ARC / DMARC", f -> f.inPackage(GATEKEEPER + "dkim.") || f.inPackage(GATEKEEPER + "dmarc.")
                    || f.is("james.smtp.MessageStamp", "authenticate") || f.is(HANDLER, "startVerification")),
            rule("SPF", f -> f.inPackage(GATEKEEPER + "spf.")
                    || f.is("james.smtp.SessionChecks", "mailFromVerdict", "heloVerdict", "mailFromSpf", "heloSpf", "bounded", "spfCheck")
                    || f.is(HANDLER, "startHeaderSpf")),
            rule("rate counters", f -> f.is("policy.RateCondition") || f.inPackage(GATEKEEPER + "state.")),
            rule("DNS lists / greylist", f -> f.inPackage(GATEKEEPER + "reputation.") || f.is("policy.DnsblCondition")
                    || f.is("policy.DnsblScoreCondition") || f.is("policy.GreylistCondition") || f.is("policy.DnsListAnswers")),
            rule("policy session set-up", f -> f.is("policy.PolicyEngine", "create", "openSession", "<init>")
                    || f.is("policy.PolicySession", "<init>") || f.is("james.smtp.SessionChecks", "<init>")
                    || f.is("policy.EngineChecks", "of") || f.is("james.smtp.ConnectionState", "<init>")
                    || f.is(HANDLER, "engines") || f.is("policy.ClientFacts")),
            rule("policy trace", f -> f.is("policy.PolicyTrace")),
            rule("reply building", f -> f.is("james.smtp.HookResults") || f.is("policy.SmtpReply") || f.is("policy.ReplyTemplate")
                    || f.is("policy.ReplyCatalog") || f.is("policy.ReplyValues") || f.is("james.smtp.ReplyRewrite")),
            rule("policy rules", f -> f.inPackage(GATEKEEPER + "policy.")),
            rule("mail syntax", f -> f.inPackage(GATEKEEPER + "mail.")),
            rule("DNS resolver", f -> f.inPackage(GATEKEEPER + "dns.") || f.inPackage(GATEKEEPER + "shaded.org.xbill.")),
            rule("message size", f -> f.is("james.smtp.MessageStamp", "messageSize")),
            rule("verdict bookkeeping", f -> f.is("james.smtp.ConnectionState")),
            rule("hook plumbing (waits, futures, session attachment)", f -> f.inPackage(GATEKEEPER)));

    /** James's own work, when no Gatekeeper frame is on the stack: most specific first, as above. */
    private static final List<Rule> JAMES_ACTIVITIES = List.of(
            rule("WebAdmin (the driver's delivery count)", f -> f.inPackage("org.apache.james.webadmin.") || f.inPackage("spark.")),
            rule("mailbox delivery", f -> f.inPackage("org.apache.james.mailbox.") || f.inPackage("org.apache.james.jmap.")
                    || f.inPackage("org.apache.james.transport.mailets.delivery.")),
            rule("mail queue and mailet container", f -> f.inPackage("org.apache.james.mailetcontainer.")
                    || f.inPackage("org.apache.james.queue.") || f.inPackage("org.apache.james.transport.")),
            rule("SMTP session (protocols, Netty)", f -> f.inPackage("org.apache.james.protocols.")
                    || f.inPackage("org.apache.james.smtpserver.") || f.inPackage("io.netty.")),
            rule("other", f -> true));

    private static final List<String> LOGGING = List.of("org.slf4j.", "ch.qos.logback.", "org.apache.logging.", "org.apache.log4j.",
            GATEKEEPER + "shaded.org.slf4j.");

    private StageClassifier() {
    }

    /**
     * Classifies one stack.
     *
     * @param framesTopFirst the stack as JFR gives it: the executing method first, the thread's root last
     */
    public static Stage classify(List<Frame> framesTopFirst) {
        boolean gatekeeper = framesTopFirst.stream().anyMatch(f -> f.inPackage(GATEKEEPER));
        if (!gatekeeper) {
            return new Stage(JAMES, firstMatch(JAMES_ACTIVITIES, framesTopFirst), false);
        }
        return new Stage(hookStage(framesTopFirst), gatekeeperActivity(framesTopFirst), true);
    }

    private static String gatekeeperActivity(List<Frame> frames) {
        if (loggedByGatekeeper(frames)) {
            return "logging";
        }
        return firstMatch(ACTIVITIES, frames);
    }

    /** A logger frame (from the top) whose first non-logger caller is Gatekeeper's. */
    private static boolean loggedByGatekeeper(List<Frame> frames) {
        boolean inLogger = false;
        for (Frame f : frames) {
            boolean logger = LOGGING.stream().anyMatch(f::inPackage);
            if (logger) {
                inLogger = true;
            } else if (inLogger) {
                return f.inPackage(GATEKEEPER);
            }
        }
        return false;
    }

    private static String firstMatch(List<Rule> rules, List<Frame> frames) {
        for (Rule r : rules) {
            for (Frame f : frames) {
                if (r.matches.test(f)) {
                    return r.activity;
                }
            }
        }
        return "other";
    }

    /** The hook method of GatekeeperHandler nearest the root, or {@link #ASYNC} when none is on the stack. */
    private static String hookStage(List<Frame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            Frame f = frames.get(i);
            if (f.is(HANDLER, "onConnect")) {
                return "connect";
            }
            if (f.is(HANDLER, "doHelo")) {
                return "HELO";
            }
            if (f.is(HANDLER, "doMail")) {
                return "MAIL";
            }
            if (f.is(HANDLER, "doRcpt")) {
                return "RCPT";
            }
            if (f.is(HANDLER, "onMessage")) {
                return "end of DATA";
            }
            if (f.is(HANDLER, "onHookResult")) {
                return "reply rewrite (every hook)";
            }
        }
        return ASYNC;
    }
}
