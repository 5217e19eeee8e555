package io.levelmutex.reliability.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM running a main class of this module (same {@code java.home}, same
 * {@code java.class.path}), whose standard output is read line by line as it is printed.
 * Lines are kept in arrival order; a complete line is one the child finished printing before
 * it died, a partial last line is dropped.
 */
public final class ChildJvm implements AutoCloseable {

	/** Exit value of a JVM killed by SIGKILL (128 + 9). */
	public static final int SIGKILL_EXIT = 137;

	/** Exit value of a JVM that ran its shutdown hooks after SIGTERM (128 + 15). */
	public static final int SIGTERM_EXIT = 143;

	private final Process process;

	private final Path stderr;

	private final Thread reader;

	// Owned by the reader thread, read by others under this.lock.
	private final List<String> lines = new ArrayList<>();

	// Guarded by this.lock.
	private final List<Waiter> waiters = new ArrayList<>();

	// Guarded by this.lock.
	private boolean ended;

	private final Object lock = new Object();

	private ChildJvm(Process process, Path stderr) {
		this.process = process;
		this.stderr = stderr;
		this.reader = new Thread(this::readLines, "child-stdout-" + process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts a child JVM.
	 * @param mainClass the class to run
	 * @param stderr where the child's standard error goes
	 * @param args its arguments
	 * @return the running child
	 * @throws IOException if it cannot be started
	 */
	public static ChildJvm start(Class<?> mainClass, Path stderr, String... args) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp",
				System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		Files.createDirectories(stderr.getParent());
		Process process = new ProcessBuilder(command).redirectError(stderr.toFile())
			.redirectInput(ProcessBuilder.Redirect.PIPE)
			.start();
		return new ChildJvm(process, stderr);
	}

	/**
	 * Starts a child JVM running an executable jar (a Spring Boot application).
	 * @param jar the jar
	 * @param workingDirectory the child's working directory
	 * @param stderr where the child's standard error goes
	 * @param args the application's arguments
	 * @return the running child
	 * @throws IOException if it cannot be started
	 */
	public static ChildJvm startJar(Path jar, Path workingDirectory, Path stderr, String... args) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"-jar", jar.toString()));
		command.addAll(List.of(args));
		Files.createDirectories(stderr.getParent());
		Files.createDirectories(workingDirectory);
		Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectError(stderr.toFile())
			.start();
		return new ChildJvm(process, stderr);
	}

	private void readLines() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				synchronized (this.lock) {
					this.lines.add(line);
					for (Iterator<Waiter> it = this.waiters.iterator(); it.hasNext();) {
						Waiter waiter = it.next();
						if (waiter.filter.test(line) && ++waiter.seen >= waiter.count) {
							waiter.future.complete(null);
							it.remove();
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// The pipe broke because the child died: what was read is what was printed.
		}
		finally {
			synchronized (this.lock) {
				this.ended = true;
				for (Waiter waiter : this.waiters) {
					waiter.future.completeExceptionally(
							new IllegalStateException("Child exited after " + waiter.seen + " of " + waiter.count
									+ " awaited lines; stderr: " + tail(this.stderr)));
				}
				this.waiters.clear();
			}
		}
	}

	/**
	 * Waits until {@code count} lines matching {@code filter} were printed (counting those
	 * printed already).
	 * @param filter which lines count
	 * @param count how many
	 * @param timeout how long to wait at most
	 * @throws Exception if the child exits first or the time runs out
	 */
	public void awaitLines(Predicate<String> filter, long count, Duration timeout) throws Exception {
		CompletableFuture<Void> future = new CompletableFuture<>();
		synchronized (this.lock) {
			long seen = this.lines.stream().filter(filter).count();
			if (seen >= count) {
				return;
			}
			if (this.ended) {
				throw new IllegalStateException("Child exited after " + seen + " of " + count + " awaited lines; stderr: "
						+ tail(this.stderr));
			}
			Waiter waiter = new Waiter(filter, count, future);
			waiter.seen = seen;
			this.waiters.add(waiter);
		}
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (Exception) ex.getCause();
		}
		catch (TimeoutException ex) {
			throw new TimeoutException("Child printed fewer than " + count + " awaited lines within " + timeout
					+ "; stderr: " + tail(this.stderr));
		}
	}

	/**
	 * Sends SIGKILL and waits for the child to die and its output to be read to the end. The
	 * signal goes through {@link ProcessHandle#destroyForcibly()}, the same SIGKILL as
	 * {@link Process#destroyForcibly()}, because the latter also closes our end of the
	 * child's standard output at once, dropping acknowledgements still in the pipe.
	 * @return the exit value, {@value #SIGKILL_EXIT} when SIGKILL did it
	 * @throws InterruptedException if interrupted
	 */
	public int kill() throws InterruptedException {
		this.process.toHandle().destroyForcibly();
		int exit = this.process.waitFor();
		this.reader.join();
		return exit;
	}

	/**
	 * Sends SIGTERM and waits up to {@code timeout} for the child to run its shutdown hooks and
	 * exit, and for its output to be read to the end. The signal goes through
	 * {@link ProcessHandle#destroy()}, the same SIGTERM as {@link Process#destroy()}, which would
	 * also close our end of the child's standard output and lose what it prints while it
	 * shuts down.
	 * @param timeout how long the shutdown may take
	 * @return the exit value, {@value #SIGTERM_EXIT} after a clean shutdown on SIGTERM
	 * @throws Exception if it does not exit in time (it is then killed)
	 */
	public int terminate(Duration timeout) throws Exception {
		this.process.toHandle().destroy();
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			throw new TimeoutException("Child did not exit within " + timeout + " of SIGTERM; stderr: " + tail(this.stderr));
		}
		this.reader.join();
		return this.process.exitValue();
	}

	/**
	 * The complete lines printed so far (all of them once the child ended).
	 * @return a copy, in order
	 */
	public List<String> lines() {
		synchronized (this.lock) {
			return new ArrayList<>(this.lines);
		}
	}

	/**
	 * The last part of the child's standard error, for failure messages.
	 * @return up to 4000 characters
	 */
	public String stderrTail() {
		return tail(this.stderr);
	}

	/**
	 * The child's process id.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	private static String tail(Path file) {
		try {
			String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
			return (text.length() > 4000) ? text.substring(text.length() - 4000) : text;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
		}
	}

	private static final class Waiter {

		final Predicate<String> filter;

		final long count;

		final CompletableFuture<Void> future;

		// Guarded by ChildJvm.lock.
		long seen;

		Waiter(Predicate<String> filter, long count, CompletableFuture<Void> future) {
			this.filter = filter;
			this.count = count;
			this.future = future;
		}

	}

}
