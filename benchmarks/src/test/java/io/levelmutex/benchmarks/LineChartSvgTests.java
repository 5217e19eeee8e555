package io.levelmutex.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import static org.assertj.core.api.Assertions.assertThat;

/** The SVG form of the line chart: well-formed XML, one line and one legend entry per contender, text escaped. */
class LineChartSvgTests {

	@Test
	void whenTwoContendersArePlottedThenTheSvgHasOnePolylinePerContenderWithEveryPoint() throws Exception {
		LineChart chart = new LineChart("W1 <blind> & \"durable\"", "ops/s");
		chart.add("(a) autocommit upsert", 1, 100);
		chart.add("(a) autocommit upsert", 16, 1_000);
		chart.add("(a) autocommit upsert", 256, 1_500);
		chart.add("level-mutex, 1 node", 1, 80);
		chart.add("level-mutex, 1 node", 256, 12_000);

		Document svg = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(chart.svg().getBytes(StandardCharsets.UTF_8)));

		assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
		assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(2);
		assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(5);
		assertThat(((org.w3c.dom.Element) svg.getElementsByTagName("polyline").item(0)).getAttribute("points")
			.split(" ")).hasSize(3);
		assertThat(svg.getElementsByTagName("text").item(0).getTextContent()).isEqualTo("W1 <blind> & \"durable\"");
	}

	@Test
	void whenOnePointIsPlottedThenTheSvgIsStillWellFormed() throws Exception {
		LineChart chart = new LineChart("one", "ops/s");
		chart.add("only", 1, 0);

		Document svg = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(chart.svg().getBytes(StandardCharsets.UTF_8)));

		assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(1);
		assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(1);
	}

}
