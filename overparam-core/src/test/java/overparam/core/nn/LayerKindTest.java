package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import overparam.core.Fixtures;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;

/**
 * Each layer kind carries its finite layer and its infinite-width map side by side; this ties the two, for every kind
 * that {@link Arch#layerKind} registers, so a kind whose limit drifts from its finite layer (or a new kind with a wrong
 * map) fails here without a test of its own. Kinds without a limit must say why.
 */
class LayerKindTest {
    static final int DEPTH = 3;
    static final String ACTIVATION = "softplus";     // smooth, nonzero mean: exercises the residual blocks' cross terms

    /** Every kind some network is made of (depths up to 3 show every registration there is). */
    static Set<LayerKind> registeredKinds() {
        Set<LayerKind> kinds = new LinkedHashSet<>();
        for (Arch arch : Arch.values()) for (int h = 1; h <= DEPTH; h++) kinds.add(arch.layerKind(h));
        return kinds;
    }

    static Stream<LayerKind> kindsWithALimit() {
        return registeredKinds().stream().filter(LayerKind::hasLimit);
    }

    /** The first network (in Arch order) with a limit that has a layer of this kind: the referee of its map. */
    static Optional<NetworkSpec> networkUsing(LayerKind kind, int width) {
        for (Arch arch : Arch.values()) {
            NetworkSpec spec = Fixtures.spec(arch, ACTIVATION, 3, width, DEPTH);
            if (!spec.hasLimit()) continue;
            for (int h = 1; h <= spec.depth(); h++) if (spec.layerKind(h) == kind) return Optional.of(spec);
        }
        return Optional.empty();
    }

    /**
     * At initialization the finite G^(h)(0) of every layer of the kind, and the NNGP, approach the kind's limit with an
     * error falling like m^-1/2: 16x the width should divide the mean error over 8 seeds by about 4 (LimitKernelTest
     * explains the 0.45 bound); a limit that no longer describes the finite layer leaves an error that stops falling.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kindsWithALimit")
    void finiteLayerApproachesItsLimitAtTheMonteCarloRate(LayerKind kind) {
        NetworkSpec narrow = networkUsing(kind, LimitKernelTest.NARROW).orElseThrow(() -> new AssertionError(
                "layer kind " + kind + " has an infinite-width map, but no network with a limit is made of it, so nothing checks it"));
        NetworkSpec wide = networkUsing(kind, LimitKernelTest.WIDE).orElseThrow();
        try (Matrix x = LimitKernelTest.unequalNorms(); LimitKernel limit = LimitKernel.withLayerGrams(narrow, x, TrainedLayers.all(narrow))) {
            double[] errNarrow = LimitKernelTest.meanRelativeErrors(narrow, x, limit), errWide = LimitKernelTest.meanRelativeErrors(wide, x, limit);
            int nngp = narrow.parameterCount();
            int checked = 0;
            for (int p = 0; p <= nngp; p++) {
                if (p < narrow.depth() && narrow.layerKind(p + 1) != kind) continue;
                if (p == narrow.depth()) continue;                                      // the output layer a: not this kind's
                double ratio = errWide[p] / errNarrow[p];
                String what = (p < nngp ? "G^(" + (p + 1) + ")" : "NNGP") + " of the " + kind + " layers of " + narrow.arch() + " " + ACTIVATION;
                assertTrue(ratio < 0.45, what + ": error " + errNarrow[p] + " at m = " + LimitKernelTest.NARROW + ", " + errWide[p]
                        + " at m = " + LimitKernelTest.WIDE + " (ratio " + ratio + ", expected about 0.25)");
                checked++;
            }
            assertTrue(checked >= 2, "no layer of kind " + kind + " was compared");
        }
    }

    /** Seed 002's identity-mapping layer has width d, fixed: no limit, and the network says which layer and why. */
    @Test
    void identityMappingReportsNoLimitWithItsReason() {
        LayerKind kind = IdentityMappingLayer.KIND;
        assertFalse(kind.hasLimit());
        assertTrue(kind.limit().isEmpty());
        assertEquals("width fixed at d (seed 002): no infinite-width limit", kind.noLimitReason().orElseThrow());

        NetworkSpec spec = Fixtures.spec(Arch.IDENTITY_MAPPING, "relu", 4, 4, 2);
        assertEquals(kind, spec.layerKind(1));
        assertFalse(spec.hasLimit());
        String reason = spec.noLimitReason().orElseThrow();
        assertTrue(reason.contains("identity-mapping") && reason.contains(kind.noLimitReason().orElseThrow()), reason);
        try (Matrix x = Synthetic.sphere(3, 4, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimitKernel.of(spec, x));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            assertFalse(e.getMessage().contains("--"), "core names no command-line option: " + e.getMessage());
        }
    }

    /**
     * The other side of the derivation: seed 002's no-identity control is built of dense layers but declares no limit
     * (weights N(0, 1/d) at width d, not the N(0, 1) the dense map assumes), and the limits are of one-output networks.
     */
    @Test
    void aNetworkHasALimitExactlyWhenEveryLayerKindHasOneAndItHasOneOutput() {
        for (Arch arch : Arch.values()) {
            NetworkSpec spec = Fixtures.spec(arch, "relu", 4, 8, DEPTH);
            boolean everyLayer = true;
            for (int h = 1; h <= spec.depth(); h++) everyLayer &= spec.layerKind(h).hasLimit();
            assertEquals(everyLayer, spec.hasLimit(), arch.toString());
            assertEquals(spec.hasLimit(), spec.noLimitReason().isEmpty(), arch + ": " + spec.noLimitReason());
            assertEquals(Arch.seed004().contains(arch), spec.hasLimit(), arch + ": seed 004's networks (and Du et al.'s) are the ones with limits");
        }
        assertTrue(Fixtures.spec(Arch.NO_IDENTITY, "relu", 4, 4, 2).noLimitReason().orElseThrow().contains(DenseLayer.FIXED_WIDTH_KIND.name()));
        NetworkSpec classes = Fixtures.spec(Arch.FC, "relu", 4, 8, 2, 3);
        assertFalse(classes.hasLimit());
        assertTrue(classes.noLimitReason().orElseThrow().contains("3 outputs"), classes.noLimitReason().orElseThrow());
    }
}
