package overparam.lab.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import overparam.core.linalg.Linalg;

/** The versions a result depends on, for summary.json: overparam, Java, the BLAS, the machine. */
public final class Versions {
    private Versions() {}

    public static String overparam() {
        try (InputStream in = Versions.class.getResourceAsStream("/overparam-version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static ObjectNode json() {
        ObjectNode v = Json.object();
        v.put("overparam", overparam());
        v.put("java", System.getProperty("java.version"));
        v.put("blas", Linalg.blasVersion());
        v.put("blas_threads", Linalg.threads());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("cores", Runtime.getRuntime().availableProcessors());
        return v;
    }
}
