package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BenchAggregateCommandTest {

  /** Exit code and output of one in-process run. */
  private record Run(int code, String out, String err) {
    static Run of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Fedge.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Run(code, out.toString(), err.toString());
    }

    long errLines() {
      return err.lines().filter(l -> !l.isBlank()).count();
    }
  }

  @Test
  void fedavg_printsOneCheckedRowPerUpdateCount() {
    Run r = Run.of("bench", "aggregate", "--params", "3000000", "--updates", "2,3");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("strategy fedavg, 3,000,000 float32 parameters"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| 2 | ")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| 3 | ")), r.out());
    assertEquals(2, r.out().lines().filter(l -> l.contains("weighted mean ok")).count(), r.out());
  }

  @Test
  void bufferingStrategy_runsWithItsOptions() {
    Run r =
        Run.of(
            "bench", "aggregate", "--params", "1000", "--updates", "5", "--strategy",
            "fedtrimmedavg", "--strategy-opt", "beta=0.1");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| 5 | ") && r.out().contains("n/a (fedtrimmedavg)"), r.out());
  }

  @Test
  void badInput_isOneLineWithExitCode2() {
    Run params = Run.of("bench", "aggregate", "--params", "0");
    Run updates = Run.of("bench", "aggregate", "--params", "10", "--updates", "3,0");
    Run strategy = Run.of("bench", "aggregate", "--params", "10", "--strategy", "fedfoo");
    Run option =
        Run.of("bench", "aggregate", "--params", "10", "--strategy", "fedprox",
            "--strategy-opt", "mu=-1");

    assertEquals(2, params.code());
    assertEquals("fedge: --params: must be >= 1, got 0", params.err().strip());
    assertEquals(2, updates.code());
    assertEquals("fedge: --updates: each must be >= 1, got 0", updates.err().strip());
    assertEquals(2, strategy.code());
    assertTrue(strategy.err().startsWith("fedge: unknown strategy 'fedfoo'; known strategies: fedavg,"));
    assertEquals(1, strategy.errLines());
    assertEquals(2, option.code());
    assertEquals("fedge: fedprox: option 'mu' must be >= 0.0, got -1.0", option.err().strip());
  }
}
