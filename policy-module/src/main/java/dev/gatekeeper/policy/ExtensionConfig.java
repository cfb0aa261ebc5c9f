package dev.gatekeeper.policy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The configuration of one condition or action, as its factory reads it: an extension's
 * {@code <param name="..." value="..."/>} children, and where it stands. The built-in conditions
 * and actions are made by factories too, from the same configuration: their parameters are the
 * element's attributes ({@code <sender domain="example.com"/>}).
 */
public final class ExtensionConfig {

    private final Map<String, String> parameters;
    private final Path baseDir;
    private final String location;
    /** The element read, for the built-in types; null for an extension's {@code <param>}s. */
    private final PolicyXml.Site site;

    ExtensionConfig(Map<String, String> parameters, Path baseDir, String location) {
        this(parameters, baseDir, location, null);
    }

    ExtensionConfig(Map<String, String> parameters, Path baseDir, String location, PolicyXml.Site site) {
        this.parameters = Map.copyOf(parameters);
        this.baseDir = baseDir;
        this.location = location;
        this.site = site;
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
                throw problem("unknown parameter '" + name + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
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

    // --- for the built-in types and the document's own elements --------------------------------

    /** The element's name: {@code sender}. */
    String element() {
        return site.element.getTagName();
    }

    /** The stage whose rules hold the element. */
    Stage stage() {
        return site.stage;
    }

    /** The clock of table reloads and rate windows. */
    Clock clock() {
        return site.reader.clock;
    }

    ReplyCatalog catalog() {
        return site.reader.catalog;
    }

    boolean has(String name) {
        return parameters.containsKey(name);
    }

    /** A list attribute: words separated by spaces or commas; empty when not given. */
    Set<String> words(String name) {
        return wordsIn(parameters.getOrDefault(name, ""));
    }

    /** Words separated by spaces or commas. */
    static Set<String> wordsIn(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Result keywords of an engine's enum ({@code pass fail ...}, any case), for the conditions
     * that match results.
     *
     * @throws IllegalArgumentException {@code unknown WHAT 'word' (KNOWN)}
     */
    static <E extends Enum<E>> Set<E> keywords(Class<E> type, Collection<String> words, String what, String known) {
        Set<E> out = EnumSet.noneOf(type);
        for (String w : words) {
            try {
                out.add(Enum.valueOf(type, w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown " + what + " '" + w + "' (" + known + ")");
            }
        }
        return out;
    }

    /** {@code true} or {@code false}, nothing else. */
    boolean flag(String name, boolean dflt) {
        if (!has(name)) {
            return dflt;
        }
        String v = parameters.get(name).strip();
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw problem(name + " is 'true' or 'false', not '" + v + "'");
    }

    int wholeNumber(String name, int dflt, int min) {
        if (!has(name)) {
            return dflt;
        }
        int v;
        try {
            v = Integer.parseInt(parameters.get(name).strip());
        } catch (NumberFormatException ex) {
            throw problem(name + " is a whole number, not '" + parameters.get(name) + "'");
        }
        if (v < min) {
            throw problem(name + " must be at least " + min);
        }
        return v;
    }

    /** The attribute's value, stripped; refused when missing or blank. */
    String required(String name) {
        String v = parameters.get(name);
        if (v == null || v.isBlank()) {
            throw problem("<" + element() + "> needs " + name + "=\"...\"");
        }
        return v.strip();
    }

    /**
     * The table the {@code table} attribute names, which must be of one of {@code types}.
     *
     * @throws IllegalArgumentException naming the table
     */
    AccessTable table(AccessTable.Type... types) {
        String name = parameters.getOrDefault("table", "");
        AccessTable t = site.reader.tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table named '" + name + "' (define it with <table name=\"" + name + "\" .../>)");
        }
        if (!Arrays.asList(types).contains(t.type())) {
            throw new IllegalArgumentException("table '" + name + "' is of type " + t.type().keyword() + "; <" + element()
                    + "> needs " + Arrays.stream(types).map(AccessTable.Type::keyword).reduce((x, y) -> x + " or " + y).orElse(""));
        }
        return t;
    }

    /**
     * The DNS lists the policy declared before its rules ({@code <dnsbl>}), by name.
     */
    Map<String, dev.gatekeeper.reputation.DnsList> dnsLists() {
        return site.reader.dnsLists;
    }

    /** The conditions the element holds ({@code <all-of>}), each read and placed at the element's stage. */
    List<Condition> conditions() {
        List<Condition> out = new ArrayList<>();
        for (org.w3c.dom.Element c : XmlElements.children(site.element)) {
            out.add(site.reader.condition(c, site.stage));
        }
        return out;
    }

    /** The configuration an extension's factory gets: the element's {@code <param>} children. */
    ExtensionConfig extensionConfig() {
        return new ExtensionConfig(site.params, baseDir, location);
    }

    /**
     * The extension factory the element names, by {@code class} (as James names mailets) or by
     * {@code type}, the factory's {@code name()}, found through {@link ServiceLoader}.
     */
    <T> T factory(Class<T> kind, Function<T, String> nameOf) {
        boolean byClass = has("class");
        if (byClass == has("type")) {
            throw problem("give exactly one of class=\"...\" or type=\"...\"");
        }
        ClassLoader classLoader = site.reader.classLoader;
        if (byClass) {
            String name = parameters.get("class").strip();
            try {
                Class<?> c = Class.forName(name, true, classLoader);
                if (!kind.isAssignableFrom(c)) {
                    throw problem(name + " does not implement " + kind.getName());
                }
                return kind.cast(c.getDeclaredConstructor().newInstance());
            } catch (ClassNotFoundException ex) {
                throw problem("class " + name + " not found");
            } catch (ReflectiveOperationException | LinkageError ex) {
                throw problem("cannot instantiate " + name + ": " + ex);
            }
        }
        String type = parameters.get("type").strip();
        List<String> found = new ArrayList<>();
        for (T f : ServiceLoader.load(kind, classLoader)) {
            String n = nameOf.apply(f);
            if (n.equals(type)) {
                return f;
            }
            found.add(n);
        }
        throw problem("no " + kind.getSimpleName() + " named '" + type + "' on the class path (found: " + found + ")");
    }
}
