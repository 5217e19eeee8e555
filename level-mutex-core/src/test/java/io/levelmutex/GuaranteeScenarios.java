package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.levelmutex.OperationLedger.Kind;
import io.levelmutex.OperationLedger.Record;

/**
 * Seeded programs for the guarantee model: rounds of operations issued "at the same instant"
 * from the test thread, then cycles run. Reads carry callback plans (writes, reads, barriers,
 * closes issued from {@code thenAccept}, callbacks that throw); writes carry completion plans
 * (reads and barriers); compare-and-set clients race get-then-put chains on shared keys.
 * Everything a callback does is decided when the program is generated, so the same program
 * runs identically on the mutex and on the model as long as both keep the same promises.
 */
final class GuaranteeScenarios {

	static final String[] KEYS = { "a", "b", "c", "d", "e", "f" };

	static final String[] COUNTERS = { "n0", "n1" };

	static final String[] CAS_KEYS = { "x0", "x1" };

	private GuaranteeScenarios() {
	}

	/** What an update function does. */
	enum UpdateKind {

		/** Increments a counter. */
		INCREMENT,

		/** Increments a counter and peeks a range, reporting what it saw. */
		INCREMENT_PEEK,

		/** Increments a counter and puts or deletes a plain key too (two writes, one unit). */
		INCREMENT_AND_WRITE,

		/** Reads, peeks, then throws. */
		THROW

	}

	enum StepKind {
		GET, PEEK_FIRST, PEEK_LAST, SCAN, PUT, DEL, UPDATE, AFTER_WRITE, CAS, CLOSE
	}

	/** One operation of a program, with what its callback does; immutable once generated. */
	static final class Step {

		final StepKind kind;

		String key = "";

		String value = "";

		KeyRange<String> range = KeyRange.all();

		int limit = 1;

		boolean reverse;

		boolean first;

		UpdateKind update = UpdateKind.INCREMENT;

		/** CAS: further get-then-put rounds this client runs after this one. */
		int remaining;

		String client = "";

		/** Issued from the future's {@code thenAccept}. */
		final List<Step> then = new ArrayList<>();

		/** The callback throws after issuing its steps. */
		boolean callbackThrows;

		Step(StepKind kind) {
			this.kind = kind;
		}

		String describe() {
			return switch (this.kind) {
				case GET -> "get(" + this.key + ")";
				case PEEK_FIRST -> "peekFirst" + this.range;
				case PEEK_LAST -> "peekLast" + this.range;
				case SCAN -> "scan" + this.range + " limit " + this.limit + (this.reverse ? " reverse" : "");
				case PUT -> "put(" + this.key + "=" + this.value + ")";
				case DEL -> "del(" + this.key + ")";
				case UPDATE -> "update " + this.update + " " + this.key + " peek " + (this.first ? "first" : "last")
						+ this.range + " " + this.value;
				case AFTER_WRITE -> "afterWrite";
				case CAS -> "cas " + this.client + " get(" + this.key + ")";
				case CLOSE -> "close";
			};
		}

	}

	/** A generated program: its rounds of top-level steps. */
	record Program(long seed, List<List<Step>> rounds) {
	}

	/** A compare-and-set client's win: it read {@code seen} in read phase {@code phase} and wrote seen + 1. */
	record CasWin(String key, String client, int seen, long phase) {
	}

	/** The function of an update step; deterministic, so the model and the mutex compute alike. */
	static UpdateFunction<String, String, String> function(Step step, int id) {
		return (context) -> {
			int n = Integer.parseInt(context.get(step.key).orElse("0"));
			String seen = "";
			if (step.update == UpdateKind.INCREMENT_PEEK || step.update == UpdateKind.THROW) {
				seen = " peek " + OperationLedger.format(
						step.first ? context.peekFirst(step.range) : context.peekLast(step.range));
			}
			if (step.update == UpdateKind.THROW) {
				throw new UpdateBoom("update #" + id + " throws");
			}
			context.put(step.key, Integer.toString(n + 1));
			if (step.update == UpdateKind.INCREMENT_AND_WRITE) {
				if (step.value.isEmpty()) {
					context.del(step.range.start() != null ? step.range.start() : "a");
				}
				else {
					context.put(step.range.start() != null ? step.range.start() : "a", step.value);
				}
			}
			return step.key + "=" + (n + 1) + seen + " attempt " + context.attempt();
		};
	}

