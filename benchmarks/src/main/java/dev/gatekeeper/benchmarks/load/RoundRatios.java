package dev.gatekeeper.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratio of each round (the rate of the James with Gatekeeper over plain James's rate in the
 * same round) and their median: on two shared cores one round in several is disturbed (a
 * compilation, another process), and the median of the rounds is not moved by one such round the
 * way the ratio of the summed rates is.
 */
final class RoundRatios {
    private RoundRatios() {
    }

    /** {@code with[i] / plain[i]} for each round. */
    static List<Double> byRound(List<Double> with, List<Double> plain) {
        if (with.size() != plain.size()) {
            throw new IllegalArgumentException("rounds differ: " + with.size() + " and " + plain.size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < with.size(); i++) {
            ratios.add(with.get(i) / plain.get(i));
        }
        return ratios;
    }

    /** The middle value; of an even count, the mean of the two middle ones. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    /** " 0.91 0.88 0.95" */
    static String format(List<Double> values) {
        StringBuilder line = new StringBuilder();
        values.forEach(v -> line.append(String.format(Locale.ROOT, " %.2f", v)));
        return line.toString();
    }
}
