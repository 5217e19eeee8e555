package io.levelmutex.testsupport;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Gives every Awaitility wait of this module's tests that names no bound of its own a generous one: CI runs on two
 * cores shared with the rest of the build, where Awaitility's default 10 s could run out before a condition that
 * holds at once on a quiet machine. A bound only turns a hang into a failure report; nothing is timed. Registered
 * in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class AwaitilityBounds implements LauncherSessionListener {

	/** How long a wait with no bound of its own waits before it reports what did not happen. */
	public static final Duration DEFAULT_WAIT = Duration.ofSeconds(90);

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		Awaitility.setDefaultTimeout(DEFAULT_WAIT);
	}

}
