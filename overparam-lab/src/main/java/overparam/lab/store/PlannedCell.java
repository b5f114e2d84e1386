package overparam.lab.store;

import com.fasterxml.jackson.databind.JsonNode;

/** A cell the experiment's spec asks for, finished or not: what a check counts its cells against. */
public record PlannedCell(String cell, JsonNode config) implements Configured {}
