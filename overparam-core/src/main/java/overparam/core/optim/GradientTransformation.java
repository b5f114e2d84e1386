package overparam.core.optim;

/**
 * One piece of an optimizer, as in optax: it takes every parameter's update (at first its gradient) and its own state,
 * and transforms the updates in place. {@link Chain} composes pieces; {@link Descent} adds the result to the
 * parameters. Scaling, weight decay, momentum and schedules are one class each, and so would be clipping, masks or
 * noise.
 */
public interface GradientTransformation extends AutoCloseable {
    /** Makes the state for these parameters' updates (once per run; no allocation in a step). */
    default void init(Update[] updates) {}

    /** One step: transforms updates[i], the update of parameter i, for every i. */
    void update(Update[] updates);

    /** Frees the state. */
    @Override default void close() {}
}
