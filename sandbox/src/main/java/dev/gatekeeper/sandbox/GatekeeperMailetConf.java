package dev.gatekeeper.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Lets a James without Gatekeeper's mailets boot from the same {@code conf/}: when no extension
 * jar carries them, every {@code <mailet>} of {@code mailetcontainer.xml} that names a
 * {@code dev.gatekeeper.} class or matcher is left out (James refuses to start on a class it
 * cannot load), and the pipeline is James's own.
 */
final class GatekeeperMailetConf {

    static final String PACKAGE = "dev.gatekeeper.";
    static final String PROBE_ENTRY = "dev/gatekeeper/james/mailets/SpfCheck.class";

    private GatekeeperMailetConf() {
    }

    static boolean installed(List<Path> jars) throws IOException {
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                if (zip.getEntry(PROBE_ENTRY) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Removes the Gatekeeper mailets from the installed file; returns how many. */
    static int strip(Path mailetcontainerXml) throws IOException {
        if (!Files.isRegularFile(mailetcontainerXml)) {
            return 0;
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc = f.newDocumentBuilder().parse(mailetcontainerXml.toFile());
            NodeList mailets = doc.getElementsByTagName("mailet");
            List<Element> gone = new ArrayList<>();
            for (int i = 0; i < mailets.getLength(); i++) {
                Element m = (Element) mailets.item(i);
                if (m.getAttribute("class").startsWith(PACKAGE) || m.getAttribute("match").startsWith(PACKAGE)) {
                    gone.add(m);
                }
            }
            for (Element m : gone) {
                m.getParentNode().removeChild(m);
            }
            if (!gone.isEmpty()) {
                TransformerFactory.newInstance().newTransformer()
                        .transform(new DOMSource(doc), new StreamResult(mailetcontainerXml.toFile()));
            }
            return gone.size();
        } catch (Exception e) {
            throw new IOException("cannot edit " + mailetcontainerXml + ": " + e.getMessage(), e);
        }
    }
}
