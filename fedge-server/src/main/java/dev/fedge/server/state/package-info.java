/**
 * The server's state in SQLite through JDBC (one file): runs, completed rounds with their
 * participants and metrics, devices with their facts and telemetry, and events. The tables are
 * documented in {@code schema.sql} next to these classes; {@link
 * dev.fedge.server.state.StateStore} is the only class that writes them.
 */
package dev.fedge.server.state;
