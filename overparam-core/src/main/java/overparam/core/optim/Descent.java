package overparam.core.optim;

/**
 * One run's optimizer at work (optax's update then apply_updates): at each step every parameter's gradient goes
 * through the transformation and theta += update. The updates and the transformation's state are made here, once.
 */
public final class Descent implements AutoCloseable {
    private final Gradients gradients;
    private final GradientTransformation transform;
    private final Update[] updates;

    public Descent(GradientTransformation transform, Gradients gradients) {
        this.gradients = gradients;
        this.transform = transform;
        updates = new Update[gradients.count()];
        for (int i = 0; i < updates.length; i++) updates[i] = new Update(gradients, i);
        transform.init(updates);
    }

    /** One step from the gradients of the last forward pass. */
    public void step() {
        gradients.prepare();
        for (Update u : updates) u.reset();
        transform.update(updates);
        for (Update u : updates) u.apply();
    }

    @Override public void close() { transform.close(); }

    @Override public String toString() { return transform.toString(); }
}
