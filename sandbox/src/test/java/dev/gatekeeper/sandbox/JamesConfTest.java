package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JamesConfTest {
    private static final Path CONF = Paths.get(System.getProperty(JamesSandbox.CONF_PROPERTY));

    @TempDir
    Path work;

    private Path install(JamesConf.Overrides overrides) throws Exception {
        Path target = work.resolve("conf");
        JamesConf.install(CONF, target, overrides);
        return target;
    }

    private static JamesConf.Overrides ports() {
        JamesConf.Overrides overrides = new JamesConf.Overrides();
        overrides.smtpBind = "127.0.0.1:40025";
        overrides.imapBind = "127.0.0.1:40143";
        overrides.webAdminHost = "127.0.0.1";
        overrides.webAdminPort = 40080;
        return overrides;
    }

    @Test
    void theSampleListensOnLoopbackOnly() throws Exception {
        String smtp = Files.readString(CONF.resolve("smtpserver.xml"));
        assertThat(smtp).contains("<bind>127.0.0.1:2525</bind>");
        assertThat(Files.readString(CONF.resolve("imapserver.xml"))).contains("<bind>127.0.0.1:");
        assertThat(Files.readString(CONF.resolve("webadmin.properties"))).contains("host=127.0.0.1");
        assertThat(Files.readString(CONF.resolve("jmx.properties"))).contains("jmx.enabled=false");
        assertThat(Files.readString(CONF.resolve("jmap.properties"))).contains("enabled=false");
        for (String off : new String[] {"pop3server.xml", "lmtpserver.xml", "managesieveserver.xml"}) {
            assertThat(Files.readString(CONF.resolve(off))).as(off).contains("enabled=\"false\"");
        }
        assertThat(Files.readString(CONF.resolve("dnsservice.xml"))).contains("<autodiscover>false</autodiscover>");
    }

    @Test
    void rewritesListenersAndKeepsTheOtherFiles() throws Exception {
        Path conf = install(ports());

        assertThat(Files.readString(conf.resolve("smtpserver.xml")))
            .contains("<bind>127.0.0.1:40025</bind>")
            .contains("<authorizedAddresses>127.0.0.1/32</authorizedAddresses>");
        assertThat(Files.readString(conf.resolve("imapserver.xml"))).contains("<bind>127.0.0.1:40143</bind>");
        assertThat(Files.readAllLines(conf.resolve("webadmin.properties")))
            .contains("port=40080", "host=127.0.0.1", "enabled=true");
        assertThat(conf.resolve("mailetcontainer.xml")).hasSameTextualContentAs(CONF.resolve("mailetcontainer.xml"));
    }

    @Test
    void putsExtraHandlersBeforeTheCoreHandlersWithTheirChildElements() throws Exception {
        JamesConf.Overrides overrides = ports();
        overrides.smtpHandlers.add("<handler class=\"x.First\"><limit>3</limit></handler>");
        overrides.smtpHandlers.add("<handler class=\"x.Second\"/>");

        String smtp = Files.readString(install(overrides).resolve("smtpserver.xml"));

        int first = smtp.indexOf("<handler class=\"x.First\"><limit>3</limit></handler>");
        int second = smtp.indexOf("<handler class=\"x.Second\"/>");
        int core = smtp.indexOf("org.apache.james.smtpserver.CoreCmdHandlerLoader");
        assertThat(first).isPositive();
        assertThat(second).isGreaterThan(first);
        assertThat(core).isGreaterThan(second);
    }

    @Test
    void pointsJamesAtTheGivenDnsServers() throws Exception {
        JamesConf.Overrides overrides = ports();
        overrides.dnsServers.add("127.0.0.53");

        String dns = Files.readString(install(overrides).resolve("dnsservice.xml"));

        assertThat(dns).contains("<server>127.0.0.53</server>").doesNotContain("<server>127.0.0.1</server>");
    }
}
