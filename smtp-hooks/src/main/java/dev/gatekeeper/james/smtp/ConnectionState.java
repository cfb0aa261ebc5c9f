package dev.gatekeeper.james.smtp;

import dev.gatekeeper.policy.PolicySession;
import dev.gatekeeper.policy.Stage;
import dev.gatekeeper.policy.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.protocols.api.ProtocolSession;

/**
 * What Gatekeeper keeps for one SMTP connection, in James's session (connection state, so RSET
 * and a new transaction keep it): the policy session, its checks, and what the verdicts said so
 * far, for the mail attributes.
 */
final class ConnectionState {

    static final ProtocolSession.AttachmentKey<ConnectionState> KEY =
            ProtocolSession.AttachmentKey.of("dev.gatekeeper.connection", ConnectionState.class);

    /** Where {@link #RECORDS} keeps {@code stage:warn}: after the answers. */
    private static final int WARN = Verdict.Answer.values().length;
    /** Every {@code stage:outcome} string, made once: one is recorded at every stage of every connection. */
    private static final String[][] RECORDS = new String[Stage.values().length][WARN + 1];

    static {
        for (Stage stage : Stage.values()) {
            for (Verdict.Answer answer : Verdict.Answer.values()) {
                RECORDS[stage.ordinal()][answer.ordinal()] = stage.keyword() + ":" + answer.name().toLowerCase(Locale.ROOT);
            }
            RECORDS[stage.ordinal()][WARN] = stage.keyword() + ":warn";
        }
    }

    final InetAddress client;
    final PolicySession policy;
    final SessionChecks checks;
    final String helloName;

    private Stage stage = Stage.CONNECT;
    private String helo = "";
    private final List<String> sessionVerdicts = new ArrayList<>();
    private final List<String> sessionWarnings = new ArrayList<>();
    private final List<String> transactionVerdicts = new ArrayList<>();
    private final List<String> transactionWarnings = new ArrayList<>();

    ConnectionState(InetAddress client, PolicySession policy, SessionChecks checks, String helloName) {
        this.client = client;
        this.policy = policy;
        this.checks = checks;
        this.helloName = helloName;
    }

    /** The name the client gave in its last HELO/EHLO ("" before). */
    synchronized String helo() {
        return helo;
    }

    synchronized void helo(String name) {
        this.helo = name == null ? "" : name.strip();
    }

    synchronized Stage stage() {
        return stage;
    }

    synchronized void enter(Stage s) {
        this.stage = s;
        if (s == Stage.MAIL || s == Stage.HELO) {
            transactionVerdicts.clear();
            transactionWarnings.clear();
        }
        if (s == Stage.HELO) {
            sessionVerdicts.removeIf(v -> v.startsWith("helo:"));
        }
    }

    /** Records a verdict as {@code stage:outcome} ({@code stage:warn} when a rule only warned). */
    synchronized void record(Verdict v) {
        boolean session = v.stage() == Stage.CONNECT || v.stage() == Stage.HELO;
        List<String> verdicts = session ? sessionVerdicts : transactionVerdicts;
        List<String> warnings = session ? sessionWarnings : transactionWarnings;
        boolean warned = v.answer() == Verdict.Answer.DUNNO && !v.warnings().isEmpty();
        verdicts.add(RECORDS[v.stage().ordinal()][warned ? WARN : v.answer().ordinal()]);
        warnings.addAll(v.warnings());
    }

    synchronized List<String> verdicts() {
        List<String> all = new ArrayList<>(sessionVerdicts);
        all.addAll(transactionVerdicts);
        return all;
    }

    synchronized List<String> warnings() {
        List<String> all = new ArrayList<>(sessionWarnings);
        all.addAll(transactionWarnings);
        return all;
    }
}
