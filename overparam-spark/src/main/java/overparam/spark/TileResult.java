package overparam.spark;

import java.io.Serializable;
import overparam.lab.run.KernelTile;

/** What a Spark task sends back to the driver: the tile it computed, Theta's and the NNGP's entries row-major (rows x cols). */
record TileResult(KernelTile tile, double[] ntk, double[] nngp) implements Serializable {}
