package dev.gatekeeper.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The drop-in jar's command line: {@code java -jar gatekeeper-james-VERSION.jar COMMAND [options]}.
 * Exit status 0 for any verdict, 2 for bad arguments.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;

    private static final List<Command> COMMANDS = List.of(new SpfCommand(), new CalloutCommand(), new CheckCommand(), new MessageCommand(),
            new DmarcReportCommand());

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.in, System.out, System.err));
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        return runWith(COMMANDS, args, in, out, err);
    }

    /** {@link #run} over {@code commands}: tests give a command built over their own store. */
    static int runWith(List<Command> commands, List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            usage(args.isEmpty() ? err : out);
            return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
        }
        for (Command command : commands) {
            if (command.name().equals(args.get(0))) {
                try {
                    return command.run(args.subList(1, args.size()), in, out, err);
                } catch (UsageException e) {
                    err.println("gatekeeper " + command.name() + ": " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
        }
        err.println("gatekeeper: unknown command '" + args.get(0) + "' (try --help)");
        return EXIT_USAGE;
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar gatekeeper-james.jar COMMAND [options]");
        for (Command command : COMMANDS) {
            out.printf("  %-8s %s%n", command.name(), command.summary());
        }
    }
}
