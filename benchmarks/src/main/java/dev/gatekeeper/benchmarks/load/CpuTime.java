package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time a process or its threads have used, user and kernel, read from Linux's /proc: the load
 * driver shares the machine with James, so throughput alone does not say what the hooks cost.
 * Elsewhere (no /proc) every figure is zero.
 */
record CpuTime(long userMillis, long systemMillis) {

    static final CpuTime ZERO = new CpuTime(0, 0);
    /** USER_HZ of Linux's /proc, 100 on every common architecture. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    long totalMillis() {
        return userMillis + systemMillis;
    }

    CpuTime plus(CpuTime other) {
        return new CpuTime(userMillis + other.userMillis, systemMillis + other.systemMillis);
    }

    CpuTime minus(CpuTime other) {
        return new CpuTime(userMillis - other.userMillis, systemMillis - other.systemMillis);
    }

    /** The whole process so far, threads that have ended included. */
    static CpuTime ofProcess(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return ZERO;
        }
    }

    /** The live threads so far, summed per group: the thread name without its trailing number. */
    static Map<String, CpuTime> byThreadGroup(long pid) {
        Map<String, CpuTime> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[-#0-9]*$", "").replace(' ', '_');
                    groups.merge(name, parse(stat), CpuTime::plus);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return groups;
        }
        return groups;
    }

    /** The JIT compiler's threads (HotSpot's C1 and C2 CompilerThreads) among {@link #byThreadGroup} groups. */
    static CpuTime compiler(Map<String, CpuTime> groups) {
        CpuTime all = ZERO;
        for (Map.Entry<String, CpuTime> g : groups.entrySet()) {
            if (g.getKey().startsWith("C1_CompilerThre") || g.getKey().startsWith("C2_CompilerThre")) {
                all = all.plus(g.getValue());
            }
        }
        return all;
    }

    /** A stat line: after the parenthesised command name, state is field 3, utime 14, stime 15. */
    private static CpuTime parse(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new CpuTime(Long.parseLong(f[11]) * 1000 / CLOCK_TICKS_PER_SECOND,
                Long.parseLong(f[12]) * 1000 / CLOCK_TICKS_PER_SECOND);
    }
}
