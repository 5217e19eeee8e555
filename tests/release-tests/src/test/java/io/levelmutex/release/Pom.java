package io.levelmutex.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** One pom.xml as written (not the effective model): the few elements the release checks read. */
final class Pom {

	private final Path file;

	private final Element project;

	private Pom(Path file, Element project) {
		this.file = file;
		this.project = project;
	}

	static Pom read(Path file) {
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			Document document = factory.newDocumentBuilder().parse(Files.newInputStream(file));
			return new Pom(file, document.getDocumentElement());
		}
		catch (IOException | ParserConfigurationException | SAXException ex) {
			throw new IllegalStateException("Cannot read " + file + ": " + ex.getMessage(), ex);
		}
	}

	Path file() {
		return this.file;
	}

	Path directory() {
		return this.file.getParent();
	}

	String artifactId() {
		return text(this.project, "artifactId").orElseThrow();
	}

	/** The project's own version, or its parent's when it has none. */
	String version() {
		return text(this.project, "version")
			.orElseGet(() -> child(this.project, "parent").flatMap((parent) -> text(parent, "version")).orElseThrow());
	}

	Optional<String> packaging() {
		return text(this.project, "packaging");
	}

	Optional<String> parentArtifactId() {
		return child(this.project, "parent").flatMap((parent) -> text(parent, "artifactId"));
	}

	Optional<String> element(String name) {
		return text(this.project, name);
	}

	Optional<String> property(String name) {
		return child(this.project, "properties").flatMap((properties) -> text(properties, name));
	}

	List<String> modules() {
		return child(this.project, "modules").map((modules) -> texts(modules, "module")).orElse(List.of());
	}

	/** groupId:artifactId of each entry of dependencyManagement, in order. */
	List<String> managedDependencies() {
		List<String> managed = new ArrayList<>();
		child(this.project, "dependencyManagement").flatMap((dm) -> child(dm, "dependencies"))
			.ifPresent((dependencies) -> {
				for (Element dependency : children(dependencies, "dependency")) {
					managed.add(text(dependency, "groupId").orElse("") + ":" + text(dependency, "artifactId").orElse(""));
				}
			});
		return managed;
	}

	private static Optional<Element> child(Element parent, String name) {
		List<Element> found = children(parent, name);
		return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
	}

	private static List<Element> children(Element parent, String name) {
		List<Element> found = new ArrayList<>();
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && name.equals(element.getTagName())) {
				found.add(element);
			}
		}
		return found;
	}

	private static Optional<String> text(Element parent, String name) {
		return child(parent, name).map((element) -> element.getTextContent().trim());
	}

	private static List<String> texts(Element parent, String name) {
		return children(parent, name).stream().map((element) -> element.getTextContent().trim()).toList();
	}

}
