package io.levelmutex.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.levelmutex.Keyspace;
import io.levelmutex.Mutex;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.rocksdb.RocksStore;
import io.levelmutex.spring.boot.MutexEventPublisher;
import io.levelmutex.spring.boot.MutexRegistry;
import io.levelmutex.spring.boot.MutexStoreCustomizer;
import io.levelmutex.spring.boot.NoSuchMutexException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LevelMutexAutoConfiguration}: the beans, their back-off, named mutex beans
 * and the properties.
 */
class LevelMutexAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LevelMutexAutoConfiguration.class))
			.withPropertyValues("level-mutex.rocksdb.path=" + this.directory.resolve("db"));
	}

	@Test
	void whenDefaultsThenStoreRegistryAndEventPublisherExist() {
		contextRunner().run((context) -> {
			assertThat(context).hasSingleBean(MutexStore.class)
				.hasSingleBean(MutexRegistry.class)
				.hasSingleBean(MutexEventPublisher.class);
			MutexStore store = context.getBean(MutexStore.class);
			assertThat(store.directory()).isEqualTo(this.directory.resolve("db").toAbsolutePath());
			assertThat(store.options().durable()).isTrue();
			assertThat(context.getBean(MutexRegistry.class).store()).isSameAs(store);
			assertThat(context.getBean(MutexRegistry.class).mutexes()).isEmpty();
		});
	}

	@Test
	void whenDefaultsThenStorePathIsDataLevelMutexUnderWorkingDirectory() {
		assertThat(new LevelMutexProperties().getRocksdb().getPath()).isEqualTo("./data/level-mutex");
		assertThat(Path.of(new LevelMutexProperties().getRocksdb().getPath()).toAbsolutePath().normalize())
			.isEqualTo(Path.of("").toAbsolutePath().resolve("data").resolve("level-mutex"));
	}

	@Test
	void whenDefaultsThenLimitsMatchTheCore() {
		contextRunner().run((context) -> {
			MutexOptions options = context.getBean(MutexRegistry.class).mutex("any").options();
			assertThat(options.maxQueuedOperations()).isEqualTo(MutexOptions.DEFAULT_MAX_QUEUED_OPERATIONS);
			assertThat(options.maxBatchOperations()).isEqualTo(MutexOptions.DEFAULT_MAX_BATCH_OPERATIONS);
			assertThat(options.maxBatchBytes()).isEqualTo(MutexOptions.DEFAULT_MAX_BATCH_BYTES);
			assertThat(options.maxKeyBytes()).isEqualTo(MutexOptions.DEFAULT_MAX_KEY_BYTES);
			assertThat(options.maxValueBytes()).isEqualTo(MutexOptions.DEFAULT_MAX_VALUE_BYTES);
			assertThat(options.maxUpdateAttempts()).isEqualTo(MutexOptions.DEFAULT_MAX_UPDATE_ATTEMPTS);
		});
	}

	@Test
	void whenDisabledThenNoBeans() {
		contextRunner().withPropertyValues("level-mutex.enabled=false", "level-mutex.mutexes.orders.prefix=o")
			.run((context) -> assertThat(context).doesNotHaveBean(MutexStore.class)
				.doesNotHaveBean(MutexRegistry.class)
				.doesNotHaveBean(MutexEventPublisher.class)
				.doesNotHaveBean("orders"));
		assertThat(this.directory.resolve("db")).doesNotExist();
	}

	@Test
	void whenEventsDisabledThenNoEventPublisher() {
		contextRunner().withPropertyValues("level-mutex.events.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(MutexRegistry.class)
				.doesNotHaveBean(MutexEventPublisher.class));
	}

	@Test
	void whenUserDefinesStoreThenItIsUsed() {
		Path userPath = this.directory.resolve("user");
		contextRunner().withBean(MutexStore.class, () -> RocksStore.builder(userPath).open())
			.run((context) -> {
				assertThat(context).hasSingleBean(MutexStore.class);
				assertThat(context.getBean(MutexRegistry.class).store().directory()).isEqualTo(userPath);
			});
	}

	@Test
	void whenUserDefinesRegistryThenAutoConfiguredOneBacksOff() {
		contextRunner().withUserConfiguration(UserRegistryConfiguration.class)
			.withPropertyValues("level-mutex.mutexes.orders.prefix=o")
			.run((context) -> {
				assertThat(context).hasSingleBean(MutexRegistry.class);
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				assertThat(registry).isInstanceOf(UserRegistry.class);
				@SuppressWarnings("unchecked")
				Mutex<byte[], byte[]> orders = (Mutex<byte[], byte[]>) context.getBean("orders");
				assertThat(orders.name()).isEqualTo("orders");
				assertThat(registry.find("orders")).isPresent();
			});
	}

	@Test
	void whenMutexConfiguredThenInjectableByQualifier() {
		contextRunner().withUserConfiguration(OrdersUserConfiguration.class)
			.withPropertyValues("level-mutex.mutexes.orders.max-queued-operations=10",
					"level-mutex.mutexes.invoices.prefix=inv/")
			.run((context) -> {
				OrdersUser user = context.getBean(OrdersUser.class);
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				assertThat(user.orders()).isSameAs(registry.mutex("orders"));
				assertThat(user.orders().name()).isEqualTo("orders");
				assertThat(user.orders().options().maxQueuedOperations()).isEqualTo(10);
				assertThat(context.getBean("invoices")).isSameAs(registry.mutex("invoices"));
				user.orders().put(bytes("k"), bytes("v")).get(60, TimeUnit.SECONDS);
				assertThat(user.orders().get(bytes("k")).get(60, TimeUnit.SECONDS)).hasValueSatisfying(
						(value) -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("v"));
			});
	}

	@Test
	void whenApplicationDefinesMutexBeanOfMutexNameThenItWins() {
		contextRunner().withBean("orders", Mutex.class, () -> mock(Mutex.class))
			.withPropertyValues("level-mutex.mutexes.orders.prefix=o")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("orders")).isNotSameAs(context.getBean(MutexRegistry.class).mutex("orders"));
				assertThat(context.getBean(MutexRegistry.class).find("orders")).isPresent();
			});
	}

	@Test
	void whenApplicationDefinesOtherBeanOfMutexNameThenStartupFailsNamingTheClash() {
		contextRunner().withBean("orders", String.class, () -> "not a mutex")
			.withPropertyValues("level-mutex.mutexes.orders.prefix=o")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("'orders'")
				.hasMessageContaining("java.lang.String")
				.hasMessageContaining("level-mutex.mutexes.orders"));
	}

	@Test
	void whenMutexConfiguredThenCreatedAtStartup() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.durable=false",
				"level-mutex.mutexes.carts.max-batch-size=1KB")
			.run((context) -> {
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				assertThat(registry.mutexes()).extracting(Mutex::name).containsExactly("orders", "carts");
				assertThat(registry.find("orders").orElseThrow().options().durable()).isFalse();
				assertThat(registry.find("carts").orElseThrow().options().maxBatchBytes()).isEqualTo(1024);
			});
	}

	@Test
	void whenMutexDeclaredWithoutSettingsThenItIsABeanWithDefaults() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders=").run((context) -> {
			assertThat(context).hasBean("orders");
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).find("orders").orElseThrow();
			assertThat(orders.keyspace()).isEqualTo(Keyspace.forMutex("orders"));
		});
	}

	@Test
	void whenReadmeApplicationYmlThenBothMutexesAreBeans() {
		contextRunner().withInitializer((context) -> {
			try {
				context.getEnvironment()
					.getPropertySources()
					.addLast(new YamlPropertySourceLoader()
						.load("readme", new ClassPathResource("readme-application.yml"))
						.get(0));
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}).run((context) -> {
			assertThat(context).hasBean("orders").hasBean("carts");
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			assertThat(registry.mutex("orders").keyspace()).isEqualTo(Keyspace.forMutex("orders"));
			assertThat(registry.mutex("carts").keyspace()).isEqualTo(Keyspace.defaultColumnFamily().withPrefix("carts/"));
			assertThat(registry.mutex("carts").options().maxQueuedOperations()).isEqualTo(10000);
		});
	}

	@Test
	void whenCloseTimeoutSetThenStoreUsesIt() {
		contextRunner().withPropertyValues("level-mutex.store.close-timeout=5s")
			.run((context) -> assertThat(context.getBean(MutexStore.class).options().closeTimeout())
				.isEqualTo(java.time.Duration.ofSeconds(5)));
		contextRunner().withPropertyValues("level-mutex.store.close-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.store.close-timeout"));
	}

	@Test
	void whenNoKeyspaceGivenThenKeyspaceForMutexName() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.max-update-attempts=3")
			.run((context) -> {
				Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
				assertThat(orders.keyspace()).isEqualTo(Keyspace.forMutex("orders"));
				assertThat(orders.options().maxUpdateAttempts()).isEqualTo(3);
			});
	}

	@Test
	void whenPrefixGivenThenItReplacesTheDefaultPrefix() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.prefix=ord/").run((context) -> {
			Mutex<byte[], byte[]> orders = context.getBean(MutexRegistry.class).mutex("orders");
			assertThat(orders.keyspace()).isEqualTo(Keyspace.defaultColumnFamily().withPrefix("ord/"));
		});
	}

	@Test
	void whenColumnFamilyGivenThenMutexOwnsItAndItIsOpened() {
		contextRunner()
			.withPropertyValues("level-mutex.mutexes.orders.column-family=orders-cf",
					"level-mutex.mutexes.users.column-family=users-cf", "level-mutex.mutexes.users.prefix=u/",
					"level-mutex.rocksdb.column-families=extra")
			.run((context) -> {
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				assertThat(registry.mutex("orders").keyspace()).isEqualTo(Keyspace.columnFamily("orders-cf"));
				assertThat(registry.mutex("users").keyspace())
					.isEqualTo(Keyspace.columnFamily("users-cf").withPrefix("u/"));
				assertThat(columnFamilies(registry.store())).contains("orders-cf", "users-cf", "extra");
			});
	}

	@Test
	void whenCreateOnDemandThenUnknownMutexIsCreatedWithDefaults() {
		contextRunner().withPropertyValues("level-mutex.defaults.max-queued-operations=77").run((context) -> {
			MutexRegistry registry = context.getBean(MutexRegistry.class);
			assertThat(registry.find("later")).isEmpty();
			Mutex<byte[], byte[]> later = registry.mutex("later");
			assertThat(later.keyspace()).isEqualTo(Keyspace.forMutex("later"));
			assertThat(later.options().maxQueuedOperations()).isEqualTo(77);
			assertThat(registry.mutex("later")).isSameAs(later);
			assertThat(registry.find("later")).containsSame(later);
			assertThat(registry.mutexes()).containsExactly(later);
		});
	}

	@Test
	void whenUserClosesARegistryMutexThenItIsRetiredAndTheNextLookupCreatesAFreshOne() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.max-queued-operations=55",
				"level-mutex.create-on-demand=false")
			.run((context) -> {
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				Mutex<byte[], byte[]> orders = registry.mutex("orders");
				orders.put("k".getBytes(), "v".getBytes()).join();
				orders.close();
				assertThat(registry.find("orders")).isEmpty();
				assertThat(registry.mutexes()).doesNotContain(orders);
				Mutex<byte[], byte[]> again = registry.mutex("orders");
				assertThat(again).isNotSameAs(orders);
				assertThat(again.isClosed()).isFalse();
				assertThat(again.options().maxQueuedOperations()).isEqualTo(55);
				assertThat(again.get("k".getBytes()).join()).hasValueSatisfying(
						(value) -> assertThat(new String(value)).isEqualTo("v"));
				assertThat(registry.find("orders")).containsSame(again);
			});
	}

	@Test
	void whenCreateOnDemandOffThenUnknownMutexThrowsNamingTheProperty() {
		contextRunner()
			.withPropertyValues("level-mutex.create-on-demand=false", "level-mutex.mutexes.orders.prefix=o")
			.run((context) -> {
				MutexRegistry registry = context.getBean(MutexRegistry.class);
				assertThat(registry.mutex("orders").name()).isEqualTo("orders");
				assertThatExceptionOfType(NoSuchMutexException.class).isThrownBy(() -> registry.mutex("later"))
					.withMessageContaining("'later'")
					.withMessageContaining("level-mutex.create-on-demand")
					.satisfies((ex) -> assertThat(ex.getMutexName()).isEqualTo("later"));
				assertThat(registry.find("later")).isEmpty();
			});
	}

	@Test
	void whenStoreCustomizerDefinedThenItRunsAfterTheProperties() {
		contextRunner().withPropertyValues("level-mutex.rocksdb.durable=true")
			.withBean(MutexStoreCustomizer.class, () -> (builder) -> builder.durable(false).cycleThreads(3))
			.run((context) -> {
				StoreOptions options = context.getBean(MutexStore.class).options();
				assertThat(options.durable()).isFalse();
				assertThat(options.cycleThreads()).isEqualTo(3);
			});
	}

	@Test
	void whenContextClosesThenMutexesAndStoreAreClosed() {
		AtomicReference<MutexStore> store = new AtomicReference<>();
		AtomicReference<Mutex<byte[], byte[]>> orders = new AtomicReference<>();
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.prefix=o").run((context) -> {
			store.set(context.getBean(MutexStore.class));
			orders.set(context.getBean(MutexRegistry.class).mutex("orders"));
		});
		assertThat(orders.get().isClosed()).isTrue();
		assertThat(store.get().isOpen()).isFalse();
	}

	@Test
	void whenNegativeLimitThenStartupFailsNamingTheProperty() {
		contextRunner().withPropertyValues("level-mutex.defaults.max-queued-operations=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.defaults.max-queued-operations")
				.hasMessageContaining("-1"));
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.max-value-size=-5B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.mutexes.orders.max-value-size")
				.hasMessageContaining("must not be negative"));
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.max-batch-operations=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.mutexes.orders.max-batch-operations")
				.hasMessageContaining("at least 1"));
	}

	@Test
	void whenKeyspacesOverlapThenStartupFailsNamingBothMutexes() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.prefix=ord", "level-mutex.mutexes.old.prefix=o")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.mutexes.old.prefix")
				.hasMessageContaining("'orders'")
				.hasMessageContaining("overlaps"));
	}

	@Test
	void whenPathIsNotWritableThenStartupFailsNamingTheProperty() throws Exception {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");
		contextRunner().withPropertyValues("level-mutex.rocksdb.path=" + file.resolve("db"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.path")
				.hasMessageContaining("cannot be created"));
		contextRunner().withPropertyValues("level-mutex.rocksdb.path=" + file)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.path")
				.hasMessageContaining("is not a directory"));
	}

	@Test
	void whenPathMissingAndCreateIfMissingOffThenStartupFailsNamingTheProperty() {
		contextRunner().withPropertyValues("level-mutex.rocksdb.create-if-missing=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.path")
				.hasMessageContaining("level-mutex.rocksdb.create-if-missing"));
	}

	@Test
	void whenUnknownColumnFamilyOptionThenStartupFailsNamingIt() {
		contextRunner().withPropertyValues("level-mutex.rocksdb.column-family-options.default.write-bufer-size=64MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.column-family-options.default.write-bufer-size"));
	}

	@Test
	void whenOptionsForUnknownColumnFamilyThenStartupFailsNamingIt() {
		contextRunner().withPropertyValues("level-mutex.rocksdb.column-family-options.nowhere.write-buffer-size=64MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.rocksdb.column-family-options.nowhere")
				.hasMessageContaining("unknown column family"));
	}

	@Test
	void whenColumnFamilyOptionsValidThenStoreOpens() {
		contextRunner()
			.withPropertyValues("level-mutex.rocksdb.column-families=logs",
					"level-mutex.rocksdb.column-family-options.logs.write-buffer-size=8MB",
					"level-mutex.rocksdb.column-family-options.logs.compression=lz4",
					"level-mutex.rocksdb.column-family-options.default.max-write-buffer-number=3",
					"level-mutex.mutexes.logs.column-family=logs")
			.run((context) -> {
				Mutex<byte[], byte[]> logs = context.getBean(MutexRegistry.class).mutex("logs");
				logs.put(bytes("k"), bytes("v")).get(60, TimeUnit.SECONDS);
				assertThat(logs.get(bytes("k")).get(60, TimeUnit.SECONDS)).isPresent();
			});
	}

	@Test
	void whenUnknownPropertyUnderPrefixThenStartupFailsNamingIt() {
		contextRunner().withPropertyValues("level-mutex.mutexes.orders.colum-family=x")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("level-mutex.mutexes.orders.colum-family"));
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersUserConfiguration {

		@Bean
		OrdersUser ordersUser(@Qualifier("orders") Mutex<byte[], byte[]> orders) {
			return new OrdersUser(orders);
		}

	}

	record OrdersUser(Mutex<byte[], byte[]> orders) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistryConfiguration {

		@Bean
		UserRegistry userRegistry(MutexStore store) {
			return new UserRegistry(store);
		}

	}

	/** A registry of the application's own, over the auto-configured store. */
	static final class UserRegistry implements MutexRegistry {

		private final MutexStore store;

		UserRegistry(MutexStore store) {
			this.store = store;
		}

		@Override
		public Mutex<byte[], byte[]> mutex(String name) {
			return this.store.mutex(name);
		}

		@Override
		public java.util.Optional<Mutex<byte[], byte[]>> find(String name) {
			return this.store.find(name);
		}

		@Override
		public java.util.Collection<Mutex<byte[], byte[]>> mutexes() {
			return this.store.mutexes();
		}

		@Override
		public MutexStore store() {
			return this.store;
		}

		@Override
		public Mutex.ListenerRegistration forEachMutex(
				java.util.function.Consumer<? super Mutex<byte[], byte[]>> action) {
			this.store.mutexes().forEach(action);
			return () -> {
			};
		}

	}

	/** The column families the store's RocksDB directory holds. */
	private static List<String> columnFamilies(MutexStore store) throws RocksDBException {
		try (Options options = new Options()) {
			return RocksDB.listColumnFamilies(options, store.directory().toString())
				.stream()
				.map((name) -> new String(name, StandardCharsets.UTF_8))
				.toList();
		}
	}

}
