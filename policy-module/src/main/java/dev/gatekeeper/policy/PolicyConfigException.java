package dev.gatekeeper.policy;

/** A configuration or table file that cannot be used; the message names the file and line (or element) at fault. */
public final class PolicyConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PolicyConfigException(String message) {
        super(message);
    }

    public PolicyConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
