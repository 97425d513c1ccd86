package dev.fedge.cli;

/**
 * A top-level {@code fedge} subcommand contributed by a module the CLI does not depend on (e.g.
 * {@code fedge bench} from fedge-bench). Implementations are picocli {@code @Command} classes with a
 * public no-argument constructor, listed in {@code META-INF/services/dev.fedge.cli.Subcommand};
 * {@link Fedge} adds each one found on the classpath through {@link java.util.ServiceLoader}.
 */
public interface Subcommand {}
