package overparam.lab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.Init;
import overparam.core.nn.Loss;

/** The typed plan: every field parsed once, with the option's spelling in each refusal. */
public class RunPlanTest {
    static RunConfig base() {
        return RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 16).with("synthetic", "sphere").with("eta", "0.05");
    }

    public static String refusal(RunConfig c) {
        BadInputException e = assertThrows(BadInputException.class, () -> RunPlan.parse(c));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void fieldsBecomeTypedValuesWithTheirDefaults() {
        RunPlan p = RunPlan.parse(base().with("activation", "leaky-relu").with("leaky_slope", 0.2).with("init_scheme", "small")
                .with("lr_schedule", "step:10:0.5").with("instruments", "gram,pattern").with("limit_kernel", "off"));
        assertEquals(Arch.FC, p.network().arch());
        assertEquals(new Activation.LeakyRelu(0.2), p.network().activation());
        assertEquals(Init.SMALL, p.network().initScheme());
        assertEquals(Loss.SQUARED, p.train().loss());
        assertEquals(new StepSize.Fixed(0.05), p.train().eta());
        assertEquals("step:10:0.5", p.train().schedule().describe());
        assertEquals(LimitMode.OFF, p.limitKernel());
        assertTrue(p.instruments().has(Instruments.Instrument.GRAM) && !p.instruments().has(Instruments.Instrument.MOVEMENT));
        assertEquals("gram,pattern", p.instruments().toString());
        assertInstanceOf(DataPlan.SyntheticInputs.class, p.data().inputs());
        assertEquals(64, ((DataPlan.SyntheticInputs) p.data().inputs()).n());
        assertTrue(p.network().trained().all());
        assertNull(p.out());
        assertInstanceOf(StepSize.Auto.class, RunPlan.parse(base().with("eta", "AUTO")).train().eta());
    }

    /** Seed 002's width rule lives in one place: its networks are as wide as their input, whatever --width says. */
    @Test
    void seed002NetworksAreAsWideAsTheirInput() {
        NetworkPlan fc = RunPlan.parse(base().with("width", 32)).network();
        NetworkPlan identity = RunPlan.parse(base().with("arch", "identity-mapping").with("width", 32)).network();
        assertEquals(32, fc.widthFor(7));
        assertEquals(7, identity.widthFor(7));
        assertEquals(7, identity.spec(7, new int[] {7}, "x", 1).width());
    }

    /** Moved from the core's SubsetsTest with the checks: the plan refuses a fraction outside its range, naming the option. */
    @Test
    void refusesFractionsOutsideTheirRangeNamingTheOption() {
        for (double fraction : new double[] {-0.1, 1.1, Double.NaN})
            assertTrue(refusal(base().with("label_noise", fraction)).contains("--label-noise"));
        for (double fraction : new double[] {-0.1, 1, 1.5, Double.NaN})
            assertTrue(refusal(base().with("test_fraction", fraction)).contains("--test-fraction"));
    }

    /**
     * --label-noise-sd: unset is 0; a finite sigma >= 0 is taken, with the run's seed as its stream's seed (not the data seed);
     * a negative or non-finite sigma, class labels (logistic, cross-entropy) and fresh samples are refused naming the option.
     */
    @Test
    void gaussianLabelNoiseIsARealLabelsOption() {
        assertEquals(0.0, RunPlan.parse(base()).data().labelNoiseSd());
        DataPlan d = RunPlan.parse(base().with("label_noise_sd", 0.5).with("seed", 7L).with("data_seed", 3L)).data();
        assertEquals(0.5, d.labelNoiseSd());
        assertEquals(7L, d.noiseSeed());
        assertEquals(3L, d.seed());
        assertFalse(RunConfigTest.empty().toJson().has("label_noise_sd") || RunConfigTest.empty().withDefaults().toJson().has("label_noise_sd"),
                "unset stays unset: configurations written before the option read the same");
        for (double sd : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
            assertTrue(refusal(base().with("label_noise_sd", sd)).contains("--label-noise-sd"));
        for (String loss : new String[] {"logistic", "cross-entropy", "exponential", "one-hot-squared"}) {
            String m = refusal(base().with("label_noise_sd", 0.5).with("loss", loss));
            assertTrue(m.contains("--label-noise-sd") && m.contains("--loss " + loss), m);
        }
        assertEquals(0.0, RunPlan.parse(base().with("label_noise_sd", 0.0).with("loss", "logistic")).data().labelNoiseSd(), "sigma 0 adds nothing to refuse");
        String fresh = refusal(base().with("label_noise_sd", 0.5).with("labels_from", "teacher").with("fresh_samples", true).with("batch_size", 8));
        assertTrue(fresh.contains("--label-noise-sd") && fresh.contains("--fresh-samples"), fresh);
    }

    /** --loss lp:P and exponential become their losses; an exponent below 2 or not a number is refused naming --loss and the fix. */
    @Test
    void lpAndExponentialLossesAndTheirRefusals() {
        assertEquals(Loss.lp(4), RunPlan.parse(base().with("loss", "lp:4")).train().loss());
        assertEquals(Loss.lp(2.5), RunPlan.parse(base().with("loss", "LP:2.5")).train().loss());
        assertEquals("lp:2", RunPlan.parse(base().with("loss", "lp:2.0")).train().loss().cliName());
        assertSame(Loss.EXPONENTIAL, RunPlan.parse(base().with("loss", "exponential")).train().loss());
        for (String bad : new String[] {"lp:1.5", "lp:1", "lp:abc", "lp:", "lp:NaN", "lp:inf", "lp:-4", "lp:1e400"}) {
            String message = refusal(base().with("loss", bad));
            assertTrue(message.startsWith("--loss " + bad + ":") && message.contains("P >= 2") && message.contains("e.g. --loss lp:4"), bad + ": " + message);
        }
        String unknown = refusal(base().with("loss", "hinge"));
        assertTrue(unknown.contains("exponential") && unknown.contains("lp:P") && unknown.contains("cross-entropy"), unknown);
    }

    @Test
    void everyRefusalNamesItsOption() {
        String[][] cases = {
            {"arch", "transformer", "--arch transformer"}, {"activation", "swish", "--activation swish"}, {"loss", "hinge", "--loss hinge"},
            {"eta", "fast", "--eta fast"}, {"eta", "0", "--eta 0"}, {"lr_schedule", "step:0:2", "--lr-schedule step:0:2"},
            {"init_scheme", "he", "--init-scheme he"}, {"instruments", "gram,magic", "--instruments gram,magic"},
            {"limit_kernel", "maybe", "--limit-kernel maybe"}, {"train_layers", "W9", "--train-layers W9"}, {"synthetic", "cube", "--synthetic cube"},
            {"labels_from", "oracle", "--labels-from oracle"}, {"pixels", "4x4", "--pixels 4x4"}, {"classes", "0,1", "--classes"},
        };
        for (String[] c : cases) {
            String message = refusal(base().with(c[0], c[1]));
            assertTrue(message.contains(c[2]), c[0] + " = " + c[1] + ": " + message);
        }
        assertTrue(refusal(base().with("steps", -3)).contains("--steps -3"));
        assertTrue(refusal(base().with("depth", 0)).contains("--depth 0"));
        assertTrue(refusal(base().with("arch", "resnet").with("depth", 1)).contains("--depth 1"));
        assertTrue(refusal(base().with("arch", "resnet").with("c_res", -1.0)).contains("--c-res"));
        assertTrue(refusal(base().with("momentum", 1.0)).contains("--momentum"));
        assertTrue(refusal(base().with("leaky_slope", 1.5).with("activation", "leaky-relu")).contains("--leaky-slope"));
        assertTrue(refusal(base().with("activation", "prelu")).contains("--activation prelu"));
        assertTrue(refusal(base().with("eta", null)).contains("--eta: missing"));
        assertTrue(refusal(base().with("data", "X.npy")).contains("--data and --synthetic"));
        assertTrue(refusal(base().with("fresh_samples", true)).contains("--fresh-samples"));
        assertTrue(refusal(base().with("synthetic", "subspace")).contains("needs --subspace-dim D"));
        assertTrue(refusal(base().with("subspace_dim", 3)).contains("--subspace-dim 3: only for --synthetic subspace"));
        assertTrue(refusal(base().with("synthetic", "subspace").with("subspace_dim", 11).with("d", 10)).startsWith("--subspace-dim 11:"));
        assertTrue(refusal(base().with("synthetic", "subspace").with("subspace_dim", 0)).startsWith("--subspace-dim 0:"));
        assertTrue(refusal(base().with("threads", 0)).contains("--threads 0"));
        assertTrue(refusal(base().with("arch", "conv-resnet").with("pixels", "4x4").with("patch", 2)).contains("--patch 2"));
    }

    /** --kernel-predict: off unless given; refused in one line without a limit or a labelled test set, naming the fix. */
    @Test
    void kernelPredictNeedsALimitAndALabelledTestSet() {
        assertFalse(RunPlan.parse(base()).kernelPredict());
        assertTrue(RunPlan.parse(base().with("kernel_predict", true).with("test_n", 20)).kernelPredict());
        assertTrue(RunPlan.parse(base().with("kernel_predict", true).with("test_fraction", 0.2)).kernelPredict());
        String noTest = refusal(base().with("kernel_predict", true));
        assertTrue(noTest.startsWith("--kernel-predict: needs a labelled test set") && noTest.contains("--test-n N"), noTest);
        String noLimit = refusal(base().with("kernel_predict", true).with("test_n", 20).with("arch", "identity-mapping"));
        assertTrue(noLimit.startsWith("--kernel-predict: --arch identity-mapping hidden layer 1") && noLimit.contains("use --arch fc"), noLimit);
        assertTrue(refusal(base().with("kernel_predict", true).with("test_n", 20).with("arch", "linear").with("depth", 1))
                .contains("has no hidden layer"));
        RunConfig files = RunConfigTest.empty().with("arch", "fc").with("eta", "0.1").with("data", "X.npy").with("labels", "y.npy").with("kernel_predict", true);
        assertTrue(refusal(files.with("test_data", "Xt.npy")).contains("give --test-labels y_test.npy"));
        assertTrue(refusal(files).contains("--test-data X_test.npy --test-labels y_test.npy, or --test-fraction F"));
        assertTrue(refusal(base().with("synthetic", null).with("data", "fashion-mnist").with("test_per_class", 0).with("kernel_predict", true))
                .contains("--test-per-class K > 0"));
        assertTrue(refusal(base().with("synthetic", null).with("data", "wine").with("classes", "1,2").with("kernel_predict", true)).contains("--test-fraction F"));
        assertEquals(0.0, RunPlan.parse(base().with("kernel_predict", true).with("test_n", 20)).kernelRidge(), 0.0);
        assertEquals(1e-6, RunPlan.parse(base().with("kernel_predict", true).with("test_n", 20).with("kernel_ridge", 1e-6)).kernelRidge(), 0.0);
        assertTrue(refusal(base().with("kernel_ridge", 1e-6)).startsWith("--kernel-ridge 1.0E-6: the ridge of --kernel-predict's kernels; add --kernel-predict"));
        assertTrue(refusal(base().with("kernel_predict", true).with("test_n", 20).with("kernel_ridge", -1.0)).startsWith("--kernel-ridge -1.0"));
    }

    /** The gradient-noise instrument's K and b: defaults, and each refusal names its option. */
    @Test
    void gradientNoiseOptions() {
        RunConfig noise = base().with("instruments", "gradient-noise").with("batch_size", 8);
        assertEquals(new NoisePlan(NoisePlan.DEFAULT_BATCHES, 8, false), RunPlan.parse(noise).train().noise());
        assertEquals(new NoisePlan(5, 4, true), RunPlan.parse(noise.with("noise_batches", 5).with("noise_batch_size", 4)).train().noise());
        assertFalse(RunPlan.parse(base()).instruments().has(Instruments.Instrument.GRADIENT_NOISE), "all leaves out the costly gradient-noise");
        assertTrue(refusal(noise.with("noise_batches", 1)).startsWith("--noise-batches 1"));
        assertTrue(refusal(noise.with("noise_batch_size", 0)).startsWith("--noise-batch-size 0"));
        assertTrue(refusal(noise.with("noise_batch_size", 64).with("n", 64)).startsWith("--noise-batch-size 64"));
        assertTrue(refusal(noise.with("batch_size", 64).with("n", 64)).startsWith("--batch-size 64"));
        assertTrue(refusal(base().with("noise_batches", 8)).contains("add gradient-noise to --instruments".replace("add", "Add")));
    }
}
