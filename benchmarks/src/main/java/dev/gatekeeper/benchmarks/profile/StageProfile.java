package dev.gatekeeper.benchmarks.profile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a flight recording of a running James (execution samples, see
 * {@code benchmarks/profile/gatekeeper.jfc}) and prints, as a markdown table, where its Java
 * threads spent their CPU: each Gatekeeper stage and activity ({@link StageClassifier}) with its
 * samples, its share of all of James's samples and its share of Gatekeeper's, then James's own work
 * for comparison, then the methods sampled most inside each of Gatekeeper's rows.
 *
 * <pre>
 * java -cp benchmarks/target/gatekeeper-benchmarks.jar dev.gatekeeper.benchmarks.profile.StageProfile RECORDING.jfr [top=5]
 * </pre>
 */
public final class StageProfile {

    private final Map<StageClassifier.Stage, Long> samples = new HashMap<>();
    /** Per Gatekeeper row: the Gatekeeper method nearest the top of the stack → samples, to name the hot spots. */
    private final Map<StageClassifier.Stage, Map<String, Long>> hotSpots = new HashMap<>();
    private long truncated;
    private long total;

    /** Adds one sample. */
    void add(List<StageClassifier.Frame> framesTopFirst, boolean wasTruncated) {
        StageClassifier.Stage stage = StageClassifier.classify(framesTopFirst);
        samples.merge(stage, 1L, Long::sum);
        total++;
        if (wasTruncated) {
            truncated++;
        }
        if (stage.gatekeeper() && !framesTopFirst.isEmpty()) {
            hotSpots.computeIfAbsent(stage, s -> new HashMap<>()).merge(hotSpot(framesTopFirst), 1L, Long::sum);
        }
    }

    /**
     * The Gatekeeper method nearest the top of the stack: the one whose own code, or the JDK and
     * library code it called, was running. With a few hundred samples a row, the executing JDK
     * method alone (a string builder, a map lookup) scatters; its Gatekeeper caller names the cut.
     */
    private static String hotSpot(List<StageClassifier.Frame> frames) {
        for (StageClassifier.Frame f : frames) {
            if (f.className().startsWith(StageClassifier.GATEKEEPER)) {
                return shortName(f);
            }
        }
        return shortName(frames.get(0));
    }

    private static String shortName(StageClassifier.Frame f) {
        String c = f.className();
        String pkg = c.startsWith(StageClassifier.GATEKEEPER) ? c.substring(StageClassifier.GATEKEEPER.length()) : c;
        return pkg + "." + f.methodName();
    }

    /** Reads every execution sample of a recording. */
    static StageProfile read(Path recording) throws IOException {
        StageProfile p = new StageProfile();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null) {
                    continue;
                }
                List<StageClassifier.Frame> frames = new ArrayList<>(stack.getFrames().size());
                for (RecordedFrame f : stack.getFrames()) {
                    if (f.getMethod() != null && f.getMethod().getType() != null) {
                        frames.add(new StageClassifier.Frame(f.getMethod().getType().getName(), f.getMethod().getName()));
                    }
                }
                p.add(frames, stack.isTruncated());
            }
        }
        return p;
    }

    /** Prints the table (markdown) and the hot spots of each Gatekeeper row. */
    void print(PrintStream out, int top) {
        long gatekeeper = samples.entrySet().stream().filter(e -> e.getKey().gatekeeper()).mapToLong(Map.Entry::getValue).sum();
        out.printf(Locale.ROOT, "%d samples of James's Java threads, %d of them (%s) with a Gatekeeper frame; %d stacks truncated%n%n",
                total, gatekeeper, pct(gatekeeper, total), truncated);
        out.println("| stage / activity | samples | share of James | share of Gatekeeper |");
        out.println("|---|---:|---:|---:|");
        // Gatekeeper's rows by stage (subtotal first), then James's.
        Map<String, List<Map.Entry<StageClassifier.Stage, Long>>> byStage = new TreeMap<>(Comparator.comparingInt(StageProfile::stageOrder)
                .thenComparing(Comparator.naturalOrder()));
        samples.entrySet().forEach(e -> byStage.computeIfAbsent(e.getKey().stage(), s -> new ArrayList<>()).add(e));
        for (Map.Entry<String, List<Map.Entry<StageClassifier.Stage, Long>>> s : byStage.entrySet()) {
            List<Map.Entry<StageClassifier.Stage, Long>> rows = s.getValue();
            rows.sort(Map.Entry.<StageClassifier.Stage, Long>comparingByValue().reversed());
            long sum = rows.stream().mapToLong(Map.Entry::getValue).sum();
            boolean ours = rows.get(0).getKey().gatekeeper();
            out.printf(Locale.ROOT, "| **%s** | **%d** | **%s** | %s |%n", s.getKey(), sum, pct(sum, total),
                    ours ? "**" + pct(sum, gatekeeper) + "**" : "");
            for (Map.Entry<StageClassifier.Stage, Long> r : rows) {
                out.printf(Locale.ROOT, "| %s | %d | %s | %s |%n", r.getKey().label(), r.getValue(), pct(r.getValue(), total),
                        ours ? pct(r.getValue(), gatekeeper) : "");
            }
        }
        if (top <= 0) {
            return;
        }
        out.printf("%nGatekeeper methods sampled most in each Gatekeeper row (the method running, or whose JDK and library callees were running):%n%n");
        samples.entrySet().stream().filter(e -> e.getKey().gatekeeper())
                .sorted(Map.Entry.<StageClassifier.Stage, Long>comparingByValue().reversed())
                .forEach(e -> {
                    StringBuilder line = new StringBuilder("* " + e.getKey().label() + ":");
                    Map<String, Long> spots = new LinkedHashMap<>();
                    hotSpots.getOrDefault(e.getKey(), Map.of()).entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                            .forEach(h -> spots.put(h.getKey(), h.getValue()));
                    spots.forEach((k, v) -> line.append(' ').append(k).append(" (").append(v).append("),"));
                    line.setLength(line.length() - 1);
                    out.println(line);
                });
    }

    private static int stageOrder(String stage) {
        List<String> order = List.of("connect", "HELO", "MAIL", "RCPT", "end of DATA", "reply rewrite (every hook)",
                StageClassifier.ASYNC, StageClassifier.JAMES);
        int i = order.indexOf(stage);
        return i < 0 ? order.size() : i;
    }

    private static String pct(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: StageProfile RECORDING.jfr [top=N]");
            System.exit(2);
        }
        int top = 5;
        for (String a : args) {
            if (a.startsWith("top=")) {
                top = Integer.parseInt(a.substring(4));
            }
        }
        read(Path.of(args[0])).print(System.out, top);
    }
}
