package io.levelmutex.reliability.http;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one instance serves of a database written only by document creations, against what the writers
 * were told: every acknowledged document is there at its acknowledged revision (all of them in
 * {@code _all_docs}, a seeded sample read one by one), {@code _all_docs} and {@code _changes} name the same
 * documents, the sequences are exactly 1 to N (gapless, as every write created a document), and
 * {@code doc_count} and {@code update_seq} are N. A document no writer sent is a violation; one sent without
 * an acknowledgement may be there or not (counted).
 */
final class ClusterCheck {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	static final int SAMPLE = 40;

	final List<String> lost = new ArrayList<>();

	final List<String> violations = new ArrayList<>();

	/** Documents sent without an acknowledgement that were applied. */
	long appliedNotAcknowledged;

	/** Those documents by the answer their request got ({@code no answer} or the status). */
	final Map<String, Long> appliedNotAcknowledgedByAnswer = new java.util.TreeMap<>();

	/**
	 * Applied documents whose request was answered 503, which says nothing was written: each with its request
	 * and answer. Always a violation of the answer's meaning.
	 */
	final List<String> appliedButAnswered503 = new ArrayList<>();

	/** Documents in the database. */
	long documents;

	/** The {@code _changes} feed, for comparing instances: seq, id and rev per line. */
	final List<String> feed = new ArrayList<>();

	private ClusterCheck() {
	}

	/**
	 * Runs the check.
	 * @param app the instance to read from
	 * @param database the database
	 * @param acknowledged id to acknowledged revision
	 * @param unresolved ids sent without an acknowledgement
	 * @param seed the seed of the sample read one by one
	 */
	static ClusterCheck run(SampleApp app, String database, Map<String, String> acknowledged,
			Map<String, String> unresolved, long seed) throws Exception {
		return run(app, database, acknowledged, unresolved, Map.of(), seed);
	}

	/**
	 * Runs the check.
	 * @param app the instance to read from
	 * @param database the database
	 * @param acknowledged id to acknowledged revision
	 * @param unresolved ids sent without an acknowledgement, to their answer ({@code 503 service_unavailable})
	 * @param exchanges id to its request and answer, for the report of a violation
	 * @param seed the seed of the sample read one by one
	 */
	static ClusterCheck run(SampleApp app, String database, Map<String, String> acknowledged,
			Map<String, String> unresolved, Map<String, String> exchanges, long seed) throws Exception {
		ClusterCheck check = new ClusterCheck();
		JsonNode allDocs = json(app, "/" + database + "/_all_docs");
		Map<String, String> present = new HashMap<>();
		allDocs.get("rows").valueStream().forEach((row) -> present.put(row.get("id").asString(),
				row.get("value").get("rev").asString()));
		check.documents = present.size();
		JsonNode changes = json(app, "/" + database + "/_changes");
		Map<String, String> changed = new HashMap<>();
		long expectedSeq = 1;
		for (JsonNode change : changes.get("results")) {
			long seq = change.get("seq").asLong();
			String id = change.get("id").asString();
			String rev = change.get("changes").get(0).get("rev").asString();
			check.feed.add(seq + " " + id + " " + rev);
			if (seq != expectedSeq) {
				check.violations.add("sequence gap or disorder: expected seq " + expectedSeq + ", got " + seq + " (" + id
						+ ")");
			}
			expectedSeq = seq + 1;
			if (changed.put(id, rev) != null) {
				check.violations.add("two changes for " + id);
			}
		}
		for (Map.Entry<String, String> doc : present.entrySet()) {
			String rev = changed.get(doc.getKey());
			if (rev == null) {
				check.violations.add("document without its change: " + doc.getKey());
			}
			else if (!rev.equals(doc.getValue())) {
				check.violations.add("change and document disagree: " + doc.getKey() + " " + rev + " / " + doc.getValue());
			}
			if (!acknowledged.containsKey(doc.getKey())) {
				if (unresolved.containsKey(doc.getKey())) {
					check.appliedNotAcknowledged++;
					String answer = unresolved.get(doc.getKey());
					check.appliedNotAcknowledgedByAnswer.merge(answer, 1L, Long::sum);
					if (answer.startsWith("503")) {
						check.appliedButAnswered503.add(doc.getKey() + " at " + doc.getValue() + ": "
								+ exchanges.getOrDefault(doc.getKey(), answer));
					}
				}
				else {
					check.violations.add("document no writer sent: " + doc.getKey());
				}
			}
		}
		for (String id : changed.keySet()) {
			if (!present.containsKey(id)) {
				check.violations.add("change without its document: " + id);
			}
		}
		for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
			String rev = present.get(ack.getKey());
			if (!ack.getValue().equals(rev)) {
				check.lost.add(ack.getKey() + " acknowledged " + ack.getValue() + ", found " + rev);
			}
		}
		JsonNode info = json(app, "/" + database);
		if (info.get("doc_count").asLong() != present.size() || info.get("update_seq").asLong() != changed.size()
				|| changes.get("last_seq").asLong() != changed.size()) {
			check.violations.add("counters disagree: " + info + " with " + present.size() + " documents and "
					+ changed.size() + " changes (last_seq " + changes.get("last_seq") + ")");
		}
		List<String> ids = new ArrayList<>(acknowledged.keySet());
		ids.sort(null);
		Random random = new Random(seed);
		for (int i = 0; i < Math.min(SAMPLE, ids.size()); i++) {
			String id = ids.get(random.nextInt(ids.size()));
			HttpResponse<String> doc = app.send("GET", "/" + database + "/" + id, null);
			if (doc.statusCode() != 200
					|| !acknowledged.get(id).equals(MAPPER.readTree(doc.body()).get("_rev").asString())) {
				check.lost.add(id + " read one by one: " + doc.statusCode() + " " + doc.body());
			}
		}
		return check;
	}

	private static JsonNode json(SampleApp app, String path) throws Exception {
		HttpResponse<String> response = app.send("GET", path, null);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + path + " on port " + app.port + ": " + response.statusCode() + " "
					+ response.body());
		}
		return MAPPER.readTree(response.body());
	}

}
