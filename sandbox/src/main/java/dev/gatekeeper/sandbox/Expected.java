package dev.gatekeeper.sandbox;

/**
 * The reply a demo step expects, as a whole last line ({@code "550 5.7.23 ..."}): one with
 * Gatekeeper's hooks installed and one from James alone. A {@code null} line means the step is
 * not reached in that setting (an earlier step was refused). The sandbox prints the replies
 * James really gave; these only say whether they match.
 */
public final class Expected {
    private final String withGatekeeper;
    private final String jamesAlone;

    private Expected(String withGatekeeper, String jamesAlone) {
        this.withGatekeeper = withGatekeeper;
        this.jamesAlone = jamesAlone;
    }

    /** The same reply whether or not Gatekeeper is installed. */
    public static Expected always(String line) {
        return new Expected(line, line);
    }

    /** A reply that depends on the Gatekeeper hooks: {@code jamesAlone} is what James 3.8.1 answers by itself. */
    public static Expected gatekeeper(String withGatekeeper, String jamesAlone) {
        return new Expected(withGatekeeper, jamesAlone);
    }

    /** The line expected in a setting; null when the step is not reached there. */
    public String line(boolean gatekeeperInstalled) {
        return gatekeeperInstalled ? withGatekeeper : jamesAlone;
    }

    /** True when the reply differs with the Gatekeeper hooks installed. */
    public boolean dependsOnGatekeeper() {
        return withGatekeeper == null ? jamesAlone != null : !withGatekeeper.equals(jamesAlone);
    }

    @Override
    public String toString() {
        return dependsOnGatekeeper() ? "Gatekeeper: " + withGatekeeper + " / James alone: " + jamesAlone : withGatekeeper;
    }
}
