package dev.gatekeeper.dns;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@link DnsjavaResolver} completes its answers by default: a few named daemon threads
 * shared by every resolver of the process, with a bounded queue.
 *
 * <p>Not the common fork-join pool: on a machine with one or two cores its parallelism is 1, and
 * {@code CompletableFuture} then runs every task given to it on a new thread of its own, a thread
 * per DNS answer. When the queue is full the thread that received the answer (dnsjava's selector)
 * completes it itself, which slows the intake of answers instead of dropping one.
 */
final class AnswerExecutor {

    /** Threads: the cores, at least two, at most eight; answers are parsed and handed on, never waited for. */
    static final int THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    /** Answers waiting for a thread before the receiving thread completes them itself. */
    static final int QUEUE = 10_000;

    private static final ThreadPoolExecutor SHARED = create();

    private AnswerExecutor() {
    }

    static Executor shared() {
        return SHARED;
    }

    private static ThreadPoolExecutor create() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "gatekeeper-dns-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
