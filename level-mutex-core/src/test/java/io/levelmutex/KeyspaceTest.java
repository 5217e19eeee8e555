package io.levelmutex;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keyspaces: overlap refusal, isolation, column families. */
class KeyspaceTest {

	@Test
	void whenKeyspacesOverlapThenSecondMutexRefused() {
		try (TempStore temp = TempStore.open()) {
			temp.store.mutex(MutexOptions.builder("orders").keyspace(Keyspace.defaultColumnFamily().withPrefix("o"))
				.build());
			assertThatThrownBy(() -> temp.store.mutex(
					MutexOptions.builder("order-lines").keyspace(Keyspace.defaultColumnFamily().withPrefix("ol")).build()))
				.isInstanceOf(KeyspaceOverlapException.class)
				.hasMessageContaining("'order-lines'")
				.hasMessageContaining("'orders'");
			assertThatThrownBy(() -> temp.store
				.mutex(MutexOptions.builder("everything").keyspace(Keyspace.defaultColumnFamily()).build()))
				.isInstanceOf(KeyspaceOverlapException.class);
			Mutex<byte[], byte[]> other = temp.store.mutex(
					MutexOptions.builder("elsewhere").keyspace(Keyspace.columnFamily("side").withPrefix("o")).build());
			assertThat(other.keyspace().columnFamily()).isEqualTo("side");
		}
	}

	@Test
	void whenMutexNamesArePrefixesOfEachOtherThenDefaultKeyspacesDoNotOverlap() {
		assertThat(Keyspace.forMutex("a").overlaps(Keyspace.forMutex("a/b"))).isFalse();
		assertThat(Keyspace.forMutex("a").overlaps(Keyspace.forMutex("ab"))).isFalse();
		assertThat(Keyspace.forMutex("a").overlaps(Keyspace.forMutex("a"))).isTrue();
		try (TempStore temp = TempStore.open()) {
			temp.store.mutex("a");
			temp.store.mutex("a/b");
			assertThat(temp.store.mutexes()).hasSize(2);
		}
	}

	@Test
	void whenSameNameAskedAgainThenSameMutexUnlessKeyspaceDiffers() {
		try (TempStore temp = TempStore.open()) {
			Mutex<byte[], byte[]> first = temp.store.mutex("m");
			first.put(bytes("k"), bytes("v")).join();
			assertThat(temp.store.mutex("m").get(bytes("k")).join()).isPresent();
			assertThat(temp.store.find("m")).isPresent();
			assertThat(temp.store.find("missing")).isEmpty();
			assertThatThrownBy(() -> temp.store
				.mutex(MutexOptions.builder("m").keyspace(Keyspace.columnFamily("other")).build()))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("'m'");
		}
	}

	@Test
	void whenRangePeeksThenBoundsAreHonouredAndNeverLeaveTheKeyspace() {
		try (TempStore temp = TempStore.open()) {
			Mutex<String, String> mutex = temp.store.mutex(MutexOptions.builder("r").build(), Codecs.utf8(),
					Codecs.utf8());
			Mutex<String, String> after = temp.store.mutex(MutexOptions.builder("s").build(), Codecs.utf8(),
					Codecs.utf8());
			after.put("a", "neighbour").join();
			for (String key : new String[] { "b", "c", "d" }) {
				mutex.put(key, key).join();
			}
			assertThat(mutex.peekFirst(KeyRange.greaterThan("b")).join()).map(Entry::key).contains("c");
			assertThat(mutex.peekFirst(KeyRange.atLeast("b")).join()).map(Entry::key).contains("b");
			assertThat(mutex.peekLast(KeyRange.lessThan("d")).join()).map(Entry::key).contains("c");
			assertThat(mutex.peekLast(KeyRange.atMost("d")).join()).map(Entry::key).contains("d");
			assertThat(mutex.peekLast(KeyRange.closedOpen("a", "b")).join()).isEmpty();
			assertThat(mutex.peekFirst(KeyRange.greaterThan("d")).join()).isEmpty();
			assertThat(mutex.peekLast(KeyRange.atLeast("e")).join()).isEmpty();
			assertThat(mutex.peekLast().join()).map(Entry::key).contains("d");
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
