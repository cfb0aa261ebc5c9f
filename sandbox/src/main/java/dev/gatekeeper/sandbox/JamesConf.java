package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Copies the repository's {@code conf/} into a James working directory and rewrites
 * what differs per sandbox: listener addresses, DNS servers, extra SMTP handlers.
 * The source files stay a working configuration on their own (SMTP on
 * 127.0.0.1:2525); nothing in them is a template placeholder.
 */
final class JamesConf {
    private static final String CORE_HANDLERS = "org.apache.james.smtpserver.CoreCmdHandlerLoader";
    /** Handlers of this package come from the Gatekeeper jar: without it James could not load them. */
    static final String GATEKEEPER_PACKAGE = "dev.gatekeeper.";

    private JamesConf() {
    }

    /** What the sandbox changes in the copied configuration. */
    static final class Overrides {
        String smtpBind;
        String imapBind;
        String webAdminHost;
        int webAdminPort;
        final List<String> dnsServers = new ArrayList<>();
        final List<String> smtpHandlers = new ArrayList<>();
        /** The Gatekeeper jar is installed: keep the conf's Gatekeeper handlers (else they are dropped). */
        boolean gatekeeper;
        /** Replaces the conf's {@code <handler>} of the same class (a Gatekeeper handler with other settings). */
        final List<String> replacedHandlers = new ArrayList<>();
    }

    static void install(Path sourceConf, Path targetConf, Overrides overrides) throws IOException {
        if (!Files.isRegularFile(sourceConf.resolve("smtpserver.xml"))) {
            throw new IOException("not a James configuration folder (no smtpserver.xml): " + sourceConf);
        }
        copyTree(sourceConf, targetConf);
        rewriteXml(targetConf.resolve("smtpserver.xml"), document -> {
            Element server = firstEnabled(document, "smtpserver");
            setChildText(server, "bind", overrides.smtpBind);
            if (!overrides.gatekeeper) {
                removeGatekeeperHandlers(server);
            }
            replaceHandlers(server, overrides.replacedHandlers);
            addHandlers(server, overrides.smtpHandlers);
        });
        rewriteXml(targetConf.resolve("imapserver.xml"), document ->
            setChildText(firstEnabled(document, "imapserver"), "bind", overrides.imapBind));
        rewriteProperties(targetConf.resolve("webadmin.properties"),
            "host", overrides.webAdminHost, "port", Integer.toString(overrides.webAdminPort));
        if (!overrides.dnsServers.isEmpty()) {
            rewriteXml(targetConf.resolve("dnsservice.xml"), document -> setDnsServers(document, overrides.dnsServers));
        }
    }

    /** Copies {@code source} with its sub-folders into {@code target}; the tests copy conf/ with it too. */
    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
    }

    /** Deletes {@code dir} and everything in it, deepest first; nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            paths.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.delete(all.get(i));
            }
        }
    }

    private interface XmlEdit {
        void apply(Document document) throws IOException;
    }

    private static void rewriteXml(Path file, XmlEdit edit) throws IOException {
        Document document;
        try {
            document = documentBuilder().parse(file.toFile());
        } catch (SAXException e) {
            throw new IOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        edit.apply(document);
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.transform(new DOMSource(document), new StreamResult(file.toFile()));
        } catch (TransformerException e) {
            throw new IOException("cannot write " + file, e);
        }
    }

    private static DocumentBuilder documentBuilder() throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IOException(e);
        }
    }

    private static Element firstEnabled(Document document, String tag) throws IOException {
        NodeList servers = document.getElementsByTagName(tag);
        for (int i = 0; i < servers.getLength(); i++) {
            Element server = (Element) servers.item(i);
            if (!"false".equalsIgnoreCase(server.getAttribute("enabled"))) {
                return server;
            }
        }
        throw new IOException("no enabled <" + tag + "> in the configuration");
    }

    private static Element child(Element parent, String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && tag.equals(node.getNodeName())) {
                return (Element) node;
            }
        }
        return null;
    }

    private static void setChildText(Element parent, String tag, String text) {
        Element element = child(parent, tag);
        if (element == null) {
            element = parent.getOwnerDocument().createElement(tag);
            parent.insertBefore(element, parent.getFirstChild());
        }
        element.setTextContent(text);
    }

    /** Handlers go before CoreCmdHandlerLoader, where an administrator would write them. */
    private static void addHandlers(Element server, List<String> fragments) throws IOException {
        if (fragments.isEmpty()) {
            return;
        }
        Element chain = child(server, "handlerchain");
        if (chain == null) {
            chain = server.getOwnerDocument().createElement("handlerchain");
            server.appendChild(chain);
        }
        Node anchor = null;
        for (Node node = chain.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && CORE_HANDLERS.equals(((Element) node).getAttribute("class"))) {
                anchor = node;
                break;
            }
        }
        for (String fragment : fragments) {
            Element handler = parseFragment(fragment);
            if (!"handler".equals(handler.getNodeName()) || handler.getAttribute("class").isEmpty()) {
                throw new IllegalArgumentException("expected <handler class=\"...\">, got: " + fragment);
            }
            chain.insertBefore(server.getOwnerDocument().importNode(handler, true), anchor);
        }
    }

    private static void removeGatekeeperHandlers(Element server) {
        Element chain = child(server, "handlerchain");
        if (chain == null) {
            return;
        }
        List<Node> gatekeeper = new ArrayList<>();
        for (Node node = chain.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && ((Element) node).getAttribute("class").startsWith(GATEKEEPER_PACKAGE)) {
                gatekeeper.add(node);
            }
        }
        gatekeeper.forEach(chain::removeChild);
    }

    private static void replaceHandlers(Element server, List<String> fragments) throws IOException {
        Element chain = child(server, "handlerchain");
        for (String fragment : fragments) {
            Element handler = parseFragment(fragment);
            String cls = handler.getAttribute("class");
            Node old = null;
            for (Node node = chain == null ? null : chain.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element && cls.equals(((Element) node).getAttribute("class"))) {
                    old = node;
                }
            }
            if (old == null) {
                throw new IOException("no <handler class=\"" + cls + "\"> in smtpserver.xml to replace");
            }
            chain.replaceChild(server.getOwnerDocument().importNode(handler, true), old);
        }
    }

    private static Element parseFragment(String fragment) throws IOException {
        try {
            return documentBuilder().parse(new InputSource(new StringReader(fragment))).getDocumentElement();
        } catch (SAXException e) {
            throw new IllegalArgumentException("not well-formed XML: " + fragment, e);
        }
    }

    private static void setDnsServers(Document document, List<String> servers) {
        Element root = document.getDocumentElement();
        Element list = child(root, "servers");
        if (list == null) {
            list = document.createElement("servers");
            root.appendChild(list);
        }
        while (list.getFirstChild() != null) {
            list.removeChild(list.getFirstChild());
        }
        for (String server : servers) {
            Element element = document.createElement("server");
            element.setTextContent(server);
            list.appendChild(element);
        }
        setChildText(root, "autodiscover", "false");
    }

    /** Replaces "key=value" lines (pairs of key, value), appending the keys that are missing. */
    private static void rewriteProperties(Path file, String... keysAndValues) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            for (int k = 0; k < keysAndValues.length; k += 2) {
                String key = keysAndValues[k];
                String line = key + "=" + keysAndValues[k + 1];
                boolean replaced = false;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).trim().startsWith(key + "=")) {
                        lines.set(i, line);
                        replaced = true;
                    }
                }
                if (!replaced) {
                    lines.add(line);
                }
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
