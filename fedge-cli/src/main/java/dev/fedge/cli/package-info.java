/**
 * The {@code fedge} command line: {@link dev.fedge.cli.Fedge} is the entry point, with one picocli
 * class per subcommand. Errors become exit codes in one place, {@link dev.fedge.cli.Fedge#execute}.
 */
package dev.fedge.cli;