	/** Runs a program on a target, recording into a ledger. Single-threaded, as the targets are. */
	static final class Runner {

		private final GuaranteeTarget target;

		private final OperationLedger ledger;

		final List<CasWin> casWins = new ArrayList<>();

		Runner(GuaranteeTarget target, OperationLedger ledger) {
			this.target = target;
			this.ledger = ledger;
		}

		void run(Program program) {
			for (List<Step> round : program.rounds()) {
				for (Step step : round) {
					issue(step, "test");
				}
				this.target.runCycles();
			}
			this.target.closeAsync();
			this.target.runCycles();
		}

		private void issue(Step step, String origin) {
			if (step.kind == StepKind.CLOSE) {
				Record record = this.ledger.issue("close from " + origin, Kind.CLOSE);
				this.target.closeAsync();
				this.ledger.closed(record);
				return;
			}
			Record record = this.ledger.issue(step.describe() + " from " + origin, kind(step));
			CompletableFuture<?> future;
			try {
				future = call(step, record.id);
			}
			catch (RuntimeException ex) {
				this.ledger.refused(record, ex);
				return;
			}
			if (step.kind == StepKind.CAS) {
				casCallback(step, record, future);
			}
			else if (!step.then.isEmpty() || step.callbackThrows) {
				future.thenAccept((value) -> {
					for (Step next : step.then) {
						issue(next, "callback of #" + record.id);
					}
					if (step.callbackThrows) {
						throw new IllegalStateException("callback of #" + record.id + " throws");
					}
				});
			}
			// registered last, so that it runs first: dependents of a CompletableFuture run
			// last-registered first, and the ledger must see the completion before what the
			// callbacks issue
			this.ledger.track(record, future);
		}

		private CompletableFuture<?> call(Step step, int id) {
			return switch (step.kind) {
				case GET, CAS -> this.target.get(step.key);
				case PEEK_FIRST -> this.target.peekFirst(step.range);
				case PEEK_LAST -> this.target.peekLast(step.range);
				case SCAN -> this.target.scan(step.range, step.limit, step.reverse);
				case PUT -> this.target.put(step.key, step.value);
				case DEL -> this.target.del(step.key);
				case UPDATE -> this.target.update(function(step, id));
				case AFTER_WRITE -> this.target.afterWrite();
				case CLOSE -> throw new IllegalArgumentException("close has no future");
			};
		}

		/** get(x) -> put(x, seen + 1) from thenAccept -> on completion, the next round's get. */
		@SuppressWarnings("unchecked")
		private void casCallback(Step step, Record read, CompletableFuture<?> future) {
			((CompletableFuture<Optional<String>>) future).thenAccept((value) -> {
				int seen = Integer.parseInt(value.orElse("0"));
				long phase = this.target.readPhases();
				Record write = this.ledger.issue("cas " + step.client + " put(" + step.key + "=" + (seen + 1)
						+ ") from callback of #" + read.id, Kind.WRITE);
				CompletableFuture<Void> put;
				try {
					put = this.target.put(step.key, Integer.toString(seen + 1));
				}
				catch (RuntimeException ex) {
					this.ledger.refused(write, ex);
					return;
				}
				put.whenComplete((ok, error) -> {
					if (error == null) {
						this.casWins.add(new CasWin(step.key, step.client, seen, phase));
					}
					if (step.remaining > 0) {
						Step next = new Step(StepKind.CAS);
						next.key = step.key;
						next.client = step.client;
						next.remaining = step.remaining - 1;
						issue(next, "completion of #" + write.id);
					}
				});
				this.ledger.track(write, put);
			});
		}

		private static Kind kind(Step step) {
			return switch (step.kind) {
				case GET, CAS, PEEK_FIRST, PEEK_LAST, SCAN -> Kind.READ;
				case PUT, DEL -> Kind.WRITE;
				case UPDATE -> (step.update == UpdateKind.THROW) ? Kind.FAILING_UPDATE : Kind.WRITE;
				case AFTER_WRITE -> Kind.BARRIER;
				case CLOSE -> Kind.CLOSE;
			};
		}

	}

