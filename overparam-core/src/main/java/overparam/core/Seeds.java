package overparam.core;

import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Independent, reproducible random streams from one seed: each purpose ("init/W2", "data", "sampler", ...)
 * gets its own generator, so that adding an instrument or changing n never shifts another stream.
 * L64X128MixRandom (JDK 17) is a specified algorithm: the same seed and purpose give the same numbers on
 * every machine and JDK.
 */
public final class Seeds {
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of("L64X128MixRandom");

    private Seeds() {}

    public static RandomGenerator stream(long seed, String purpose) {
        return FACTORY.create(derive(seed, purpose));
    }

    /** A seed of its own for a purpose, e.g. the teacher network's, independent of the student's. */
    public static long derive(long seed, String purpose) {
        long h = mix(seed);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xff));
        return h;
    }

    /** SplitMix64's finalizer: a bijective mix of 64 bits. */
    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
