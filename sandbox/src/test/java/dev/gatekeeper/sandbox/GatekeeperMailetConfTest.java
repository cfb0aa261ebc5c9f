package dev.gatekeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatekeeperMailetConfTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheJarTheShippedPipelineLosesOnlyGatekeeperMailets() throws Exception {
        Path conf = Path.of(System.getProperty(JamesSandbox.CONF_PROPERTY));
        Path mc = Files.copy(conf.resolve("mailetcontainer.xml"), dir.resolve("mailetcontainer.xml"));
        assertThat(Files.readString(mc)).contains("dev.gatekeeper.james.mailets.SpfCheck");

        assertThat(GatekeeperMailetConf.strip(mc)).isEqualTo(7);

        String stripped = Files.readString(mc);
        assertThat(stripped).doesNotContain("\"dev.gatekeeper.").doesNotContain("=\"dev.gatekeeper.").contains("class=\"LocalDelivery\"").contains("class=\"RemoteDelivery\"");
        assertThat(GatekeeperMailetConf.installed(List.of())).isFalse();
    }
}
