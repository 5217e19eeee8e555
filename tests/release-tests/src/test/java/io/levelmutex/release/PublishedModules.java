package io.levelmutex.release;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reactor's modules read from the poms as written: which are published (no
 * {@code maven.deploy.skip=true}) and which the BOM manages.
 */
final class PublishedModules {

	static final String GROUP = "io.levelmutex";

	static final String BOM = "level-mutex-bom";

	private final Pom parent;

	private final List<Pom> modules;

	private PublishedModules(Pom parent, List<Pom> modules) {
		this.parent = parent;
		this.modules = modules;
	}

	static PublishedModules read(Path root) {
		Pom parent = Pom.read(root.resolve("pom.xml"));
		List<Pom> modules = new ArrayList<>();
		for (String name : parent.modules()) {
			Path file = root.resolve(name).resolve("pom.xml");
			if (!Files.isRegularFile(file)) {
				throw new IllegalStateException("Module " + name + " of " + root + " has no pom.xml");
			}
			modules.add(Pom.read(file));
		}
		return new PublishedModules(parent, modules);
	}

	Pom parent() {
		return this.parent;
	}

	List<Pom> modules() {
		return this.modules;
	}

	Pom bom() {
		return this.modules.stream().filter((module) -> module.artifactId().equals(BOM)).findFirst()
			.orElseThrow(() -> new IllegalStateException("No module " + BOM));
	}

	/** groupId:artifactId of every published module except the BOM itself. */
	Set<String> publishedLibraries() {
		Set<String> published = new TreeSet<>();
		for (Pom module : this.modules) {
			if (isPublished(module) && !module.artifactId().equals(BOM)) {
				published.add(GROUP + ":" + module.artifactId());
			}
		}
		return published;
	}

	static boolean isPublished(Pom module) {
		return !module.property("maven.deploy.skip").map(Boolean::parseBoolean).orElse(false);
	}

}
