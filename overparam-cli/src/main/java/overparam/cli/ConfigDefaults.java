package overparam.cli;

import picocli.CommandLine;
import overparam.lab.plan.RunConfig;

/** --help shows the defaults of {@link RunConfig}, the one place they are defined (option --record-every is field record_every). */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    @Override public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec option)) return null;
        String field = fieldOf(option);
        if (!RunConfig.fieldNames().contains(field)) return null;
        String text = RunConfig.defaultText(field);
        return text.isEmpty() ? null : text;
    }

    static String fieldOf(CommandLine.Model.OptionSpec option) {
        return option.longestName().replaceFirst("^--", "").replace('-', '_');
    }
}
