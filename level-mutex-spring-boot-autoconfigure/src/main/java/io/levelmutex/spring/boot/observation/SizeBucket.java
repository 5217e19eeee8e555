package io.levelmutex.spring.boot.observation;

/** Low-cardinality buckets of batch and read-phase sizes. */
final class SizeBucket {

	private SizeBucket() {
	}

	static String of(int size) {
		if (size <= 1) {
			return "1";
		}
		if (size <= 10) {
			return "2-10";
		}
		if (size <= 100) {
			return "11-100";
		}
		if (size <= 1000) {
			return "101-1000";
		}
		return ">1000";
	}

}
