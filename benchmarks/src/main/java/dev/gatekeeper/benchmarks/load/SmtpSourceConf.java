package dev.gatekeeper.benchmarks.load;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The {@code conf/} both Jameses of the smtp-source driver boot from: the repository's, with
 * 127.0.0.1 (where smtp-source connects from) no longer trusted, so that SPF, the sender callout
 * and the relay rules run for its mail as for any outside client, and for {@link Pipeline#SINK}
 * a root processor that stores every mail in one memory repository.
 */
final class SmtpSourceConf {
    /** The only address trusted instead of 127.0.0.1: nothing of the load comes from it. */
    static final String TRUSTED = "127.0.0.254/32";
    /** Where the sink pipeline stores every accepted mail. */
    static final String SINK_REPOSITORY = "memory://var/mail/sink/";

    private static final Pattern AUTHORIZED = Pattern.compile("<authorizedAddresses>[^<]*</authorizedAddresses>");
    private static final Pattern MY_NETWORKS = Pattern.compile("<my-networks>[^<]*</my-networks>");

    /** What happens to a mail once James has accepted it. */
    enum Pipeline {
        /** Every mail to {@link #SINK_REPOSITORY}: mailbox delivery is not measured. */
        SINK,
        /** conf/'s pipeline: delivered to the recipients' INBOXes. */
        MAILBOX;

        static Pipeline of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private SmtpSourceConf() {
    }

    /** Copies {@code source} to {@code target} (emptied first) and edits the copy. */
    static Path prepare(Path source, Path target, Pipeline pipeline) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        edit(target.resolve("smtpserver.xml"), SmtpSourceConf::untrustSmtpServer);
        edit(target.resolve("gatekeeper-policy.xml"), SmtpSourceConf::untrustPolicy);
        if (pipeline == Pipeline.SINK) {
            edit(target.resolve("mailetcontainer.xml"), SmtpSourceConf::sinkPipeline);
        }
        return target;
    }

    static String untrustSmtpServer(String xml) {
        return replaceOnce(AUTHORIZED, xml, "<authorizedAddresses>" + TRUSTED + "</authorizedAddresses>", "smtpserver.xml");
    }

    static String untrustPolicy(String xml) {
        return replaceOnce(MY_NETWORKS, xml, "<my-networks>" + TRUSTED + "</my-networks>", "gatekeeper-policy.xml");
    }

    /** The root processor reduced to one mailet; the other processors stay, unused. */
    static String sinkPipeline(String xml) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml)));
            NodeList processors = doc.getElementsByTagName("processor");
            Element root = null;
            for (int i = 0; i < processors.getLength(); i++) {
                Element p = (Element) processors.item(i);
                // A ToProcessor mailet's <processor> parameter has no state attribute.
                if ("root".equals(p.getAttribute("state"))) {
                    root = p;
                }
            }
            if (root == null) {
                throw new IllegalStateException("mailetcontainer.xml: no <processor state=\"root\">");
            }
            while (root.getFirstChild() != null) {
                root.removeChild(root.getFirstChild());
            }
            Element mailet = doc.createElement("mailet");
            mailet.setAttribute("match", "All");
            mailet.setAttribute("class", "ToRepository");
            Element path = doc.createElement("repositoryPath");
            path.setTextContent(SINK_REPOSITORY);
            mailet.appendChild(path);
            root.appendChild(mailet);
            StringWriter out = new StringWriter();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (IOException | ParserConfigurationException | SAXException | TransformerException e) {
            throw new IllegalStateException("mailetcontainer.xml: " + e.getMessage(), e);
        }
    }

    private static String replaceOnce(Pattern pattern, String text, String replacement, String file) {
        Matcher m = pattern.matcher(text);
        List<String> found = m.results().map(r -> r.group()).toList();
        if (found.size() != 1) {
            throw new IllegalStateException(file + ": expected one " + pattern + ", found " + found.size());
        }
        return pattern.matcher(text).replaceFirst(replacement);
    }

    private interface Edit {
        String apply(String text);
    }

    private static void edit(Path file, Edit edit) throws IOException {
        Files.writeString(file, edit.apply(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
