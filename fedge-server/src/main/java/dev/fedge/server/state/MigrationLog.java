package dev.fedge.server.state;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's log for fedge: its progress lines ("Migrating schema ... to version 2") are dropped, so
 * that a server's start stays one line per notable thing; its warnings and errors go to stderr,
 * one line each. Public only because Flyway makes its loggers by class name.
 */
public final class MigrationLog implements LogCreator {

  /** Made by Flyway. */
  public MigrationLog() {}

  @Override
  public Log createLogger(Class<?> clazz) {
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return false;
      }

      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {}

      @Override
      public void notice(String message) {}

      @Override
      public void warn(String message) {
        System.err.println("fedge state: " + StateDb.firstLine(message));
      }

      @Override
      public void error(String message) {
        System.err.println("fedge state: " + StateDb.firstLine(message));
      }

      @Override
      public void error(String message, Exception e) {
        error(message);
      }
    };
  }
}
