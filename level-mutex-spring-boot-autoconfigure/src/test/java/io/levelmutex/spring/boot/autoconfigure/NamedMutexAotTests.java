package io.levelmutex.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.util.Environment;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.InputStreamSource;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT processing of the auto-configuration with named mutexes (what
 * {@code process-aot} does; the aot-test-app module then starts the result): the named
 * mutex beans are generated as factory-method calls on the {@link NamedMutexFactory}, and the
 * runtime hints cover rocksdbjni and the JSON value types.
 */
class NamedMutexAotTests {

	@TempDir
	Path directory;

	@Test
	void whenContextWithNamedMutexesIsAotProcessedThenBeansAreFactoryMethodCallsAndHintsAreContributed()
			throws IOException {
		InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "AotTest")), files);
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			TestPropertyValues
				.of("level-mutex.rocksdb.path=" + this.directory, "level-mutex.mutexes.audit.prefix=audit/",
						"level-mutex.mutexes.orders.key-codec=utf8",
						"level-mutex.mutexes.orders.value-type=" + TypedMutexBeansTests.Order.class.getName())
				.applyTo(context);
			context.register(LevelMutexAutoConfiguration.class);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		}
		generation.writeGeneratedContent();
		String sources = sources(files.getGeneratedFiles(Kind.SOURCE));
		assertThat(sources).contains("forFactoryMethod(NamedMutexFactory.class, \"mutex\", String.class)")
			.contains("addIndexedArgumentValue(0, \"audit\")")
			.contains("ResolvableType.forClassWithGenerics(Mutex.class, String.class, TypedMutexBeansTests.Order.class)")
			.doesNotContain("setInstanceSupplier(() ->");
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.resource().forResource(Environment.getJniLibraryFileName("rocksdb")))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypedMutexBeansTests.Order.class)).accepts(hints);
		assertThat(hints.jni().getTypeHint(org.rocksdb.RocksDBException.class)).isNotNull();
	}

	@Test
	void whenValueTypeIsBytesStringOrJacksonTreeThenNoBindingHintIsNeeded() {
		assertThat(MutexBeanAotProcessor.jsonValueType(MutexBeanType
			.of("a", LevelMutexProperties.MutexSettings.KeyCodec.BYTES, null, null, getClass().getClassLoader())
			.resolvableType())).isNull();
		assertThat(MutexBeanAotProcessor.jsonValueType(MutexBeanType
			.of("b", LevelMutexProperties.MutexSettings.KeyCodec.UTF8,
					LevelMutexProperties.MutexSettings.ValueCodec.UTF8, null, getClass().getClassLoader())
			.resolvableType())).isNull();
		assertThat(MutexBeanAotProcessor.jsonValueType(MutexBeanType
			.of("c", LevelMutexProperties.MutexSettings.KeyCodec.UTF8,
					LevelMutexProperties.MutexSettings.ValueCodec.JSON, null, getClass().getClassLoader())
			.resolvableType())).isNull();
		assertThat(MutexBeanAotProcessor.jsonValueType(MutexBeanType
			.of("d", LevelMutexProperties.MutexSettings.KeyCodec.UTF8, null, TypedMutexBeansTests.Order.class,
					getClass().getClassLoader())
			.resolvableType())).isEqualTo(TypedMutexBeansTests.Order.class);
	}

	private static String sources(Map<String, InputStreamSource> generated) throws IOException {
		List<String> contents = new ArrayList<>();
		for (InputStreamSource source : generated.values()) {
			contents.add(new String(source.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		}
		return String.join("\n", contents);
	}

}
