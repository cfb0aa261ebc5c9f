package dev.gatekeeper.state;

/** The shared state could not answer in time (Redis down, slow, or refusing). */
public final class StateUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
