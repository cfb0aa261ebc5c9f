package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.benchmarks.load.SmtpSourceCommand.Shape;
import dev.gatekeeper.benchmarks.load.SmtpSourceComparison.Settings;
import dev.gatekeeper.benchmarks.load.SmtpSourceConf.Pipeline;
import dev.gatekeeper.sandbox.JamesRelease;
import org.junit.jupiter.api.Test;

/** The smtp-source driver's parameters: each default pinned, as benchmarks/smtp-source.md lists them. */
class SmtpSourceComparisonTest {

    @Test
    void defaults() {
        Settings s = Settings.parse();
        assertThat(s.release()).isEqualTo(JamesRelease.NEWEST);
        assertThat(s.shape()).isEqualTo(Shape.CONNECTION);
        assertThat(s.pipeline()).isEqualTo(Pipeline.SINK);
        assertThat(s.sessions()).isEqualTo(50);
        assertThat(s.messages()).isEqualTo(2000);
        assertThat(s.length()).isEqualTo(2048);
        assertThat(s.rounds()).isEqualTo(3);
        assertThat(s.warmup()).isEqualTo(2000);
        assertThat(s.soa()).isTrue();
        assertThat(s.jfr()).isNull();
        assertThat(s.jvmArg()).isNull();
        assertThat(s.smtpSource()).isEqualTo("/usr/sbin/smtp-source");
        assertThat(s.second()).isEqualTo(SmtpSourceComparison.Second.HOOKS);
        assertThat(s.boots()).isEqualTo(1);
    }

    @Test
    void everyParameterIsRead() {
        Settings s = Settings.parse("james=3.8.1", "shape=session", "pipeline=mailbox", "sessions=20", "messages=500",
                "length=100", "rounds=5", "warmup=16000", "soa=false", "jfr=/tmp/jfr", "jvmArg=-Xint",
                "smtpSource=/opt/postfix/smtp-source", "second=plain", "boots=4");
        assertThat(s).isEqualTo(new Settings(JamesRelease.of("3.8.1"), Shape.SESSION, Pipeline.MAILBOX, 20, 500, 100, 5,
                16000, false, "/tmp/jfr", "-Xint", "/opt/postfix/smtp-source", SmtpSourceComparison.Second.PLAIN, 4));
        assertThat(s).hasToString("James 3.8.1, shape=session pipeline=mailbox, sessions 20, 500 messages of 100 octets "
                + "a run, 5 rounds, zones without SOA, second=plain, 4 boots");
        assertThat(Settings.parse("second=jar").second()).isEqualTo(SmtpSourceComparison.Second.JAR);
    }

    @Test
    void theWarmUpDefaultsToOneRunOfMessages() {
        assertThat(Settings.parse("messages=300").warmup()).isEqualTo(300);
    }

    @Test
    void unknownShapesPipelinesAndNamesAreRefused() {
        assertThatThrownBy(() -> Settings.parse("shape=burst")).hasMessageStartingWith("shape must be one of");
        assertThatThrownBy(() -> Settings.parse("pipeline=null")).hasMessageStartingWith("pipeline must be one of");
        assertThatThrownBy(() -> Settings.parse("mailets=true")).hasMessageStartingWith("unknown argument mailets");
        assertThatThrownBy(() -> Settings.parse("boots=0")).hasMessageContaining("boots");
        assertThatThrownBy(() -> Settings.parse("second=spamassassin")).hasMessageStartingWith("second must be one of");
    }

    @Test
    void theSinkRepositoryIsNamedInWebAdminByItsEncodedPath() {
        assertThat(SinkRepository.encodedPath("memory://var/mail/sink/")).isEqualTo("var%2Fmail%2Fsink%2F");
    }
}
