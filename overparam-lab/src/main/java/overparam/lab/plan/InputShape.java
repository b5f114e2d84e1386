package overparam.lab.plan;

import java.util.Arrays;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Patches;

/**
 * How a network reads one sample: a vector for fc, resnet and two-layer (images are flattened), channels x
 * pixels (n x d0 x p arrays) or channels x rows x cols (n x d0 x rows x cols) for the convolutional ResNet, whose
 * patches are --patch pixels (1-D) or --patch x --patch (2-D) wide.
 */
public final class InputShape {
    private InputShape() {}

    /** The network of the given architecture on this data set. */
    public static NetworkSpec spec(Arch arch, Dataset data, int width, int depth, Activation activation, double cRes, Integer patch) {
        return spec(arch, data, width, depth, activation, cRes, patch, 1);
    }

    /** The same with k outputs; seed 002's networks are as wide as their input, whatever --width says. */
    public static NetworkSpec spec(Arch arch, Dataset data, int width, int depth, Activation activation, double cRes, Integer patch, int outputs) {
        return new NetworkSpec(arch, data.d(), arch.isSeed002() ? data.d() : width, depth, activation, cRes,
                patches(arch, data.sampleShape(), data.source(), patch), outputs);
    }

    public static Patches patches(Arch arch, int[] sampleShape, String source, Integer patch) {
        if (arch != Arch.CONV_RESNET) return Patches.NONE;
        if (sampleShape.length < 2 || sampleShape.length > 3)
            throw BadInputException.of(source, "samples of shape " + Arrays.toString(sampleShape),
                    "channels x pixels or channels x rows x cols for --arch conv-resnet",
                    "Save the inputs as numpy.save(path, X.reshape(n, channels, pixels)), or use --synthetic with --pixels.");
        int k = patch == null ? 3 : patch;
        if (k < 1 || k % 2 == 0)
            throw BadInputException.of("--patch " + k, k, "an odd patch size (stride 1 with zero padding keeps p pixels only for odd sizes)", "e.g. --patch 3");
        return sampleShape.length == 2 ? Patches.of(1, sampleShape[1], k) : Patches.of(sampleShape[1], sampleShape[2], k);
    }

    /**
     * The sample shape of synthetic data: {d} for vectors, {d, p} or {d, rows, cols} for the convolutional ResNet,
     * from --pixels "16" (a signal) or "8x8" (an image), d being the channels.
     */
    public static int[] synthetic(Arch arch, int d, String pixels) {
        if (arch != Arch.CONV_RESNET) {
            if (pixels != null)
                throw BadInputException.of("--pixels " + pixels, "pixels for --arch " + arch, "no --pixels (only conv-resnet reads images)", "Drop --pixels, or use --arch conv-resnet.");
            return new int[] {d};
        }
        if (pixels == null)
            throw new BadInputException("--pixels: missing. --arch conv-resnet on synthetic data needs the image shape, e.g. --pixels 16 (a signal) or --pixels 8x8; --d is then the channels.");
        String[] parts = pixels.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            int[] shape = new int[parts.length + 1];
            shape[0] = d;
            for (int i = 0; i < parts.length; i++) shape[i + 1] = Integer.parseInt(parts[i].trim());
            if (parts.length > 2 || Arrays.stream(shape).anyMatch(v -> v < 1)) throw new NumberFormatException();
            return shape;
        } catch (NumberFormatException e) {
            throw BadInputException.of("--pixels " + pixels, "'" + pixels + "'", "a pixel count (16) or rows x cols (8x8), positive", "e.g. --pixels 8x8");
        }
    }

    public static int size(int[] shape) {
        int s = 1;
        for (int v : shape) s *= v;
        return s;
    }
}
