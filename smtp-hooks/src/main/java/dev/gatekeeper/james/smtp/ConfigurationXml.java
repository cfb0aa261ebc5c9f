package dev.gatekeeper.james.smtp;

import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Turns the part of {@code smtpserver.xml} James handed over back into a DOM element, for the
 * policy's own parser ({@code PolicyConfig.parse}) when the policy is written inline.
 */
final class ConfigurationXml {

    private ConfigurationXml() {
    }

    static Element element(HierarchicalConfiguration<ImmutableNode> config) {
        ImmutableNode root = config.getNodeModel().getNodeHandler().getRootNode();
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            document = factory.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser", e);
        }
        Element element = build(document, root, "policy");
        document.appendChild(element);
        return element;
    }

    private static Element build(Document document, ImmutableNode node, String fallbackName) {
        String name = node.getNodeName() == null || node.getNodeName().isEmpty() ? fallbackName : node.getNodeName();
        Element element = document.createElement(name);
        for (Map.Entry<String, Object> a : node.getAttributes().entrySet()) {
            element.setAttribute(a.getKey(), String.valueOf(a.getValue()));
        }
        if (node.getValue() != null) {
            element.appendChild(document.createTextNode(String.valueOf(node.getValue())));
        }
        for (ImmutableNode child : node.getChildren()) {
            element.appendChild(build(document, child, child.getNodeName()));
        }
        return element;
    }
}
