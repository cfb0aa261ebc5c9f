package dev.gatekeeper.sandbox;

import static dev.gatekeeper.sandbox.DemoStep.data;
import static dev.gatekeeper.sandbox.DemoStep.ehlo;
import static dev.gatekeeper.sandbox.DemoStep.mail;
import static dev.gatekeeper.sandbox.DemoStep.rcpt;
import static dev.gatekeeper.sandbox.DemoStep.reconnectAfter;
import static dev.gatekeeper.sandbox.Expected.always;
import static dev.gatekeeper.sandbox.Expected.gatekeeper;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sandbox's ready transactions, over the DNS data of {@code conf/sandbox.zone} and the
 * peers of {@link PeerMta}. The expectations with Gatekeeper are the replies of the policy
 * reply catalog's defaults ({@code dev.gatekeeper.policy.Reason}) with rejections delayed to
 * RCPT, as {@code conf/gatekeeper-policy.xml} configures them; "James alone" is what plain
 * James 3.8.1 answers with the same {@code conf/}.
 */
public final class Demos {
    /** The local user that receives the demos' mail. */
    public static final String RECIPIENT = "bob@gatekeeper.test";
    public static final String RECIPIENT_PASSWORD = "bob-sandbox";
    /** The local user that relays with SMTP AUTH. */
    public static final String SUBMITTER = "alice@gatekeeper.test";
    public static final String SUBMITTER_PASSWORD = "alice-sandbox";

    /** Designated by every sandbox domain's SPF record (mta.sandbox.test). */
    public static final String DESIGNATED = "127.0.0.10";
    /** Designated by no domain. */
    public static final String FORGER = "127.0.0.11";

    // The DNS list clients of conf/sandbox.zone (its header's table), sending as lists.sandbox.test,
    // which designates them; conf/gatekeeper-policy.xml weighs the lists.
    /** On the block list as a spam source (weight 3): above the threshold of 2, refused. */
    public static final String LISTED = "127.0.0.41";
    /** On the block list and the allow list (-5): score -2, neither refused nor greylisted. */
    public static final String ALLOWLISTED = "127.0.0.42";
    /** The block list answers 127.0.0.20, a code no filter of the policy takes: score 0. */
    public static final String FILTERED = "127.0.0.43";
    /** The block list answers 127.255.255.254, an error code, never a listing: score 0. */
    public static final String ERROR_REPLY = "127.0.0.44";
    /** On the block list as a dynamic address (weight 1): doubtful, so greylisted. */
    public static final String DYNAMIC = "127.0.0.45";

    /** {@code <greylist><delay>} in conf/smtpserver.xml. */
    static final Duration GREYLIST_DELAY = Duration.ofSeconds(3);

    static final String GREETING = "220 mx.gatekeeper.test ESMTP Apache James with Gatekeeper";
    static final String EHLO_DONE = "250 8BITMIME";
    static final String DATA_DONE = "250 2.6.0 Message received";

