package overparam.lab.run;

import overparam.core.BadInputException;
import overparam.core.instruments.GramInstrument;
import overparam.core.instruments.MovementInstrument;
import overparam.core.instruments.PatternInstrument;
import overparam.core.instruments.TestInstrument;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.Evaluator;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.Workspace;
import overparam.lab.data.RunData;
import overparam.lab.plan.Instruments;
import overparam.lab.plan.Instruments.Instrument;
import overparam.lab.plan.RunPlan;
import overparam.lab.plan.StepSize;

/** Refuses a run whose buffers exceed the memory the machine can give, with the numbers, before allocating any. */
final class MemoryCheck {
    private MemoryCheck() {}

    static void require(RunPlan plan, NetworkSpec spec, RunData data, Instruments instruments, boolean limitKernel) {
        int n = data.train().n(), batch = plan.train().batchSize();
        int rows = batch > 0 && batch < n ? batch : n;
        boolean gram = instruments.has(Instrument.GRAM);
        long need = Network.bytes(spec) + Workspace.bytes(spec, rows);
        if (rows < n) need += Evaluator.bytes(spec, n) + Matrix.bytes(rows, spec.inputDim() + 1) + (instruments.needWholePass() ? Workspace.bytes(spec, n) : 0);
        if (data.test() != null) need += TestInstrument.bytes(spec, data.test().n());
        if (plan.train().hasVelocity()) need += Network.bytes(spec);          // the momentum trace: a copy of the weights
        if (gram) need += GramInstrument.bytes(spec, n);
        if (plan.train().eta() instanceof StepSize.Auto && !gram) need += GramInstrument.bytes(spec, n);
        if (instruments.has(Instrument.MOVEMENT)) need += MovementInstrument.bytes(spec);
        if (instruments.has(Instrument.PATTERN)) need += PatternInstrument.bytes(spec, n);
        if (plan.network().init() != null) need += Network.bytes(spec);                    // the file's arrays while they are copied
        if (limitKernel) need += Theory.bytes(n, spec.pixels());
        long available = Memory.availableBytes();
        if (need > available)
            throw new BadInputException("--width " + spec.width() + ": this run needs " + Memory.format(need) + " of memory (weights, "
                    + "activations for n = " + n + ", depth " + spec.depth() + (gram ? ", Gram matrices" : "")
                    + ") but only " + Memory.format(available) + " is available. Use a smaller --width, --depth or n"
                    + (gram ? ", or --instruments without gram" : "") + ".");
    }
}
