package dev.gatekeeper.james.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lock-free stream reads exactly as the JDK's ByteArrayInputStream over the same octets. */
class OneReaderByteStreamTest {

    @Test
    void everyCallAnswersAsTheJdksStreamDoesOnRandomSequences() throws IOException {
        Random random = new Random(20261206);
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] octets = new byte[random.nextInt(300)];
            random.nextBytes(octets);
            int offset = octets.length == 0 ? 0 : random.nextInt(octets.length);
            int length = random.nextInt(octets.length - offset + 1);
            ByteArrayInputStream jdk = new ByteArrayInputStream(octets, offset, length);
            ByteArrayInputStream ours = new OneReaderByteStream(octets, offset, length);
            StringBuilder steps = new StringBuilder();
            for (int step = 0; step < 40; step++) {
                int op = random.nextInt(9);
                int arg = random.nextInt(40);
                steps.append(op).append('/').append(arg).append(' ');
                assertThat(call(ours, op, arg, new Random(step))).as("trial %d, steps %s", trial, steps)
                        .isEqualTo(call(jdk, op, arg, new Random(step)));
            }
        }
    }

    /** One call, its answer and what it read, as text to compare. */
    private static String call(InputStream in, int op, int arg, Random fill) throws IOException {
        switch (op) {
            case 0:
                return "read " + in.read();
            case 1: {
                byte[] b = new byte[arg + 3];
                fill.nextBytes(b);
                int n = in.read(b, 2, arg);
                return "read[] " + n + " " + Arrays.toString(b);
            }
            case 2:
                return "skip " + in.skip(arg - 5);
            case 3:
                return "available " + in.available();
            case 4:
                in.mark(0);
                return "mark";
            case 5:
                in.reset();
                return "reset " + in.available();
            case 6: {
                byte[] b = new byte[arg + 1];
                int n = in.readNBytes(b, 1, arg);
                return "readN " + n + " " + Arrays.toString(b);
            }
            case 7: {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long n = in.transferTo(out);
                return "transfer " + n + " " + Arrays.toString(out.toByteArray());
            }
            default:
                return "all " + Arrays.toString(in.readAllBytes());
        }
    }
}
