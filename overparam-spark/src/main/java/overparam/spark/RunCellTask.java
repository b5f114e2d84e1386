package overparam.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import overparam.core.nn.RunStatus;
import overparam.core.nn.TrainingListener;
import overparam.lab.run.TrainRun;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The executor's side of a cell: the same TrainRun.execute the in-process executor calls, with the same configuration
 * (threads included) except its out, which is a scratch folder on the executor's disk (the driver's folder may not exist
 * there); the folder goes back to the driver whole and the scratch is removed. One partition holds one cell.
 */
final class RunCellTask extends AbstractFunction1<Iterator<CellTask>, CellReturn> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override public CellReturn apply(Iterator<CellTask> partition) {
        CellTask task = partition.next();
        if (partition.hasNext()) throw new IllegalStateException("a partition holds more than one cell");
        return run(task);
    }

    static CellReturn run(CellTask task) {
        long t0 = System.nanoTime();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("overparam-cell-");
            Path folder = scratch.resolve(task.folderName());
            RunStatus status = TrainRun.execute(task.config().with("out", folder.toString()), TrainingListener.NONE).result().status();
            return CellReturn.done(task.key(), status, (System.nanoTime() - t0) / 1e9, folder);
        } catch (Exception e) {
            return CellReturn.failed(task.key(), e);
        } finally {
            CellReturn.deleteRecursively(scratch);
        }
    }
}