    private static final List<Demo> ALL = List.of(
        Demo.named("spf-pass").title("SPF pass: delivered")
            .why("pass.sandbox.test designates mta.sandbox.test = 127.0.0.10 (a:mta.sandbox.test -all)")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("alice@pass.sandbox.test", always(senderOk("alice@pass.sandbox.test"))))
            .step(rcpt(RECIPIENT, always(recipientOk(RECIPIENT))))
            .step(data(message("alice@pass.sandbox.test", "spf-pass"), always(DATA_DONE)))
            .build(),
        Demo.named("spf-fail").title("SPF fail: rejected at RCPT with the domain's explanation")
            .why("fail.sandbox.test: ip4:127.0.0.10 -all exp=why.fail.sandbox.test; the client is 127.0.0.11")
            .from(FORGER)
            .step(ehlo("forger.sandbox.test", always(EHLO_DONE)))
            .step(mail("mallory@fail.sandbox.test", always(senderOk("mallory@fail.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.7.23 SPF: 127.0.0.11 may not send mail for mallory@fail.sandbox.test: 127.0.0.11 is not one of fail.sandbox.test's mail servers",
                recipientOk(RECIPIENT))))
            .step(data(message("mallory@fail.sandbox.test", "spf-fail"), gatekeeper(null, DATA_DONE)))
            .build(),
        Demo.named("spf-softfail").title("SPF softfail: accepted, tagged in Received-SPF")
            .why("softfail.sandbox.test: ip4:127.0.0.10 ~all; the client is 127.0.0.11")
            .from(FORGER)
            .step(ehlo("forger.sandbox.test", always(EHLO_DONE)))
            .step(mail("carol@softfail.sandbox.test", always(senderOk("carol@softfail.sandbox.test"))))
            .step(rcpt(RECIPIENT, always(recipientOk(RECIPIENT))))
            .step(data(message("carol@softfail.sandbox.test", "spf-softfail"), always(DATA_DONE)))
            .build(),
        Demo.named("spf-temperror").title("SPF temperror: deferred, the client retries")
            .why("the DNS server answers SERVFAIL for temperror.sandbox.test")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("dave@temperror.sandbox.test", always(senderOk("dave@temperror.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "451 4.7.24 SPF: the sender's DNS did not answer, try again later", recipientOk(RECIPIENT))))
            .build(),
        Demo.named("null-sender-helo-fail").title("Null sender: SPF checks the HELO name, fail rejected")
            .why("MAIL FROM:<> is checked as postmaster@fail.sandbox.test (RFC 7208 section 2.4); client 127.0.0.11")
            .from(FORGER)
            .step(ehlo("fail.sandbox.test", always(EHLO_DONE)))
            .step(mail("", always(senderOk(""))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.7.23 SPF: 127.0.0.11 may not send mail for postmaster@fail.sandbox.test: 127.0.0.11 is not one of fail.sandbox.test's mail servers",
                recipientOk(RECIPIENT))))
            .build(),
        Demo.named("callout-rejected").title("Callout: the sender's own mail host refuses the sender")
            .why("reject.sandbox.test's MX is the peer on 127.0.0.22, which answers RCPT with 550 5.1.1")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("nobody@reject.sandbox.test", always(senderOk("nobody@reject.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.1.7 <nobody@reject.sandbox.test>: Sender address rejected: undeliverable address",
                recipientOk(RECIPIENT))))
            .build(),
        Demo.named("callout-greylisted").title("Callout: the sender's mail host greylists, so we defer")
            .why("greylist.sandbox.test's MX is the peer on 127.0.0.23, which answers RCPT with 451 4.7.1")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("grace@greylist.sandbox.test", always(senderOk("grace@greylist.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "450 4.1.7 <grace@greylist.sandbox.test>: Sender address rejected: "
                    + "address verification in progress, try again later",
                recipientOk(RECIPIENT))))
            .build(),
        Demo.named("null-mx-sender").title("Null MX: a sender whose domain takes no mail is refused")
            .why("nullmx.sandbox.test publishes MX 0 . (RFC 7505): no reply could ever reach the sender")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("erin@nullmx.sandbox.test", always(senderOk("erin@nullmx.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.7.27 <erin@nullmx.sandbox.test>: Sender address rejected: domain accepts no mail (null MX)",
                recipientOk(RECIPIENT))))
            .build(),
        Demo.named("relay-denied").title("Relay denied: an outside client may not send elsewhere")
            .why("127.0.0.10 is neither trusted nor authenticated; outside.sandbox.test is not James's domain")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(mail("alice@pass.sandbox.test", always(senderOk("alice@pass.sandbox.test"))))
            .step(rcpt("friend@outside.sandbox.test", gatekeeper(
                "550 5.7.1 <friend@outside.sandbox.test>: Relay access denied",
                "530 5.7.1 Authentication Required")))
            .build(),
        Demo.named("relay-auth").title("Relay with SMTP AUTH: a James user sends out, through the accepting peer")
            .why("alice@gatekeeper.test authenticates (AUTH PLAIN); James then relays to outside.sandbox.test's MX, 127.0.0.21")
            .from(DESIGNATED)
            .step(ehlo("mta.sandbox.test", always(EHLO_DONE)))
            .step(DemoStep.authPlain(SUBMITTER, SUBMITTER_PASSWORD, always("235 Authentication Successful")))
            .step(mail(SUBMITTER, always(senderOk(SUBMITTER))))
            .step(rcpt("friend@outside.sandbox.test", always(recipientOk("friend@outside.sandbox.test"))))
            .step(data(message(SUBMITTER, "relay-auth"), always(DATA_DONE)))
            .build(),
        Demo.named("helo-forged").title("HELO rule: a client that claims to be this server")
            .why("127.0.0.11 greets with James's own name, mx.gatekeeper.test")
            .from(FORGER)
            .step(ehlo("mx.gatekeeper.test", always(EHLO_DONE)))
            .step(mail("mallory@forger.sandbox.test", always(senderOk("mallory@forger.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.7.1 <mx.gatekeeper.test>: Helo command rejected: You are not me",
                recipientOk(RECIPIENT))))
            .build(),
        Demo.named("dnsbl-weighted-reject").title("DNS lists: a client scored above the threshold is refused at RCPT")
            .why("bl.sandbox.test lists 127.0.0.41 as a spam source (127.0.0.2, weight 3); score 3 is above 2, decided at connect")
            .from(LISTED)
            .step(ehlo("listed.sandbox.test", always(EHLO_DONE)))
            .step(mail("frank@lists.sandbox.test", always(senderOk("frank@lists.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "550 5.7.1 Service unavailable; Client host [127.0.0.41] blocked using bl.sandbox.test",
                recipientOk(RECIPIENT))))
            .step(data(message("frank@lists.sandbox.test", "dnsbl-weighted-reject"), gatekeeper(null, DATA_DONE)))
            .build(),
        Demo.named("dnsbl-allowlisted").title("DNS lists: the allow list outweighs the block list, delivered at once")
            .why("127.0.0.42 is on bl.sandbox.test (weight 3) and wl.sandbox.test (weight -5): score -2, not refused nor greylisted")
            .from(ALLOWLISTED)
            .step(ehlo("allowlisted.sandbox.test", always(EHLO_DONE)))
            .step(mail("carol@lists.sandbox.test", always(senderOk("carol@lists.sandbox.test"))))
            .step(rcpt(RECIPIENT, always(recipientOk(RECIPIENT))))
            .step(data(message("carol@lists.sandbox.test", "dnsbl-allowlisted"), always(DATA_DONE)))
            .build(),
        Demo.named("greylist-then-pass").title("Greylisting: a doubtful client is deferred, retries after the delay, passes")
            .why("bl.sandbox.test lists 127.0.0.45 as a dynamic address (127.0.0.10, weight 1): score 1, doubtful; the delay is "
                + GREYLIST_DELAY.toSeconds() + " s here (5 minutes by default)")
            .from(DYNAMIC)
            .step(ehlo("dynamic.sandbox.test", always(EHLO_DONE)))
            .step(mail("heidi@lists.sandbox.test", always(senderOk("heidi@lists.sandbox.test"))))
            .step(rcpt(RECIPIENT, gatekeeper(
                "450 4.7.1 <" + RECIPIENT + ">: Recipient address rejected: Greylisted, try again in "
                    + GREYLIST_DELAY.toSeconds() + " seconds",
                recipientOk(RECIPIENT))))
            .step(reconnectAfter(GREYLIST_DELAY.plusSeconds(1), always(GREETING)))
            .step(ehlo("dynamic.sandbox.test", always(EHLO_DONE)))
            .step(mail("heidi@lists.sandbox.test", always(senderOk("heidi@lists.sandbox.test"))))
            .step(rcpt(RECIPIENT, always(recipientOk(RECIPIENT))))
            .step(data(message("heidi@lists.sandbox.test", "greylist-then-pass"), always(DATA_DONE)))
            .build());

    private Demos() {
    }

    public static List<Demo> all() {
        return ALL;
    }

    public static Optional<Demo> named(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    static String senderOk(String sender) {
        return "250 2.1.0 Sender <" + sender + "> OK";
    }

    static String recipientOk(String recipient) {
        return "250 2.1.5 Recipient <" + recipient + "> OK";
    }

    private static String message(String from, String demo) {
        return "From: <" + from + ">\r\nTo: <" + RECIPIENT + ">\r\nSubject: Gatekeeper sandbox demo " + demo
            + "\r\nMessage-ID: <" + demo + "@sandbox.test>\r\n\r\nSent by the Gatekeeper sandbox demo \"" + demo + "\".\r\n";
    }
}
