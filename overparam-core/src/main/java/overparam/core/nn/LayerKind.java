package overparam.core.nn;

import java.util.Optional;
import overparam.core.linalg.Matrix;

/**
 * A kind of hidden layer with both of its faces, as each neural-tangents stax layer returns apply_fn and kernel_fn
 * together: the finite layer built around its weight matrix, and the same layer at infinite width (a map of kernel
 * states), or the reason it has none. A kind is a constant in its layer's own file ({@link DenseLayer#KIND},
 * {@link ResidualLayer#KIND}, ...), made by one of the two factories below, so a kind cannot be declared without
 * saying what happens at infinite width; {@link Arch#layerKind} says which kind layer h of each network is.
 * <p>
 * The Gram contribution G^(h) = (B_h B_h^T) o (phi(X_{h-1}) phi(X_{h-1})^T) is not part of a kind: it is the same
 * formula for every layer whose parameter is one dense weight matrix, so {@link LayerGram} computes it for all of
 * them from the signals and inputs the layers leave in the {@link Workspace}.
 */
public final class LayerKind {
    /** Hidden layer h of the network {@code spec} around its weights W^(h) (width x fanIn). */
    @FunctionalInterface
    public interface Builder {
        Layer build(Matrix weights, Activation activation, NetworkSpec spec, int h);
    }

    /**
     * Hidden layer h of {@code spec} at infinite width: (K^(h-1), b^(h-1), Theta so far) to (K^(h), b^(h), Theta),
     * as stax's kernel_fn. Consumes the input state; returns the output state.
     */
    @FunctionalInterface
    public interface KernelMap {
        KernelState apply(KernelState in, NetworkSpec spec, int h);
    }

    private final String name;
    private final Builder builder;
    private final KernelMap limit;              // null exactly when noLimitReason is not
    private final String noLimitReason;

    private LayerKind(String name, Builder builder, KernelMap limit, String noLimitReason) {
        this.name = name;
        this.builder = builder;
        this.limit = limit;
        this.noLimitReason = noLimitReason;
    }

    /** A kind whose width can grow: its finite layer and its kernel map. */
    public static LayerKind withLimit(String name, Builder builder, KernelMap limit) {
        if (limit == null) throw new IllegalArgumentException(name + ": a kernel map is required (or use withoutLimit with the reason)");
        return new LayerKind(name, builder, limit, null);
    }

    /** A kind with no infinite-width limit, and why (reported to whoever asks for the limit of a network using it). */
    public static LayerKind withoutLimit(String name, Builder builder, String reason) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException(name + ": say why there is no infinite-width limit");
        return new LayerKind(name, builder, null, reason);
    }

    public String name() { return name; }

    /** The finite layer h of {@code spec} around W^(h). */
    public Layer build(Matrix weights, Activation activation, NetworkSpec spec, int h) {
        return builder.build(weights, activation, spec, h);
    }

    /** The kind's infinite-width map; empty when it has none ({@link #noLimitReason()} says why). */
    public Optional<KernelMap> limit() { return Optional.ofNullable(limit); }

    public boolean hasLimit() { return limit != null; }

    /** Why the kind has no infinite-width limit; empty when it has one. */
    public Optional<String> noLimitReason() { return Optional.ofNullable(noLimitReason); }

    @Override public String toString() { return name; }
}
