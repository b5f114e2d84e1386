package overparam.cli;

import picocli.CommandLine.Option;

/** Which images of an image data set (--data fashion-mnist) a command reads, as `train` and `kernel` both take them (a picocli mixin). */
final class ImageOptions {
    @Option(names = "--classes", paramLabel = "LIST", description = "Image data: the classes to keep, e.g. 0,6 (a two-class problem). Default: all.")
    String classes;
    @Option(names = "--per-class", paramLabel = "K", description = "Image data: the first K training images of each class. Default: all.")
    Integer perClass;
    @Option(names = "--test-per-class", paramLabel = "K", description = "Image data: the first K test images of each class (0: no test set; kernel predicts on them with --predict). Default: all.")
    Integer testPerClass;
    @Option(names = "--unit-norm", paramLabel = "BOOL", arity = "1", description = "Image data: scale each image to norm 1 (else pixels / 255). Default: ${DEFAULT-VALUE}.")
    Boolean unitNorm;
    @Option(names = "--center", paramLabel = "BOOL", arity = "1", description = "Image data: subtract the training images' mean (from training and test images) before scaling. Default: ${DEFAULT-VALUE}.")
    Boolean center;
}
