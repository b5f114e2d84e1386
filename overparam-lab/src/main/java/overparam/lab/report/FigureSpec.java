package overparam.lab.report;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One figure of an experiment's report, as its YAML spec states it.
 * <ul>
 *   <li>{@code curves}: metric y against the step, one line per value of {@code group} (e.g. width), the mean over
 *       the other cells of that group (seeds) with a band from their minimum to maximum; optional {@code bound}
 *       metric drawn dashed in the same colour (the theorem's prediction, e.g. loss_bound), or a number drawn as a
 *       dashed level line (a theorem's constant, e.g. 1.6859);</li>
 *   <li>{@code scaling}: the final value of y (the metric at the last recorded step, or a per-run value such as
 *       lambda_0) against the configuration field x, one series per value of {@code group} (e.g. arch), mean and
 *       min-max over seeds, with the least-squares line and its slope's 95% interval in the legend.</li>
 * </ul>
 * {@code where}: only cells whose configuration fields equal these values.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FigureSpec(String type, String title, String y, String x, String group, String bound, Boolean logX, Boolean logY,
                         Map<String, String> where, String caption) {}
