package overparam.cli;

import picocli.CommandLine.Option;

/** The network, as `train` and `kernel` both take it (a picocli mixin: one set of names, defaults and help texts). */
final class NetworkOptions {
    @Option(names = "--arch", paramLabel = "ARCH", description = "fc (seed 004 eq. 2), resnet (eq. 3), two-layer (Du et al. 2018), conv-resnet (seed 004 Section 3.3), identity-mapping (seed 002: ||sigma((W + I) x)||_1, width d), no-identity (||sigma(W x)||_1), linear (W_N ... W_1 x, Arora et al. 2018) diagonal (<w_+^2 - w_-^2, x>, Woodworth et al. 2020) or resnet-unit (= resnet --branch-scale unit); the last five have no infinite-width kernel. Default: ${DEFAULT-VALUE}.")
    String arch;
    @Option(names = "--depth", paramLabel = "H", description = "Number of hidden layers H (resnet needs >= 2; two-layer and diagonal are 1); for --arch linear the number N of weight matrices (1: the linear model a^T x). Default: 3 (two-layer, diagonal: 1).")
    Integer depth;
    @Option(names = "--activation", paramLabel = "NAME", description = "relu, leaky-relu, prelu (learned slope; seed 002's networks), softplus, sigmoid, tanh, erf, identity, quadratic. Default: softplus (linear, diagonal: identity).")
    String activation;
    @Option(names = "--leaky-slope", paramLabel = "SLOPE", description = "Slope of leaky-relu for z < 0; prelu's initial slope. Default: ${DEFAULT-VALUE}.")
    Double leakySlope;
    @Option(names = "--c-res", paramLabel = "C", description = "ResNet branch scale c_res in c_res / (H sqrt m) (0 < c_res < 1 in the seed). Default: ${DEFAULT-VALUE}.")
    Double cRes;
    @Option(names = "--branch-scale", paramLabel = "S", description = "--arch resnet: du (seed 004's c_res / (H sqrt m) on one matrix a block) or unit (the standard block x + s W_out s sigma(W_in x), He's s = sqrt(c_sigma / m), two matrices a block, odd --depth H = 2L + 1; no infinite-width kernel; --arch resnet-unit for short). Default: du.")
    String branchScale;
    @Option(names = "--patch", paramLabel = "K", description = "conv-resnet: patch size, K pixels of a signal or K x K of an image (odd). Default: ${DEFAULT-VALUE}.")
    Integer patch;
    @Option(names = "--bias-scale", paramLabel = "BETA", description = "--arch fc: biases of scale BETA (neural-tangents' b_std; Jacot et al. 2018, Lee et al. 2019): x^(h) = sqrt(c_sigma / m_h) sigma(W^(h) x^(h-1) + BETA b^(h)) and u = a^T x^(H) + BETA b_out, b ~ N(0, 1) at initialization, trained with the weights, never masked or pruned. BETA sits outside the 1 / sqrt(m) factor, so each pre-activation has variance K^(h-1) + BETA^2 at any width: the limit kernels gain BETA^2 per layer. Saved as b1..bH and b_out. Default: 0 (no biases, seed 004's network).")
    Double biasScale;
    @Option(names = "--train-layers", paramLabel = "LIST", description = "The trained parameters (Theta sums over them): all, or a list of W1..WH and a, e.g. W1. Default: ${DEFAULT-VALUE}.")
    String trainLayers;
}
