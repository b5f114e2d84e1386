package overparam.lab.check;

import java.util.Map;
import java.util.function.Predicate;
import overparam.lab.store.Configured;

/**
 * A cell filter from a spec: field -> condition, all of which must hold. A condition is a value (equality, numeric
 * when both sides are numbers) or one prefixed by >=, <=, >, < or != (e.g. width: ">=1024"), or alternatives separated by
 * | of which one must hold (activation: "softplus|tanh|erf").
 */
public final class Where {
    private Where() {}

    public static Predicate<Configured> of(Map<String, String> conditions) {
        if (conditions == null || conditions.isEmpty()) return c -> true;
        return c -> conditions.entrySet().stream().allMatch(e -> holds(c, e.getKey(), e.getValue()));
    }

    static boolean holds(Configured c, String field, String condition) {
        String cond = condition.trim();
        for (String op : new String[] {">=", "<=", "!=", ">", "<"}) {
            if (cond.startsWith(op)) {
                String rhs = cond.substring(op.length()).trim();
                double left = c.number(field), right = parse(rhs);
                if (op.equals("!=")) return Double.isNaN(right) ? !c.field(field).equals(rhs) : left != right;
                if (Double.isNaN(left) || Double.isNaN(right)) return false;
                return switch (op) {
                    case ">=" -> left >= right;
                    case "<=" -> left <= right;
                    case ">" -> left > right;
                    default -> left < right;
                };
            }
        }
        if (cond.contains("|")) {                                                  // alternatives: "softplus|tanh|erf"
            for (String alternative : cond.split("\\|")) if (!alternative.isBlank() && holds(c, field, alternative)) return true;
            return false;
        }
        double left = c.number(field), right = parse(cond);
        return !Double.isNaN(left) && !Double.isNaN(right) ? left == right : c.field(field).equals(cond);
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
