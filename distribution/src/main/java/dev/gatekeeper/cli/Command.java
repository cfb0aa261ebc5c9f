package dev.gatekeeper.cli;

import java.io.PrintStream;

/** One sub-command of the command line. */
interface Command {

    /** The word that selects it: {@code spf}, {@code callout}, {@code check}. */
    String name();

    /** One line for the usage summary. */
    String summary();

    /**
     * Runs the command.
     *
     * @return the exit status: 0 on any verdict, {@link Main#EXIT_USAGE} for bad arguments
     * @throws UsageException for bad arguments; the message is printed as one line
     */
    int run(java.util.List<String> args, java.io.InputStream in, PrintStream out, PrintStream err) throws UsageException;
}
