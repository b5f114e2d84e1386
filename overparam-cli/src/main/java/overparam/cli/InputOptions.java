package overparam.cli;

import picocli.CommandLine.Option;

/** The inputs, as `train` and `kernel` both take them (a picocli mixin). */
final class InputOptions {
    @Option(names = "--data", paramLabel = "X.npy", description = "Inputs, n x d (.npy or .csv), one sample per row; n x channels x pixels or n x channels x rows x cols for conv-resnet; for train also fashion-mnist (Debian's dataset-fashion-mnist), a folder of MNIST-format IDX files, or breast-cancer, wine, iris, digits (python3-sklearn's CSV files; test set by --test-fraction; features standardized on the training part, rows to unit norm).")
    String data;
    @Option(names = "--labels", paramLabel = "y.npy", description = "Labels, n values (.npy or .csv); kernel uses them for y^T K^-1 y.")
    String labels;
    @Option(names = "--synthetic", paramLabel = "KIND", description = "sphere (x_i uniform on the unit sphere), gaussian (x_i ~ N(0, I/d)), normal (x_i ~ N(0, I), seed 002), subspace (the unit sphere of a random --subspace-dim D subspace of R^d) or line (the path x(t) = t e_1 + e_2, t evenly over [-2, 2], d >= 2).")
    String synthetic;
    @Option(names = "--subspace-dim", paramLabel = "D", description = "--synthetic subspace: the dimension d' of the random subspace the points span (1 to --d).")
    Integer subspaceDim;
    @Option(names = "--n", paramLabel = "N", description = "Samples of --synthetic data. Default: ${DEFAULT-VALUE}.")
    Integer n;
    @Option(names = "--d", paramLabel = "D", description = "Input dimension of --synthetic data. Default: ${DEFAULT-VALUE}.")
    Integer d;
    @Option(names = "--pixels", paramLabel = "P|RxC", description = "conv-resnet on --synthetic data: pixels of a signal (16) or an image (8x8); --d is then the channels.")
    String pixels;
}
