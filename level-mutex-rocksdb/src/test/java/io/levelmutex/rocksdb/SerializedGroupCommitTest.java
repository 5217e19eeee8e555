package io.levelmutex.rocksdb;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link GroupCommitTest} (refused batches, shared and direct write failures, close races, the seeded
 * model runs) with the serialized fill on ({@link SerializedBatch#PROPERTY}, read when each store's committer and
 * storages are made): a group's batches are joined in RocksDB's serialized format and a batch that cannot be encoded
 * is left out of the joined bytes instead of rolled back to a save point.
 */
class SerializedGroupCommitTest extends GroupCommitTest {

	private static String before;

	@BeforeAll
	static void serializedFillOn() {
		before = System.getProperty(SerializedBatch.PROPERTY);
		System.setProperty(SerializedBatch.PROPERTY, "true");
	}

	@Test
	void theCommittersOfTheseTestsJoinGroupsInTheSerializedFormat() {
		RocksDB.loadLibrary();
		try (WriteOptions options = new WriteOptions();
				GroupCommitter committer = new GroupCommitter(new RocksAccess(null), options, "serialized-check", 1)) {
			assertThat(committer.serializes()).isTrue();
		}
	}

	@AfterAll
	static void serializedFillAsBefore() {
		if (before == null) {
			System.clearProperty(SerializedBatch.PROPERTY);
		}
		else {
			System.setProperty(SerializedBatch.PROPERTY, before);
		}
	}

}
