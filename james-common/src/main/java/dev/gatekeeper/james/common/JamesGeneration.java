package dev.gatekeeper.james.common;

/**
 * Which James generation this drop-in jar was built for, and the start-up check that it is in
 * one: {@code gatekeeper-james-3.8-*.jar} links against {@code javax.mail} (James 3.8), and
 * {@code gatekeeper-james-3.9-*.jar} is the same jar with every {@code javax.mail} name rewritten
 * to {@code jakarta.mail} (James 3.9).
 *
 * <p>The classes James instantiates (the handler, the mailets, the matchers) name no mail API
 * type themselves, so that James can load them in either generation and their {@code init} can
 * call {@link #require(String)} first: a jar in the wrong James then stops it at start-up with
 * a message that names the jar to use, instead of a {@code NoClassDefFoundError}.
 */
public final class JamesGeneration {

    /**
     * A class of the mail API this jar links against. Written with the javax name; the build's
     * transformer rewrites this string constant with the class references in the 3.9 jar, so at
     * run time it names the API of the jar's own generation.
     */
    private static final String MAIL_API_CLASS = "javax.mail.internet.MimeMessage";

    private static final String JAKARTA = "jakarta.";

    private JamesGeneration() {
    }

    /** "3.8" or "3.9": the James generation this jar's classes link against. */
    public static String ofThisJar() {
        return MAIL_API_CLASS.startsWith(JAKARTA) ? "3.9" : "3.8";
    }

    /** The package prefix of this jar's mail API: "javax" or "jakarta". */
    static String mailApiPrefix() {
        return MAIL_API_CLASS.substring(0, MAIL_API_CLASS.indexOf('.'));
    }

    /**
     * Checks that the James we run in has this jar's mail API.
     *
     * @param component what is starting, for the message (e.g. the mailet's name)
     * @throws IllegalStateException naming the jar that fits this James
     */
    public static void require(String component) {
        if (!hasClass(MAIL_API_CLASS)) {
            String ours = ofThisJar();
            String other = "3.9".equals(ours) ? "3.8" : "3.9";
            String otherApi = "javax".equals(mailApiPrefix()) ? "jakarta" : "javax";
            throw new IllegalStateException("Gatekeeper " + component + ": this is the Gatekeeper jar for James " + ours
                    + " (" + mailApiPrefix() + ".mail), but this James has " + otherApi + ".mail: replace it in"
                    + " extensions-jars/ with gatekeeper-james-" + other + "-VERSION.jar, the jar for James " + other);
        }
    }

    private static boolean hasClass(String name) {
        try {
            Class.forName(name, false, JamesGeneration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
