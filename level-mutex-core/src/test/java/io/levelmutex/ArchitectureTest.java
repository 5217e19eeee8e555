package io.levelmutex;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The core's shape: no Spring, no storage driver, a small public API, and no dependency back from codecs. */
class ArchitectureTest {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.levelmutex");

	@Test
	void whenCoreIsBuiltThenItDependsOnNoSpring() {
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(CORE);
	}

	@Test
	void whenCoreIsBuiltThenItKnowsNoStorageEngine() {
		noClasses().should().dependOnClassesThat().resideInAnyPackage("org.rocksdb..", "org.postgresql..", "java.sql..")
			.check(CORE);
	}

	@Test
	void whenCodecsAreUsedThenTheyDoNotDependOnTheMutex() {
		noClasses().that()
			.resideInAPackage("io.levelmutex.codec..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.levelmutex")
			.check(CORE);
	}

	@Test
	void whenPublicApiIsListedThenItIsExactlyTheDocumentedTypes() {
		Set<String> publicTopLevel = new TreeSet<>();
		for (JavaClass type : CORE) {
			if (type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass()
					&& !type.getSimpleName().equals("package-info")) {
				publicTopLevel.add(type.getName().replace("io.levelmutex.", ""));
			}
		}
		assertThat(publicTopLevel).containsExactlyInAnyOrder("BatchInterceptor", "CommitOutcomeUnknownException", "CycleRejectedException", "Entry", "FlushEvent",
				"InvalidInputException", "KeyRange", "Keyspace", "KeyspaceOverlapException", "LevelMutexException",
				"BlockingMutex", "Mutex", "MutexClosedException", "MutexListener", "MutexOptions", "MutexOverloadedException",
				"MutexStats", "MutexStore", "ReadPhaseEvent", "RemoteChangeEvent", "StorageException",
				"StorageUnavailableException", "StoreHealth", "StoreOptions",
				"UpdateContext", "UpdateFunction", "WriteBatchEvent", "WriteConflictException", "WriteOperation",
				"codec.Codec", "codec.CodecException", "codec.Codecs", "engine.BlockingCalls", "engine.CommitResult",
				"engine.EngineBatch",
				"engine.KeyFormat", "engine.KeySpan", "engine.KeyValue", "engine.KeyspaceStorage", "engine.ReadPlan",
				"engine.ReadResult", "engine.ReadSnapshot",
				"engine.RemoteChangeSink", "engine.StorageEngine", "engine.UpdateFootprint");
	}

}
