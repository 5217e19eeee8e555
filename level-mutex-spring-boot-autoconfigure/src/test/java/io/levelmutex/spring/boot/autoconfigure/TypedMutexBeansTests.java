package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.levelmutex.Mutex;
import io.levelmutex.codec.Codec;
import io.levelmutex.spring.boot.MutexCodecFactory;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typed mutex beans: {@code key-codec}, {@code value-codec} and {@code value-type} give a
 * named mutex bean its generic type, JSON goes through the application's JsonMapper, and a
 * mismatched generic type fails startup naming the mutex and both types.
 */
class TypedMutexBeansTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"));
	}

	private static ResolvableType mutexOf(Class<?> key, Class<?> value) {
		return ResolvableType.forClassWithGenerics(Mutex.class, key, value);
	}

	@Test
	void whenNoCodecsConfiguredThenTheBeanIsABytesMutex() {
		contextRunner().withPropertyValues("level-mutex.mutexes.audit.durable=false").run((context) -> {
			assertThat(context.getBeanNamesForType(mutexOf(byte[].class, byte[].class))).containsExactly("audit");
			assertThat(context.getBean("audit")).isSameAs(context.getBean(MutexRegistry.class).mutex("audit"));
		});
	}

	@Test
	void whenLongAndIntCodecsThenTheBeansAreNumberMutexesWhoseKeysAreInNumericOrder() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.stock.key-codec=utf8", "level-mutex.mutexes.stock.value-codec=long",
					"level-mutex.mutexes.ledger.key-codec=long", "level-mutex.mutexes.ledger.value-codec=int",
					"level-mutex.mutexes.slots.key-codec=int", "level-mutex.mutexes.slots.value-codec=utf8")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(mutexOf(String.class, Long.class))).containsExactly("stock");
				assertThat(context.getBeanNamesForType(mutexOf(Long.class, Integer.class))).containsExactly("ledger");
				assertThat(context.getBeanNamesForType(mutexOf(Integer.class, String.class))).containsExactly("slots");
				@SuppressWarnings("unchecked")
				Mutex<String, Long> stock = (Mutex<String, Long>) context.getBean("stock");
				stock.put("sku-1", 1_000L).join();
				assertThat(stock.update((update) -> {
					long left = update.get("sku-1").orElse(0L) - 3;
					update.put("sku-1", left);
					return left;
				}).join()).isEqualTo(997L);
				@SuppressWarnings("unchecked")
				Mutex<Long, Integer> ledger = (Mutex<Long, Integer>) context.getBean("ledger");
				for (long key : new long[] { 5, -1, Long.MIN_VALUE, 0, Long.MAX_VALUE }) {
					ledger.put(key, (int) key).join();
				}
				byte[] first = context.getBean(MutexRegistry.class).mutex("ledger").peekFirst().join().orElseThrow().key();
				assertThat(io.levelmutex.codec.Codecs.int64().decode(first)).isEqualTo(Long.MIN_VALUE);
			});
	}

	@Test
	void whenUtf8AndJsonWithValueTypeThenTheTypedBeanInjectsByQualifierAndRoundTrips() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.orders.key-codec=utf8", "level-mutex.mutexes.orders.value-codec=json",
					"level-mutex.mutexes.orders.value-type=" + Order.class.getName())
			.withUserConfiguration(OrdersClient.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(mutexOf(String.class, Order.class))).containsExactly("orders");
				assertThat(context.getBeanNamesForType(mutexOf(byte[].class, byte[].class))).isEmpty();
				Mutex<String, Order> orders = context.getBean(OrdersClient.class).orders;
				orders.put("o-1", new Order("o-1", 3)).join();
				assertThat(orders.get("o-1").join()).contains(new Order("o-1", 3));
				// the registry's view of the same keyspace sees the JSON bytes
				Optional<byte[]> raw = context.getBean(MutexRegistry.class)
					.mutex("orders")
					.get("o-1".getBytes(StandardCharsets.UTF_8))
					.join();
				assertThat(raw.map((bytes) -> new String(bytes, StandardCharsets.UTF_8)))
					.contains("{\"orderId\":\"o-1\",\"quantity\":3}");
			});
	}

	@Test
	void whenValueTypeAloneThenTheValueCodecIsJson() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.value-type=" + Order.class.getName())
			.run((context) -> assertThat(context.getBeanNamesForType(mutexOf(byte[].class, Order.class)))
				.containsExactly("orders"));
	}

	@Test
	void whenJsonWithoutValueTypeThenValuesAreJacksonTrees() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.docs.key-codec=utf8", "level-mutex.mutexes.docs.value-codec=json")
			.run((context) -> {
				assertThat(context.getBeanNamesForType(mutexOf(String.class, JsonNode.class))).containsExactly("docs");
				assertThat(context.getBeanNamesForType(mutexOf(String.class, String.class))).isEmpty();
			});
	}

	@Test
	void whenUtf8ValuesThenTheBeanIsAStringMutex() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.names.key-codec=UTF8", "level-mutex.mutexes.names.value-codec=utf8")
			.run((context) -> {
				assertThat(context.getBeanNamesForType(mutexOf(String.class, String.class))).containsExactly("names");
				@SuppressWarnings("unchecked")
				Mutex<String, String> names = (Mutex<String, String>) context.getBean("names");
				names.put("k", "välue").join();
				assertThat(names.get("k").join()).contains("välue");
			});
	}

	@Test
	void whenJsonMapperBeanExistsThenSpringJacksonPropertiesApplyToTheJsonCodec() {
		contextRunner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE",
					"level-mutex.mutexes.orders.key-codec=utf8",
					"level-mutex.mutexes.orders.value-type=" + Order.class.getName())
			.withUserConfiguration(OrdersClient.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MutexCodecFactory.class)).hasToString(
						"DefaultMutexCodecFactory[application JsonMapper]");
				Mutex<String, Order> orders = context.getBean(OrdersClient.class).orders;
				orders.put("o-2", new Order("o-2", 1)).join();
				Optional<byte[]> raw = context.getBean(MutexRegistry.class)
					.mutex("orders")
					.get("o-2".getBytes(StandardCharsets.UTF_8))
					.join();
				assertThat(raw.map((bytes) -> new String(bytes, StandardCharsets.UTF_8)))
					.contains("{\"order_id\":\"o-2\",\"quantity\":1}");
				assertThat(orders.get("o-2").join()).contains(new Order("o-2", 1));
			});
	}

	@Test
	void whenApplicationDefinesACodecFactoryThenTheJsonBeansUseIt() {
		contextRunner().withBean(MutexCodecFactory.class, () -> new MutexCodecFactory() {
			@Override
			@SuppressWarnings("unchecked")
			public <T> Codec<T> json(Class<T> type) {
				return (Codec<T>) new Codec<Order>() {
					@Override
					public byte[] encode(Order value) {
						return ("custom:" + value.orderId()).getBytes(StandardCharsets.UTF_8);
					}

					@Override
					public Order decode(byte[] bytes) {
						return new Order(new String(bytes, StandardCharsets.UTF_8).substring(7), 0);
					}
				};
			}
		})
			.withPropertyValues("level-mutex.mutexes.orders.key-codec=utf8",
					"level-mutex.mutexes.orders.value-type=" + Order.class.getName())
			.withUserConfiguration(OrdersClient.class)
			.run((context) -> {
				Mutex<String, Order> orders = context.getBean(OrdersClient.class).orders;
				orders.put("o-3", new Order("o-3", 9)).join();
				assertThat(orders.get("o-3").join()).contains(new Order("o-3", 0));
			});
	}

	@Test
	void whenValueTypeWithANonJsonCodecThenStartupFailsNamingTheProperty() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.orders.value-codec=utf8",
					"level-mutex.mutexes.orders.value-type=" + Order.class.getName())
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("level-mutex.mutexes.orders.value-type")
				.hasMessageContaining("'json' value codec only")
				.hasMessageContaining("'utf8'"));
	}

	@Test
	void whenUnknownValueTypeThenStartupFailsNamingTheProperty() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.value-type=com.example.Missing")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("level-mutex.mutexes[orders].value-type"));
	}

	@Test
	void whenInjectionPointAsksForOtherGenericTypesThenStartupFailsNamingTheMutexAndBothTypes() {
		String[] properties = { "level-mutex.mutexes.orders.key-codec=utf8",
				"level-mutex.mutexes.orders.value-type=" + Order.class.getName() };
		contextRunner().withPropertyValues(properties).withUserConfiguration(WrongClient.class).run((context) -> {
			assertThat(context).hasFailed();
			MockEnvironment environment = new MockEnvironment();
			for (String property : properties) {
				String[] pair = property.split("=", 2);
				environment.setProperty(pair[0], pair[1]);
			}
			FailureAnalysis analysis = new MutexBeanTypeFailureAnalyzer(environment)
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("The mutex 'orders'")
				.contains("Mutex<String, " + Order.class.getName() + ">")
				.contains("asks for Mutex<String, Integer>")
				.contains("parameter 0 of method 'client'");
			assertThat(analysis.getAction()).contains("level-mutex.mutexes.orders");
		});
	}

	@Test
	void whenInjectionPointFitsTheMutexThenTheAnalyzerLeavesOtherFailuresAlone() {
		contextRunner().withUserConfiguration(MissingBeanClient.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new MutexBeanTypeFailureAnalyzer(new MockEnvironment()).analyze(context.getStartupFailure()))
				.isNull();
		});
	}

	@Test
	void whenSpringBootLoadsFailureAnalyzersThenTheMutexTypeAnalyzerComesBeforeBootsOwn() {
		MockEnvironment environment = new MockEnvironment();
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment)
				.and(BeanFactory.class, new DefaultListableBeanFactory()),
					// analyzers of modules absent from this class path are skipped, as Boot does
					SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {
					}));
		List<String> names = analyzers.stream().map((analyzer) -> analyzer.getClass().getSimpleName()).toList();
		assertThat(names).contains("MutexBeanTypeFailureAnalyzer", "NoSuchBeanDefinitionFailureAnalyzer");
		assertThat(names.indexOf("MutexBeanTypeFailureAnalyzer"))
			.isLessThan(names.indexOf("NoSuchBeanDefinitionFailureAnalyzer"));
	}

	/** A JSON value type. */
	public record Order(String orderId, int quantity) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersClient {

		Mutex<String, Order> orders;

		OrdersClient(@Qualifier("orders") Mutex<String, Order> orders) {
			this.orders = orders;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongClient {

		@Bean
		String client(@Qualifier("orders") Mutex<String, Integer> orders) {
			return orders.name();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MissingBeanClient {

		@Bean
		String client(@Qualifier("absent") Mutex<String, Integer> absent) {
			return absent.name();
		}

	}

}
