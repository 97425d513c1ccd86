package dev.fedge.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.fedge.bench.fixture.ImportsEverything;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arrows of the design map, checked on the compiled classes of each product module (found by
 * the code source of one of its classes, so a module's target/classes or its jar): DJL only in
 * fedge-ml, gRPC only in fedge-transport, JDBC only in the server's state package and the web's
 * SQLite view of it, and fedge-strategy on fedge-api and the JDK alone.
 */
class ArchitectureTest {

  /** One class of each product module; fedge-bench itself is left out. */
  private static final List<Class<?>> MODULES = List.of(
      dev.fedge.api.Parameters.class,
      dev.fedge.strategy.FedAvg.class,
      dev.fedge.data.Datasets.class,
      dev.fedge.ml.DjlRuntime.class,
      dev.fedge.transport.FederationClient.class,
      dev.fedge.server.FederationServer.class,
      dev.fedge.client.AgentSettings.class,
      dev.fedge.fleet.AnsibleFormat.class,
      dev.fedge.web.WebServer.class,
      dev.fedge.cli.Fedge.class);

  static final ArchRule NO_DJL = noClasses().should().dependOnClassesThat()
      .resideInAPackage("ai.djl..").because("DJL is used only by fedge-ml");

  static final ArchRule NO_GRPC = noClasses().should().dependOnClassesThat()
      .resideInAnyPackage("io.grpc..", "com.google.protobuf..")
      .because("gRPC is used only by fedge-transport");

  static final ArchRule SQL_IN_STATE = noClasses()
      .that().resideOutsideOfPackages("dev.fedge.server.state..", "dev.fedge.web.view..")
      .should().dependOnClassesThat().resideInAPackage("java.sql..")
      .because("JDBC is used only by the server's state package and the web's view of it");

  static final ArchRule STRATEGY_ON_API = classes().should().onlyDependOnClassesThat()
      .resideInAnyPackage("dev.fedge.api..", "dev.fedge.strategy..", "java..")
      .because("a strategy sees fedge-api and the JDK alone");

  @Test
  void djlOnlyInFedgeMl() {
    for (Class<?> anchor : MODULES) {
      if (anchor != dev.fedge.ml.DjlRuntime.class) {
        NO_DJL.check(module(anchor));
      }
    }
    NO_DJL.check(module(dev.fedge.cli.BenchCommand.class));
  }

  @Test
  void grpcOnlyInFedgeTransport() {
    for (Class<?> anchor : MODULES) {
      if (anchor != dev.fedge.transport.FederationClient.class) {
        NO_GRPC.check(module(anchor));
      }
    }
  }

  @Test
  void jdbcOnlyInTheStatePackages() {
    for (Class<?> anchor : MODULES) {
      SQL_IN_STATE.check(module(anchor));
    }
  }

  @Test
  void strategyDependsOnApiAndJdkOnly() {
    STRATEGY_ON_API.check(module(dev.fedge.strategy.FedAvg.class));
  }

  @Test
  void everyRuleFailsOnAFixtureThatBreaksIt() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ImportsEverything.class);
    for (ArchRule rule : List.of(NO_DJL, NO_GRPC, SQL_IN_STATE, STRATEGY_ON_API)) {
      AssertionError e = assertThrows(AssertionError.class, () -> rule.check(fixture));
      assertTrue(e.getMessage().contains(ImportsEverything.class.getName()), e.getMessage());
    }
  }

  private static JavaClasses module(Class<?> anchor) {
    URL root = anchor.getProtectionDomain().getCodeSource().getLocation();
    JavaClasses classes = new ClassFileImporter().importUrl(root);
    assertTrue(classes.contain(anchor), "no " + anchor.getName() + " in " + root);
    return classes;
  }
}
