package dev.gatekeeper.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackHostsTest {
    @Test
    void namesTheMachineThenTheLoadsClientAndPeerThenTheRestInOrder() {
        assertThat(LoopbackHosts.text("vm", LoopbackHosts.loadAnd("127.0.0.3", "c3.test", "127.0.0.9", "c9.test")))
                .isEqualTo("127.0.0.1 localhost vm\n127.0.0.2 client.load.test\n127.0.0.21 mx.load.test\n"
                        + "127.0.0.3 c3.test\n127.0.0.9 c9.test\n");
    }

    @Test
    void theJvmOptionPointsAtTheFileItWrote(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/hosts");
        String option = LoopbackHosts.jvmOption(file, LoopbackHosts.LOAD);
        assertThat(option).isEqualTo("-Djdk.net.hosts.file=" + file.toAbsolutePath());
        assertThat(Files.readString(file)).startsWith("127.0.0.1 localhost ").contains("127.0.0.2 client.load.test\n");
    }
}