	/**
	 * Lost updates among compare-and-set wins: two clients that read the same value of a key
	 * in different read phases and both won. (Two reads of one phase see the same snapshot and
	 * may both win; a read of a later phase must see the earlier winner's write.)
	 */
	static List<String> lostUpdates(List<CasWin> wins) {
		List<String> lost = new ArrayList<>();
		for (int i = 0; i < wins.size(); i++) {
			for (int j = i + 1; j < wins.size(); j++) {
				CasWin a = wins.get(i);
				CasWin b = wins.get(j);
				if (a.key().equals(b.key()) && a.seen() == b.seen() && a.phase() != b.phase()) {
					lost.add("lost update on " + a.key() + ": " + a.client() + " (read phase " + a.phase() + ") and "
							+ b.client() + " (read phase " + b.phase() + ") both read " + a.seen() + " and both wrote "
							+ (a.seen() + 1));
				}
			}
		}
		return lost;
	}

	// ---- generation

	/**
	 * A program of the seed. Without updates ({@code updates == false}) a program checks the
	 * plain operations' promises (spill, afterWrite, close, read visibility) on their own.
	 */
	static Program generate(long seed, boolean updates) {
		Random random = new Random(seed);
		Generator generator = new Generator(random, updates);
		List<List<Step>> rounds = new ArrayList<>();
		int count = 3 + random.nextInt(5);
		for (int r = 0; r < count; r++) {
			List<Step> round = new ArrayList<>();
			int steps = 2 + random.nextInt(9);
			for (int s = 0; s < steps; s++) {
				round.add(generator.topLevel());
			}
			rounds.add(round);
		}
		return new Program(seed, rounds);
	}

	private static final class Generator {

		private final Random random;

		private int clients;

		private boolean closeIssued;

		private final boolean updates;

		Generator(Random random, boolean updates) {
			this.random = random;
			this.updates = updates;
		}

		Step topLevel() {
			int roll = this.random.nextInt(100);
			if (roll < 2 && !this.closeIssued) {
				this.closeIssued = true;
				return new Step(StepKind.CLOSE);
			}
			if (roll < 12) {
				Step cas = new Step(StepKind.CAS);
				cas.key = pick(CAS_KEYS);
				cas.client = "client" + (this.clients++);
				cas.remaining = this.random.nextInt(4);
				return cas;
			}
			Step step = any();
			if (isRead(step) && this.random.nextInt(2) == 0) {
				int nested = 1 + this.random.nextInt(3);
				for (int i = 0; i < nested; i++) {
					step.then.add(fromReadCallback());
				}
			}
			if (isWrite(step) && this.random.nextInt(5) == 0) {
				// completion callbacks issue only reads and barriers: a write issued while a
				// write phase completes has no single place the README pins down
				step.then.add(this.random.nextBoolean() ? new Step(StepKind.AFTER_WRITE) : read());
			}
			step.callbackThrows = this.random.nextInt(8) == 0;
			return step;
		}

		private Step fromReadCallback() {
			int roll = this.random.nextInt(100);
			if (roll < 3 && !this.closeIssued) {
				this.closeIssued = true;
				return new Step(StepKind.CLOSE);
			}
			if (roll < 15) {
				return read();
			}
			if (roll < 25) {
				return new Step(StepKind.AFTER_WRITE);
			}
			Step write = write();
			if (this.random.nextInt(5) == 0) {
				write.then.add(new Step(StepKind.AFTER_WRITE));
			}
			return write;
		}

		private Step any() {
			return (this.random.nextInt(100) < 45) ? read() : (this.random.nextInt(10) == 0)
					? new Step(StepKind.AFTER_WRITE) : write();
		}

		private Step read() {
			int roll = this.random.nextInt(4);
			Step step = new Step(
					switch (roll) {
						case 0 -> StepKind.GET;
						case 1 -> StepKind.PEEK_FIRST;
						case 2 -> StepKind.PEEK_LAST;
						default -> StepKind.SCAN;
					});
			step.key = this.random.nextInt(4) == 0 ? pick(COUNTERS) : pick(KEYS);
			step.range = range();
			step.limit = 1 + this.random.nextInt(3);
			step.reverse = this.random.nextBoolean();
			return step;
		}

