package dev.gatekeeper.policy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The configuration of one extension: its {@code <param name="..." value="..."/>} children and where it stands. */
public final class ExtensionConfig {

    private final Map<String, String> parameters;
    private final Path baseDir;
    private final String location;

    ExtensionConfig(Map<String, String> parameters, Path baseDir, String location) {
        this.parameters = Map.copyOf(parameters);
        this.baseDir = baseDir;
        this.location = location;
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** @throws PolicyConfigException naming the parameter and the place in the configuration */
    public String requiredParameter(String name) {
        return parameter(name).orElseThrow(() -> problem("missing parameter '" + name + "'"));
    }

    public Set<String> parameterNames() {
        return parameters.keySet();
    }

    /** Refuses any parameter not in {@code known}, as the built-in conditions do. */
    public void allowOnly(Set<String> known) {
        for (String name : parameters.keySet()) {
            if (!known.contains(name)) {
                throw problem("unknown parameter '" + name + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    /** The folder relative file names are resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    /** An error naming the place in the configuration: {@code policy.xml:12: <message>}. */
    public PolicyConfigException problem(String message) {
        return new PolicyConfigException(location + ": " + message);
    }
}
