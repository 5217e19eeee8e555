package io.levelmutex.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published modules, the BOM and the release metadata agree. A module is published unless its
 * pom sets {@code maven.deploy.skip} to {@code true} (which also keeps it out of the Central bundle
 * and skips its sources and Javadoc, see the root pom). Read from the poms as written, so a new module
 * that forgets to opt out, or a published module missing from the BOM, fails here in the ordinary build.
 */
class PublishedModulesTest {

	private final Path root = Path.of(System.getProperty("release-tests.rootDirectory", "../..")).toAbsolutePath().normalize();

	private final PublishedModules reactor = PublishedModules.read(this.root);

	@Test
	void theBomListsEveryPublishedLibraryAndNothingElse() {
		assertThat(this.reactor.publishedLibraries()).as("published modules").contains(
				"io.levelmutex:level-mutex-core", "io.levelmutex:level-mutex-rocksdb",
				"io.levelmutex:level-mutex-spring-boot-autoconfigure",
				"io.levelmutex:level-mutex-spring-boot-starter");
		assertThat(this.reactor.bom().managedDependencies()).as("dependencyManagement of %s", this.reactor.bom().file())
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(this.reactor.publishedLibraries());
	}

	@Test
	void appsBenchmarksAndTestSuitesAreNeverPublished() {
		for (String name : List.of("sample-app", "benchmarks", "tests", "tests/aot-test-app", "tests/reliability-tests",
				"tests/release-tests")) {
			Pom module = Pom.read(this.root.resolve(name).resolve("pom.xml"));
			assertThat(PublishedModules.isPublished(module)).as("%s publishes (set maven.deploy.skip to true)", module.file())
				.isFalse();
		}
	}

	@Test
	void aNewModuleThatDoesNotOptOutIsSeenAsPublishedAndMissingFromTheBom(@TempDir Path tree) throws IOException {
		write(tree.resolve("pom.xml"), "<project><artifactId>level-mutex-parent</artifactId><version>1.0.0</version>"
				+ "<modules><module>level-mutex-bom</module><module>level-mutex-core</module>"
				+ "<module>new-test-app</module><module>new-sample</module></modules></project>");
		write(tree.resolve("level-mutex-bom/pom.xml"), "<project><artifactId>level-mutex-bom</artifactId><version>1.0.0</version>"
				+ "<dependencyManagement><dependencies><dependency><groupId>io.levelmutex</groupId>"
				+ "<artifactId>level-mutex-core</artifactId></dependency></dependencies></dependencyManagement></project>");
		write(tree.resolve("level-mutex-core/pom.xml"), "<project><parent><artifactId>level-mutex-parent</artifactId>"
				+ "<version>1.0.0</version></parent><artifactId>level-mutex-core</artifactId></project>");
		write(tree.resolve("new-test-app/pom.xml"), "<project><parent><artifactId>level-mutex-parent</artifactId>"
				+ "<version>1.0.0</version></parent><artifactId>new-test-app</artifactId></project>");
		write(tree.resolve("new-sample/pom.xml"), "<project><parent><artifactId>level-mutex-parent</artifactId>"
				+ "<version>1.0.0</version></parent><artifactId>new-sample</artifactId>"
				+ "<properties><maven.deploy.skip>true</maven.deploy.skip></properties></project>");

		PublishedModules modules = PublishedModules.read(tree);

		assertThat(modules.publishedLibraries()).containsExactly("io.levelmutex:level-mutex-core", "io.levelmutex:new-test-app");
		assertThat(modules.bom().managedDependencies()).containsExactly("io.levelmutex:level-mutex-core");
	}

	@Test
	void theBomHasTheReactorsVersionAndNoParent() {
		Pom bom = this.reactor.bom();
		assertThat(bom.version()).isEqualTo(this.reactor.parent().version());
		assertThat(bom.packaging()).contains("pom");
		// A parent would hand the parent's dependencyManagement (Spring Boot, test libraries) to importers.
		assertThat(bom.parentArtifactId()).isEmpty();
	}

	@Test
	void everyPublishedPomCarriesWhatCentralRequires() {
		for (Pom pom : List.of(this.reactor.parent(), this.reactor.bom())) {
			for (String element : List.of("name", "description", "url", "licenses", "developers", "scm")) {
				assertThat(pom.element(element)).as("<%s> of %s", element, pom.file()).get().asString().isNotBlank();
			}
		}
		for (Pom module : this.reactor.modules()) {
			if (PublishedModules.isPublished(module)) {
				// url, licenses, developers and scm are inherited from level-mutex-parent (or repeated by the BOM).
				assertThat(module.element("name")).as("<name> of %s", module.file()).isPresent();
				assertThat(module.element("description")).as("<description> of %s", module.file()).isPresent();
				if (!module.artifactId().equals(PublishedModules.BOM)) {
					assertThat(module.parentArtifactId()).as("parent of %s", module.file()).contains("level-mutex-parent");
				}
			}
		}
		assertThat(this.root.resolve("LICENSE")).isRegularFile().content().contains("Apache License", "Version 2.0, January 2004");
		assertThat(this.root.resolve("NOTICE")).isRegularFile().content().contains("Mikeal Rogers");
	}

	private static void write(Path file, String content) throws IOException {
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
	}

}
