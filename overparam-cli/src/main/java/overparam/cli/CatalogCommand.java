package overparam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import overparam.lab.experiment.Catalog;
import overparam.lab.experiment.ExperimentSpec;

@Command(name = "catalog", mixinStandardHelpOptions = true, header = "List the built-in experiments, with the paper and claim each reproduces.",
        description = {"Run one with ./overparam run NAME; see its spec with ./overparam catalog --show NAME."},
        footer = {"",
            "Examples:",
            "  ./overparam catalog",
            "  ./overparam catalog --show du2019-depth",
            "  # a spec to start your own experiment from (./overparam run my-experiment.yaml):",
            "  ./overparam catalog --show du2019-depth > my-experiment.yaml"})
final class CatalogCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--show", paramLabel = "NAME", description = "Print this entry's YAML spec (a starting point for your own).")
    String show;

    @Override public Integer call() {
        var w = spec.commandLine().getOut();
        if (show != null) {
            w.print(Catalog.text(show));
            w.flush();
            return 0;
        }
        for (String name : Catalog.names()) {
            ExperimentSpec s = Catalog.spec(name);
            int cells = s.search() == null ? s.cells().size() : -1;
            w.printf("%s  (%s)%n    %s%n    paper: %s%n    claim: %s%n%n", name, cells >= 0 ? cells + " cells" : "search over " + s.search().field(),
                    s.title(), s.paper(), s.claim());
        }
        return 0;
    }
}
