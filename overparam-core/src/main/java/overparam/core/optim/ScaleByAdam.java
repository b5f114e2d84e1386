package overparam.core.optim;

import overparam.core.linalg.Matrix;

/**
 * Adam's step direction (optax's scale_by_adam; Kingma and Ba 2015, Algorithm 1): with g the update so far and t the
 * step counted from 1,
 * m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,  u = m_hat / (sqrt(v_hat) + eps),
 * m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t). eps is added outside the square root, as in Algorithm 1 (and
 * optax's default eps_root = 0). m and v start at zero; the bias corrections undo that start. Three buffers per
 * parameter, made once in {@link #init}: m, v, and the formed update (g in, u out), so a step allocates nothing.
 * A later scale_by_learning_rate turns u into the step -eta u.
 */
public final class ScaleByAdam implements GradientTransformation {
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private final double beta1, beta2, eps;
    private Matrix[] m = new Matrix[0], v = new Matrix[0], u = new Matrix[0];
    private int t;

    public ScaleByAdam(double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be a positive finite number, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override public void init(Update[] updates) {
        close();
        m = new Matrix[updates.length];
        v = new Matrix[updates.length];
        u = new Matrix[updates.length];
        for (int i = 0; i < updates.length; i++) {
            Matrix p = updates[i].parameter();
            m[i] = Matrix.zeros(p.rows(), p.cols());
            v[i] = Matrix.zeros(p.rows(), p.cols());
            u[i] = Matrix.zeros(p.rows(), p.cols());
        }
        t = 0;
    }

    @Override public void update(Update[] updates) {
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);     // the bias corrections of step t
        for (int i = 0; i < updates.length; i++) {
            Matrix g = u[i], mi = m[i], vi = v[i];
            updates[i].accumulateInto(0, g);                                 // g = the update so far, formed
            int size = (int) g.size();
            for (int e = 0; e < size; e++) {
                double ge = g.get(e);
                double me = beta1 * mi.get(e) + (1 - beta1) * ge;
                double ve = beta2 * vi.get(e) + (1 - beta2) * ge * ge;
                mi.set(e, me);
                vi.set(e, ve);
                g.set(e, (me / c1) / (Math.sqrt(ve / c2) + eps));
            }
            updates[i].assign(g);
        }
    }

    /** m and v of parameter i (live), for tests. */
    Matrix firstMoment(int i) { return m[i]; }

    Matrix secondMoment(int i) { return v[i]; }

    @Override public void close() {
        for (Matrix[] buffers : new Matrix[][] {m, v, u}) for (Matrix b : buffers) b.close();
        m = v = u = new Matrix[0];
    }

    @Override public String toString() { return "scale_by_adam(" + beta1 + ", " + beta2 + ", " + eps + ")"; }
}
