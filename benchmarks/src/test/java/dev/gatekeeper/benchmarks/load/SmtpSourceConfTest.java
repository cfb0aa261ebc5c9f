package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.benchmarks.load.SmtpSourceConf.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conf/ the smtp-source driver boots both Jameses from, edited from the repository's own. */
class SmtpSourceConfTest {
    /** Surefire runs in benchmarks/. */
    private static final Path CONF = Path.of("../conf");

    @TempDir
    Path dir;

    @Test
    void localhostIsNoLongerTrustedByJamesNorByThePolicy() throws IOException {
        Path conf = SmtpSourceConf.prepare(CONF, dir.resolve("conf"), Pipeline.MAILBOX);
        assertThat(Files.readString(conf.resolve("smtpserver.xml")))
                .contains("<authorizedAddresses>127.0.0.254/32</authorizedAddresses>")
                .doesNotContain("<authorizedAddresses>127.0.0.1");
        assertThat(Files.readString(conf.resolve("gatekeeper-policy.xml")))
                .contains("<my-networks>127.0.0.254/32</my-networks>")
                .doesNotContain("<my-networks>127.0.0.1");
    }

    @Test
    void theMailboxPipelineIsConfsAsShipped() throws IOException {
        Path conf = SmtpSourceConf.prepare(CONF, dir.resolve("conf"), Pipeline.MAILBOX);
        assertThat(conf.resolve("mailetcontainer.xml")).hasSameTextualContentAs(CONF.resolve("mailetcontainer.xml"));
        assertThat(conf.resolve("logback.xml")).hasSameTextualContentAs(CONF.resolve("logback.xml"));
    }

    @Test
    void theSinkPipelineStoresEveryMailInOneRepositoryAndKeepsTheOtherProcessors() throws IOException {
        Path conf = SmtpSourceConf.prepare(CONF, dir.resolve("conf"), Pipeline.SINK);
        String xml = Files.readString(conf.resolve("mailetcontainer.xml"));
        Matcher root = Pattern.compile("<processor [^>]*state=\"root\"[^>]*>(.*?)</processor>", Pattern.DOTALL).matcher(xml);
        assertThat(root.find()).isTrue();
        assertThat(root.group(1).strip()).isEqualTo("<mailet class=\"ToRepository\" match=\"All\">"
                + "<repositoryPath>memory://var/mail/sink/</repositoryPath></mailet>");
        assertThat(xml).contains("state=\"transport\"", "state=\"error\"", "<postmaster>postmaster@gatekeeper.test</postmaster>");
    }

    @Test
    void preparingAgainStartsFromAnEmptyCopy() throws IOException {
        Path target = dir.resolve("conf");
        SmtpSourceConf.prepare(CONF, target, Pipeline.SINK);
        Files.writeString(target.resolve("left-over.xml"), "<x/>");
        SmtpSourceConf.prepare(CONF, target, Pipeline.MAILBOX);
        assertThat(target.resolve("left-over.xml")).doesNotExist();
        assertThat(Files.readString(target.resolve("mailetcontainer.xml"))).doesNotContain("var/mail/sink");
    }

    @Test
    void aConfWithoutTheExpectedElementIsRefusedRatherThanLeftTrusting() {
        assertThatThrownBy(() -> SmtpSourceConf.untrustSmtpServer("<smtpserver/>"))
                .hasMessageStartingWith("smtpserver.xml: expected one");
        assertThatThrownBy(() -> SmtpSourceConf.untrustPolicy("<relay><my-networks>a</my-networks><my-networks>b</my-networks></relay>"))
                .hasMessageStartingWith("gatekeeper-policy.xml: expected one");
    }
}
