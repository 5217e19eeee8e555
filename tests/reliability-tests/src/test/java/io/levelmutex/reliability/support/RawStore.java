package io.levelmutex.reliability.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads a closed store's RocksDB directory directly, bypassing the mutex API, so that the
 * suites can check what really is on disk (every key of every column family).
 */
public final class RawStore {

	static {
		RocksDB.loadLibrary();
	}

	private RawStore() {
	}

	/**
	 * Every key and value of every column family, in RocksDB's order.
	 * @param dir the RocksDB directory of a closed store
	 * @return column family name to its entries
	 * @throws RocksDBException if RocksDB cannot read the directory
	 */
	public static Map<String, List<byte[][]>> dump(Path dir) throws RocksDBException {
		List<byte[]> names;
		try (Options options = new Options()) {
			names = RocksDB.listColumnFamilies(options, dir.toString());
		}
		List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
		for (byte[] name : names) {
			descriptors.add(new ColumnFamilyDescriptor(name));
		}
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		Map<String, List<byte[][]>> result = new LinkedHashMap<>();
		try (DBOptions options = new DBOptions();
				RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles)) {
			try {
				for (int i = 0; i < handles.size(); i++) {
					List<byte[][]> entries = new ArrayList<>();
					try (RocksIterator iterator = db.newIterator(handles.get(i))) {
						for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
							entries.add(new byte[][] { iterator.key(), iterator.value() });
						}
						iterator.status();
					}
					result.put(new String(names.get(i), StandardCharsets.UTF_8), entries);
				}
			}
			finally {
				handles.forEach(ColumnFamilyHandle::close);
			}
		}
		return result;
	}

}
