package io.levelmutex.postgres.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A private PostgreSQL cluster for tests (the one level-mutex's own tests run on, usable by applications'
 * tests too): {@code initdb} in a fresh temporary directory, a server on a free
 * port of 127.0.0.1 (its socket in that directory, fsync and synchronous commit on, as in production), stopped
 * and deleted by {@link #close()} (or, if the JVM exits first, by a shutdown hook).
 *
 * <p>The server binaries come from {@code LEVEL_MUTEX_PG_BIN} or the newest {@code /usr/lib/postgresql/N/bin}.
 * {@code initdb} refuses to run as root, so when the JVM runs as root (as CI does) every server command runs as
 * the unprivileged OS user {@code postgres} (override with {@code LEVEL_MUTEX_PG_OS_USER}) through
 * {@code runuser}, and the directory is handed to that user. {@code LEVEL_MUTEX_PG_SERVER_OPTIONS} adds server
 * options after the fixed ones (for benchmarks, e.g. {@code -c commit_delay=1000 -c commit_siblings=0} makes every
 * WAL flush about 1 ms slower, as on network storage). Not thread-safe: one owner starts and closes it.
 */
public final class PostgresCluster implements AutoCloseable {

	private static final String SUPERUSER = "postgres";

	private static final long COMMAND_TIMEOUT_SECONDS = 120;

	private final Path binaries;

	private final @Nullable String osUser;

	private final Path directory;

	private final int port;

	/** Stops the server if the JVM exits without {@link #close()}; removed by close. */
	private final Thread shutdownHook;

	/** Set by {@link #close()}; owned by the thread that owns the cluster. */
	private boolean closed;

	private PostgresCluster(Path binaries, @Nullable String osUser, Path directory, int port) {
		this.binaries = binaries;
		this.osUser = osUser;
		this.directory = directory;
		this.port = port;
		this.shutdownHook = new Thread(this::stopQuietly, "postgres-cluster-stop-" + port);
	}

	/**
	 * Creates and starts a cluster.
	 * @return the running cluster; close it to stop the server and delete its files
	 * @throws IllegalStateException if no PostgreSQL binaries are installed, or the server does not start (the
	 * message carries the server's log)
	 */
	public static PostgresCluster start() {
		Path binaries = findBinaries();
		String osUser = isRoot() ? System.getenv().getOrDefault("LEVEL_MUTEX_PG_OS_USER", "postgres") : null;
		Path directory = createDirectory(osUser);
		IllegalStateException failure = null;
		try {
			run(binaries, osUser, directory, "initdb", "-D", directory.resolve("data").toString(), "-A", "trust", "-U",
					SUPERUSER, "-E", "UTF8", "--no-locale");
			for (int attempt = 0; attempt < 3; attempt++) {
				PostgresCluster cluster = new PostgresCluster(binaries, osUser, directory, freePort());
				try {
					cluster.startServer();
					Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
					return cluster;
				}
				catch (IllegalStateException ex) {
					// Most likely another process took the port between the probe and the server's bind.
					failure = ex;
				}
			}
		}
		catch (RuntimeException ex) {
			deleteRecursively(directory);
			throw ex;
		}
		deleteRecursively(directory);
		throw failure;
	}

	/**
	 * The port the server listens on, on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * A JDBC URL of a database of this cluster.
	 * @param database the database name ({@code postgres} always exists)
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/**
	 * Opens a connection as the superuser.
	 * @param database the database name
	 * @return a new connection; the caller closes it
	 * @throws SQLException if the server refuses it
	 */
	public Connection connect(String database) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, "");
	}

	/**
	 * Creates a database.
	 * @param name the database name (letters, digits and underscores)
	 * @return the JDBC URL of the new database
	 * @throws SQLException if the server refuses it
	 */
	public String createDatabase(String name) throws SQLException {
		if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
			throw new IllegalArgumentException("Not a plain database name: " + name);
		}
		try (Connection connection = connect("postgres"); var statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return jdbcUrl(name);
	}

	/**
	 * The cluster's temporary directory (data directory, socket and server log).
	 * @return the directory; gone after {@link #close()}
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * The superuser's name; it connects without a password over loopback.
	 * @return {@code postgres}
	 */
	public String username() {
		return SUPERUSER;
	}

	/** Stops the server immediately, as a crash would (recovery runs at the next {@link #restart()}). */
	public void crash() {
		run("pg_ctl", "-D", dataDirectory().toString(), "-m", "immediate", "-w", "stop");
	}

	/** Starts the server again on the same port, after {@link #crash()}. */
	public void restart() {
		startServer();
	}

	/** Stops the server (fast shutdown) and deletes the directory. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: the hook stops the server.
			return;
		}
		try {
			if (Files.exists(dataDirectory().resolve("postmaster.pid"))) {
				run("pg_ctl", "-D", dataDirectory().toString(), "-m", "fast", "-w", "stop");
			}
		}
		finally {
			deleteRecursively(this.directory);
		}
	}

	private void startServer() {
		run("pg_ctl", "-D", dataDirectory().toString(), "-l", this.directory.resolve("server.log").toString(), "-w",
				"-t", "60", "-o", "-p " + this.port + " -h 127.0.0.1 -k " + this.directory
						+ " -c fsync=on -c synchronous_commit=on -c max_connections=200" + extraServerOptions(),
				"start");
	}

	/** Options from {@code LEVEL_MUTEX_PG_SERVER_OPTIONS}, with a leading space, or empty. */
	private static String extraServerOptions() {
		String options = System.getenv("LEVEL_MUTEX_PG_SERVER_OPTIONS");
		return (options == null || options.isBlank()) ? "" : " " + options.strip();
	}

	private void stopQuietly() {
		try {
			run("pg_ctl", "-D", dataDirectory().toString(), "-m", "immediate", "-w", "stop");
		}
		catch (RuntimeException ex) {
			// Best effort at JVM exit.
		}
		deleteRecursively(this.directory);
	}

	private Path dataDirectory() {
		return this.directory.resolve("data");
	}

	private void run(String command, String... arguments) {
		run(this.binaries, this.osUser, this.directory, command, arguments);
	}

	private static void run(Path binaries, @Nullable String osUser, Path directory, String command,
			String... arguments) {
		List<String> line = new ArrayList<>();
		if (osUser != null) {
			line.addAll(List.of("runuser", "-u", osUser, "--"));
		}
		line.add(binaries.resolve(command).toString());
		line.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(command + " failed (exit " + process.exitValue() + "): "
						+ new String(output, StandardCharsets.UTF_8) + serverLog(directory));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + line, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	private static String serverLog(Path directory) {
		Path log = directory.resolve("server.log");
		try {
			return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static Path findBinaries() {
		return findBinaries(System.getenv("LEVEL_MUTEX_PG_BIN"), Path.of("/usr/lib/postgresql"));
	}

	/**
	 * Where the server binaries are.
	 * @param configured the value of {@code LEVEL_MUTEX_PG_BIN}, or null
	 * @param root where Debian installs versions ({@code /usr/lib/postgresql})
	 * @return the directory holding initdb and pg_ctl
	 * @throws IllegalStateException with what to install or set, if there are none
	 */
	public static Path findBinaries(@Nullable String configured, Path root) {
		if (configured != null && !configured.isBlank()) {
			return requireInitdb(Path.of(configured));
		}
		if (Files.isDirectory(root)) {
			try (Stream<Path> versions = Files.list(root)) {
				Path newest = versions.filter((dir) -> dir.getFileName().toString().matches("\\d+"))
					.filter((dir) -> Files.isExecutable(dir.resolve("bin/initdb")))
					.max(Comparator.comparingInt((dir) -> Integer.parseInt(dir.getFileName().toString())))
					.orElse(null);
				if (newest != null) {
					return newest.resolve("bin");
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new IllegalStateException("No PostgreSQL server binaries found: install Debian's 'postgresql' "
				+ "package (.ci/run does) or set LEVEL_MUTEX_PG_BIN to the directory holding initdb and pg_ctl");
	}

	private static Path requireInitdb(Path binaries) {
		if (!Files.isExecutable(binaries.resolve("initdb"))) {
			throw new IllegalStateException("LEVEL_MUTEX_PG_BIN=" + binaries + " holds no executable initdb");
		}
		return binaries;
	}

	private static boolean isRoot() {
		try {
			return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static Path createDirectory(@Nullable String osUser) {
		try {
			Path directory = Files.createTempDirectory("level-mutex-pg-");
			if (osUser != null) {
				UserPrincipal owner = directory.getFileSystem().getUserPrincipalLookupService()
					.lookupPrincipalByName(osUser);
				Files.setOwner(directory, owner);
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create the cluster's directory (OS user " + osUser + ")", ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + directory, ex);
		}
	}

}
