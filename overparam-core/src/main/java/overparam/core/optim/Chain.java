package overparam.core.optim;

import java.util.List;

/** optax's chain: the transformations applied one after another, each to the updates the one before it left. */
public final class Chain implements GradientTransformation {
    private final GradientTransformation[] transforms;      // an array: a step iterates without allocating

    public Chain(List<GradientTransformation> transforms) {
        this.transforms = transforms.toArray(GradientTransformation[]::new);
    }

    public List<GradientTransformation> transforms() { return List.of(transforms); }

    @Override public void init(Update[] updates) {
        for (GradientTransformation t : transforms) t.init(updates);
    }

    @Override public void update(Update[] updates) {
        for (GradientTransformation t : transforms) t.update(updates);
    }

    @Override public void close() {
        for (GradientTransformation t : transforms) t.close();
    }

    /** The transforms in order, e.g. chain(scale_by_batch(30 / 8), trace(0.9), scale_by_learning_rate(0.1, cosine)). */
    @Override public String toString() {
        StringBuilder b = new StringBuilder("chain(");
        for (int i = 0; i < transforms.length; i++) b.append(i == 0 ? "" : ", ").append(transforms[i]);
        return b.append(')').toString();
    }
}