		private Step write() {
			int roll = this.random.nextInt(100);
			if (roll < 40) {
				Step put = new Step(StepKind.PUT);
				put.key = pick(KEYS);
				put.value = value();
				return put;
			}
			if (roll < 55 || !this.updates) {
				Step del = new Step(StepKind.DEL);
				del.key = pick(KEYS);
				return del;
			}
			Step update = new Step(StepKind.UPDATE);
			int kind = this.random.nextInt(10);
			update.update = (kind < 3) ? UpdateKind.INCREMENT : (kind < 6) ? UpdateKind.INCREMENT_PEEK
					: (kind < 8) ? UpdateKind.INCREMENT_AND_WRITE : UpdateKind.THROW;
			update.key = pick(COUNTERS);
			update.range = range();
			update.first = this.random.nextBoolean();
			update.value = this.random.nextInt(4) == 0 ? "" : value();
			return update;
		}

		private String value() {
			int length = 1 + this.random.nextInt(this.random.nextInt(6) == 0 ? 24 : 3);
			StringBuilder value = new StringBuilder("v");
			for (int i = 1; i < length; i++) {
				value.append((char) ('a' + this.random.nextInt(26)));
			}
			return value.toString();
		}

		/** Open, closed, half-open, empty and inverted ranges over the plain keys. */
		private KeyRange<String> range() {
			String low = pick(KEYS);
			String high = pick(KEYS);
			return switch (this.random.nextInt(9)) {
				case 0 -> KeyRange.all();
				case 1 -> KeyRange.closed(low, high); // inverted when low > high
				case 2 -> KeyRange.closedOpen(low, high);
				case 3 -> KeyRange.atLeast(low);
				case 4 -> KeyRange.greaterThan(low);
				case 5 -> KeyRange.atMost(high);
				case 6 -> KeyRange.lessThan(high);
				case 7 -> KeyRange.closedOpen(low, low); // empty
				default -> KeyRange.closed(max(low, high), min(low, high)); // inverted (or one key)
			};
		}

		private String pick(String[] options) {
			return options[this.random.nextInt(options.length)];
		}

		private static String max(String a, String b) {
			return (a.compareTo(b) >= 0) ? a : b;
		}

		private static String min(String a, String b) {
			return (a.compareTo(b) <= 0) ? a : b;
		}

		private static boolean isRead(Step step) {
			return step.kind == StepKind.GET || step.kind == StepKind.PEEK_FIRST || step.kind == StepKind.PEEK_LAST
					|| step.kind == StepKind.SCAN;
		}

		private static boolean isWrite(Step step) {
			return step.kind == StepKind.PUT || step.kind == StepKind.DEL
					|| (step.kind == StepKind.UPDATE && step.update != UpdateKind.THROW);
		}

	}

	/** What a throwing update function throws. */
	static final class UpdateBoom extends Exception {

		private static final long serialVersionUID = 1L;

		UpdateBoom(String message) {
			super(message);
		}

	}

	/**
	 * The first operation whose description or outcome differs between the mutex's ledger and
	 * the model's. When the model stopped at a divergence, only what it completed is compared.
	 */
	static @Nullable String firstDifference(List<Record> actual, List<Record> expected, boolean modelComplete) {
		for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
			Record a = (i < actual.size()) ? actual.get(i) : null;
			Record e = (i < expected.size()) ? expected.get(i) : null;
			if (!modelComplete && (a == null || e == null || e.outcome == null
					|| !a.description.equals(e.description))) {
				// the model stopped at its divergence: what it issued afterwards is not comparable
				return null;
			}
			if (a == null || e == null) {
				return "the mutex issued " + actual.size() + " operations, the model " + expected.size()
						+ "; first extra: "
						+ ((a != null) ? a : e);
			}
			if (!a.description.equals(e.description)) {
				return "operation #" + i + " differs: the mutex ran '" + a.description + "', the model '"
						+ e.description
						+ "' (callbacks ran in a different order)";
			}
			if (!String.valueOf(a.outcome).equals(String.valueOf(e.outcome))) {
				return "#" + i + " " + a.description + ": the mutex gave " + a.outcome + ", the model predicts "
						+ e.outcome;
			}
		}
		return null;
	}

}
