import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the given test classes N times in one JVM (the classpath of a module's Surefire run) and prints every
 * failure with its stack trace: for repeating suspicious classes many times without Maven's start-up per run.
 * Usage: java -cp CLASSPATH:. Repeat N class-or-class#method...
 */
public final class Repeat {

	public static void main(String[] args) {
		int runs = Integer.parseInt(args[0]);
		List<String> classes = List.of(args).subList(1, args.length);
		long tests = 0;
		long failed = 0;
		try (LauncherSession session = LauncherFactory.openSession()) {
			for (int run = 1; run <= runs; run++) {
				List<org.junit.platform.engine.DiscoverySelector> selectors = new ArrayList<>();
				classes.forEach((name) -> selectors.add(name.contains("#") ? DiscoverySelectors.selectMethod(name)
						: DiscoverySelectors.selectClass(name)));
				LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
				SummaryGeneratingListener listener = new SummaryGeneratingListener();
				session.getLauncher().execute(request, listener);
				TestExecutionSummary summary = listener.getSummary();
				tests += summary.getTestsFoundCount();
				failed += summary.getTotalFailureCount();
				System.out.println("run " + run + ": " + summary.getTestsSucceededCount() + " passed, "
						+ summary.getTotalFailureCount() + " failed (" + summary.getTimeFinished() + ")");
				if (summary.getTotalFailureCount() > 0) {
					summary.printFailuresTo(new PrintWriter(System.out), 60);
				}
				System.out.flush();
			}
		}
		System.out.println("TOTAL: " + tests + " tests in " + runs + " runs, " + failed + " failed");
	}

}
