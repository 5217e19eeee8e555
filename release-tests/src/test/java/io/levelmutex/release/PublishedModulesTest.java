package io.levelmutex.release;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published modules, the BOM and the release metadata agree. A module is published unless its
 * pom sets {@code maven.deploy.skip} to {@code true} (which also keeps it out of the Central bundle,
 * see the root pom). Read from the poms as written, so a new module that forgets to opt out, or a
 * published module missing from the BOM, fails here in the ordinary build.
 */
class PublishedModulesTest {

	private static final String GROUP = "io.levelmutex";

	private final Path root = Path.of(System.getProperty("release-tests.rootDirectory", "..")).toAbsolutePath().normalize();

	private final Pom parent = Pom.read(this.root.resolve("pom.xml"));

	private final Pom bom = Pom.read(this.root.resolve("level-mutex-bom/pom.xml"));

	@Test
	void theBomListsEveryPublishedLibraryAndNothingElse() {
		Set<String> published = new TreeSet<>();
		for (Pom module : modules()) {
			if (isPublished(module) && !module.artifactId().equals("level-mutex-bom")) {
				published.add(GROUP + ":" + module.artifactId());
			}
		}
		assertThat(published).as("published modules").contains(GROUP + ":level-mutex-core",
				GROUP + ":level-mutex-spring-boot-autoconfigure", GROUP + ":level-mutex-spring-boot-starter");
		assertThat(this.bom.managedDependencies()).as("dependencyManagement of %s", this.bom.file())
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(published);
	}

	@Test
	void appsBenchmarksAndTestSuitesAreNeverPublished() {
		for (String name : List.of("sample-app", "benchmarks", "reliability-tests", "release-tests")) {
			Pom module = Pom.read(this.root.resolve(name).resolve("pom.xml"));
			assertThat(isPublished(module)).as("%s publishes (set maven.deploy.skip to true)", module.file()).isFalse();
		}
	}

	@Test
	void theBomHasTheReactorsVersionAndNoParent() {
		assertThat(this.parent.modules()).contains("level-mutex-bom");
		assertThat(this.bom.version()).isEqualTo(this.parent.version());
		assertThat(this.bom.packaging()).contains("pom");
		// A parent would hand the parent's dependencyManagement (Spring Boot, test libraries) to importers.
		assertThat(this.bom.parentArtifactId()).isEmpty();
	}

	@Test
	void everyPublishedPomCarriesWhatCentralRequires() {
		for (Pom pom : List.of(this.parent, this.bom)) {
			for (String element : List.of("name", "description", "url", "licenses", "developers", "scm")) {
				assertThat(pom.element(element)).as("<%s> of %s", element, pom.file()).isPresent().get().asString().isNotBlank();
			}
		}
		for (Pom module : modules()) {
			if (isPublished(module)) {
				// url, licenses, developers and scm are inherited from level-mutex-parent (or repeated by the BOM).
				assertThat(module.element("name")).as("<name> of %s", module.file()).isPresent();
				assertThat(module.element("description")).as("<description> of %s", module.file()).isPresent();
				assertThat(module.parentArtifactId().orElse("level-mutex-parent").equals("level-mutex-parent")
						|| module.artifactId().equals("level-mutex-bom")).isTrue();
			}
		}
		assertThat(this.root.resolve("LICENSE")).isRegularFile().content().contains("Apache License", "Version 2.0, January 2004");
		assertThat(this.root.resolve("NOTICE")).isRegularFile().content().contains("Mikeal Rogers");
	}

	private List<Pom> modules() {
		List<String> names = this.parent.modules();
		assertThat(names).isNotEmpty();
		return names.stream().map((name) -> {
			Path file = this.root.resolve(name).resolve("pom.xml");
			assertThat(Files.isRegularFile(file)).as("%s exists", file).isTrue();
			return Pom.read(file);
		}).toList();
	}

	private static boolean isPublished(Pom module) {
		return !module.property("maven.deploy.skip").map(Boolean::parseBoolean).orElse(false);
	}

}
