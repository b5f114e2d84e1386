package overparam.core.linalg;

/**
 * A symmetric linear map on R^P given by its action, out = A v (a Hessian-vector product, or an explicit matrix in
 * tests): what {@link Lanczos} and {@link Hutchinson} need, never the matrix itself. v and out are P x 1.
 */
@FunctionalInterface
public interface SymmetricOperator {
    void apply(Matrix v, Matrix out);
}
