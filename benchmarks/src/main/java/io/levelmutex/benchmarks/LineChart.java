package io.levelmutex.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.imageio.ImageIO;

/**
 * A line chart (PNG or SVG) of throughput against concurrency, one line per contender, drawn with
 * plain Java2D (headless, no network, no native tool). The x axis is logarithmic (C = 1, 4,
 * 16, ...), the y axis linear from zero.
 */
public final class LineChart {

	private static final int WIDTH = 900;

	private static final int HEIGHT = 560;

	private static final int LEFT = 90;

	private static final int RIGHT = 250;

	private static final int TOP = 50;

	private static final int BOTTOM = 60;

	private static final Color[] PALETTE = { new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
			new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF) };

	private final String title;

	private final String yLabel;

	// Contender -> (C -> value); built by one thread before drawing.
	private final Map<String, TreeMap<Integer, Double>> series = new LinkedHashMap<>();

	/**
	 * Creates an empty chart.
	 * @param title the title
	 * @param yLabel the y axis's label
	 */
	public LineChart(String title, String yLabel) {
		this.title = title;
		this.yLabel = yLabel;
	}

	/**
	 * Adds a point.
	 * @param contender the line
	 * @param clients C (x)
	 * @param value the value (y)
	 */
	public void add(String contender, int clients, double value) {
		this.series.computeIfAbsent(contender, (name) -> new TreeMap<>()).put(clients, value);
	}

	/** @return whether no point was added */
	public boolean isEmpty() {
		return this.series.isEmpty();
	}

	/**
	 * Draws the chart.
	 * @param file the PNG to write (overwritten)
	 * @throws IOException if it cannot be written
	 */
	public void write(Path file) throws IOException {
		BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			draw(g);
		}
		finally {
			g.dispose();
		}
		Files.createDirectories(file.toAbsolutePath().getParent());
		ImageIO.write(image, "png", file.toFile());
	}

	/**
	 * Draws the chart as SVG (same layout as the PNG; text in the viewer's sans-serif font).
	 * @param file the SVG to write (overwritten)
	 * @throws IOException if it cannot be written
	 */
	public void writeSvg(Path file) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, svg());
	}

	String svg() {
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		int minC = this.series.values().stream().mapToInt(TreeMap::firstKey).min().orElse(1);
		int maxC = this.series.values().stream().mapToInt(TreeMap::lastKey).max().orElse(2);
		double minLog = Math.log(minC);
		double maxLog = Math.max(Math.log(maxC), minLog + 1e-9);
		double maxY = niceCeiling(this.series.values()
			.stream()
			.flatMap((values) -> values.values().stream())
			.mapToDouble(Double::doubleValue)
			.max()
			.orElse(1));
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
						+ " font-family=\"sans-serif\" font-size=\"12\">%n",
				WIDTH, HEIGHT, WIDTH, HEIGHT));
		out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
		out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"30\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
				LEFT, escape(this.title)));
		for (int i = 0; i <= 5; i++) {
			int y = TOP + plotHeight - (int) Math.round(plotHeight * (double) i / 5);
			out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#E0E0E0\"/>%n",
					LEFT, y, LEFT + plotWidth, y));
			out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#404040\">%s</text>%n",
					LEFT - 8, y + 4, formatThousands(maxY * i / 5)));
		}
		for (int clients : this.series.values()
			.stream()
			.flatMap((values) -> values.keySet().stream())
			.distinct()
			.sorted()
			.toList()) {
			int x = xOf(clients, minLog, maxLog, plotWidth);
			out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#E0E0E0\"/>%n",
					x, TOP, x, TOP + plotHeight));
			out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#404040\">%d</text>%n",
					x, TOP + plotHeight + 18, clients));
		}
		out.append(String.format(Locale.ROOT,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n", LEFT, TOP,
				plotWidth, plotHeight));
		out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
				LEFT + plotWidth / 2, HEIGHT - 18, "concurrency C (logical clients, log scale)"));
		out.append(String.format(Locale.ROOT,
				"<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
				TOP + plotHeight / 2, escape(this.yLabel)));
		int index = 0;
		for (Map.Entry<String, TreeMap<Integer, Double>> entry : this.series.entrySet()) {
			Color color = PALETTE[index % PALETTE.length];
			String rgb = String.format(Locale.ROOT, "#%06X", color.getRGB() & 0xFFFFFF);
			StringBuilder points = new StringBuilder();
			for (Map.Entry<Integer, Double> point : entry.getValue().entrySet()) {
				int x = xOf(point.getKey(), minLog, maxLog, plotWidth);
				int y = TOP + plotHeight - (int) Math.round(plotHeight * point.getValue() / maxY);
				points.append(x).append(',').append(y).append(' ');
				out.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>%n", x, y, rgb));
			}
			out.append(String.format(Locale.ROOT,
					"<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"/>%n",
					points.toString().trim(), rgb));
			int legendY = TOP + 10 + index * 22;
			out.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/>%n",
					LEFT + plotWidth + 15, legendY, LEFT + plotWidth + 40, legendY, rgb));
			out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotWidth + 46,
					legendY + 4, escape(entry.getKey())));
			index++;
		}
		out.append("</svg>\n");
		return out.toString();
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private void draw(Graphics2D g) {
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, WIDTH, HEIGHT);
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		int minC = this.series.values().stream().mapToInt(TreeMap::firstKey).min().orElse(1);
		int maxC = this.series.values().stream().mapToInt(TreeMap::lastKey).max().orElse(2);
		double minLog = Math.log(minC);
		double maxLog = Math.max(Math.log(maxC), minLog + 1e-9);
		double maxY = niceCeiling(this.series.values()
			.stream()
			.flatMap((values) -> values.values().stream())
			.mapToDouble(Double::doubleValue)
			.max()
			.orElse(1));

		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
		g.drawString(this.title, LEFT, 30);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		FontMetrics metrics = g.getFontMetrics();

		// Grid and y ticks.
		for (int i = 0; i <= 5; i++) {
			double value = maxY * i / 5;
			int y = TOP + plotHeight - (int) Math.round(plotHeight * (double) i / 5);
			g.setColor(new Color(0xE0E0E0));
			g.drawLine(LEFT, y, LEFT + plotWidth, y);
			g.setColor(Color.DARK_GRAY);
			String label = formatThousands(value);
			g.drawString(label, LEFT - 8 - metrics.stringWidth(label), y + 4);
		}
		// x ticks at each measured C.
		for (int clients : this.series.values()
			.stream()
			.flatMap((values) -> values.keySet().stream())
			.distinct()
			.sorted()
			.toList()) {
			int x = xOf(clients, minLog, maxLog, plotWidth);
			g.setColor(new Color(0xE0E0E0));
			g.drawLine(x, TOP, x, TOP + plotHeight);
			g.setColor(Color.DARK_GRAY);
			String label = Integer.toString(clients);
			g.drawString(label, x - metrics.stringWidth(label) / 2, TOP + plotHeight + 18);
		}
		g.setColor(Color.BLACK);
		g.drawRect(LEFT, TOP, plotWidth, plotHeight);
		String xLabel = "concurrency C (logical clients, log scale)";
		g.drawString(xLabel, LEFT + (plotWidth - metrics.stringWidth(xLabel)) / 2, HEIGHT - 18);
		Graphics2D rotated = (Graphics2D) g.create();
		rotated.rotate(-Math.PI / 2);
		rotated.drawString(this.yLabel, -(TOP + plotHeight / 2 + metrics.stringWidth(this.yLabel) / 2), 18);
		rotated.dispose();

		// Lines and legend.
		int index = 0;
		for (Map.Entry<String, TreeMap<Integer, Double>> entry : this.series.entrySet()) {
			Color color = PALETTE[index % PALETTE.length];
			g.setColor(color);
			g.setStroke(new BasicStroke(2.5f));
			int previousX = -1;
			int previousY = -1;
			for (Map.Entry<Integer, Double> point : entry.getValue().entrySet()) {
				int x = xOf(point.getKey(), minLog, maxLog, plotWidth);
				int y = TOP + plotHeight - (int) Math.round(plotHeight * point.getValue() / maxY);
				g.fillOval(x - 4, y - 4, 8, 8);
				if (previousX >= 0) {
					g.drawLine(previousX, previousY, x, y);
				}
				previousX = x;
				previousY = y;
			}
			int legendY = TOP + 10 + index * 22;
			g.drawLine(LEFT + plotWidth + 15, legendY, LEFT + plotWidth + 40, legendY);
			g.setColor(Color.BLACK);
			g.drawString(entry.getKey(), LEFT + plotWidth + 46, legendY + 4);
			index++;
		}
	}

	private static int xOf(int clients, double minLog, double maxLog, int plotWidth) {
		double fraction = (Math.log(clients) - minLog) / (maxLog - minLog);
		return LEFT + 20 + (int) Math.round((plotWidth - 40) * fraction);
	}

	static double niceCeiling(double value) {
		if (value <= 0) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : List.of(1.0, 2.0, 2.5, 5.0, 10.0)) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	static String formatThousands(double value) {
		if (value >= 1_000_000) {
			return String.format("%.1fM", value / 1_000_000);
		}
		if (value >= 1_000) {
			return String.format("%.0fk", value / 1_000);
		}
		return String.format("%.0f", value);
	}

}
