package io.levelmutex.sample.couch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * {@code GET} and {@code POST /{db}/_changes} with {@code since} (a number or {@code now}),
 * {@code limit}, {@code include_docs}, {@code descending} (normal feed only), and
 * {@code feed=normal|longpoll|continuous} with {@code timeout} and {@code heartbeat}.
 * The request body of {@code POST} (filters) is ignored.
 */
@RestController
final class ChangesController {

	private final DatabaseCatalog databases;

	private final ChangeNotifier notifier;

	private final CouchJson json;

	private final Executor executor;

	private final ScheduledExecutorService scheduler;

	private final CouchProperties properties;

	ChangesController(DatabaseCatalog databases, ChangeNotifier notifier, CouchJson json,
			@Qualifier(CouchConfiguration.CHANGES_EXECUTOR) Executor executor,
			@Qualifier(CouchConfiguration.CHANGES_SCHEDULER) ScheduledExecutorService scheduler,
			CouchProperties properties) {
		this.databases = databases;
		this.notifier = notifier;
		this.json = json;
		this.executor = executor;
		this.scheduler = scheduler;
		this.properties = properties;
	}

	@RequestMapping(path = "/{db}/_changes", method = { RequestMethod.GET, RequestMethod.POST })
	CompletableFuture<ResponseEntity<?>> changes(@PathVariable String db, HttpServletRequest request) {
		DocumentIds.checkDatabaseName(db);
		String feed = (request.getParameter("feed") != null) ? request.getParameter("feed") : "normal";
		if (!feed.equals("normal") && !feed.equals("longpoll") && !feed.equals("continuous")) {
			throw CouchException.badRequest("Supported `feed` types: normal, continuous, longpoll");
		}
		long since = QueryParams.since(request.getParameter("since"));
		int limit = QueryParams.nonNegative("limit", request.getParameter("limit"), Integer.MAX_VALUE);
		boolean includeDocs = QueryParams.bool("include_docs", request.getParameter("include_docs"), false);
		boolean descending = QueryParams.bool("descending", request.getParameter("descending"), false);
		Duration timeout = timeout(request.getParameter("timeout"));
		Duration heartbeat = heartbeat(request.getParameter("heartbeat"));
		return this.databases.open(db).thenCompose((database) -> {
			CompletableFuture<Long> from = (since < 0) ? database.updateSequence()
					: CompletableFuture.completedFuture(since);
			if (feed.equals("normal")) {
				return from.thenCompose((seq) -> database.changes(seq, limit, includeDocs, descending))
					.thenApply((page) -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
						.body(this.json.changesPage(page)));
			}
			return from.thenApply((seq) -> {
				ResponseBodyEmitter emitter = new ResponseBodyEmitter(timeout.plusSeconds(30).toMillis());
				new ChangesFeed(database, feed.equals("continuous"), includeDocs, seq, limit, this.notifier,
						this.json, this.executor, emitter)
					.start(this.scheduler, timeout, heartbeat);
				return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
			});
		});
	}

	private Duration timeout(@Nullable String value) {
		if (value == null) {
			return this.properties.changesTimeout();
		}
		Duration asked = Duration.ofMillis(QueryParams.nonNegative("timeout", value, 0));
		return (asked.compareTo(this.properties.maxChangesTimeout()) > 0) ? this.properties.maxChangesTimeout()
				: asked;
	}

	private static @Nullable Duration heartbeat(@Nullable String value) {
		if (value == null || value.equals("false")) {
			return null;
		}
		if (value.equals("true")) {
			return Duration.ofSeconds(60);
		}
		int millis = QueryParams.nonNegative("heartbeat", value, 0);
		return (millis > 0) ? Duration.ofMillis(Math.max(millis, 100)) : null;
	}

}
